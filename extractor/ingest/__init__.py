"""ingest: files in, `Document`s out, plus each document's metadata.

    iter_inputs(paths)            -> (path, ReadError | None) for every input file
    read_path(path, limits=None)  -> Document (raises ReadError, and only that)
    read_with_timeout(path, limits=None) -> read_path under limits.timeout_s
    document_from_text(text, source=None) -> Document for a string
    extract_metadata(doc, text, published_hint=None) -> contract section 6 dict

Readers live one per format (text_reader, html_reader, pdf_reader,
docx_reader); decoding in encodings/legacy_fonts. Cleaning the text
(`cleanup.py`) and splitting sentences (`sentences.py`) are separate modules
of this package; nothing here finds figures.
"""
from __future__ import annotations

import hashlib

from ..model import Document
from .assemble import text_tables
from .discover import iter_inputs
from .errors import ReadError
from .legacy_fonts import detect_legacy
from .limits import DEFAULT_LIMITS, Limits
from .metadata import extract_metadata
from .read import SUPPORTED, read_path
from .timeout import read_with_timeout

__all__ = ["ReadError", "SUPPORTED", "Limits", "DEFAULT_LIMITS", "iter_inputs", "read_path",
           "read_with_timeout", "document_from_text", "extract_metadata"]


def document_from_text(text: str, source: str | None = None) -> Document:
    """A Document for text given as a string: kept exactly as given (offsets point into it).

    Text that looks typed in a legacy font (TCVN3/VNI) is not converted, since
    the caller's offsets must stay valid; a warning says so.
    """
    text = text or ""
    warnings = []
    legacy = detect_legacy(text)
    if legacy:
        warnings.append(f"text looks like {legacy} (legacy font) and was not converted; "
                        "read the file instead, or convert it first")
    return Document(source=source if source is not None else "<text>", text=text, format="string",
                    sha256=hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(),
                    encoding=None, tables=text_tables(text), warnings=warnings)
