"""The records stage on sentences in the styles of real reports (tests/data/record_cases.yaml)."""
import datetime
from pathlib import Path

import pytest
import yaml

from extractor import extract_text
from extractor.evaluate import place_key

CASES = yaml.safe_load((Path(__file__).parent / "data" / "record_cases.yaml").read_text(encoding="utf-8"))


def _key(region, scheme, metric, value, end):
    v = tuple(round(float(x), 3) for x in value) if isinstance(value, list) else round(float(value), 3)
    return (place_key(region), scheme, metric, v, (end or "")[:7])


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_record_case(case):
    published = case.get("published")
    if isinstance(published, str):
        published = datetime.date.fromisoformat(published)
    ex = extract_text(case["text"], source="case.txt", published=published, use_ner=False)
    got = {_key(r["region"]["name"], r["scheme"], r["metric"], r["value"], r["period"]["end"])
           for r in ex.records}
    want = {_key(*e) for e in case["expect"]}
    assert want <= got, f"missing {want - got}"
    assert got <= want, f"unexpected {got - want}"
    values = {abs(float(r["value"])) for r in ex.records if not isinstance(r["value"], list)}
    for v in case.get("absent", []):
        assert float(v) not in values


def test_evidence_offsets_point_into_the_text():
    text = ("Bắc Giang: tin\n\nTheo báo cáo, tính đến hết ngày 30/09/2022, toàn tỉnh có 1.741.540 người tham\n\n"
            "gia BHYT, đạt 100,1% kế hoạch.")
    ex = extract_text(text, published=datetime.date(2022, 11, 24), use_ner=False)
    assert ex.records
    for r in ex.records:
        ev = r["evidence"]
        assert text[ev["start"]:ev["end"]] == ev["text"]
        assert text[ev["value_start"]:ev["value_end"]] == ev["value_text"]
        assert ev["start"] <= ev["value_start"] < ev["value_end"] <= ev["end"]


def test_region_carries_code_and_current_province():
    ex = extract_text("Tin Bắc Giang\nĐến 30/9/2022, toàn tỉnh Bắc Giang có 1.741.540 người tham gia BHYT.",
                      use_ner=False)
    region = ex.records[0]["region"]
    assert region == {"name": "Bắc Giang", "level": "province", "province": "Bắc Giang",
                      "code": "24", "current_province": "Bắc Ninh"}


def test_compared_to_of_a_change():
    ex = extract_text("Tin Giao Thủy\nTính đến hết tháng 6/2024, toàn huyện Giao Thủy có 170.342 người tham gia "
                      "BHYT, tăng 4.368 người so với cùng kỳ năm 2023, tăng 1.496 người so với tháng 12/2023.",
                      use_ner=False)
    changes = {r["value"]: r["compared_to"] for r in ex.records if r["metric"] == "participants_change"}
    assert changes[4368]["end"].startswith("2023-06")
    assert changes[1496]["end"].startswith("2023-12")


def test_compared_to_is_read_from_the_figures_period():
    # published in 2024: "quý trước" and "tháng trước" are before the figure, not before January
    text = ("Tin Nam Định\nQuý III/2023, tỉnh Nam Định có 1.650.000 người tham gia BHYT, tăng 15.000 "
            "người so với quý trước. Đến hết tháng 9/2023, số người tham gia BHXH bắt buộc giảm 5.000 "
            "người so với tháng trước, tăng 8.000 người so với cùng thời điểm năm 2022.")
    got = [(r["value"], r["compared_to"]["end"]) for r in
           extract_text(text, published=datetime.date(2024, 1, 15), use_ner=False).records
           if r["metric"] == "participants_change"]
    assert got == [(15000, "2023-06-30"), (-5000, "2023-08-31"), (8000, "2022-09-30")]


def test_a_change_larger_than_its_total_is_dropped():
    ex = extract_text("Tin Tiền Giang\nĐến 30.6.2017, toàn tỉnh Tiền Giang có trên 1,3 triệu người tham gia BHYT, "
                      "tăng trên 45.400 ngàn người so cuối năm 2016.", use_ner=False)
    metrics = {r["metric"] for r in ex.records}
    assert "participants" in metrics and "participants_change" not in metrics


def test_a_tables_period_comes_from_its_caption_or_the_text_before_it(tmp_path):
    from extractor.pipeline import extract_file

    def table_periods(body):
        p = tmp_path / "phuyen.html"
        p.write_text("<html><head><title>Phú Yên: BHYT</title></head><body><p>Thứ Sáu, 15/01/2021</p>"
                     + body + "<p>Năm 2021, toàn tỉnh Phú Yên có 810.000 người tham gia BHYT.</p>"
                     "</body></html>", encoding="utf-8")
        return {(r["region"]["name"], r["metric"], r["period"]["end"])
                for r in extract_file(str(p)).records if r["method"] == "rule+table"}

    head = "<tr><th>Địa phương</th><th>Số người tham gia</th></tr>"
    row = "<tr><td>Huyện Sông Hinh</td><td>46.392</td></tr>"
    asof = "<p>Đến ngày 30/9/2020, toàn tỉnh Phú Yên có 800.100 người tham gia BHYT.</p>"
    # the caption's date
    assert table_periods(asof + f"<table><caption>Số người tham gia BHYT (đến 31/12/2020)</caption>"
                         f"{head}{row}</table>") == {("Sông Hinh", "participants", "2020-12-31")}
    # none near the table: the as-of date the text had set before it, not the one after it
    filler = "<p>" + "Công tác tuyên truyền được đẩy mạnh ở các địa phương trong tỉnh. " * 8 + "</p>"
    assert table_periods(asof + filler + f"<table>{head}{row}</table>") == {
        ("Sông Hinh", "participants", "2020-09-30")}


def test_a_plain_text_tables_as_of_date_is_taken_at_its_place_in_the_clean_text():
    # runs of spaces before the table shrink in the clean text: the table's offset in the
    # file is further on than the sentence after it in the clean text
    padding = "Tin Phú Yên" + " " * 900 + "\n"
    filler = "Công tác tuyên truyền được đẩy mạnh ở các địa phương trong tỉnh. " * 8
    text = (padding + "Đến ngày 30/9/2020, toàn tỉnh Phú Yên có 800.100 người tham gia BHYT.\n"
            + filler + "\nĐịa phương        Dân số     Số người tham gia\n"
            "Huyện Sông Hinh   47.000     46.392\nHuyện Tuy An      120.000    109.047\n"
            "Năm 2021, toàn tỉnh Phú Yên có 810.000 người tham gia BHYT.\n")
    got = {(r["region"]["name"], r["period"]["end"])
           for r in extract_text(text, use_ner=False).records if r["method"] == "rule+table"}
    assert got == {("Sông Hinh", "2020-09-30"), ("Tuy An", "2020-09-30")}


def test_table_of_districts_gives_one_record_per_cell():
    from extractor.pipeline import extract_file
    corpus = Path(__file__).resolve().parents[1] / "corpus"
    ex = extract_file(str(corpus / "quangbinh-bc-2023.docx"))
    table = [r for r in ex.records if r["method"] == "rule+table"]
    districts = {r["region"]["name"] for r in table}
    assert {"Đồng Hới", "Lệ Thủy", "Bố Trạch"} <= districts
    metrics = {r["metric"] for r in table}
    assert metrics == {"participants", "coverage_rate"}  # population column left out
    for r in table:
        assert ex.text[r["evidence"]["value_start"]:r["evidence"]["value_end"]] == r["evidence"]["value_text"]
