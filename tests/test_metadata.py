"""Document metadata (contract section 6) on the seeds, dev documents and made-up headers."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from extractor.ingest import document_from_text, extract_metadata, read_path
from extractor.ingest.cleanup import clean
from extractor.ingest.header_dates import date_line, find_published
from extractor.ingest.letter_header import letter_date, read_letter
from extractor.ingest.metadata import split_lines

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus-dev"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not beside the repository")
KEYS = {"source", "sha256", "doc_type", "title", "published", "author", "letter", "n_chars",
        "warnings", "url"}


def meta_of(path: Path) -> dict:
    doc = read_path(str(path))
    meta = extract_metadata(doc, clean(doc.text).text)
    assert set(meta) == KEYS
    assert meta["source"] == str(path) and meta["sha256"] == doc.sha256
    assert meta["n_chars"] == len(doc.text)
    return meta


def seed(prefix: str) -> Path:
    return next((CORPUS / "seeds").glob(prefix + "_*.txt"))


@needs_corpus
def test_seed_000_news_header_and_author_label():
    m = meta_of(seed("000"))
    assert m["doc_type"] == "news"
    assert m["title"] == "Bắc Giang: Vận động nhân dân tham gia Bảo hiểm y tế"
    assert m["published"] == "2022-11-24T22:04"
    assert m["author"] == "Bá Nam"  # the labelled author wins over the closing byline
    assert m["letter"] is None


@needs_corpus
def test_seed_001():
    m = meta_of(seed("001"))
    assert (m["doc_type"], m["published"], m["author"]) == ("news", "2022-12-08T19:03", "Bá Nam")
    assert m["title"] == "Thanh Hóa: Nỗ lực hoàn thành chỉ tiêu bảo hiểm y tế"


@needs_corpus
def test_seed_002_official_letter_header():
    m = meta_of(seed("002"))
    assert m["doc_type"] == "official_letter"
    assert m["published"] == "2017-10-03"
    letter = m["letter"]
    assert letter["number"] == "882-CV/TU"
    assert letter["issuer"] == "Tỉnh ủy Bắc Giang"
    assert (letter["place"], letter["date"]) == ("Bắc Giang", "2017-10-03")
    assert letter["subject"] == "V/v tiếp tục đẩy mạnh phát triển đối tượng tham gia bảo hiểm y tế"
    assert letter["recipients"][:4] == ["Ủy ban nhân dân tỉnh", "Bảo hiểm Xã hội tỉnh",
                                        "Các huyện ủy, thành ủy",
                                        "Ủy ban MTTQ và các tổ chức chính trị - xã hội tỉnh"]
    assert "Thường trực Tỉnh ủy" in letter["recipients"]
    assert not any(r.startswith(("Như", "Lưu")) for r in letter["recipients"])
    assert m["title"] == "Tiếp tục đẩy mạnh phát triển đối tượng tham gia bảo hiểm y tế"


@needs_corpus
def test_seed_003_unknown_author_falls_back_to_byline():
    m = meta_of(seed("003"))
    assert m["title"] == "Huyện Giao Thủy (Nam Định): Phát triển bền vững BHYT, BHXH tự nguyện từ cơ sở"
    assert m["published"] == "2024-06-22T15:54"
    assert m["author"] == "PV"  # "Tác giả: Đang cập nhật" means unknown


@needs_corpus
def test_seed_004_category_line_and_byline_above_chrome():
    m = meta_of(seed("004"))
    assert m["title"] == "Hậu Giang nâng cao tỷ lệ người dân tham gia bảo hiểm xã hội tự nguyện"
    assert m["author"] == "Hồng Dân"
    assert m["published"] is None
    assert m["doc_type"] == "news"


@needs_corpus
@pytest.mark.parametrize("name,expected", [
    ("d002", {"published": "2024-12", "title": None, "doc_type": "news"}),
    ("d004", {"published": "2018-11-09T11:08", "author": "BÍCH CHÂU",
              "title": "Tỷ lệ bao phủ bảo hiểm y tế đạt 78,77%"}),
    ("d008", {"published": "2019-08-12T07:45:48", "author": "Minh Đức"}),
    ("d014", {"published": "2018-06-13T15:21",
              "title": "Tiêu chí xã nông thôn mới kiểu mẫu: Tỷ lệ tham gia BHYT đạt từ 95% trở lên"}),
    ("d015", {"published": "2019-12-17T13:52", "author": "Lê Văn Quyết, BHXH huyện Bá Thước"}),
    # no date in the text: the year of the corpus's list of sources (sources.tsv)
    ("d001", {"author": None, "published": "2020",
              "title": "Chỉ mất 17 năm, Việt Nam đạt mục tiêu BHYT toàn dân"}),
    # no date in the text: the month in the address the list of sources gives
    ("d013", {"title": None, "doc_type": "news", "published": "2011-08",
              "url": "https://baodongnai.com.vn/tintuc/201108/"
                     "so-nguoi-tham-gia-bao-hiem-y-te-tu-nguyen-con-thap-2090444"}),
])
def test_dev_documents(name, expected):
    m = meta_of(CORPUS / "docs" / f"{name}.txt")
    assert {k: m[k] for k in expected} == expected


@needs_corpus
def test_d003_plan_with_issuer_block():
    m = meta_of(CORPUS / "docs" / "d003.txt")
    assert m["doc_type"] == "plan"
    assert m["published"] == "2013-12-19"
    assert m["title"].startswith("KẾ HOẠCH TRIỂN KHAI THỰC HIỆN QUYẾT ĐỊNH SỐ 538/QĐ-TTG")
    assert m["letter"]["number"] == "122/KH-UBND"
    assert m["letter"]["issuer"] == "ỦY BAN NHÂN DÂN TỈNH PHÚ YÊN"
    assert (m["letter"]["place"], m["letter"]["date"]) == ("Phú Yên", "2013-12-19")


@needs_corpus
def test_doc_types_match_the_corpus_listing_for_most_documents():
    import csv
    rows = list(csv.DictReader(open(CORPUS / "sources.tsv", encoding="utf-8"), delimiter="\t"))
    hits = sum(meta_of(CORPUS / "docs" / r["file"])["doc_type"] == r["doc_kind"] for r in rows)
    assert hits >= len(rows) - 2


@pytest.mark.parametrize("line,iso,rank", [
    ("22:04 24/11/2022", "2022-11-24T22:04", 1),
    ("09/11/2018 | 11:08 GMT+7", "2018-11-09T11:08", 1),
    ("12/08/2019 07:45:48", "2019-08-12T07:45:48", 1),
    ("Kinh tế 13/06/2018 15:21", "2018-06-13T15:21", 1),
    ("17/12/2019 01:52 PM", "2019-12-17T13:52", 1),
    ("Thứ Năm, 24/11/2022 - 22:04 (GMT+7)", "2022-11-24T22:04", 1),
    ("Ngày ban hành: 19/12/2013", "2013-12-19", 1),
    ("2024-12", "2024-12", 2),
    ("24/11/2022", "2022-11-24", 2),
    ("Thứ ba, ngày 15/12/2016", "2016-12-15", 3),
])
def test_header_date_lines(line, iso, rank):
    d = date_line(line)
    assert (d.iso, d.rank) == (iso, rank)


@pytest.mark.parametrize("line", [
    "Đến 30.6.2017, toàn tỉnh có trên 1,3 triệu người tham gia BHYT",
    "80,605,651 lượt truy cập", "Số: 12/2019/UBND", "Ngày 24/10, UBND tỉnh tổ chức hội nghị",
    "31/02/2020", "",
])
def test_not_header_date_lines(line):
    assert date_line(line) is None


def test_page_chrome_date_loses_to_the_article_date():
    lines = ["Thứ ba, ngày 15/12/2016", "80,605,651 lượt truy cập", "Tiêu đề bài viết",
             "09/11/2018 | 11:08 GMT+7"]
    assert find_published(lines).iso == "2018-11-09T11:08"
    assert find_published(lines[:3]).iso == "2016-12-15"


def test_published_hint_and_html_meta_take_precedence():
    doc = document_from_text("Tin mới về bảo hiểm y tế hôm nay\n22:04 24/11/2022\nNội dung.")
    assert extract_metadata(doc, doc.text)["published"] == "2022-11-24T22:04"
    assert extract_metadata(doc, doc.text, published_hint=dt.date(2023, 1, 2))["published"] == "2023-01-02"
    doc.hints = {"published": "2022-11-25T08:00", "title": "Tin mới về bảo hiểm y tế hôm nay - Báo X"}
    m = extract_metadata(doc, doc.text)
    assert m["published"] == "2022-11-25T08:00"
    assert m["title"] == "Tin mới về bảo hiểm y tế hôm nay"  # the hint matched to its line


def test_html_page_metadata_end_to_end():
    doc = read_path(str(Path(__file__).parent / "fixtures" / "ingest" / "news_noise.html"))
    m = extract_metadata(doc, clean(doc.text).text)
    assert (m["title"], m["published"], m["author"], m["doc_type"]) == (
        "Bắc Giang: Vận động nhân dân tham gia BHYT", "2022-11-24T22:04", "Bá Nam", "news")


LETTER = """ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
HUYỆN MỸ LỘC | Độc lập - Tự do - Hạnh phúc
Số: 4111/UBND-YT | Mỹ Lộc, ngày 11 tháng 10 năm 2023
V/v tăng cường vận động nhân dân tham gia BHYT
Kính gửi: Chủ tịch UBND các xã, thị trấn.
Để hoàn thành chỉ tiêu tỷ lệ bao phủ BHYT năm 2023, UBND huyện yêu cầu các xã thực hiện tốt \
các nội dung sau đây, báo cáo kết quả trước ngày 30/11/2023.
Nơi nhận:
- Như trên;
- Phòng Y tế (để thực hiện);
- Bảo hiểm xã hội huyện (để p/h);
- Lưu: VT.
"""


def test_letter_header_in_a_two_column_table():
    m = extract_metadata(document_from_text(LETTER), LETTER)
    assert m["doc_type"] == "official_letter"
    assert m["letter"] == {
        "number": "4111/UBND-YT", "issuer": "ỦY BAN NHÂN DÂN HUYỆN MỸ LỘC", "place": "Mỹ Lộc",
        "date": "2023-10-11", "subject": "V/v tăng cường vận động nhân dân tham gia BHYT",
        "recipients": ["Chủ tịch UBND các xã, thị trấn", "Phòng Y tế", "Bảo hiểm xã hội huyện"]}
    assert m["published"] == "2023-10-11"
    assert m["title"] == "Tăng cường vận động nhân dân tham gia BHYT"


def test_letter_header_whose_two_columns_ran_together():
    # a PDF's or a converted file's text: the motto and the date line on the issuer's lines
    text = ("ỦY BAN NHÂN DÂN                CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
            " TỈNH BÀ RỊA - VŨNG TÀU               Độc lập - Tự do - Hạnh phúc\n\n"
            "Số: 1862/UBND-VX          Bà Rịa - Vũng Tàu, ngày 5 tháng 4 năm 2019\n"
            "V/v đẩy mạnh phát triển người tham gia BHYT\n\nKính gửi: Bảo hiểm xã hội tỉnh.\n")
    m = extract_metadata(document_from_text(text), clean(text).text)
    letter = m["letter"]
    assert (letter["number"], letter["issuer"], letter["place"], letter["date"]) == (
        "1862/UBND-VX", "ỦY BAN NHÂN DÂN TỈNH BÀ RỊA - VŨNG TÀU", "Bà Rịa - Vũng Tàu", "2019-04-05")
    assert m["published"] == "2019-04-05"


def test_issuer_from_the_number_code():
    lines = split_lines("Số: 15/BC-BHXH\nHà Nội, ngày 05 tháng 01 năm 2024\nBÁO CÁO\nKết quả năm 2023")
    letter = read_letter(lines)
    assert letter["issuer"] == "Bảo hiểm xã hội Hà Nội"
    assert letter["number"] == "15/BC-BHXH"
    m = extract_metadata(document_from_text("x"), "\n".join(lines))
    assert m["doc_type"] == "report"


def test_letter_dates():
    assert letter_date("ngày 03 tháng 10 năm 2017") == "2017-10-03"
    assert letter_date("ngày ... tháng 10 năm 2017") == "2017-10"


def test_news_without_any_header_is_other_and_has_no_title():
    text = ("Bảo hiểm y tế là một trong hai chính sách trụ cột của an sinh xã hội và đang là nỗi "
            "trăn trở của các tỉnh miền núi: làm sao giữ được tỷ lệ bao phủ cao, làm sao phát triển "
            "đối tượng để đạt chỉ tiêu giao hằng năm?\nKHI NÀO ỐM ĐAU MỚI CẦN MUA THẺ")
    m = extract_metadata(document_from_text(text), text)
    assert (m["title"], m["doc_type"], m["author"], m["published"]) == (None, "other", None, None)


def test_empty_text_gives_empty_metadata():
    m = extract_metadata(document_from_text(""), "")
    assert set(m) == KEYS
    assert (m["title"], m["published"], m["author"], m["letter"], m["n_chars"]) == (None, None, None, None, 0)
