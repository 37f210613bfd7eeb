"""The one exception a reader raises: `ReadError(path, reason)`.

`str(e)` is "PATH: REASON", ready for the user ("corpus/a.pdf: encrypted PDF").
Readers raise nothing else for a bad input; `EncodingProblem` is internal to the
decoding step and is turned into a ReadError (with the path) by the reader.
"""
from __future__ import annotations


class ReadError(Exception):
    """A file that could not be read, with a reason a user can act on."""

    def __init__(self, path: str, reason: str):
        super().__init__(path, reason)
        self.path = str(path)
        self.reason = str(reason)

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


class EncodingProblem(ValueError):
    """Bytes that are not text in any encoding we read (the reason, without a path)."""
