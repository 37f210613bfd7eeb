"""find_numbers / find_dates on sentences of real reports (sentence level: the
rules are about forms, never about one document)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from extractor.normalize import find_dates, find_numbers

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus-dev"


def nums(text):
    return [(text[m.value_start:m.value_end], m.value, m.unit, m.qualifier, m.kind)
            for m in find_numbers(text)]


def dates(text, ref=None):
    return [(m.text, m.value, m.kind) for m in find_dates(text, ref)]


def test_counts_and_percent_with_as_of_date():
    s = ("Theo báo cáo của Ban Chỉ đạo, tính đến hết ngày 30/09/2022, toàn tỉnh có 1.741.540 người tham "
         "gia BHYT, đạt 100,1% kế hoạch BHXH Việt Nam giao")
    assert nums(s) == [("1.741.540", 1741540, "person", None, "number"),
                       ("100,1%", 100.1, "percent", None, "percent")]
    (d,) = find_dates(s)
    assert (d.text, d.value, d.asof, d.kind) == ("tính đến hết ngày 30/09/2022", "2022-09-30", True, "day")


def test_rate_list_with_dot_decimals_and_qualifier():
    s = ("Một số huyện, thành phố có tỷ lệ bao phủ BHYT cao như: Sơn Động (99.9%); Lục Nam (99.7%),… "
         "Tỷ lệ bao phủ BHYT đạt trên 99% dân số")
    assert nums(s) == [("99.9%", 99.9, "percent", None, "percent"),
                       ("99.7%", 99.7, "percent", None, "percent"),
                       ("99%", 99, "percent", "over", "percent")]
    assert find_numbers(s)[-1].text == "trên 99%"


def test_day_without_year_takes_the_reference_year():
    s = ("Ngày 24/10, UBND tỉnh Bắc Giang tổ chức Hội nghị trực tuyến triển khai “Tháng cao điểm vận "
         "động nhân dân tham gia bảo hiểm y tế” năm 2023")
    assert dates(s, dt.date(2022, 11, 24)) == [("Ngày 24/10", "2022-10-24", "day"), ("năm 2023", "2023", "year")]
    assert nums(s) == []
    no_ref = find_dates(s)
    assert (no_ref[0].text, no_ref[0].value, no_ref[0].kind, no_ref[0].needs_reference) == (
        "Ngày 24/10", None, "relative", True)
    assert (no_ref[0].start_iso, no_ref[0].end_iso) == (None, None)


def test_date_range_is_one_mention_and_no_numbers():
    s = "thời gian thực hiện từ 1/11 - 30/11/2022 với chủ đề"
    assert dates(s) == [("từ 1/11 - 30/11/2022", "2022-11-01..2022-11-30", "range")]
    assert nums(s) == []


def test_year_figures_and_comparisons():
    s = ("Năm 2021, toàn tỉnh Thanh Hóa có 3.242.690 người tham gia, tăng 41.886 người so với năm 2020, "
         "đạt tỷ lệ bao phủ 88% dân số và đạt 100% kế hoạch được giao; 10 tháng năm 2022 có 3.195.168 "
         "người tham gia, giảm 47.522 người so với năm 2021 và đạt 95,95% kế hoạch được giao.")
    assert [v for _, v, *_ in nums(s)] == [3242690, 41886, 88, 100, 3195168, 47522, 95.95]
    found = find_dates(s)
    assert [(m.text, m.value, m.relation) for m in found] == [
        ("Năm 2021", "2021", None), ("năm 2020", "2020", "compare"),
        ("10 tháng năm 2022", "2022-01-01..2022-10-31", None), ("năm 2021", "2021", "compare")]


def test_target_years_and_periods():
    s = ("Những tháng cuối năm 2022 và giai đoạn 2023-2025, Bảo hiểm xã hội tỉnh Thanh Hóa sẽ phấn đấu "
         "đạt tỷ lệ bao phủ 91,85% dân số, năm 2023 đạt 93%, năm 2024 đạt 94% và năm 2025 đạt 95,2%.")
    assert [v for _, v, *_ in nums(s)] == [91.85, 93, 94, 95.2]
    assert dates(s) == [("Những tháng cuối năm 2022", "2022-10-01..2022-12-31", "period"),
                        ("giai đoạn 2023-2025", "2023-01-01..2025-12-31", "period"),
                        ("năm 2023", "2023", "year"), ("năm 2024", "2024", "year"), ("năm 2025", "2025", "year")]


def test_letterhead_document_numbers_and_list_markers_are_not_numbers():
    s = ("Bắc Giang, ngày 03 tháng 10 năm 2017\nSố 882-CV/TU\n"
         "Thời gian qua, theo tinh thần Chỉ thị số 08-CT/TU ngày 01/9/2016 của Ban Thường vụ Tỉnh ủy. "
         "Nhờ đó, tỷ lệ bao phủ BHYT toàn dân đến 30/9/2017 đạt trên 92%.\n"
         "1- Các huyện ủy, thành ủy tổ chức kiểm điểm, đánh giá 01 năm thực hiện Chỉ thị số 08-CT/TU.\n"
         "2. UBND tỉnh, Quyết định số 538/QĐ-TTg, văn bản 4111/UBND-YT, Nghị quyết số 34/NQ-HĐND.")
    assert nums(s) == [("92%", 92, "percent", "over", "percent"), ("01", 1, None, None, "duration")]
    assert [(m.text, m.value, m.asof) for m in find_dates(s)] == [
        ("ngày 03 tháng 10 năm 2017", "2017-10-03", False), ("ngày 01/9/2016", "2016-09-01", False),
        ("đến 30/9/2017", "2017-09-30", True)]


def test_now_ratio_and_relative_dates():
    ref = dt.date(2024, 6, 22)
    s = "Hiện toàn huyện có 22/22 xã, thị trấn đã thành lập được các Ban chỉ đạo"
    assert dates(s, ref) == [("Hiện", "2024-06-22", "relative")]
    (m,) = find_numbers(s)
    assert (m.kind, m.value, m.denominator, m.unit) == ("ratio", 22, 22, "unit")
    s = ("Tính đến thời điểm hiện tại, toàn huyện có 170.342 người tham gia BHYT, đạt 98,89% kế hoạch "
         "BHXH tỉnh giao; tăng 4.368 người so với cùng kỳ năm 2023, tăng 1.496 người so với tháng 12/2023; "
         "đạt bao phủ 95,09% dân số trên địa bàn huyện.")
    assert [v for _, v, *_ in nums(s)] == [170342, 98.89, 4368, 1496, 95.09]
    assert [(m.text, m.value, m.asof, m.relation) for m in find_dates(s, ref)] == [
        ("Tính đến thời điểm hiện tại", "2024-06-22", True, None),
        ("cùng kỳ năm 2023", "2023-06-22", False, "compare"),
        ("tháng 12/2023", "2023-12", False, "compare")]


def test_ranges_and_open_ranges():
    s = "Tính đến hết tháng 6/2024, huyện đã 5 xã đang đạt tỷ lệ bao phủ BHYT rất cao, từ 97-98% dân số"
    assert nums(s) == [("5", 5, "unit", None, "number"), ("97-98%", (97.0, 98.0), "percent", None, "percent")]
    assert find_numbers(s)[1].text == "từ 97-98%"
    assert dates(s) == [("Tính đến hết tháng 6/2024", "2024-06-30", "day")]
    s = "tỷ lệ bao phủ BHYT ở Giao Thủy luôn đạt mức từ 95% trở lên"
    (m,) = find_numbers(s)
    assert (m.text, m.value, m.qualifier) == ("từ 95% trở lên", 95, "at_least")
    (m,) = find_numbers("mỗi cán bộ phụ trách từ 2-3 địa phương")
    assert (m.text, m.value, m.unit_text) == ("từ 2-3 địa phương", (2.0, 3.0), "địa phương")


def test_page_chrome_date_time_and_visit_counter():
    s = ("Thứ ba, ngày 15/12/2016\n80,605,651 lượt truy cập\n09/11/2018 | 11:08 GMT+7\n"
         "(HG) - Đến cuối tháng 9, toàn tỉnh có 610.930 người tham gia BHYT, chiếm 78,77% dân số.")
    ref = dt.date(2018, 11, 9)
    assert dates(s, ref) == [("ngày 15/12/2016", "2016-12-15", "day"),
                             ("09/11/2018 | 11:08 GMT+7", "2018-11-09T11:08", "datetime"),
                             ("Đến cuối tháng 9", "2018-09-30", "day")]
    assert nums(s) == [("80,605,651", 80605651, "unit", None, "number"),
                       ("610.930", 610930, "person", None, "number"),
                       ("78,77%", 78.77, "percent", None, "percent")]


def test_bare_decimals_school_years_and_leading_zero_percent():
    s = "Các địa bàn có tỷ lệ tham gia cao nhất gồm: Hồng Ngự (99,89), thị xã Hồng Ngự 99,32, huyện Cao Lãnh (98,52)"
    assert nums(s) == [("99,89", 99.89, None, None, "number"), ("99,32", 99.32, None, None, "number"),
                       ("98,52", 98.52, None, None, "number")]
    s = "năm học 2018-2019 có 277.120 học sinh, sinh viên tham gia BHYT, tỷ lệ 96,11%."
    assert dates(s) == [("năm học 2018-2019", "2018-09-01..2019-05-31", "school_year")]
    assert nums(s) == [("277.120", 277120, "person", None, "number"), ("96,11%", 96.11, "percent", None, "percent")]
    assert nums("Tỷ lệ học sinh, sinh viên tham gia BHYT tăng trên 05%") == [("05%", 5, "percent", "over", "percent")]


def test_multipliers_dotted_dates_and_short_years():
    s = ("Đến 30.6.2017, toàn tỉnh có trên 1,3 triệu người tham gia BHYT, tăng trên 45.400 ngàn người so "
         "cuối năm 2016; tỷ lệ bao phủ BHYT là 74,6% dân số tỉnh, tăng 2,1% so cuối 2016.")
    assert nums(s) == [("1,3 triệu", 1300000, "person", "over", "number"),
                       ("45.400 ngàn", 45400000, "person", "over", "number"),
                       ("74,6%", 74.6, "percent", None, "percent"), ("2,1%", 2.1, "percent", None, "percent")]
    assert [(m.text, m.value, m.asof, m.relation) for m in find_dates(s)] == [
        ("Đến 30.6.2017", "2017-06-30", True, None), ("cuối năm 2016", "2016-12-31", False, "compare"),
        ("cuối 2016", "2016-12-31", False, "compare")]


def test_money_and_comparisons_are_marked():
    s = ("Hiện toàn tỉnh Cà Mau có hơn 1 triệu người tham gia BHYT, nhiều hơn cùng kỳ hơn 26.340 người; "
         "tổng số tiền trên 1.487 tỷ đồng; cao hơn 0,15% so với chỉ tiêu Nghị quyết số 01 của Chính phủ.")
    got = find_numbers(s)
    assert [(m.value, m.qualifier, m.kind, m.unit, m.unit_text) for m in got] == [
        (1000000, "over", "number", "person", "người"), (26340, "over", "number", "person", "người"),
        (1487000000000, "over", "money", "vnd", "tỷ đồng"), (0.15, None, "percent", "percent", "%")]


def test_labels_ratios_and_population():
    s = ("Điền Trung là xã khu vực 2, tổng dân số 6.974 người; đã hoàn thành 19/19 tiêu chí; "
         "tỷ lệ bao phủ BHYT đạt 92.21%.")
    assert [(m.value, m.kind) for m in find_numbers(s)] == [(2, "ordinal"), (6974, "number"),
                                                            (19, "ratio"), (92.21, "percent")]


def test_spelled_numbers_only_before_units():
    assert nums("anh Dá cùng gần 100 nghìn người dân") == [("100 nghìn", 100000, "person", "about", "number")]
    assert nums("có hai mươi lăm nghìn người tham gia") == [
        ("hai mươi lăm nghìn", 25000, "person", None, "number")]
    assert nums("Năm người được tặng thẻ; năm 2023 có năm xã đạt chuẩn") == [
        ("Năm", 5, "person", None, "number"), ("năm", 5, "unit", None, "number")]
    assert nums("một số xã, tỷ lệ bao phủ còn thấp, hai chính sách trụ cột") == []


def test_urls_phones_and_time_zones_are_skipped():
    s = ("Link bài viết: <https://nguoilambao.vn/2024/06/huyen-giao-thuy-99-phan-tram> "
         "Hotline: 1900 9068; ĐT: (0293) 3 876 543; email bhxh2023@gmail.com, GMT+7")
    assert find_numbers(s) == []
    assert find_dates(s) == []


def test_offsets_point_into_the_text():
    s = ("Đến ngày 31/10/2022, tại Hậu Giang, số người tham gia bảo hiểm xã hội tự nguyện là 12.853 người, "
         "đạt 64,91%; có 621.955 người tham gia bảo hiểm y tế, đạt 85,26%.")
    for m in find_numbers(s):
        assert s[m.start:m.end] == m.text and m.start <= m.value_start < m.value_end <= m.end
    for m in find_dates(s):
        assert s[m.start:m.end] == m.text


@pytest.mark.skipif(not CORPUS.is_dir(), reason="development corpus not present")
def test_invariants_on_the_development_corpus():
    from extractor.ingest.cleanup import clean
    files = sorted((CORPUS / "seeds").glob("*.txt")) + sorted((CORPUS / "docs").glob("*.txt"))
    assert files
    for f in files:
        text = clean(f.read_text(encoding="utf-8")).text
        ds = find_dates(text, dt.date(2024, 1, 1))
        ns = find_numbers(text)
        for m in ns:
            assert text[m.start:m.end] == m.text
            assert not any(d.start < m.value_end and m.value_start < d.end for d in ds), (f.name, m)
            assert m.text.strip().lower() not in ("tỷ", "triệu", "nghìn")
        for a, b in zip(ds, ds[1:]):
            assert a.end <= b.start


# --------------------------------------------------------------------------- scanning shortcuts

def _mask_texts():
    import random
    texts = ["Số 882-CV/TU, 146/2018/NĐ-CP; 30a/2008/NĐ-CP và 4111/UBND-YT, 12/a5/CV, 1.5-Ê",
             "Hotline: 1900 9068; ĐT: (0293) 3 876 543, +84 912 345 678, 0912.345.678, 0,5%",
             "1.741.540 người, 22/22 xã, 12-3/Q, x12/AB, 7/-A, 0-1800 1234, (028) 3812 3456-7"]
    pieces = list("0123456789 .,-/()+:&ABCĐQaxđvn\n") + [
        "CV", "UBND", "0912", "1800", "+84", "(028)", "/QĐ-TTg", "-CP", "a", "b/", "-a", "Ê", "ê"]
    rnd = random.Random(7)
    texts += ["".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 30))) for _ in range(5000)]
    if CORPUS.is_dir():
        texts += [f.read_text(encoding="utf-8") for f in sorted((CORPUS / "docs").glob("*.txt"))[:200]]
    return texts


def test_mask_shortcuts_find_what_the_patterns_find():
    from extractor.normalize import masks
    fast = [p for p in masks._patterns()[0] if isinstance(p, (masks._Anchored, masks._Prefiltered))]
    assert len(fast) == 2, "rules/numbers.yaml: mask_starts or mask_needs lost an entry"
    for text in _mask_texts():
        for p in fast:
            want = [m.span() for m in p.pattern.finditer(text)]
            assert [m.span() for m in p.finditer(text)] == want, text
