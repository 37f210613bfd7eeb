"""Limits that keep one bad or huge input from stalling a run.

`Limits` is passed to `read_path`; every reader checks the ones that concern it:

- `max_bytes` (64 MB): any file larger than this is refused before it is read
  ("file too large (80.0 MB > 64 MB limit)").
- `max_text_bytes` (16 MB): plain text, Markdown and HTML files larger than this are
  refused. 16 MB of text is some 3,000 pages: a 50 MB text file is a dump, not a
  document, and would need gigabytes in the later stages, so it is refused clearly
  rather than processed slowly.
- `max_pages` (500): PDF pages read; the rest is skipped with a warning.
- `max_uncompressed_bytes` (256 MB): the most a DOCX may expand to (zip bomb guard).
- `timeout_s` (120 s): the time one file may take; enforced by
  `extractor.ingest.timeout.read_with_timeout`, not by `read_path` itself.
- `ocr_pages` (30): at most this many pages of a scanned PDF are OCRed.

Nothing here reads files.
"""
from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 64 * MB
    max_text_bytes: int = 16 * MB
    max_pages: int = 500
    max_uncompressed_bytes: int = 256 * MB
    timeout_s: float | None = 120.0
    ocr_pages: int = 30


DEFAULT_LIMITS = Limits()


def too_large(size: int, limit: int) -> str:
    """The ReadError reason for a file of `size` bytes over `limit`."""
    return f"file too large ({size / MB:.1f} MB > {limit / MB:g} MB limit)"
