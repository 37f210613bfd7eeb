-- Indicator database (SQLite). Created by extractor.store.db.open_db.
-- Figures live in typed columns; the FTS tables index words only, twice:
-- `exact` keeps diacritics (unicode61 remove_diacritics 0, so "năm" is not "nam")
-- and `folded` holds extractor.store.fold.fold_for_index of the same text
-- ("da nang", figures as one token "1741540"), so a query typed either way matches.

CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT
);

CREATE TABLE IF NOT EXISTS documents (
    id            INTEGER PRIMARY KEY,
    path_key      TEXT NOT NULL UNIQUE,      -- resolved absolute path: the identity of a file
    source        TEXT NOT NULL,             -- path as given on the command line
    sha256        TEXT NOT NULL,             -- of the file bytes; unchanged -> skipped
    status        TEXT NOT NULL,             -- 'done' | 'error'
    error         TEXT,
    doc_type      TEXT REFERENCES doc_types(code),
    title         TEXT,
    published     TEXT,                      -- ISO date or datetime as extracted
    published_date TEXT,                     -- first 10 characters, for filters
    year          INTEGER,
    author        TEXT,
    province      TEXT,                      -- the province most of its records are about
    letter_number TEXT,
    letter_issuer TEXT,
    n_chars       INTEGER,
    n_records     INTEGER NOT NULL DEFAULT 0,
    n_entities    INTEGER NOT NULL DEFAULT 0,
    warnings      TEXT,                      -- JSON list
    metadata      TEXT,                      -- JSON: the whole section-6 dict
    text          TEXT,                      -- full extracted text (evidence offsets point here)
    ingested_at   TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_sha ON documents(sha256);

CREATE TABLE IF NOT EXISTS records (
    id                 INTEGER PRIMARY KEY,
    doc_id             INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    seq                INTEGER NOT NULL,     -- order within its document
    source             TEXT,
    region_name        TEXT,
    region_level       TEXT REFERENCES levels(code),
    province           TEXT,
    region_code        TEXT,
    current_province   TEXT,
    region_folded      TEXT,                 -- fold(region_name), for filters
    province_folded    TEXT,
    current_province_folded TEXT,
    scheme             TEXT REFERENCES schemes(code),
    metric             TEXT REFERENCES metrics(code),
    value              REAL,                 -- NULL for a range
    value_lo           REAL,
    value_hi           REAL,
    unit               TEXT REFERENCES units(code),
    qualifier          TEXT REFERENCES qualifiers(code),
    period_start       TEXT,                 -- as extracted (ISO, maybe partial)
    period_end         TEXT,
    period_start_date  TEXT,                 -- expanded to a full day (first day)
    period_end_date    TEXT,                 -- expanded to a full day (last day)
    year               INTEGER,              -- of period_end
    compared_start     TEXT,
    compared_end       TEXT,
    evidence_text      TEXT,
    evidence_start     INTEGER,
    evidence_end       INTEGER,
    value_text         TEXT,
    confidence         REAL,
    method             TEXT,
    record             TEXT NOT NULL         -- JSON: the record dict exactly as extracted
);
CREATE INDEX IF NOT EXISTS records_doc ON records(doc_id);
CREATE INDEX IF NOT EXISTS records_key ON records(scheme, metric, region_level, region_folded);
CREATE INDEX IF NOT EXISTS records_province ON records(province_folded);
CREATE INDEX IF NOT EXISTS records_period ON records(period_end_date);

CREATE TABLE IF NOT EXISTS entities (
    id          INTEGER PRIMARY KEY,
    doc_id      INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    type        TEXT,
    text        TEXT,
    start       INTEGER,
    "end"       INTEGER,
    name        TEXT,                        -- normalized name (place, official) if any
    name_folded TEXT,
    normalized  TEXT,                        -- JSON
    method      TEXT,
    confidence  REAL
);
CREATE INDEX IF NOT EXISTS entities_doc ON entities(doc_id);
CREATE INDEX IF NOT EXISTS entities_name ON entities(type, name_folded);

-- Vocabulary labels (Vietnamese), filled from rules/labels_vi.yaml.
CREATE TABLE IF NOT EXISTS schemes    (code TEXT PRIMARY KEY, label TEXT);
CREATE TABLE IF NOT EXISTS metrics    (code TEXT PRIMARY KEY, label TEXT);
CREATE TABLE IF NOT EXISTS levels     (code TEXT PRIMARY KEY, label TEXT);
CREATE TABLE IF NOT EXISTS units      (code TEXT PRIMARY KEY, label TEXT);
CREATE TABLE IF NOT EXISTS qualifiers (code TEXT PRIMARY KEY, label TEXT);
CREATE TABLE IF NOT EXISTS doc_types  (code TEXT PRIMARY KEY, label TEXT);

-- rowid = records.id; words of the region, scheme, metric, evidence and title.
CREATE VIRTUAL TABLE IF NOT EXISTS records_fts USING fts5(
    exact, folded, tokenize = "unicode61 remove_diacritics 0");
-- rowid = documents.id; title and full text.
CREATE VIRTUAL TABLE IF NOT EXISTS documents_fts USING fts5(
    exact, folded, tokenize = "unicode61 remove_diacritics 0");
