"""extractor: coverage figures (BHYT, BHXH) from Vietnamese documents.

The public API of the contract (section 2):

    extract_text(text, *, source=None, published=None) -> Extraction
    normalize_number(text, context=None)
    normalize_date(text, reference=None)
    read_records(db) -> pandas.DataFrame
"""
from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["extract_text", "extract_file", "normalize_number", "normalize_date",
           "read_records", "__version__"]


def __getattr__(name):  # lazy: `import extractor` stays cheap
    if name in ("extract_text", "extract_file"):
        from . import pipeline
        return getattr(pipeline, name)
    if name in ("normalize_number", "normalize_date"):
        from . import normalize
        return getattr(normalize, name)
    if name == "read_records":
        from .store import read_records
        return read_records
    raise AttributeError(name)
