"""normalize_date / read_date on the table of real date forms, plus bounds,
kinds, cues and the rule that dateparser never reads running text."""
from __future__ import annotations

import csv
import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

import extractor
from extractor.normalize import dates, normalize_date, read_date

DATA = Path(__file__).parent / "data" / "date_cases.tsv"
ROOT = Path(__file__).resolve().parent.parent


def _rows():
    with open(DATA, encoding="utf-8", newline="") as f:
        lines = [ln for ln in f if not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


ROWS = _rows()


def test_table_is_large_enough():
    assert len(ROWS) >= 150


@pytest.mark.parametrize("row", ROWS, ids=[f"{i}:{r['text'][:30]}" for i, r in enumerate(ROWS)])
def test_date_case(row):
    ref = None if row["reference"] == "-" else dt.date.fromisoformat(row["reference"])
    exp = None if row["expected"] == "None" else row["expected"]
    assert normalize_date(row["text"], ref) == exp


def test_contract_examples_through_package_api():
    assert extractor.normalize_date("ngày 03 tháng 10 năm 2017") == "2017-10-03"
    assert extractor.normalize_date("tháng 6/2024") == "2024-06"
    assert extractor.normalize_date("năm 2023") == "2023"
    assert extractor.normalize_date("6 tháng đầu năm 2024") == "2024-01-01..2024-06-30"
    assert extractor.normalize_date("Quý III/2022") == "2022-07-01..2022-09-30"
    assert extractor.normalize_date("ngày 24/10", dt.date(2022, 11, 24)) == "2022-10-24"
    assert extractor.normalize_date("hết tháng 6/2024") == "2024-06-30"
    assert extractor.normalize_date("cuối năm 2022") == "2022-12-31"
    assert extractor.normalize_date("22:04 24/11/2022") == "2022-11-24T22:04"


def test_reference_may_be_a_datetime_or_iso_string():
    assert normalize_date("hiện nay", dt.datetime(2022, 11, 24, 9, 30)) == "2022-11-24"
    assert normalize_date("năm nay", "2022-11-24") == "2022"


def test_month_after_the_reference_month_is_last_year():
    ref = dt.date(2024, 6, 22)
    assert normalize_date("tháng 5", ref) == "2024-05"
    assert normalize_date("tháng 6", ref) == "2024-06"
    assert normalize_date("tháng 7", ref) == "2023-07"
    assert normalize_date("ngày 24/10", dt.date(2023, 1, 5)) == "2022-10-24"


@pytest.mark.parametrize("text,ref,kind,start,end", [
    ("tháng 6/2024", None, "month", "2024-06-01", "2024-06-30"),
    ("năm 2021", None, "year", "2021-01-01", "2021-12-31"),
    ("30/09/2022", None, "day", "2022-09-30", "2022-09-30"),
    ("Quý III/2022", None, "period", "2022-07-01", "2022-09-30"),
    ("giai đoạn 2023-2025", None, "period", "2023-01-01", "2025-12-31"),
    ("năm học 2018-2019", None, "school_year", "2018-09-01", "2019-05-31"),
    ("từ 1/11 - 30/11/2022", None, "range", "2022-11-01", "2022-11-30"),
    ("22:04 24/11/2022", None, "datetime", "2022-11-24", "2022-11-24"),
    ("hiện nay", dt.date(2022, 11, 24), "relative", "2022-11-24", "2022-11-24"),
    ("năm ngoái", dt.date(2022, 11, 24), "relative", "2021-01-01", "2021-12-31"),
    ("2016-2020", None, "range", "2016-01-01", "2020-12-31"),
])
def test_bounds_and_kinds(text, ref, kind, start, end):
    m = read_date(text, ref)
    assert (m.kind, m.start_iso, m.end_iso) == (kind, start, end)


def test_as_of_cues_are_in_the_span():
    m = read_date("tính đến hết ngày 30/09/2022")
    assert m.asof and m.text == "tính đến hết ngày 30/09/2022" and m.value == "2022-09-30"
    m = read_date("Tính đến hết tháng 6", dt.date(2024, 6, 22))
    assert m.asof and m.value == "2024-06-30" and m.needs_reference
    m = read_date("đến tháng 6/2024")
    assert m.asof and m.value == "2024-06"
    assert not read_date("tháng 6/2024").asof


def test_comparison_cue_is_a_relation_outside_the_span():
    m = read_date("so với năm 2020")
    assert m.text == "năm 2020" and m.relation == "compare" and not m.asof
    assert read_date("so với cùng kỳ", dt.date(2022, 11, 24)).relation == "compare"


def test_relative_without_reference_is_none():
    for text in ("hiện nay", "ngày 24/10", "hết tháng 6", "năm nay", "cùng kỳ năm trước"):
        assert normalize_date(text) is None
        assert normalize_date(text, dt.date(2022, 11, 24)) is not None


def test_dateparser_reads_only_what_rules_cannot():
    assert normalize_date("November 24, 2022") == "2022-11-24"
    assert normalize_date("35%") is None
    assert normalize_date("2,5%") is None


def test_finders_and_rule_forms_never_import_dateparser():
    code = (
        "import sys, datetime as dt\n"
        "from extractor.normalize import find_dates, find_numbers, normalize_date, normalize_number\n"
        "t = 'Tính đến hết ngày 30/09/2022, toàn tỉnh có 1.741.540 người, đạt 100,1%; Quý III/2022.'\n"
        "find_dates(t, dt.date(2022, 11, 24)); find_numbers(t)\n"
        "assert normalize_date('Quý III/2022') and normalize_date('hiện nay', dt.date(2022, 1, 1))\n"
        "assert normalize_date('35%') is None and normalize_number('2,5%') == 2.5\n"
        "assert 'dateparser' not in sys.modules, 'dateparser was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=60)


# --------------------------------------------------------------------------- scanning shortcuts

def _plain_lookback(low, p, leads):
    """What dates._lookback finds, written the plain way (all words split)."""
    found, lo = set(), max(0, p - 40)
    seg = low[lo:p]
    idx = len(seg)
    for part in reversed(seg.split()[-5:]):
        idx = seg.rfind(part, 0, idx)
        word = part.strip(dates._PUNCT)
        if word in leads:
            found.add(lo + idx + part.find(word))
    return found


_SHORTCUT_TEXTS = [
    "Tính đến hết ngày 30/6/2024, toàn tỉnh có 1.234 người tham gia",
    "so với cùng kỳ năm 2023 tăng 5%; TÍNH ĐẾN   tháng 6/2024 đạt 90%",
    "(năm 2022) …ngày 5/6/2022, ſo 2021, kể từ\u00a0năm 2020, từngày 1/1",
    "  tháng  năm   ngày hai ba  quý III/2022 đến 2025 trước 05/11 tổ chức",
    "x" * 50 + "năm 2021 và t 6/2022, Q3/2022 sau 2019",
]


def test_lookback_finds_what_the_plain_walk_finds():
    from extractor.normalize.date_grammar import grammar
    leads = grammar().lookback_leads
    for text in _SHORTCUT_TEXTS:
        low = text.lower()
        for p in range(len(low) + 1):
            got: set = set()
            dates._lookback(low, p, leads, got)
            assert got == _plain_lookback(low, p, leads), (text, p)


def test_cue_before_matches_the_pattern_search():
    from extractor.normalize.date_grammar import grammar
    gr = grammar()
    for text in _SHORTCUT_TEXTS:
        for start in range(len(text) + 1):
            want = gr.cue_before.search(text, max(0, start - 30), start)
            got = dates._cue_before(text, start, gr)
            assert (got and got.span("cue")) == (want and want.span("cue")), (text, start)


def test_anchor_scan_finds_what_the_pattern_finds():
    import random
    from extractor.normalize.date_grammar import grammar
    anchors = grammar().anchors
    words = ["năm nay", "cuối năm", "hiện nay", "thiện", "các tháng đầu năm", "những", "hạn", "hạ tuần",
             "tháng", "tháng này", "cùng kỳ", "giờ trước", " ", "  ", "x", "2024", ",", "nay", "quý"]
    rnd = random.Random(3)
    texts = [t.lower() for t in _SHORTCUT_TEXTS]
    texts += ["".join(rnd.choice(words) for _ in range(rnd.randint(1, 12))) for _ in range(3000)]
    for low in texts:
        assert [m.span() for m in anchors.finditer(low)] == \
            [m.span() for m in anchors.pattern.finditer(low)], low
