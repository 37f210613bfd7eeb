"""Audit: conflicts across documents, arithmetic, time series, and the rendered report.

Each planted error sits in its own small database of hand-made documents; the
consistent corpus (rounded figures, qualifiers, decreases stated as such) must
raise no alarm at all.
"""
from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import pytest

from extractor.audit import AuditReport, render, run_audit
from extractor.audit.facts import Fact, rounding_unit
from extractor.store import open_db, store_extraction

FIX = Path(__file__).parent / "fixtures" / "store"
sys.path.insert(0, str(FIX))
from fake_pipeline import extraction, spec  # noqa: E402


def build(tmp_path, docs: dict[str, list[dict]], name="a.db") -> Path:
    db = tmp_path / name
    conn = open_db(db)
    try:
        for source, specs in docs.items():
            store_extraction(conn, source, extraction(source, specs, title=f"Tin {source}"))
    finally:
        conn.close()
    return db


# -- a consistent corpus: every figure agrees with every other, within rounding ------------

BG = dict(level="province")
CONSISTENT = {
    "thanh-hoa.txt": [
        spec("Thanh Hóa", "participants", 3242690, "2021-12-31", start="2021-01-01"),
        spec("Thanh Hóa", "participants_change", 41886, "2021-12-31", start="2021-01-01",
             compared_end="2020-12-31"),
        spec("Thanh Hóa", "coverage_rate", 88, "2021-12-31", start="2021-01-01"),
        spec("Thanh Hóa", "participants", 3195168, "2022-10-31", start="2022-01-01"),
        spec("Thanh Hóa", "participants_change", -47522, "2022-10-31", start="2022-01-01",
             compared_end="2021-12-31", value_text="47.522"),
        spec("Thanh Hóa", "plan_attainment", 95.95, "2022-10-31", start="2022-01-01"),
    ],
    "thanh-hoa-tom-tat.txt": [
        spec("Thanh Hóa", "participants", 3200000, "2021-12-31", qualifier="about",
             value_text="3,2 triệu"),
        spec("Thanh Hóa", "coverage_rate", 88, "2021", qualifier="about", value_text="88%"),
    ],
    "bac-giang.txt": [
        spec("Bắc Giang", "participants", 1741540, "2022-09-30"),
        spec("Bắc Giang", "coverage_rate", 99, "2022-09-30", qualifier="over"),
        spec("Sơn Động", "coverage_rate", 99.9, "2022-09-30", level="district",
             province="Bắc Giang", value_text="99.9%"),
        spec("Lục Nam", "coverage_rate", 99.7, "2022-09-30", level="district",
             province="Bắc Giang", value_text="99.7%"),
        spec("Lục Nam", "participants", 205000, "2022-09-30", level="district",
             province="Bắc Giang"),
        spec("Sơn Động", "participants", 71000, "2022-09-30", level="district",
             province="Bắc Giang"),
    ],
    "bac-giang-quy-iii.txt": [
        spec("Bắc Giang", "participants", 1740000, "2022-09-30", qualifier="over",
             value_text="1,74 triệu"),
        spec("Bắc Giang", "coverage_rate", 99.1, "2022-09-30"),
        spec("Sơn Động", "coverage_rate", 99.95, "2022-09-30", level="district",
             province="Bắc Giang"),
    ],
    "ha-noi-1.txt": [spec("Hà Nội", "participants", 1300000, "2023-06-30",
                          scheme="BHXH_BB", value_text="1,3 triệu")],
    "ha-noi-2.txt": [spec("Hà Nội", "participants", 1317000, "2023-06-30", scheme="BHXH_BB")],
    "ca-nuoc.txt": [
        spec("Việt Nam", "participants", 91100000, "2022-12-31", level="national",
             value_text="91,1 triệu"),
        spec("Việt Nam", "coverage_rate", 92.04, "2022-12-31", level="national"),
        spec("Việt Nam", "non_participants", 7900000, "2022-12-31", level="national",
             qualifier="about", value_text="7,9 triệu"),
    ],
    "quang-tri.txt": [
        spec("Quảng Trị", "participants", 560000, "2019-12-31"),
        spec("Quảng Trị", "participants", 565000, "2020-12-31"),
        spec("Quảng Trị", "coverage_rate", 88.5, "2019-12-31"),
        spec("Quảng Trị", "coverage_rate", 91.2, "2020-12-31"),
    ],
    "quang-tri-2021.txt": [
        spec("Quảng Trị", "participants", 571000, "2021-12-31"),
        spec("Quảng Trị", "coverage_rate", 92.3, "2021-12-31"),
    ],
}


def test_consistent_documents_raise_no_alarm(tmp_path):
    db = build(tmp_path, CONSISTENT)
    report = run_audit(db)
    assert report.n_documents == len(CONSISTENT)
    assert report.conflicts == [], [f.message for f in report.conflicts]
    assert report.arithmetic == [], [f.message for f in report.arithmetic]
    assert report.jumps == [], [f.message for f in report.jumps]
    series = {(s.region, s.metric): [p["value"] for p in s.points] for s in report.series}
    assert series[("Quảng Trị", "participants")] == [560000, 565000, 571000]
    assert series[("Thanh Hóa", "participants")] == [3242690, 3195168]


def with_planted(tmp_path, docs: dict) -> AuditReport:
    return run_audit(build(tmp_path, {**CONSISTENT, **docs}))


# -- conflicts ---------------------------------------------------------------------------

def test_conflict_between_documents_is_found_with_both_sides(tmp_path):
    report = with_planted(tmp_path, {"bac-giang-sai.txt": [
        spec("Bắc Giang", "participants", 1714540, "2022-09-30")]})
    assert report.arithmetic == [] and report.jumps == []
    (c,) = report.conflicts
    assert (c.region, c.scheme, c.metric, c.period_end) == ("Bắc Giang", "BHYT",
                                                              "participants", "2022-09-30")
    sides = {i["source"]: i for i in c.items}
    assert set(sides) == {"bac-giang.txt", "bac-giang-quy-iii.txt", "bac-giang-sai.txt"}
    assert sides["bac-giang-sai.txt"]["conflicting"] and sides["bac-giang.txt"]["conflicting"]
    assert sides["bac-giang-sai.txt"]["evidence"].startswith("Đến 2022-09-30, Bắc Giang có")
    assert "1,714,540" in c.message and "1,741,540" in c.message


def test_percent_conflict_and_partial_dates(tmp_path):
    report = with_planted(tmp_path, {"luc-nam.txt": [
        spec("Lục Nam", "coverage_rate", 97.9, "2022-09-30", level="district",
             province="Bắc Giang")],
        "thanh-hoa-2021.txt": [spec("Thanh Hóa", "coverage_rate", 86.5, "2021")]})
    found = {(c.region, c.metric, c.period_end) for c in report.conflicts}
    assert found == {("Lục Nam", "coverage_rate", "2022-09-30"),
                     ("Thanh Hóa", "coverage_rate", "2021-12-31")}


def test_same_document_and_different_days_are_not_conflicts(tmp_path):
    report = with_planted(tmp_path, {
        "two-figures.txt": [spec("Phú Yên", "participants", 800000, "2023-06-30"),
                            spec("Phú Yên", "participants", 750000, "2023-06-30")],
        "other-day.txt": [spec("Bắc Giang", "participants", 1700000, "2021-12-31")],
        "other-scheme.txt": [spec("Bắc Giang", "participants", 30000, "2022-09-30",
                                  scheme="BHXH_TN")]})
    assert report.conflicts == []


def test_targets_unknown_bases_and_provisional_figures_are_not_compared(tmp_path):
    db = build(tmp_path, CONSISTENT)
    conn = open_db(db)
    try:
        for source, specs, published in [
            ("ke-hoach-2022.txt", [spec("Thanh Hóa", "target_coverage_rate", 95, "2025-12-31"),
                                   spec("Thanh Hóa", "rate", 85.26, "2021-12-31"),
                                   spec("Thanh Hóa", "plan_attainment", 98, "2022-10-31")],
             "2022-03-01"),
            ("ke-hoach-2023.txt", [spec("Thanh Hóa", "target_coverage_rate", 95.2, "2025-12-31"),
                                   spec("Thanh Hóa", "rate", 97.1, "2021-12-31"),
                                   spec("Thanh Hóa", "plan_attainment", 101, "2022-10-31")],
             "2023-03-01"),
            # "năm 2021 có 3,1 triệu người" written in October 2021: not the year's final figure
            ("giua-nam.txt", [spec("Thanh Hóa", "participants", 3100000, "2021-12-31",
                                   value_text="3,1 triệu")], "2021-10-15"),
        ]:
            ex = extraction(source, specs, title=source)
            ex.document["published"] = published
            store_extraction(conn, source, ex)
    finally:
        conn.close()
    report = run_audit(db)
    assert report.conflicts == [] and report.jumps == []


def test_fast_growth_of_voluntary_insurance_is_not_a_jump(tmp_path):
    report = with_planted(tmp_path, {
        "tn-2019.txt": [spec("Gia Lai", "participants", 9000, "2019-12-31", scheme="BHXH_TN")],
        "tn-2020.txt": [spec("Gia Lai", "participants", 16500, "2020-12-31", scheme="BHXH_TN")],
        "tn-2021.txt": [spec("Gia Lai", "participants", 165000, "2021-12-31",
                             scheme="BHXH_TN")]})
    jumps = [(j.region, j.period_end) for j in report.jumps]
    assert jumps == [("Gia Lai", "2021-12-31")]          # x10 in a year is a typo; x1.8 is not


@pytest.mark.parametrize("a,b,conflict", [
    ((1300000, "1,3 triệu", None), (1317000, "1.317.000", None), False),
    ((1300000, "1,3 triệu", None), (1370000, "1.370.000", None), True),
    ((99, "99%", "over"), (99.7, "99,7%", None), False),
    ((99, "99%", "over"), (97.5, "97,5%", None), True),
    ((99.9, "99,9%", None), (99.95, "99,95%", None), False),
    ((99.9, "99,9%", None), (99.7, "99,7%", None), True),
    ((88, "88%", None), (88.4, "88,4%", None), False),
    ((88, "88%", None), (88.6, "88,6%", None), True),
    ((95, "95%", "about"), (95.8, "95,8%", None), False),
    ((500000, "500.000", None), (502000, "502.000", None), False),
    ((500000, "500.000", None), (510000, "510.000", None), True),
    ((500000, "500 nghìn", "about"), (520000, "520.000", None), False),
    ((20000, "20.000", "under"), (19500, "19.500", None), False),
    ((20000, "20.000", "under"), (25000, "25.000", None), True),
])
def test_rounding_and_qualifiers(a, b, conflict):
    def fact(i, v, text, q):
        pct = "%" in text
        return Fact(id=i, doc_id=i, source=str(i), title=None, published=None, region="X",
                    level="province", province="X", scheme="BHYT",
                    metric="coverage_rate" if pct else "participants", value=v, lo=v, hi=v,
                    unit="percent" if pct else "person", qualifier=q, start_date=None,
                    end_date="2022-12-31", period_end="2022-12-31", compared_end_date=None,
                    evidence=text, value_text=text)
    from extractor.audit.conflicts import find_conflicts
    found = find_conflicts([fact(1, *a), fact(2, *b)])
    assert bool(found) is conflict


def test_rounding_unit():
    assert rounding_unit(99.9, "99,9%", True) == pytest.approx(0.1)
    assert rounding_unit(1300000, "1,3 triệu", False) == pytest.approx(100000)
    assert rounding_unit(1741540, "1.741.540", False) == 1
    assert rounding_unit(88, "88%", True) == 1
    assert rounding_unit(45400000, "45.400 ngàn", False) == pytest.approx(1000)
    assert rounding_unit(25000, "hai mươi lăm nghìn", False) == pytest.approx(1000)
    assert rounding_unit(98, "97-98%", True) == 1


# -- arithmetic --------------------------------------------------------------------------

def test_change_disagreeing_with_totals(tmp_path):
    report = with_planted(tmp_path, {"nghe-an.txt": [
        spec("Nghệ An", "participants", 3100500, "2022-12-31"),
        spec("Nghệ An", "participants", 3058200, "2021-12-31"),
        spec("Nghệ An", "participants_change", 52300, "2022-12-31", compared_end="2021-12-31"),
    ]})
    (f,) = report.arithmetic
    assert f.check == "change_vs_totals" and f.region == "Nghệ An"
    assert "52,300" in f.message and "42,300" in f.message
    assert [i["value"] for i in f.items] == [52300, 3100500, 3058200]


def test_change_with_wrong_sign(tmp_path):
    report = with_planted(tmp_path, {"ha-tinh.txt": [
        spec("Hà Tĩnh", "participants", 1200000, "2023-06-30"),
        spec("Hà Tĩnh", "participants", 1188000, "2022-12-31"),
        spec("Hà Tĩnh", "participants_change", -12000, "2023-06-30", compared_end="2022-12-31",
             value_text="12.000"),
    ]})
    (f,) = report.arithmetic
    assert f.check == "change_vs_totals" and "wrong sign" in f.message


def test_change_against_rounded_totals_is_fine(tmp_path):
    report = with_planted(tmp_path, {"rounded.txt": [
        spec("Hà Tĩnh", "participants", 1200000, "2023-06-30", value_text="1,2 triệu"),
        spec("Hà Tĩnh", "participants", 1188000, "2022-12-31"),
        spec("Hà Tĩnh", "participants_change", 15000, "2023-06-30", compared_end="2022-12-31"),
    ]})
    assert report.arithmetic == []


def test_impossible_population_and_rate_above_100(tmp_path):
    report = with_planted(tmp_path, {"lai-chau.txt": [
        spec("Lai Châu", "participants", 480000, "2023-12-31"),
        spec("Lai Châu", "coverage_rate", 0.48, "2023-12-31", value_text="0,48%"),
        spec("Mường Tè", "participants", 150000, "2023-12-31", level="district",
             province="Lai Châu"),
        spec("Mường Tè", "coverage_rate", 5, "2023-12-31", level="district",
             province="Lai Châu"),
        spec("Tam Đường", "coverage_rate", 102.5, "2023-12-31", level="district",
             province="Lai Châu"),
    ]})
    found = {(f.check, f.region) for f in report.arithmetic}
    assert found == {("implied_population", "Lai Châu"), ("implied_population", "Mường Tè"),
                     ("coverage_over_100", "Tam Đường")}


def test_coverage_against_non_participants(tmp_path):
    report = with_planted(tmp_path, {"nam-dinh.txt": [
        spec("Nam Định", "participants", 900000, "2023-12-31"),
        spec("Nam Định", "non_participants", 200000, "2023-12-31"),
        spec("Nam Định", "coverage_rate", 95, "2023-12-31"),
    ]})
    (f,) = report.arithmetic
    assert f.check == "coverage_vs_non_participants" and "81.82%" in f.message


def test_part_above_whole(tmp_path):
    report = with_planted(tmp_path, {"son-dong.txt": [
        spec("Sơn Động", "participants", 2000000, "2022-09-30", level="district",
             province="Bắc Giang")],
        "tinh-tren-ca-nuoc.txt": [spec("Hà Giang", "participants", 95000000, "2022-12-31")]})
    checks = {(f.check, f.region) for f in report.arithmetic}
    assert ("part_above_whole", "Sơn Động") in checks
    assert ("part_above_whole", "Hà Giang") in checks
    assert all(f.check == "part_above_whole" for f in report.arithmetic)


def test_parts_sum_above_whole(tmp_path):
    report = with_planted(tmp_path, {"districts.txt": [
        spec("Yên Thế", "participants", 1000000, "2022-09-30", level="district",
             province="Bắc Giang"),
        spec("Tân Yên", "participants", 900000, "2022-09-30", level="district",
             province="Bắc Giang")]})
    (f,) = [f for f in report.arithmetic if f.check == "parts_sum_above_whole"]
    assert "Bắc Giang" in f.message and len(f.items) == 3


def test_population_spread_between_documents(tmp_path):
    report = with_planted(tmp_path, {
        "y1.txt": [spec("Yên Bái", "participants", 700000, "2021-12-31"),
                   spec("Yên Bái", "coverage_rate", 90, "2021-12-31")],
        "y2.txt": [spec("Yên Bái", "participants", 705000, "2022-12-31"),
                   spec("Yên Bái", "coverage_rate", 55, "2022-12-31")]})
    checks = [(f.check, f.severity) for f in report.arithmetic]
    assert ("population_spread", "warning") in checks
    # and a jump of 35 points in the coverage series
    assert any(j.metric == "coverage_rate" and j.region == "Yên Bái" for j in report.jumps)


# -- series ------------------------------------------------------------------------------

def test_series_spike_and_jump(tmp_path):
    report = with_planted(tmp_path, {
        "quang-tri-sai.txt": [spec("Quảng Trị", "participants", 5710000, "2022-06-30")],
        "quang-tri-2023.txt": [spec("Quảng Trị", "participants", 574000, "2023-06-30"),
                               spec("Quảng Trị", "coverage_rate", 99.5, "2023-06-30")],
        "kon-tum.txt": [spec("Kon Tum", "coverage_rate", 80, "2020-12-31")],
        "kon-tum-2021.txt": [spec("Kon Tum", "coverage_rate", 98, "2021-12-31")],
    })
    jumps = {(j.check, j.region, j.metric, j.period_end) for j in report.jumps}
    assert ("spike", "Quảng Trị", "participants", "2022-06-30") in jumps
    assert ("jump", "Kon Tum", "coverage_rate", "2021-12-31") in jumps
    # 92.3 -> 99.5 in 1.5 years is plausible; the points around the spike are not flagged
    assert len(jumps) == 2
    qt = next(s for s in report.series if s.region == "Quảng Trị" and s.metric == "participants")
    assert [p["flag"] for p in qt.points] == [None, None, None, "spike", None]


# -- rendering ---------------------------------------------------------------------------

@pytest.fixture
def planted_report(tmp_path):
    return with_planted(tmp_path, {
        "bac-giang-sai.txt": [spec("Bắc Giang", "participants", 1714540, "2022-09-30")],
        "nghe-an.txt": [spec("Nghệ An", "participants", 3100500, "2022-12-31"),
                        spec("Nghệ An", "participants", 3058200, "2021-12-31"),
                        spec("Nghệ An", "participants_change", 52300, "2022-12-31",
                             compared_end="2021-12-31")],
        "quang-tri-sai.txt": [spec("Quảng Trị", "participants", 5710000, "2022-06-30")],
        "quang-tri-2023.txt": [spec("Quảng Trị", "participants", 574000, "2023-06-30")]})


def test_render_csv_json_table(planted_report):
    rows = list(csv.DictReader(io.StringIO(render(planted_report, "csv"))))
    assert {r["section"] for r in rows} == {"conflict", "arithmetic", "series"}
    conflict = next(r for r in rows if r["section"] == "conflict")
    assert "bac-giang-sai.txt" in conflict["sources"] and conflict["region"] == "Bắc Giang"
    data = json.loads(render(planted_report, "json"))
    assert len(data["conflicts"]) == 1 and len(data["arithmetic"]) == 1
    table = render(planted_report, "table")
    for word in ("Bắc Giang", "Nghệ An", "Quảng Trị", "change_vs_totals", "spike"):
        assert word in table
    assert "1 conflicts, 1 arithmetic findings, 1 suspicious jumps" in planted_report.summary()
    with pytest.raises(ValueError):
        render(planted_report, "pdf")


def test_render_html_page(planted_report, tmp_path):
    html = render(planted_report, "html")
    assert html.startswith("<!DOCTYPE html>") and "</html>" in html
    assert "Số liệu mâu thuẫn giữa các văn bản" in html and "Lỗi số học" in html
    assert html.count("data:image/png;base64,") >= 3          # a chart per region
    assert "http://" not in html and "https://" not in html    # nothing fetched
    assert "bac-giang-sai.txt" in html and "change_vs_totals" in html
    import base64
    png = html.split("data:image/png;base64,")[1].split('"')[0]
    assert base64.b64decode(png)[:8] == b"\x89PNG\r\n\x1a\n"


def test_empty_database(tmp_path):
    db = tmp_path / "empty.db"
    open_db(db).close()
    report = run_audit(db)
    assert report.findings == [] and report.n_records == 0
    assert "Không phát hiện vấn đề" in render(report, "html")
