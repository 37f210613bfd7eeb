"""The read-only web view: Datasette started on a free port in a child process and
queried over real HTTP (HTML pages and the JSON API), then stopped."""
from __future__ import annotations

import hashlib
import json
import shutil
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from extractor.store import ingest
from extractor.store.serve import build_metadata, datasette_command, start_server

FIX = Path(__file__).parent / "fixtures" / "store"
sys.path.insert(0, str(FIX))
import fake_pipeline  # noqa: E402


def get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=20) as r:
        return r.status, r.read().decode("utf-8")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("serve")
    shutil.copytree(FIX / "docs", tmp / "docs")
    db = tmp / "indicators.db"
    ingest([str(tmp / "docs")], db, extract=fake_pipeline.extract)
    before = digest(db), db.stat().st_mtime_ns
    proc, url = start_server(db, workdir=tmp)
    try:
        yield db, url + "/indicators", before
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_metadata_has_vietnamese_labels_facets_and_search(tmp_path):
    db = tmp_path / "m.db"
    ingest([str(FIX / "docs")], db, extract=fake_pipeline.extract)
    meta = build_metadata(db)
    view = meta["databases"]["m"]["tables"]["chi_so"]
    assert view["title"] == "Số liệu bao phủ"
    assert view["facets"] == ["Tỉnh, thành phố", "Loại bảo hiểm", "Chỉ tiêu", "Năm"]
    assert (view["fts_table"], view["fts_pk"]) == ("records_fts", "id")
    assert meta["databases"]["m"]["tables"]["records_fts"]["hidden"] is True
    assert "--immutable" in datasette_command(db, tmp_path / "meta.json")


def test_home_page_in_vietnamese(served):
    _db, base, _ = served
    status, html = get(base.rsplit("/", 1)[0] + "/")
    assert status == 200 and "Chỉ số bao phủ bảo hiểm y tế, bảo hiểm xã hội" in html


def test_view_page_with_facets(served):
    _db, base, _ = served
    status, html = get(base + "/chi_so")
    assert status == 200
    assert "Số liệu bao phủ" in html                      # the view's Vietnamese title
    for facet in ("Tỉnh, thành phố", "Loại bảo hiểm", "Chỉ tiêu", "Năm"):
        assert f'data-column="{facet}"' in html, facet       # the facet boxes
    assert "Bảo hiểm y tế" in html and "Bắc Giang" in html
    assert 'name="_search"' in html                        # full-text search box


def test_json_api_search_without_diacritics(served):
    _db, base, _ = served
    q = urllib.parse.quote("bac giang")
    status, body = get(f"{base}/chi_so.json?_search={q}&_shape=array")
    rows = json.loads(body)
    assert status == 200 and len(rows) == 7
    assert {r["Tỉnh, thành phố"] for r in rows} == {"Bắc Giang"}
    q = urllib.parse.quote("Đà Nẵng")
    rows = json.loads(get(f"{base}/chi_so.json?_search={q}&_shape=array")[1])
    assert {r["Địa bàn"] for r in rows} == {"Đà Nẵng"}
    rows = json.loads(get(f"{base}/van_ban.json?_search=da+nang&_shape=array")[1])
    assert [r["Tiêu đề văn bản"][:7] for r in rows] == ["Đà Nẵng"]
    # a query full of FTS syntax is escaped by Datasette, not an error page
    q = urllib.parse.quote('AND " NEAR(')
    assert get(f"{base}/chi_so.json?_search={q}&_shape=array")[0] == 200


def test_facet_counts_over_http(served):
    _db, base, _ = served
    col = urllib.parse.quote("Loại bảo hiểm")
    data = json.loads(get(f"{base}/chi_so.json?_facet={col}")[1])
    counts = {r["value"]: r["count"] for r in data["facet_results"]["Loại bảo hiểm"]["results"]}
    assert counts == {"Bảo hiểm y tế": 14, "Bảo hiểm xã hội tự nguyện": 2}


def test_database_untouched_by_serving(served):
    db, base, (before_digest, before_mtime) = served
    get(base + "/chi_so.json?_search=thanh+hoa")
    assert digest(db) == before_digest and db.stat().st_mtime_ns == before_mtime
    assert not Path(str(db) + "-journal").exists()


def test_serving_while_an_ingest_holds_the_database(tmp_path):
    """With writes still in the WAL (an ingest running), the server opens the file with
    mode=ro instead of immutable=1, and sees the committed documents."""
    from extractor.store import open_db, store_extraction
    db = tmp_path / "live.db"
    ingest([str(FIX / "docs")], db, extract=fake_pipeline.extract)
    writer = open_db(db)                       # stays open: its commits stay in the WAL
    try:
        ex = fake_pipeline.extraction("ha-giang.txt", [
            fake_pipeline.spec("Hà Giang", "coverage_rate", 97.2, "2024-06-30")])
        store_extraction(writer, "ha-giang.txt", ex)
        assert Path(str(db) + "-wal").stat().st_size > 0
        assert "--immutable" not in datasette_command(db, tmp_path / "m.json")
        proc, url = start_server(db, workdir=tmp_path)
        try:
            rows = json.loads(get(f"{url}/live/chi_so.json?_search=ha+giang&_shape=array")[1])
            assert [r["Địa bàn"] for r in rows] == ["Hà Giang"]
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    finally:
        writer.close()
