"""Write one Extraction into the indicator database, in one transaction.

`store_extraction(conn, source, extraction)` removes the file's previous version
(document, records, entities and their full-text rows) and inserts the new one:
the document row with its metadata and full text, one typed row per record (region,
period and value flattened, the record itself kept as JSON), the entities, and the
words each record and document is found by, in both FTS columns (as written and
folded). A failure anywhere rolls the whole document back.

It does not walk folders, hash files or call the pipeline (ingest.py does).
"""
from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timezone

from .db import ensure_codes, labels, transaction
from .fold import fold, fold_for_index, nfc
from .periods import first_day, last_day, year_of


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def path_key(path) -> str:
    """The identity of a file in the database: its resolved absolute path (printable)."""
    import os
    from ..ingest.source_name import printable_path
    return printable_path(os.path.realpath(os.path.abspath(os.fspath(path))))


def delete_document(conn, doc_id: int) -> None:
    """Remove a document and everything derived from it (call inside a transaction)."""
    conn.execute("DELETE FROM records_fts WHERE rowid IN "
                 "(SELECT id FROM records WHERE doc_id = ?)", (doc_id,))
    conn.execute("DELETE FROM records WHERE doc_id = ?", (doc_id,))
    conn.execute("DELETE FROM entities WHERE doc_id = ?", (doc_id,))
    conn.execute("DELETE FROM documents_fts WHERE rowid = ?", (doc_id,))
    conn.execute("DELETE FROM documents WHERE id = ?", (doc_id,))


def store_extraction(conn, source: str, extraction, *, sha256: str | None = None,
                     key: str | None = None) -> bool:
    """Write one Extraction (replacing the file's earlier version) in one transaction.

    `source` is the path as given; `key` the file identity (default: its resolved
    path); `sha256` of the file bytes as hashed before extraction (default: the
    document's own "sha256").
    Returns True when an earlier version was replaced.
    """
    doc = dict(extraction.document or {})
    # The hash taken before extraction decides "unchanged" next time. Should the file
    # change while it is read, the next run sees a new hash and extracts it again.
    sha = sha256 or doc.get("sha256") or ""
    key = key or path_key(source)
    text = extraction.text or ""          # kept exactly: evidence offsets point into it
    records = [r for r in (extraction.records or []) if isinstance(r, dict)]
    entities = [e for e in (extraction.entities or []) if isinstance(e, dict)]
    lab = labels()
    with transaction(conn):
        old = conn.execute("SELECT id FROM documents WHERE path_key = ?", (key,)).fetchone()
        if old is not None:
            delete_document(conn, old["id"])
        doc_id = _insert_document(conn, source, key, sha, doc, text, records, entities)
        ensure_codes(conn, "schemes", {r.get("scheme") for r in records})
        ensure_codes(conn, "metrics", {r.get("metric") for r in records})
        ensure_codes(conn, "levels", {(r.get("region") or {}).get("level") for r in records})
        ensure_codes(conn, "units", {r.get("unit") for r in records})
        ensure_codes(conn, "qualifiers", {r.get("qualifier") for r in records})
        title = doc.get("title") or ""
        for seq, rec in enumerate(records):
            row = record_row(rec, doc_id, seq, source)
            cols = ", ".join(row)
            marks = ", ".join("?" for _ in row)
            cur = conn.execute(f"INSERT INTO records({cols}) VALUES ({marks})",
                               [_sql(v) for v in row.values()])
            words = record_search_text(rec, title, lab)
            conn.execute("INSERT INTO records_fts(rowid, exact, folded) VALUES (?, ?, ?)",
                         (cur.lastrowid, words, fold_for_index(words)))
        for ent in entities:
            conn.execute("INSERT INTO entities(doc_id, type, text, start, \"end\", name, "
                         "name_folded, normalized, method, confidence) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         [_sql(v) for v in entity_row(ent, doc_id)])
        body = nfc("\n".join(s for s in (title, text) if s))
        conn.execute("INSERT INTO documents_fts(rowid, exact, folded) VALUES (?, ?, ?)",
                     (doc_id, body, fold_for_index(body)))
    return old is not None


def _insert_document(conn, source, key, sha, doc, text, records, entities) -> int:
    published = doc.get("published")
    published = None if published in (None, "") else str(published)
    letter = doc.get("letter") if isinstance(doc.get("letter"), dict) else {}
    doc_type = doc.get("doc_type")
    ensure_codes(conn, "doc_types", [doc_type])
    values = (key, source, sha, doc_type, doc.get("title"), published,
              first_day(published[:10]) if published else None,
              year_of(published[:10]) if published else None,
              doc.get("author"), main_province(records, entities),
              letter.get("number"), letter.get("issuer"),
              doc.get("n_chars", len(text)), len(records), len(entities),
              _json(doc.get("warnings") or []), _json(doc), text, now())
    cur = conn.execute(
        "INSERT INTO documents(path_key, source, sha256, status, error, doc_type, title, "
        "published, published_date, year, author, province, letter_number, letter_issuer, "
        "n_chars, n_records, n_entities, warnings, metadata, text, ingested_at) "
        "VALUES (?, ?, ?, 'done', NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [_sql(v) for v in values])
    return cur.lastrowid


def _sql(v):
    """A value SQLite can store: containers as JSON, booleans as 0/1."""
    if v is None or isinstance(v, (int, float, str, bytes)) and not isinstance(v, bool):
        return v
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, (dict, list, tuple)):
        return _json(v)
    return str(v)


def _json(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, default=str)


def _num(x) -> float | None:
    if isinstance(x, bool) or x is None:
        return None
    if isinstance(x, (int, float)):
        return float(x)
    try:
        return float(x)
    except (TypeError, ValueError):
        return None


def split_value(value) -> tuple[float | None, float | None, float | None]:
    """(value, lo, hi): a number gives (v, v, v), a [lo, hi] range (None, lo, hi)."""
    if isinstance(value, (list, tuple)):
        if len(value) == 2:
            lo, hi = _num(value[0]), _num(value[1])
            return None, lo, hi
        if len(value) == 1:
            value = value[0]
        else:
            return None, None, None
    v = _num(value)
    return v, v, v


def record_row(rec: dict, doc_id: int, seq: int, source: str) -> dict:
    """The typed columns of one contract record (see schema.sql)."""
    region = rec.get("region") if isinstance(rec.get("region"), dict) else {}
    period = rec.get("period") if isinstance(rec.get("period"), dict) else {}
    comp = rec.get("compared_to") if isinstance(rec.get("compared_to"), dict) else {}
    ev = rec.get("evidence") if isinstance(rec.get("evidence"), dict) else {}
    value, lo, hi = split_value(rec.get("value"))
    start, end = period.get("start"), period.get("end")
    name, prov, cur = region.get("name"), region.get("province"), region.get("current_province")
    return {
        "doc_id": doc_id, "seq": seq, "source": rec.get("source") or source,
        "region_name": name, "region_level": region.get("level"), "province": prov,
        "region_code": region.get("code"), "current_province": cur,
        "region_folded": fold(nfc(name)) if name else None,
        "province_folded": fold(nfc(prov)) if prov else None,
        "current_province_folded": fold(nfc(cur)) if cur else None,
        "scheme": rec.get("scheme"), "metric": rec.get("metric"),
        "value": value, "value_lo": lo, "value_hi": hi,
        "unit": rec.get("unit"), "qualifier": rec.get("qualifier"),
        "period_start": start, "period_end": end,
        "period_start_date": first_day(start) if start else None,
        "period_end_date": last_day(end) if end else None,
        "year": year_of(end) if end else None,
        "compared_start": comp.get("start"), "compared_end": comp.get("end"),
        "evidence_text": ev.get("text"), "evidence_start": ev.get("start"),
        "evidence_end": ev.get("end"), "value_text": ev.get("value_text"),
        "confidence": _num(rec.get("confidence")), "method": rec.get("method"),
        "record": _json(rec),
    }


def record_search_text(rec: dict, title: str, lab: dict) -> str:
    """The words a record is found by: place, level, scheme, metric (codes and labels),
    its evidence sentence and its document's title. Figures stay in typed columns."""
    region = rec.get("region") if isinstance(rec.get("region"), dict) else {}
    ev = rec.get("evidence") if isinstance(rec.get("evidence"), dict) else {}
    scheme, metric, level = rec.get("scheme"), rec.get("metric"), region.get("level")
    parts = [region.get("name"), (lab.get("levels") or {}).get(level),
             region.get("province"), region.get("current_province"),
             scheme, (lab.get("schemes") or {}).get(scheme),
             (lab.get("metrics") or {}).get(metric), ev.get("text"), title]
    seen, out = set(), []
    for p in parts:
        if p and str(p) not in seen:
            seen.add(str(p))
            out.append(nfc(str(p)))
    return " | ".join(out)


def entity_row(ent: dict, doc_id: int) -> tuple:
    norm = ent.get("normalized")
    name = None
    if isinstance(norm, str):
        name = norm
    elif isinstance(norm, dict):
        name = norm.get("name") or norm.get("canonical") or norm.get("title")
    if name is None and ent.get("type") in ("PROVINCE", "DISTRICT", "COMMUNE", "ORG", "PERSON"):
        name = ent.get("text")
    name = nfc(str(name)) if name is not None else None
    conf = _num(ent.get("confidence"))
    return (doc_id, ent.get("type"), ent.get("text"), ent.get("start"), ent.get("end"), name,
            fold(name) if name else None, _json(norm), ent.get("method"), conf)


def main_province(records: list[dict], entities: list[dict]) -> str | None:
    """The province most of a document's records (else its place names) are about."""
    counts = Counter()
    for r in records:
        reg = r.get("region") if isinstance(r.get("region"), dict) else {}
        if reg.get("level") != "national" and reg.get("province"):
            counts[reg["province"]] += 1
    if not counts:
        for e in entities:
            if e.get("type") == "PROVINCE":
                n = e.get("normalized")
                n = n.get("name") if isinstance(n, dict) else n
                if n or e.get("text"):
                    counts[str(n or e.get("text"))] += 1
    return counts.most_common(1)[0][0] if counts else None


__all__ = ["store_extraction", "delete_document", "record_row", "entity_row",
           "record_search_text", "split_value", "main_province", "path_key", "now"]
