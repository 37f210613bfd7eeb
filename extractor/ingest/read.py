"""`read_path(path, limits)`: one file -> `Document`, or a `ReadError` saying why not.

Checks the path (exists, a regular file, readable, a supported type, not too
large), reads the bytes once (their SHA-256 is the document's hash) and hands
them to the reader for the file type: text_reader (.txt, .md), html_reader
(.html, .htm), pdf_reader (.pdf), docx_reader (.docx). Whatever goes wrong, the
only exception that leaves is `ReadError` (a reader bug becomes "unexpected
error while reading: ..."). A document without any text is a ReadError too
("no text found"), so a caller never gets an empty Document. What a list of
sources beside the file says of it (`sources_list.py`) goes to `Document.hints`.

The time limit is not enforced here: see `timeout.read_with_timeout`.
"""
from __future__ import annotations

import hashlib
import os
import stat

from ..model import Document
from .errors import ReadError
from .limits import DEFAULT_LIMITS, Limits, too_large

SUPPORTED = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")
_TEXT_TYPES = (".txt", ".md", ".html", ".htm")


def extension(path: str) -> str:
    return os.path.splitext(path)[1].lower()


def unsupported_reason(path: str) -> str:
    ext = extension(path)
    return f"unsupported file type {ext}" if ext else "unsupported file type (no extension)"


def read_path(path: str, limits: Limits | None = None) -> Document:
    """Read one file (see the module docstring). Raises ReadError only."""
    limits = limits or DEFAULT_LIMITS
    path = os.fspath(path)
    try:
        return _read(path, limits)
    except ReadError:
        raise
    except MemoryError:
        raise ReadError(path, "out of memory while reading") from None
    except RecursionError:
        raise ReadError(path, "file too deeply nested to read") from None
    except Exception as e:  # a reader bug must not look like a crash of the whole run
        raise ReadError(path, f"unexpected error while reading: {type(e).__name__}: {e}") from None


def _read(path: str, limits: Limits) -> Document:
    ext = extension(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise ReadError(path, "no such file or folder") from None
    except PermissionError:
        raise ReadError(path, "permission denied") from None
    except OSError as e:
        raise ReadError(path, f"cannot read: {e.strerror or e}") from None
    if stat.S_ISDIR(st.st_mode):
        raise ReadError(path, "is a folder, not a file")
    if not stat.S_ISREG(st.st_mode):
        raise ReadError(path, "not a regular file")
    if ext not in SUPPORTED:
        raise ReadError(path, unsupported_reason(path))
    if st.st_size == 0:
        raise ReadError(path, "empty file")
    limit = min(limits.max_bytes, limits.max_text_bytes) if ext in _TEXT_TYPES else limits.max_bytes
    if st.st_size > limit:
        raise ReadError(path, too_large(st.st_size, limit))
    data = _read_bytes(path, limit, st.st_size)
    sha = hashlib.sha256(data).hexdigest()

    if ext in (".txt", ".md"):
        from .text_reader import document_from_bytes
        doc = document_from_bytes(data, path, ext[1:], sha)
    elif ext in (".html", ".htm"):
        from .html_reader import read_html
        doc = read_html(data, path, sha)
    elif ext == ".pdf":
        from .pdf_reader import read_pdf
        doc = read_pdf(data, path, sha, limits)
    else:
        from .docx_reader import read_docx
        doc = read_docx(data, path, sha, limits)
    if not doc.text.strip():
        raise ReadError(path, "no text found" + (f" ({'; '.join(doc.warnings)})" if doc.warnings else ""))
    _add_listed_source(doc, path)
    return doc


def _add_listed_source(doc: Document, path: str) -> None:
    """What a list of sources beside the file says of it (`sources_list`), as hints:
    "url" (unless the page gave its own) and "listed_published"."""
    from .sources_list import listed_source
    listed = listed_source(path)
    if listed.get("url"):
        doc.hints.setdefault("url", listed["url"])
    if listed.get("published"):
        doc.hints["listed_published"] = listed["published"]
    if listed.get("warning"):
        doc.warnings.append(listed["warning"])


def _read_bytes(path: str, limit: int, size: int) -> bytes:
    """The file's bytes, at most `limit` of them. `size` is what stat said: reading that
    much first (and the rest, if it grew) spares allocating `limit` bytes for every file."""
    try:
        with open(path, "rb") as f:
            data = f.read(min(size, limit) + 1)
            if len(data) > size:      # grew since stat: read on, up to the limit
                data += f.read(limit + 1 - len(data))
    except PermissionError:
        raise ReadError(path, "permission denied") from None
    except IsADirectoryError:
        raise ReadError(path, "is a folder, not a file") from None
    except OSError as e:
        raise ReadError(path, f"cannot read: {e.strerror or e}") from None
    if len(data) > limit:  # grew while we looked
        raise ReadError(path, too_large(len(data), limit))
    if not data:
        raise ReadError(path, "empty file")
    return data
