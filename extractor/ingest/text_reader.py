"""Plain text and Markdown files -> Document.

The bytes are decoded by `encodings.decode` (UTF-8/16, Windows-1258, TCVN3,
VNI); line endings become "\\n". The text is otherwise kept as it is (Markdown
markup included: the cleanup stage reads through it); Markdown pipe tables
("| a | b |") and tables aligned with spaces or tabs are also recorded as `Table`s
pointing into the text.
Nothing here cleans or interprets the text.
"""
from __future__ import annotations

from ..model import Document
from .assemble import text_tables
from .encodings import decode
from .errors import EncodingProblem, ReadError


def document_from_bytes(data: bytes, path: str, fmt: str, sha256: str) -> Document:
    try:
        dec = decode(data)
    except EncodingProblem as e:
        raise ReadError(path, str(e)) from None
    text = dec.text.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    return Document(source=path, text=text, format=fmt, sha256=sha256, encoding=dec.encoding,
                    tables=text_tables(text), warnings=list(dec.warnings))
