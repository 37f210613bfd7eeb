"""Search the indicator database: full text (with or without diacritics) plus filters.

`search(db, "bac giang", metric="coverage_rate", date_from="2022")` returns the
matching records (kind 'record': the figure with its place, period, source and
an evidence snippet) followed by matching documents (kind 'document': title,
date and a snippet of the text), each list ranked by FTS5 bm25. Filters narrow
records directly and documents through their records (or, for province and
dates alone, through the document's own province, place names and date).
`format_results` / `results_table` present them as csv, json or a rich table.

It does not parse the query into FTS syntax (fts.py) and never writes to the db.
"""
from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
from typing import Any

from .db import connect, labels
from .fold import fold, nfc
from .fts import find_hits, match_expression, parse_query, snippet
from .periods import first_day, last_day

KINDS = ("record", "document")


class SearchError(ValueError):
    """A filter the search cannot use (e.g. an unreadable date). The query itself never fails."""


def _date_bound(text: str | None, which: str) -> str | None:
    if text is None or str(text).strip() == "":
        return None
    s = str(text).strip()
    day = first_day(s) if which == "from" else last_day(s)
    if day is None:
        try:
            from ..normalize import normalize_date
            iso = normalize_date(s)
        except Exception:  # noqa: BLE001 -- normalize may be absent or fail: report below
            iso = None
        if iso:
            day = first_day(iso) if which == "from" else last_day(iso)
    if day is None:
        raise SearchError(f"cannot read the date {s!r} (use e.g. 2022, 2022-06 or 2022-06-30)")
    return day


def _vocab_code(value: str | None, kind: str) -> str | None:
    """Accept a code ("BHYT", "coverage_rate") or its Vietnamese label, any case/diacritics."""
    if value is None or str(value).strip() == "":
        return None
    v = str(value).strip()
    table = labels().get(kind) or {}
    for code, label in table.items():
        if fold(nfc(v)) in (fold(str(code)), fold(nfc(str(label)))):
            return str(code)
    return v.upper() if kind == "schemes" else v


def _record_filters(province, scheme, metric, d_from, d_to) -> tuple[list[str], list[Any]]:
    where, args = [], []
    if province:
        p = fold(nfc(province)).strip()
        where.append("(r.province_folded = ? OR r.current_province_folded = ? "
                     "OR (r.region_level = 'province' AND r.region_folded = ?))")
        args += [p, p, p]
    if scheme:
        where.append("r.scheme = ?")
        args.append(scheme)
    if metric:
        where.append("r.metric = ?")
        args.append(metric)
    if d_from:
        where.append("r.period_end_date >= ?")
        args.append(d_from)
    if d_to:
        where.append("r.period_end_date <= ?")
        args.append(d_to)
    return where, args


def search(db_path: str | os.PathLike, query: str, province: str | None = None,
           scheme: str | None = None, metric: str | None = None,
           date_from: str | None = None, date_to: str | None = None,
           limit: int = 50, kinds: tuple[str, ...] = KINDS) -> list[dict]:
    """Records, then documents, matching `query` and the filters (up to `limit` of each).

    - `query`: any string. Words typed without diacritics match with or without them;
      words typed with them match as written. "Quoted words" are a phrase. A figure
      ("1.741.540" or "1741540") matches however it was written. Empty -> filters only
      (records only).
    - `province`: a province name, diacritics optional ("bac giang"); matches the
      record's province, its post-2025 province, or the province itself.
    - `scheme`, `metric`: a code (BHYT, coverage_rate) or its Vietnamese label.
    - `date_from`/`date_to`: ISO year, month or day ("2022", "2022-06"); a record
      matches when its as-of day (period end) is within [first day of `date_from`,
      last day of `date_to`]; a document without records by its publication date.
    Raises SearchError for an unreadable date; never an FTS5 error.
    """
    if not os.path.exists(db_path):
        raise SearchError(f"no database at {db_path}")
    d_from, d_to = _date_bound(date_from, "from"), _date_bound(date_to, "to")
    scheme, metric = _vocab_code(scheme, "schemes"), _vocab_code(metric, "metrics")
    terms = parse_query(query)
    expr = match_expression(terms)
    limit = max(1, int(limit))
    conn = connect(db_path, readonly=True)
    try:
        out: list[dict] = []
        if "record" in kinds:
            out += _search_records(conn, expr, terms, province, scheme, metric, d_from, d_to, limit)
        if "document" in kinds and expr:
            out += _search_documents(conn, expr, terms, province, scheme, metric, d_from, d_to,
                                     limit)
        return out
    finally:
        conn.close()


def _run(conn, sql: str, args: list) -> list[sqlite3.Row]:
    try:
        return conn.execute(sql, args).fetchall()
    except sqlite3.OperationalError as e:
        if "fts5" in str(e).lower() or "syntax" in str(e).lower():
            return []          # belt and braces: the query builder should never get here
        raise


def _value(row) -> Any:
    if row["value"] is None and row["value_lo"] is not None:
        return [row["value_lo"], row["value_hi"]]
    v = row["value"]
    return int(v) if v is not None and float(v).is_integer() else v


def _search_records(conn, expr, terms, province, scheme, metric, d_from, d_to, limit):
    where, args = _record_filters(province, scheme, metric, d_from, d_to)
    cols = ("r.id, r.region_name, r.region_level, r.province, r.current_province, r.scheme, "
            "r.metric, r.value, r.value_lo, r.value_hi, r.unit, r.qualifier, r.period_start, "
            "r.period_end, r.compared_end, r.value_text, r.evidence_text, r.source, "
            "d.title, d.published")
    if expr:
        sql = (f"SELECT {cols}, bm25(records_fts) AS score FROM records_fts "
               "JOIN records r ON r.id = records_fts.rowid JOIN documents d ON d.id = r.doc_id "
               "WHERE records_fts MATCH ?" + "".join(" AND " + w for w in where) +
               " ORDER BY score, r.id LIMIT ?")
        rows = _run(conn, sql, [expr, *args, limit])
    else:
        sql = (f"SELECT {cols}, NULL AS score FROM records r JOIN documents d ON d.id = r.doc_id"
               + (" WHERE " + " AND ".join(where) if where else "") +
               " ORDER BY r.province, r.region_level, r.region_name, r.period_end_date DESC, r.id"
               " LIMIT ?")
        rows = _run(conn, sql, [*args, limit])
    out = []
    for row in rows:
        text = row["evidence_text"] or ""
        snip, marks = snippet(text, find_hits(text, terms), width=240)
        out.append({
            "kind": "record", "id": row["id"], "region": row["region_name"],
            "level": row["region_level"], "province": row["province"],
            "current_province": row["current_province"], "scheme": row["scheme"],
            "metric": row["metric"], "value": _value(row), "unit": row["unit"],
            "qualifier": row["qualifier"], "period_start": row["period_start"],
            "period_end": row["period_end"], "compared_to_end": row["compared_end"],
            "value_text": row["value_text"], "snippet": snip, "highlights": marks,
            "title": row["title"], "published": row["published"], "source": row["source"],
            "score": row["score"],
        })
    return out


def _search_documents(conn, expr, terms, province, scheme, metric, d_from, d_to, limit):
    where, args = [], []
    rec_where, rec_args = _record_filters(province, scheme, metric, d_from, d_to)
    if rec_where:
        via_records = ("EXISTS (SELECT 1 FROM records r WHERE r.doc_id = d.id AND "
                       + " AND ".join(rec_where) + ")")
        own, own_args = [], []
        if not (scheme or metric):
            if province:
                p = fold(nfc(province)).strip()
                own.append("(EXISTS (SELECT 1 FROM entities e WHERE e.doc_id = d.id AND "
                           "e.type = 'PROVINCE' AND e.name_folded = ?) OR d.province = ?)")
                own_args += [p, nfc(province).strip()]
            if d_from:
                own.append("d.published_date >= ?")
                own_args.append(d_from)
            if d_to:
                own.append("d.published_date <= ?")
                own_args.append(d_to)
        if own:
            where.append(f"({via_records} OR ({' AND '.join(own)}))")
            args += rec_args + own_args
        else:
            where.append(via_records)
            args += rec_args
    sql = ("SELECT d.id, d.title, d.published, d.doc_type, d.province, d.source, d.n_records, "
           "d.text, bm25(documents_fts) AS score FROM documents_fts "
           "JOIN documents d ON d.id = documents_fts.rowid "
           "WHERE documents_fts MATCH ? AND d.status = 'done'"
           + "".join(" AND " + w for w in where) + " ORDER BY score, d.id LIMIT ?")
    rows = _run(conn, sql, [expr, *args, limit])
    out = []
    for row in rows:
        text = row["text"] or ""
        snip, marks = snippet(text, find_hits(text, terms), width=240)
        if not marks and row["title"]:
            t_marks = find_hits(row["title"], terms)
            if t_marks:
                snip, marks = snippet(row["title"], t_marks, width=240)
        out.append({"kind": "document", "id": row["id"], "title": row["title"],
                    "published": row["published"], "doc_type": row["doc_type"],
                    "province": row["province"], "source": row["source"],
                    "n_records": row["n_records"], "snippet": snip, "highlights": marks,
                    "score": row["score"]})
    return out


# ---- presentation -----------------------------------------------------------------

CSV_COLUMNS = ("kind", "region", "level", "province", "scheme", "metric", "value", "unit",
               "qualifier", "period_start", "period_end", "value_text", "title", "published",
               "source", "snippet")


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, list):
        return "–".join(_cell(x) for x in v)
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def format_results(results: list[dict], fmt: str = "table", width: int = 160) -> str:
    """The results as 'csv', 'json' (a list of objects) or 'table' (plain text)."""
    if fmt == "json":
        return json.dumps(results, ensure_ascii=False, indent=2)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(CSV_COLUMNS)
        for r in results:
            w.writerow([_cell(r.get(c)) for c in CSV_COLUMNS])
        return buf.getvalue()
    if fmt != "table":
        raise ValueError(f"unknown format {fmt!r} (table, csv or json)")
    from rich.console import Console
    console = Console(record=True, width=width, file=io.StringIO(), color_system=None)
    for t in results_tables(results):
        console.print(t)
    return console.export_text()


def print_rows(results: list[dict], fmt: str = "table", file=None) -> None:
    """Print search results on `file` (stdout): a rich table (colours on a terminal), csv or json."""
    import sys
    file = file or sys.stdout
    if fmt == "table":
        from rich.console import Console
        console = Console(file=file)
        tables = results_tables(results)
        for t in tables:
            console.print(t)
        if not tables:
            console.print("Không tìm thấy kết quả. (No results.)")
        return
    text = format_results(results, fmt)
    file.write(text if text.endswith("\n") else text + "\n")


def _highlighted(text: str, marks: list[list[int]]):
    from rich.text import Text
    t = Text(text)
    for s, e in marks:
        t.stylize("bold yellow", s, e)
    return t


def _number(v) -> str:
    """A figure the Vietnamese way: 1.741.540 and 99,9."""
    if isinstance(v, list):
        return "–".join(_number(x) for x in v)
    if isinstance(v, (int, float)):
        if float(v).is_integer():
            return f"{int(v):,}".replace(",", ".")
        return f"{v:g}".replace(".", ",")
    return _cell(v)


def results_tables(results: list[dict]) -> list:
    """rich Tables (records, then documents) for printing on a terminal."""
    from rich.table import Table
    lab = labels()
    tables = []
    recs = [r for r in results if r.get("kind") == "record"]
    docs = [r for r in results if r.get("kind") == "document"]
    if recs:
        t = Table(title=f"Số liệu ({len(recs)})", show_lines=True, expand=True)
        t.add_column("Địa bàn", ratio=2)
        t.add_column("Loại BH", no_wrap=True)
        t.add_column("Chỉ tiêu", ratio=2)
        t.add_column("Giá trị", no_wrap=True, justify="right")
        t.add_column("Đến ngày", no_wrap=True)
        t.add_column("Trích dẫn", ratio=6)
        t.add_column("Nguồn", ratio=2, overflow="fold")
        for r in recs:
            qual = (lab.get("qualifiers") or {}).get(r.get("qualifier")) or ""
            unit = "%" if r.get("unit") == "percent" else ""
            value = (qual + " " if qual else "") + _number(r.get("value")) + unit
            place = r.get("region") or ""
            if r.get("province") and r.get("province") != place:
                place += f" ({r['province']})"
            t.add_row(place, r.get("scheme") or "",
                      (lab.get("metrics") or {}).get(r.get("metric"), r.get("metric") or ""),
                      value, r.get("period_end") or "",
                      _highlighted(r.get("snippet") or "", r.get("highlights") or []),
                      os.path.basename(r.get("source") or ""))
        tables.append(t)
    if docs:
        t = Table(title=f"Văn bản ({len(docs)})", show_lines=True, expand=True)
        t.add_column("Tiêu đề", ratio=3)
        t.add_column("Ngày", no_wrap=True)
        t.add_column("Trích đoạn", ratio=6)
        t.add_column("Nguồn", ratio=2, overflow="fold")
        for r in docs:
            t.add_row(r.get("title") or "", _cell(r.get("published"))[:10],
                      _highlighted(r.get("snippet") or "", r.get("highlights") or []),
                      os.path.basename(r.get("source") or ""))
        tables.append(t)
    return tables
