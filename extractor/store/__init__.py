"""The indicator database: ingest extractions into SQLite, search, export, serve.

    open_db(path) -> sqlite3.Connection        schema + WAL + Vietnamese labels (db.py)
    ingest(paths, db_path, *, jobs=1, use_ner=True, progress=None, on_error=None, extract=None)
        -> IngestStats                          one transaction per document (ingest.py)
    search(db_path, query, province=None, scheme=None, metric=None,
           date_from=None, date_to=None, limit=50) -> list[dict]       (search.py)
    print_rows(results, fmt) / format_results(results, fmt) / results_tables(results)
    read_records(db) -> pandas.DataFrame ; export(db_path, out_path, fmt) -> int (export.py)
    serve(db_path, port=8001, host="127.0.0.1", open_browser=False)    (serve.py)

Nothing here extracts (extractor.pipeline) or audits (extractor.audit).
"""
from __future__ import annotations

from .db import open_db
from .export import export, read_records
from .ingest import IngestStats, ingest, store_extraction
from .search import SearchError, format_results, print_rows, results_tables, search
from . import serve as _serve_module  # noqa: E402 -- the function below takes over the name


def serve(db_path, port: int = 8001, host: str = "127.0.0.1", open_browser: bool = False) -> int:
    """Serve the database read-only with Datasette until Ctrl-C (see serve.py)."""
    return _serve_module.serve(db_path, port=port, host=host, open_browser=open_browser)


__all__ = ["open_db", "ingest", "IngestStats", "store_extraction", "search", "SearchError",
           "format_results", "print_rows", "results_tables", "read_records", "export", "serve"]
