"""The indicator database: schema, ingest, re-ingest, replacement, crashes, concurrent readers.

Real SQLite files in tmp_path; extraction is the hand-made stand-in of
tests/fixtures/store/fake_pipeline.py (one end-to-end test uses the real pipeline).
"""
from __future__ import annotations

import hashlib
import importlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from extractor.store import IngestStats, ingest, open_db, store_extraction
from extractor.store.db import RECORDS_VIEW, connect
from extractor.store.write import delete_document

FIX = Path(__file__).parent / "fixtures" / "store"
sys.path.insert(0, str(FIX))
import fake_pipeline  # noqa: E402

DOCS = FIX / "docs"


def counts(db) -> dict:
    conn = connect(db, readonly=True)
    try:
        q = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
        return {"documents": q("SELECT count(*) FROM documents WHERE status = 'done'"),
                "errors": q("SELECT count(*) FROM documents WHERE status = 'error'"),
                "records": q("SELECT count(*) FROM records"),
                "records_fts": q("SELECT count(*) FROM records_fts"),
                "documents_fts": q("SELECT count(*) FROM documents_fts"),
                "entities": q("SELECT count(*) FROM entities")}
    finally:
        conn.close()


def file_digest(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture
def corpus(tmp_path) -> Path:
    dst = tmp_path / "corpus"
    shutil.copytree(DOCS, dst)
    return dst


def test_open_db_creates_schema_in_wal_mode(tmp_path):
    db = tmp_path / "x.db"
    conn = open_db(db)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        assert {"documents", "records", "entities", "records_fts", "documents_fts",
                RECORDS_VIEW, "van_ban", "schemes", "metrics"} <= names
        label = conn.execute("SELECT label FROM schemes WHERE code = 'BHYT'").fetchone()[0]
        assert label == "Bảo hiểm y tế"
        view_cols = [r[1] for r in conn.execute(f"PRAGMA table_info({RECORDS_VIEW})")]
        assert "Địa bàn" in view_cols and "Năm" in view_cols
    finally:
        conn.close()
    before = file_digest(db)
    open_db(db).close()       # opening an up-to-date database writes nothing
    assert file_digest(db) == before


def test_ingest_stores_documents_records_entities(tmp_path, corpus):
    db = tmp_path / "i.db"
    seen = []
    stats = ingest([str(corpus)], db, extract=fake_pipeline.extract,
                   progress=lambda p, s: seen.append((Path(p).name, s)))
    assert isinstance(stats, IngestStats)
    assert (stats.seen, stats.added, stats.failed) == (4, 4, 0)
    assert stats.records == 16 and stats.entities == 6
    assert sorted(seen) == sorted((p.name, "added") for p in corpus.glob("*.txt"))
    c = counts(db)
    assert c["documents"] == 4 and c["records"] == 16 == c["records_fts"]
    assert c["documents_fts"] == 4 and c["entities"] == 6
    conn = connect(db, readonly=True)
    row = conn.execute("SELECT d.title, d.published, d.year, d.province, d.text, r.value, "
                       "r.period_end_date, r.region_code, r.record, r.evidence_start, "
                       "r.evidence_end, r.evidence_text FROM records r JOIN documents d "
                       "ON d.id = r.doc_id WHERE r.metric = 'participants' "
                       "AND r.region_name = 'Bắc Giang' AND r.value = 1741540").fetchone()
    conn.close()
    assert row["title"].startswith("Bắc Giang: Vận động")
    assert (row["published"], row["year"], row["province"]) == ("2022-11-24T22:04", 2022,
                                                                "Bắc Giang")
    assert row["period_end_date"] == "2022-09-30" and row["region_code"] == "24"
    # the evidence offsets point into the stored full text
    assert row["text"][row["evidence_start"]:row["evidence_end"]] == row["evidence_text"]
    rec = json.loads(row["record"])
    assert rec["region"]["current_province"] == "Bắc Ninh" and rec["value"] == 1741540


def test_reingesting_unchanged_corpus_changes_nothing(tmp_path, corpus):
    db = tmp_path / "i.db"
    calls = []

    def extract(p):
        calls.append(p)
        return fake_pipeline.extract(p)

    ingest([str(corpus)], db, extract=extract)
    first = counts(db)
    digest = file_digest(db)
    calls.clear()
    stats = ingest([str(corpus)], db, extract=extract)
    assert calls == []                          # skipped before extraction (content hash)
    assert (stats.unchanged, stats.added, stats.replaced) == (4, 0, 0)
    assert counts(db) == first
    assert file_digest(db) == digest            # not a byte changed
    # the same folder named another way is the same files
    stats = ingest([str(corpus) + "/", str(corpus / ".." / "corpus")], db, extract=extract)
    assert stats.unchanged == stats.seen >= 4 and calls == [] and counts(db) == first


def test_changed_file_replaces_its_records(tmp_path):
    db = tmp_path / "c.db"
    f = tmp_path / "tin.txt"
    f.write_text("Tin BHYT\n@ Bắc Giang|province|Bắc Giang|BHYT|participants|1741540|2022-09-30\n"
                 "@ Bắc Giang|province|Bắc Giang|BHYT|coverage_rate|99.1|2022-09-30\n",
                 encoding="utf-8")
    ingest([str(f)], db, extract=fake_pipeline.extract)
    assert counts(db)["records"] == 2
    f.write_text("Tin BHYT (cập nhật)\n"
                 "@ Bắc Giang|province|Bắc Giang|BHYT|participants|1750000|2022-10-31\n",
                 encoding="utf-8")
    stats = ingest([str(f)], db, extract=fake_pipeline.extract)
    assert stats.replaced == 1 and stats.added == 0
    c = counts(db)
    assert c["documents"] == 1 and c["records"] == 1 == c["records_fts"]
    assert c["documents_fts"] == 1
    conn = connect(db, readonly=True)
    assert conn.execute("SELECT value, period_end FROM records").fetchone()[:] == (1750000.0,
                                                                                   "2022-10-31")
    assert conn.execute("SELECT count(*) FROM records_fts WHERE records_fts MATCH "
                        "'folded : \"cap nhat\"'").fetchone()[0] == 1
    conn.close()


def test_duplicate_content_and_moved_file(tmp_path, corpus):
    db = tmp_path / "d.db"
    ingest([str(corpus)], db, extract=fake_pipeline.extract)
    copy = tmp_path / "copy"
    copy.mkdir()
    shutil.copy(corpus / "thanh-hoa-bhyt-2022.txt", copy / "thanh-hoa-bhyt-2022.txt")
    stats = ingest([str(copy)], db, extract=fake_pipeline.extract)
    assert stats.duplicates == 1 and counts(db)["documents"] == 4
    moved = tmp_path / "moved"
    moved.mkdir()
    (corpus / "da-nang-bhxh-2023.txt").rename(moved / "da-nang-bhxh-2023.txt")
    stats = ingest([str(moved)], db, extract=fake_pipeline.extract)
    assert stats.moved == 1 and counts(db)["documents"] == 4
    conn = connect(db, readonly=True)
    src = {r[0] for r in conn.execute("SELECT source FROM records WHERE region_name = 'Đà Nẵng'")}
    conn.close()
    assert src == {str(moved / "da-nang-bhxh-2023.txt")}


def test_unreadable_file_is_recorded_and_retried(tmp_path):
    db = tmp_path / "e.db"
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01binary")
    errors = []
    stats = ingest([str(bad), str(tmp_path / "missing.txt")], db,
                   extract=fake_pipeline.extract, on_error=lambda p, e: errors.append(p))
    assert stats.failed == 2 and len(errors) == 2
    assert ("binary file (not text)" in dict(stats.errors)[str(bad)])
    conn = connect(db, readonly=True)
    row = conn.execute("SELECT status, error FROM documents").fetchone()
    conn.close()
    assert row["status"] == "error" and "binary" in row["error"]
    bad.write_text("Tin\n@ Hà Nam|province|Hà Nam|BHYT|coverage_rate|93.5|2023-12-31\n",
                   encoding="utf-8")
    stats = ingest([str(bad)], db, extract=fake_pipeline.extract)
    assert stats.replaced == 1
    assert counts(db) == {"documents": 1, "errors": 0, "records": 1, "records_fts": 1,
                          "documents_fts": 1, "entities": 0}


def test_failed_reextraction_keeps_last_good_version(tmp_path):
    db = tmp_path / "k.db"
    f = tmp_path / "a.txt"
    f.write_text("Tin\n@ Hà Nam|province|Hà Nam|BHYT|coverage_rate|93.5|2023-12-31\n",
                 encoding="utf-8")
    ingest([str(f)], db, extract=fake_pipeline.extract)
    f.write_bytes(b"\x00 corrupt now")
    stats = ingest([str(f)], db, extract=fake_pipeline.extract)
    assert stats.failed == 1
    assert counts(db)["records"] == 1 and counts(db)["documents"] == 1
    # and it is retried (not skipped) on the next run, because its content changed
    calls = []
    ingest([str(f)], db, extract=lambda p: calls.append(p) or fake_pipeline.extract(p))
    assert calls == [str(f)]


def test_parallel_ingest_matches_sequential(tmp_path, corpus):
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    ingest([str(corpus)], a, extract=fake_pipeline.extract)
    stats = ingest([str(corpus)], b, extract=fake_pipeline.extract, jobs=2)
    assert stats.added == 4
    assert counts(a) == counts(b)


def test_reader_is_not_blocked_by_a_writer(tmp_path, corpus):
    db = tmp_path / "w.db"
    ingest([str(corpus)], db, extract=fake_pipeline.extract)
    writer = open_db(db)
    reader = connect(db, readonly=True)
    try:
        writer.execute("BEGIN IMMEDIATE")
        doc_id = writer.execute("SELECT id FROM documents LIMIT 1").fetchone()[0]
        delete_document(writer, doc_id)
        t0 = time.monotonic()
        # the second connection reads the last committed state, at once
        assert reader.execute("SELECT count(*) FROM documents").fetchone()[0] == 4
        from extractor.store import search
        assert search(db, "bac giang")                  # a search during the write works
        assert time.monotonic() - t0 < 5
        writer.execute("COMMIT")
        assert reader.execute("SELECT count(*) FROM documents").fetchone()[0] == 3
    finally:
        reader.close()
        writer.close()


def test_failed_write_rolls_back_whole_document(tmp_path, corpus, monkeypatch):
    db = tmp_path / "r.db"
    ingest([str(corpus)], db, extract=fake_pipeline.extract)
    before = counts(db)
    path = corpus / "thanh-hoa-bhyt-2022.txt"
    path.write_text(path.read_text(encoding="utf-8") + "\nCập nhật.\n", encoding="utf-8")
    write_mod = importlib.import_module("extractor.store.write")
    real = write_mod.record_search_text
    calls = []

    def breaks_on_third(*a, **k):
        calls.append(1)
        if len(calls) == 3:
            raise sqlite3.OperationalError("disk I/O error (simulated)")
        return real(*a, **k)

    monkeypatch.setattr(write_mod, "record_search_text", breaks_on_third)
    conn = open_db(db)
    try:
        with pytest.raises(sqlite3.OperationalError):
            store_extraction(conn, str(path), fake_pipeline.extract(str(path)))
    finally:
        conn.close()
    assert counts(db) == before     # the old version is intact, nothing half-written
    conn = connect(db, readonly=True)
    n = conn.execute("SELECT count(*) FROM records WHERE region_name = 'Thanh Hóa'").fetchone()[0]
    conn.close()
    assert n == 6


KILL_SCRIPT = textwrap.dedent("""
    import sys
    sys.path.insert(0, {fix!r})
    import fake_pipeline
    from extractor.store import ingest
    ingest([{folder!r}], {db!r}, extract=fake_pipeline.extract,
           progress=lambda p, s: print(s, p, flush=True))
""")


def test_ingest_killed_midway_is_consistent_and_completed_by_next_run(tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    n_files, n_recs = 30, 300
    for i in range(n_files):
        lines = [f"Tin số {i}"] + [
            f"@ Huyện {i}-{j}|district|Tỉnh {i}|BHYT|participants|{1000 + j}|2023-12-31"
            for j in range(n_recs)]
        (folder / f"doc{i:03d}.txt").write_text("\n".join(lines), encoding="utf-8")
    db = tmp_path / "kill.db"
    script = KILL_SCRIPT.format(fix=str(FIX), folder=str(folder), db=str(db))
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).parents[1]))
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, env=env,
                            cwd=str(tmp_path), text=True)
    added = 0
    for line in proc.stdout:
        added += line.startswith("added")
        if added >= 3:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL

    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.execute("INSERT INTO records_fts(records_fts) VALUES ('integrity-check')")
    done = conn.execute("SELECT count(*) FROM documents WHERE status = 'done'").fetchone()[0]
    assert 3 <= done < n_files
    # every stored document is complete: all its records and their index rows
    per_doc = conn.execute("SELECT d.n_records, count(r.id) FROM documents d "
                           "LEFT JOIN records r ON r.doc_id = d.id GROUP BY d.id").fetchall()
    assert all(n == k == n_recs for n, k in per_doc)
    assert conn.execute("SELECT count(*) FROM records_fts").fetchone()[0] == done * n_recs
    conn.close()

    stats = ingest([str(folder)], db, extract=fake_pipeline.extract)
    assert stats.unchanged == done and stats.added == n_files - done
    c = counts(db)
    assert c["documents"] == n_files and c["records"] == n_files * n_recs == c["records_fts"]
    conn = sqlite3.connect(db)
    dup = conn.execute("SELECT count(*) FROM (SELECT doc_id, seq FROM records "
                       "GROUP BY doc_id, seq HAVING count(*) > 1)").fetchone()[0]
    conn.close()
    assert dup == 0


def test_end_to_end_with_the_real_pipeline(tmp_path):
    pipeline = pytest.importorskip("extractor.pipeline")
    if not hasattr(pipeline, "extract_file"):
        pytest.skip("extractor.pipeline.extract_file not there yet")
    seeds = Path("/work/shared/corpus-dev/seeds")
    if not seeds.is_dir():
        pytest.skip("seed corpus not available")
    db = tmp_path / "real.db"
    files = sorted(seeds.glob("*.txt"))[:2]
    try:
        pipeline.extract_file(str(files[0]), options=pipeline.Options(use_ner=False))
    except ImportError as e:
        pytest.skip(f"the pipeline's stages are not all there yet: {e}")
    stats = ingest([str(f) for f in files], db, jobs=1, use_ner=False)
    assert stats.added == len(files) and stats.failed == 0
    assert ingest([str(f) for f in files], db, jobs=1, use_ner=False).unchanged == len(files)
    c = counts(db)
    assert c["documents"] == len(files) and c["records"] == stats.records == c["records_fts"]


def test_callbacks_progress_without_arguments_and_error_messages(tmp_path, corpus):
    ticks, errors = [], []
    missing = str(tmp_path / "missing.txt")
    stats = ingest([str(corpus), missing], tmp_path / "cb.db", extract=fake_pipeline.extract,
                   progress=lambda: ticks.append(1),
                   on_error=lambda path, err: errors.append(str(err)))
    assert len(ticks) == stats.seen == 5
    assert len(errors) == 1 and errors[0].startswith(missing + ": ")
    assert stats.readable == 4
    assert stats.summary() == ("4 added, 0 replaced, 0 unchanged, 1 failed; "
                               "16 records, 6 entities stored")


def test_malformed_extraction_fails_that_document_only(tmp_path, corpus):
    def extract(p):
        ex = fake_pipeline.extract(p)
        if "thanh-hoa" in p:
            ex.records[0]["scheme"] = {"not": "hashable"}       # breaks this document
        if "da-nang" in p:   # odd but storable types are kept as JSON text
            ex.records[0]["period"] = {"start": ["2023"], "end": "2023-06-30"}
            ex.records[0]["evidence"]["start"] = True
        return ex
    errors = []
    stats = ingest([str(corpus)], tmp_path / "m.db", extract=extract,
                   on_error=lambda p, e: errors.append(str(e)))
    assert stats.added == 3 and stats.failed == 1
    assert "thanh-hoa-bhyt-2022.txt: cannot store the extraction" in errors[0]
    c = counts(tmp_path / "m.db")
    assert c["documents"] == 3 and c["records"] == 10 == c["records_fts"]
    assert c["errors"] == 1          # recorded, and retried by the next run
