"""normalize_number / read_number on the table of real number forms, and the
pieces underneath (separators, spelled numbers)."""
from __future__ import annotations

import csv
import json
import math
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

import extractor
from extractor.normalize import normalize_number, read_number, reload_rules
from extractor.normalize.figures import read_figure
from extractor.normalize.spelled import spelled_value

DATA = Path(__file__).parent / "data" / "number_cases.tsv"


def _rows():
    with open(DATA, encoding="utf-8", newline="") as f:
        lines = [ln for ln in f if not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


ROWS = _rows()


def _same(got, exp) -> bool:
    if exp is None or got is None:
        return got is None and exp is None
    if isinstance(exp, list):
        return isinstance(got, tuple) and len(got) == 2 and all(
            math.isclose(g, e, rel_tol=1e-9) for g, e in zip(got, exp))
    return not isinstance(got, tuple) and math.isclose(got, exp, rel_tol=1e-9, abs_tol=1e-12)


def test_table_is_large_enough():
    assert len(ROWS) >= 300


@pytest.mark.parametrize("row", ROWS, ids=[f"{i}:{r['text'][:30]}" for i, r in enumerate(ROWS)])
def test_number_case(row):
    ctx = None if row["context"] == "-" else row["context"]
    exp = None if row["expected"] == "None" else json.loads(row["expected"])
    got = normalize_number(row["text"], ctx)
    assert _same(got, exp), f"{row['text']!r} (context {ctx!r}): expected {exp}, got {got}"
    if exp is not None:
        m = read_number(row["text"], ctx)
        assert m.ambiguous == bool(int(row["ambiguous"]))
        assert m.qualifier == (None if row["qualifier"] == "-" else row["qualifier"])


def test_contract_examples_through_package_api():
    assert extractor.normalize_number("1.741.540") == 1741540
    assert extractor.normalize_number("100,1%") == pytest.approx(100.1)
    assert extractor.normalize_number("84,746 triệu") == 84746000
    assert extractor.normalize_number("hai mươi lăm nghìn") == 25000
    assert extractor.normalize_number("97-98%") == (97.0, 98.0)
    assert extractor.normalize_number("727,215", context="727,215 người") == 727215
    assert extractor.normalize_number("trên 92%") == 92


def test_ranges_are_float_tuples_and_wholes_may_be_int():
    assert normalize_number("97-98%") == (97.0, 98.0)
    assert all(isinstance(x, float) for x in normalize_number("2-3 địa phương"))
    assert isinstance(normalize_number("1.741.540"), int)
    assert isinstance(normalize_number("99,9%"), float)


def test_reading_carries_unit_kind_and_spans():
    m = read_number("trên 1,3 triệu người")
    assert (m.value, m.unit, m.unit_text, m.qualifier, m.kind) == (1300000, "person", "người", "over", "number")
    assert m.text[m.value_start - m.start:m.value_end - m.start] == "1,3 triệu"
    m = read_number("1.487 tỷ đồng")
    assert (m.unit, m.kind, m.unit_text) == ("vnd", "money", "tỷ đồng")
    m = read_number("99,9 phần trăm")
    assert (m.unit, m.kind, m.value_text) == ("percent", "percent", "99,9 phần trăm")
    assert read_number("3.135.386 thẻ").unit == "card"
    assert read_number("22 xã").unit == "unit"
    assert read_number("1,5 lần").kind == "times"
    assert read_number("17 năm").kind == "duration"
    assert read_number("60 tuổi").kind == "age"
    assert read_number("ba phần tư").kind == "fraction"
    assert read_number("thứ 2").kind == "ordinal"
    assert read_number("1,2 điểm phần trăm").kind == "percent_points"


def test_ambiguity_is_flagged_not_guessed():
    assert read_number("727,215").ambiguous
    assert not read_number("727,215 người").ambiguous
    assert not read_number("727,215", "có 727,215 người tham gia").ambiguous
    assert not read_number("1.741.540").ambiguous
    m = read_number("1.617,981")
    assert m.ambiguous and m.value == pytest.approx(1617.981)
    m = read_number("1.617,981", "danh sách số người tham gia")
    assert not m.ambiguous and m.value == 1617981 and m.alternative is None
    assert read_number("1.617,981").alternative == 1617981
    assert read_number("727,215").alternative == pytest.approx(727.215)
    m = read_number("trên 45.400 ngàn người")  # literal 45,400 thousand; 45.4 thousand also possible
    assert (m.value, m.ambiguous, m.alternative) == (45400000, True, 45400)


def test_several_figures_are_not_guessed():
    assert normalize_number("1,2 triệu người, chiếm 5%") is None
    assert normalize_number("5-3") is None


@pytest.mark.parametrize("raw,role,value,amb", [
    ("1.741.540", None, "1741540", False),
    ("1,588,505", None, "1588505", False),
    ("100,1", "percent", "100.1", False),
    ("99.9", "percent", "99.9", False),
    ("727,215", "count", "727215", False),
    ("727,215", None, "727215", True),
    ("84,746", "multiplier", "84.746", False),
    ("45.400", "multiplier", "45400", True),
    ("1.000", "multiplier", "1000", False),
    ("12,345", "percent", "12.345", False),
    ("1.000", "percent", "1000", False),
    ("1.617,981", None, "1617.981", True),
    ("1.617,981", "count", "1617981", False),
    ("1.617,981", "multiplier", "1617.981", False),
    ("1,234.56", None, "1234.56", False),
    ("0,125", None, "0.125", False),
    ("05", None, "5", False),
    ("1 741 540", None, "1741540", False),
    ("12,5", "count", "12.5", True),
])
def test_read_figure(raw, role, value, amb):
    v, a = read_figure(raw, role)
    assert v == Decimal(value) and a is amb


@pytest.mark.parametrize("raw", ["30.6.2017", "1.2.3", "1,2,3", "1.234.5,6.7", "", "abc", "1..2"])
def test_read_figure_rejects_malformed(raw):
    assert read_figure(raw) is None


@pytest.mark.parametrize("words,value", [
    ("một trăm linh năm", "105"), ("hai mươi mốt", "21"), ("mười lăm", "15"), ("năm mươi tư", "54"),
    ("một nghìn không trăm linh năm", "1005"), ("hai triệu rưỡi", "2500000"), ("một trăm hai", "120"),
    ("một nghìn tỷ", "1000000000000"), ("hai phẩy năm", "2.5"), ("ba phần tư", "0.75"),
    ("một nửa", "0.5"), ("mười hai phẩy năm", "12.5"),
])
def test_spelled_value(words, value):
    assert spelled_value(words.split()) == Decimal(value)


def test_spelled_value_mixed_with_figures():
    assert spelled_value([Decimal("1.2"), "triệu"]) == Decimal(1200000)
    assert spelled_value([Decimal(2), "triệu", Decimal(500), "nghìn"]) == Decimal(2500000)


@pytest.mark.parametrize("words", ["năm năm", "mươi", "một mươi", "hai mười", "mốt", "lăm", "linh",
                                   "hai mươi không", "trăm mười trăm", "phần tư", "một phần"])
def test_spelled_value_rejects_what_no_one_writes(words):
    assert spelled_value(words.split()) is None


def test_vocabulary_is_data(tmp_path, monkeypatch):
    """A new qualifier, unit or scale word needs only an edit of rules/numbers.yaml."""
    rules = Path(extractor.__file__).resolve().parent.parent / "rules"
    copy = tmp_path / "rules"
    shutil.copytree(rules, copy)
    yaml_path = copy / "numbers.yaml"
    text = yaml_path.read_text(encoding="utf-8")
    text = text.replace("qualifiers:\n", "qualifiers:\n  cỡ: about\n", 1)
    text = text.replace("    words: [thẻ, thẻ BHYT, sổ, sổ BHXH]", "    words: [thẻ, thẻ BHYT, sổ, sổ BHXH, phiếu]", 1)
    yaml_path.write_text(text, encoding="utf-8")
    assert read_number("cỡ 5%").qualifier is None
    monkeypatch.setenv("EXTRACTOR_RULES", str(copy))
    reload_rules()
    try:
        assert read_number("cỡ 5%").qualifier == "about"
        assert read_number("200 phiếu").unit == "card"
    finally:
        monkeypatch.delenv("EXTRACTOR_RULES")
        reload_rules()
    assert read_number("200 phiếu").unit is None


def test_spelled_start_finder_finds_what_the_alternation_finds():
    import random
    import re
    from extractor.normalize.number_grammar import grammar
    gr = grammar()
    words = ["một", "hai", "ba", "bao", "năm", "mười", "mươi", "không", "trăm", "nghìn", "tư", "lăm",
             " ", "x", "5", "người", "nửa", "bảy", "bẩy"]
    rnd = random.Random(5)
    texts = ["".join(rnd.choice(words) for _ in range(rnd.randint(1, 12))) for _ in range(3000)]
    for finder in (gr.spelled_start, gr.spelled_any_start):
        plain = re.compile("|".join(re.escape(w) for w in finder.phrases))  # longest first
        for low in texts:
            assert list(finder.finditer(low)) == [m.span() for m in plain.finditer(low)], low
