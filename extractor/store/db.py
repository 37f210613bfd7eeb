"""Open the indicator database: SQLite in WAL mode, schema and Vietnamese labels in place.

`open_db(path)` creates the file if needed, applies `schema.sql`, loads the labels
of rules/labels_vi.yaml into the small vocabulary tables and (re)builds the two
readable views `chi_so` (one row per figure) and `van_ban` (one row per document)
whose column names are those Vietnamese labels. It writes only when something is
missing or the labels changed, so opening an up-to-date database changes nothing.

It does not ingest, search or serve; see ingest.py, search.py and serve.py.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
from importlib import resources
from pathlib import Path

from ..rules import load_yaml

SCHEMA_VERSION = "1"
RECORDS_VIEW = "chi_so"
DOCUMENTS_VIEW = "van_ban"
LABELS_FILE = "labels_vi.yaml"
LOOKUP_TABLES = ("schemes", "metrics", "levels", "units", "qualifiers", "doc_types")
BUSY_TIMEOUT_MS = 30_000


def schema_sql() -> str:
    return resources.files(__package__).joinpath("schema.sql").read_text(encoding="utf-8")


def labels() -> dict:
    """The Vietnamese labels (rules/labels_vi.yaml)."""
    return load_yaml(LABELS_FILE) or {}


def connect(path: str | Path, *, readonly: bool = False) -> sqlite3.Connection:
    """A plain connection in autocommit mode (transactions are explicit), rows as sqlite3.Row.

    `readonly=True` opens the file with mode=ro: it can neither create nor change it.
    """
    if readonly:
        uri = Path(path).resolve().as_uri() + "?mode=ro"
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000,
                               isolation_level=None, check_same_thread=False)
    else:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000,
                               isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def open_db(path: str | Path) -> sqlite3.Connection:
    """Open (creating if needed) the database at `path`, ready for ingest and queries.

    WAL journal (readers never wait for a writer), foreign keys on, schema and
    labels current. Returns an autocommit connection: wrap writes in
    `with transaction(conn): ...`.
    """
    conn = connect(path)
    try:
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
        if mode.lower() != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        _ensure_schema(conn)
        _ensure_labels(conn, labels())
    except BaseException:
        conn.close()
        raise
    return conn


class transaction:
    """`with transaction(conn):` -- BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on error."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def __enter__(self):
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.conn.execute("COMMIT")
        else:
            self.conn.execute("ROLLBACK")
        return False


def get_meta(conn: sqlite3.Connection, key: str) -> str | None:
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    except sqlite3.OperationalError:
        return None
    return row[0] if row else None


def _ensure_schema(conn: sqlite3.Connection) -> None:
    if get_meta(conn, "schema_version") == SCHEMA_VERSION:
        return
    with transaction(conn):
        for stmt in _statements(schema_sql()):
            conn.execute(stmt)
        conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', ?)",
                     (SCHEMA_VERSION,))


def _statements(script: str) -> list[str]:
    out, buf = [], []
    for line in script.splitlines():
        if line.strip().startswith("--") and not buf:
            continue
        buf.append(line)
        if sqlite3.complete_statement("\n".join(buf)):
            out.append("\n".join(buf))
            buf = []
    return [s for s in out if s.strip()]


def _ensure_labels(conn: sqlite3.Connection, lab: dict) -> None:
    blob = json.dumps(lab, ensure_ascii=False, sort_keys=True)
    digest = hashlib.sha256((SCHEMA_VERSION + blob).encode()).hexdigest()
    if get_meta(conn, "labels_sha256") == digest:
        return
    with transaction(conn):
        for table in LOOKUP_TABLES:
            for code, label in (lab.get(table) or {}).items():
                conn.execute(f"INSERT INTO {table}(code, label) VALUES (?, ?) "
                             "ON CONFLICT(code) DO UPDATE SET label = excluded.label",
                             (str(code), str(label)))
        conn.execute(f"DROP VIEW IF EXISTS {RECORDS_VIEW}")
        conn.execute(f"DROP VIEW IF EXISTS {DOCUMENTS_VIEW}")
        conn.execute(records_view_sql(lab))
        conn.execute(documents_view_sql(lab))
        conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('labels', ?)", (blob,))
        conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('labels_sha256', ?)",
                     (digest,))


def ensure_codes(conn: sqlite3.Connection, table: str, codes) -> None:
    """Add codes missing from a vocabulary table (label = the code) so foreign keys hold."""
    for code in codes:
        if code is not None:
            conn.execute(f"INSERT OR IGNORE INTO {table}(code, label) VALUES (?, ?)",
                         (str(code), str(code)))


def quote_ident(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'


def column_label(lab: dict, key: str) -> str:
    return (lab.get("columns") or {}).get(key) or key


def records_view_columns(lab: dict) -> list[tuple[str, str]]:
    """(SQL expression, header) pairs of the `chi_so` view, in display order."""
    c = lambda k: column_label(lab, k)  # noqa: E731
    return [
        ("r.id", "id"),
        ("r.region_name", c("region_name")),
        ("lv.label", c("region_level")),
        ("r.province", c("province")),
        ("r.current_province", c("current_province")),
        ("sc.label", c("scheme")),
        ("mt.label", c("metric")),
        ("CASE WHEN r.value IS NULL AND r.value_lo IS NOT NULL "
         "THEN printf('%g–%g', r.value_lo, r.value_hi) ELSE r.value END", c("value")),
        ("un.label", c("unit")),
        ("qu.label", c("qualifier")),
        ("r.period_start", c("period_start")),
        ("r.period_end", c("period_end")),
        ("r.year", c("year")),
        ("r.compared_end", c("compared_end")),
        ("r.value_text", c("value_text")),
        ("r.evidence_text", c("evidence_text")),
        ("d.title", c("title")),
        ("d.published", c("published")),
        ("r.source", c("source")),
        ("r.confidence", c("confidence")),
    ]


def records_view_sql(lab: dict) -> str:
    cols = ",\n  ".join(f"{expr} AS {quote_ident(name)}" for expr, name in records_view_columns(lab))
    return (f"CREATE VIEW {RECORDS_VIEW} AS SELECT\n  {cols}\n"
            "FROM records r\n"
            "JOIN documents d ON d.id = r.doc_id\n"
            "LEFT JOIN levels lv ON lv.code = r.region_level\n"
            "LEFT JOIN schemes sc ON sc.code = r.scheme\n"
            "LEFT JOIN metrics mt ON mt.code = r.metric\n"
            "LEFT JOIN units un ON un.code = r.unit\n"
            "LEFT JOIN qualifiers qu ON qu.code = r.qualifier")


def documents_view_columns(lab: dict) -> list[tuple[str, str]]:
    c = lambda k: column_label(lab, k)  # noqa: E731
    return [
        ("d.id", "id"),
        ("d.title", c("title")),
        ("d.published", c("published")),
        ("d.year", c("year")),
        ("dt.label", c("doc_type")),
        ("d.province", c("province")),
        ("d.author", c("author")),
        ("d.letter_number", c("letter_number")),
        ("d.n_records", c("n_records")),
        ("d.source", c("source")),
    ]


def documents_view_sql(lab: dict) -> str:
    cols = ",\n  ".join(f"{expr} AS {quote_ident(name)}"
                        for expr, name in documents_view_columns(lab))
    return (f"CREATE VIEW {DOCUMENTS_VIEW} AS SELECT\n  {cols}\n"
            "FROM documents d LEFT JOIN doc_types dt ON dt.code = d.doc_type\n"
            "WHERE d.status = 'done'")
