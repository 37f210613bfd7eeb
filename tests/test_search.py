"""Search: FTS5 over records and document text, with and without diacritics, filters,
figures, and any query string at all (never an FTS5 error)."""
from __future__ import annotations

import csv
import io
import json
import shutil
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractor.store import SearchError, format_results, ingest, print_rows, search
from extractor.store.fts import find_hits, match_expression, parse_query, snippet

FIX = Path(__file__).parent / "fixtures" / "store"
sys.path.insert(0, str(FIX))
import fake_pipeline  # noqa: E402


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("search")
    shutil.copytree(FIX / "docs", tmp / "docs")
    extra = tmp / "docs" / "ha-nam.txt"
    extra.write_text("Hà Nam: bảo hiểm y tế học sinh\n"
                     "@ Hà Nam|province|Hà Nam|BHYT|coverage_rate|93.5|2023-12-31\n",
                     encoding="utf-8")
    path = tmp / "s.db"
    ingest([str(tmp / "docs")], path, extract=fake_pipeline.extract)
    return path


def regions(results, kind="record"):
    return [r["region"] for r in results if r["kind"] == kind]


def titles(results):
    return [r["title"] for r in results if r["kind"] == "document"]


@pytest.mark.parametrize("query", ["bac giang", "Bắc Giang", "BAC GIANG", "bắc giang",
                                   '"bac giang"'])
def test_province_found_typed_any_way(db, query):
    res = search(db, query)
    recs = [r for r in res if r["kind"] == "record"]
    assert recs and all(r["province"] == "Bắc Giang" for r in recs)
    assert len(recs) == 7          # 5 + 2 records of the two Bắc Giang documents
    assert any("Bắc Giang" in t for t in titles(res))


def test_d_with_stroke_folds(db):
    # unicode61 remove_diacritics leaves "đ" alone; the folded column maps it to "d"
    for q in ("da nang", "Đà Nẵng", "DA NANG"):
        assert set(regions(search(db, q))) == {"Đà Nẵng"}, q


def test_tone_placement_variants(db):
    for q in ("Thanh Hoá", "Thanh Hóa", "thanh hoa"):
        assert set(regions(search(db, q))) == {"Thanh Hóa"}, q


def test_word_with_diacritics_matches_only_as_written(db):
    # "năm" (year) is not "Nam" (in "Hà Nam", "Lục Nam"): typed with diacritics it is exact
    nam_year = search(db, "năm", kinds=("record",), limit=200)
    assert "Hà Nam" not in regions(nam_year)
    assert "Lục Nam" not in regions(nam_year)
    assert "Thanh Hóa" in regions(nam_year)          # "Năm 2021, toàn tỉnh Thanh Hóa ..."
    # typed without diacritics it is loose: both
    loose = regions(search(db, "nam", kinds=("record",), limit=200))
    assert {"Hà Nam", "Lục Nam", "Thanh Hóa"} <= set(loose)
    # and a fully written place is exact
    assert set(regions(search(db, "Hà Nam"))) == {"Hà Nam"}


@pytest.mark.parametrize("query", ["1.741.540", "1741540", "1,741,540"])
def test_figures_found_however_written(db, query):
    res = search(db, query, kinds=("record",))
    assert res and all("1.741.540" in r["snippet"] for r in res)
    assert {r["metric"] for r in res} == {"participants", "plan_attainment"}  # same sentence
    hit = next(r for r in res if r["metric"] == "participants")
    s, e = hit["highlights"][0]
    assert hit["snippet"][s:e] == "1.741.540"


def test_snippet_highlights_original_text(db):
    res = search(db, "bao phu", kinds=("record",), province="Đà Nẵng")
    assert len(res) == 1
    snip = res[0]["snippet"]
    # "Tỷ lệ bao phủ bảo hiểm y tế": folded "bao" is both "bao" and "bảo"
    assert [snip[s:e] for s, e in res[0]["highlights"]] == ["bao", "phủ", "bảo"]
    res = search(db, '"bao phu"', kinds=("record",), province="Đà Nẵng")
    (s, e), = res[0]["highlights"]
    assert res[0]["snippet"][s:e] == "bao phủ"


def test_filters(db):
    assert regions(search(db, "", province="bac giang", metric="participants")) == \
        ["Bắc Giang", "Bắc Giang"]
    # by label instead of code, any case/diacritics
    by_label = search(db, "", scheme="bảo hiểm xã hội tự nguyện")
    assert {r["scheme"] for r in by_label} == {"BHXH_TN"} and len(by_label) == 2
    assert {r["metric"] for r in search(db, "thanh hoa", metric="Tỷ lệ bao phủ")
            if r["kind"] == "record"} == {"coverage_rate"}
    # dates: the as-of day (period end) lies in [from, to]
    in_2021 = search(db, "", date_from="2021", date_to="2021")
    assert {(r["region"], r["period_end"]) for r in in_2021} == {("Thanh Hóa", "2021-12-31")}
    assert len(in_2021) == 3
    later = search(db, "", date_from="2023-01")
    assert {r["region"] for r in later} == {"Đà Nẵng", "Hà Nam"}
    # the 10 months of 2022 end on 2022-10-31: not "to 2022-09", but "to 2022-10"
    assert ("Thanh Hóa", "2022-10-31") not in {
        (r["region"], r["period_end"]) for r in search(db, "", date_to="2022-09")}
    assert ("Thanh Hóa", "2022-10-31") in {
        (r["region"], r["period_end"]) for r in search(db, "", date_from="2022-10",
                                                        date_to="2022-10")}
    assert regions(search(db, "bac giang", date_from="2023")) == []
    # documents are narrowed through their records
    docs = titles(search(db, "bảo hiểm", scheme="BHXH_TN"))
    assert docs == ["Đà Nẵng: số người tham gia bảo hiểm xã hội tự nguyện tăng mạnh"]
    # province also reaches documents through their own province
    assert set(titles(search(db, "tham gia", province="Bắc Giang"))) == {
        "Báo cáo nhanh kết quả phát triển người tham gia BHYT quý III năm 2022",
        "Bắc Giang: Vận động nhân dân tham gia Bảo hiểm y tế"}


def test_bad_date_is_a_clear_error(db):
    with pytest.raises(SearchError, match="cannot read the date"):
        search(db, "bac giang", date_from="next tuesday-ish")


def test_missing_database(tmp_path):
    with pytest.raises(SearchError, match="no database"):
        search(tmp_path / "none.db", "x")


@pytest.mark.parametrize("query", ['"', '""', "AND", "OR NOT", "NEAR(a b)", "*", "a*", "^x",
                                   "col:bac", "{exact}: x", "(", ")", "-", "+", "'", "%",
                                   "\\", "\x00", "bac\" OR \"giang", "exact : \"bắc\"",
                                   "🙂", " ", "\n\t", "1.2.3.4.5", "x" * 5000])
def test_fts_syntax_never_reaches_the_user(db, query):
    res = search(db, query)
    assert isinstance(res, list)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=60))
def test_any_query_string_is_safe(db, query):
    assert isinstance(search(db, query, limit=5), list)
    expr = match_expression(parse_query(query))
    assert expr is None or expr.count('"') % 2 == 0


def test_parse_query_targets_columns():
    terms = parse_query('Bắc giang "tu nguyen" 1.741.540')
    assert [(t.column, t.alternatives) for t in terms] == [
        ("exact", ("bắc",)), ("folded", ("giang",)), ("folded", ("tu nguyen",)),
        ("folded", ("1741540",))]
    assert parse_query("Hoá")[0].alternatives == ("hoá", "hóa")
    assert match_expression([]) is None


def test_find_hits_and_snippet():
    text = "Tính đến hết ngày 30/09/2022, toàn tỉnh Bắc Giang có 1.741.540 người tham gia."
    hits = find_hits(text, parse_query("bac giang 1741540"))
    assert [text[s:e] for s, e in hits] == ["Bắc", "Giang", "1.741.540"]
    snip, marks = snippet(text, hits, width=40)
    assert [snip[s:e] for s, e in marks][:2] == ["Bắc", "Giang"]


def test_output_formats(db, capsys):
    res = search(db, "da nang")
    rows = list(csv.DictReader(io.StringIO(format_results(res, "csv"))))
    assert len(rows) == len(res) and rows[0]["region"] == "Đà Nẵng"
    data = json.loads(format_results(res, "json"))
    assert data[0]["region"] == "Đà Nẵng" and "snippet" in data[0]
    table = format_results(res, "table")
    assert "Đà Nẵng" in table and "Số liệu" in table and "Văn bản" in table
    print_rows(res, "table")
    assert "Đà Nẵng" in capsys.readouterr().out
    print_rows([], "table")
    assert "No results" in capsys.readouterr().out
    with pytest.raises(ValueError):
        format_results(res, "yaml")


def test_snippet_collapses_whitespace_and_keeps_highlights():
    text = "toàn tỉnh có 1.741.540 người tham \n\n gia BHYT,   đạt 100,1% kế hoạch"
    hits = find_hits(text, parse_query('"tham gia" bhyt'))
    snip, marks = snippet(text, hits)
    assert snip == "toàn tỉnh có 1.741.540 người tham gia BHYT, đạt 100,1% kế hoạch"
    assert [snip[s:e] for s, e in marks] == ["tham gia", "BHYT"]
