"""Records out of the database: a pandas DataFrame, or a csv / parquet / xlsx file.

One row per record, with region, period and comparison period flattened into
columns and the source document's title, date and type alongside. A range value
has `value` empty and `value_lo`/`value_hi` set; a single value fills all three.

It does not filter (search.py does) or check anything (audit/ does).
"""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pandas as pd

from .db import connect

FORMATS = ("csv", "parquet", "xlsx", "json", "jsonl")

COLUMNS = {
    "record_id": "r.id", "source": "r.source",
    "region_name": "r.region_name", "region_level": "r.region_level",
    "region_province": "r.province", "region_code": "r.region_code",
    "region_current_province": "r.current_province",
    "scheme": "r.scheme", "metric": "r.metric",
    "value": "r.value", "value_lo": "r.value_lo", "value_hi": "r.value_hi",
    "unit": "r.unit", "qualifier": "r.qualifier",
    "period_start": "r.period_start", "period_end": "r.period_end",
    "period_start_date": "r.period_start_date", "period_end_date": "r.period_end_date",
    "year": "r.year",
    "compared_to_start": "r.compared_start", "compared_to_end": "r.compared_end",
    "evidence_text": "r.evidence_text", "evidence_start": "r.evidence_start",
    "evidence_end": "r.evidence_end", "value_text": "r.value_text",
    "confidence": "r.confidence", "method": "r.method",
    "doc_id": "d.id", "doc_title": "d.title", "doc_published": "d.published",
    "doc_type": "d.doc_type", "doc_sha256": "d.sha256", "record_seq": "r.seq",
}
_INT_COLUMNS = ("record_id", "evidence_start", "evidence_end", "year", "doc_id", "record_seq")


def read_records(db: str | os.PathLike | sqlite3.Connection) -> pd.DataFrame:
    """All records of the database at `db` (a path or an open connection), one row each.

    Columns: see `COLUMNS` (region_*, scheme, metric, value/value_lo/value_hi, unit,
    qualifier, period_*, compared_to_*, evidence_*, value_text, confidence, method,
    doc_*). Ordered by document and position in it.
    """
    own = not isinstance(db, sqlite3.Connection)
    if own and not os.path.exists(db):
        raise FileNotFoundError(f"no database at {db}")
    conn = connect(db, readonly=True) if own else db
    try:
        sql = ("SELECT " + ", ".join(f"{expr} AS {name}" for name, expr in COLUMNS.items()) +
               " FROM records r JOIN documents d ON d.id = r.doc_id ORDER BY d.id, r.seq")
        cur = conn.execute(sql)
        rows = [tuple(r) for r in cur.fetchall()]
    finally:
        if own:
            conn.close()
    df = pd.DataFrame.from_records(rows, columns=list(COLUMNS))
    for c in ("value", "value_lo", "value_hi", "confidence"):
        df[c] = pd.to_numeric(df[c], errors="coerce").astype("float64")
    for c in _INT_COLUMNS:
        df[c] = pd.to_numeric(df[c], errors="coerce").astype("Int64")
    return df


def export(db_path: str | os.PathLike, out_path: str | os.PathLike, fmt: str | None = None) -> int:
    """Write every record to `out_path` as csv, parquet, xlsx, json or jsonl; returns the row count.

    `fmt` defaults to the file's extension. CSV is UTF-8 (no BOM); xlsx opens in Excel
    with Vietnamese intact.
    """
    fmt = (fmt or Path(out_path).suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (one of {', '.join(FORMATS)})")
    df = read_records(db_path)
    out_path = Path(out_path)
    if out_path.parent and not out_path.parent.exists():
        out_path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        df.to_csv(out_path, index=False, encoding="utf-8")
    elif fmt == "parquet":
        df.to_parquet(out_path, index=False, engine="pyarrow")
    elif fmt == "xlsx":
        df.to_excel(out_path, index=False, sheet_name="records", engine="openpyxl")
    elif fmt == "json":
        df.to_json(out_path, orient="records", force_ascii=False, indent=1)
    else:
        df.to_json(out_path, orient="records", force_ascii=False, lines=True)
    return len(df)
