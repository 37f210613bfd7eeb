"""Property tests: the normalizers and finders never raise, whatever the text,
and what they report is consistent with the text they were given."""
from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractor.normalize import (find_dates, find_numbers, normalize_date, normalize_number,
                                 read_date, read_number)

# Pieces real reports are made of, so that random texts hit the rules often.
PIECES = ["ngày", "tháng", "năm", "quý", "Quý", "III", "hết", "tính đến", "cuối", "đầu", "từ", "đến",
          "hiện nay", "cùng kỳ", "năm học", "giai đoạn", "trên", "hơn", "gần", "khoảng", "trở lên",
          "triệu", "nghìn", "tỷ", "người", "thẻ", "xã", "đồng", "%", "phần trăm", "hai", "mươi", "lăm",
          "một", "trăm", "linh", "phần", "tư", "nửa", "rưỡi", "1.741.540", "100,1", "99.9", "727,215",
          "30/09/2022", "24/10", "6/2024", "2023", "2023-2025", "22:04", "05", "1.617,981", "97-98",
          "882-CV/TU", "số", "thứ", "(", ")", "-", "/", ".", ",", ":", ";", " ", " ", "\n", "GMT+7",
          "http://a.vn/1/2", "0912 345 678", "Số", "lúc", "sáng", "T6/2024", "Q3/2022"]

texts = st.one_of(
    st.text(max_size=80),
    st.text(alphabet=st.sampled_from("0123456789.,/-:% ngàyth\u00e1ng\u0103mquýIV"), max_size=40),
    st.lists(st.sampled_from(PIECES), max_size=14).map(" ".join),
    st.lists(st.sampled_from(PIECES), max_size=14).map("".join),
)
refs = st.one_of(st.none(), st.dates(min_value=dt.date(1901, 1, 1), max_value=dt.date(2099, 12, 31)))
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(texts, st.one_of(st.none(), texts))
def test_normalize_number_never_raises(text, context):
    value = normalize_number(text, context)
    assert value is None or isinstance(value, (int, float, tuple))
    read_number(text, context)  # the unguarded reader must not raise either


@FUZZ
@given(texts, refs)
def test_normalize_date_never_raises(text, ref):
    value = normalize_date(text, ref)
    assert value is None or isinstance(value, str)
    m = read_date(text, ref)
    if m is not None and m.kind != "datetime" and m.start_iso and m.end_iso:
        assert m.start_iso <= m.end_iso


@FUZZ
@given(texts)
def test_find_numbers_is_consistent(text):
    for m in find_numbers(text):
        assert text[m.start:m.end] == m.text
        assert m.start <= m.value_start < m.value_end <= m.end
        assert m.unit in (None, "percent", "person", "card", "vnd", "unit")
        assert m.qualifier in (None, "over", "under", "about", "at_least")
        if isinstance(m.value, tuple):
            assert m.value[0] < m.value[1]


@FUZZ
@given(texts, refs)
def test_find_dates_is_consistent(text, ref):
    found = find_dates(text, ref)
    for m in found:
        assert text[m.start:m.end] == m.text
        assert (m.value is None) == (m.start_iso is None)
        if ref is None and m.value is not None:
            assert not m.needs_reference
    for a, b in zip(found, found[1:]):
        assert a.end <= b.start


@FUZZ
@given(st.integers(min_value=0, max_value=10**12))
def test_thousands_with_dots_round_trip(n):
    written = f"{n:,}".replace(",", ".")
    assert normalize_number(written) == n
    assert normalize_number(written + " người") == n


@FUZZ
@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_numeric_dates_round_trip(d):
    assert normalize_date(f"{d.day}/{d.month}/{d.year}") == d.isoformat()
    assert normalize_date(f"ngày {d.day:02d} tháng {d.month:02d} năm {d.year}") == d.isoformat()
    assert normalize_date(f"tháng {d.month}/{d.year}") == d.isoformat()[:7]
