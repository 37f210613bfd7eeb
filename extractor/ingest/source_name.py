"""How a file's path is written in outputs (records' `source`, the database).

A file name that is not valid UTF-8 (Latin-1 bytes from an old archive) reaches
Python as a str with surrogate escapes, which no UTF-8 file or SQLite database can
hold. `printable_path` writes those bytes as `\\xNN` instead: readable, stable from run
to run, and unchanged for every ordinary name. It does not open or check the file;
keep the original path for that.
"""
from __future__ import annotations

import os


def printable_path(path: str | os.PathLike) -> str:
    """`path` as text any UTF-8 output can hold (surrogate-escaped bytes as \\xNN)."""
    text = os.fspath(path)
    if isinstance(text, bytes):
        return text.decode("utf-8", "backslashreplace")
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


__all__ = ["printable_path"]
