"""A list of sources beside the documents: the web address and date of each file, and
what an address tells (its publisher's province, a date in its path)."""
from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

import extractor
from extractor.entities import gazetteer, publisher_province
from extractor.ingest import read_path
from extractor.ingest.sources_list import listed_source
from extractor.ingest.url_dates import date_in_url
from extractor.pipeline import iter_extract

# no province named, no date: only its address can say where and when
BODY = ("Bảo hiểm xã hội tỉnh cho biết, trong 6 tháng đầu năm toàn tỉnh có 1.412.300 "
        "người tham gia BHYT, chiếm 86,5% dân số.\n")
DONGNAI = "https://baodongnai.com.vn/xa-hoi/202407/toan-tinh-co-1-4-trieu-nguoi-tham-gia-bhyt-123456"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def name_of(code: str | None) -> str | None:
    return gazetteer().provinces_old[code].name if code else None


# --- the list -----------------------------------------------------------------------

def test_a_file_is_found_by_its_path_relative_to_the_list(tmp_path):
    write(tmp_path / "sources.tsv", f"file\turl\tpublished\ndocs/a.txt\t{DONGNAI}\t2024-07-02\n")
    doc = write(tmp_path / "docs" / "a.txt", BODY)
    assert listed_source(str(doc)) == {"url": DONGNAI, "published": "2024-07-02"}


def test_a_bare_name_counts_only_when_one_row_has_it(tmp_path):
    write(tmp_path / "sources.tsv", "file\turl\n"
          "a.txt\thttps://x.vn/a\n"
          "one/b.txt\thttps://x.vn/one-b\ntwo/b.txt\thttps://x.vn/two-b\n")
    a = write(tmp_path / "docs" / "a.txt", BODY)
    b = write(tmp_path / "three" / "b.txt", BODY)
    b1 = write(tmp_path / "two" / "b.txt", BODY)
    assert listed_source(str(a)) == {"url": "https://x.vn/a"}
    assert listed_source(str(b)) == {}                      # two rows say b.txt: which one?
    assert listed_source(str(b1)) == {"url": "https://x.vn/two-b"}   # its own path is listed


def test_a_csv_list_with_other_column_names_in_a_folder_above(tmp_path):
    write(tmp_path / "sources.csv", "Path,Link,Notes\n"
          'news/2024/a.txt,https://x.vn/a,"a note, with a comma"\n')
    doc = write(tmp_path / "news" / "2024" / "a.txt", BODY)
    assert listed_source(str(doc)) == {"url": "https://x.vn/a"}


def test_the_nearest_list_that_names_the_file_wins(tmp_path):
    write(tmp_path / "sources.tsv", "file\turl\nsub/a.txt\thttps://far.vn/a\nsub/c.txt\thttps://far.vn/c\n")
    write(tmp_path / "sub" / "sources.tsv", "file\turl\na.txt\thttps://near.vn/a\n")
    a = write(tmp_path / "sub" / "a.txt", BODY)
    c = write(tmp_path / "sub" / "c.txt", BODY)
    assert listed_source(str(a)) == {"url": "https://near.vn/a"}
    assert listed_source(str(c)) == {"url": "https://far.vn/c"}    # the near list does not name it


def test_a_list_too_far_up_is_not_read(tmp_path):
    write(tmp_path / "sources.tsv", "file\turl\na.txt\thttps://x.vn/a\n")
    doc = write(tmp_path / "1" / "2" / "3" / "4" / "a.txt", BODY)     # four folders down
    assert listed_source(str(doc)) == {}


def test_a_list_without_a_file_column_gives_a_warning_not_an_error(tmp_path):
    write(tmp_path / "sources.tsv", "document\turl\na.txt\thttps://x.vn/a\n")
    doc = read_path(str(write(tmp_path / "a.txt", BODY)))
    assert "url" not in doc.hints
    assert any("sources.tsv not used: no file column" in w for w in doc.warnings)


def test_an_edited_list_is_read_again(tmp_path):
    listing = write(tmp_path / "sources.tsv", "file\turl\na.txt\thttps://x.vn/old\n")
    doc = write(tmp_path / "a.txt", BODY)
    assert listed_source(str(doc)) == {"url": "https://x.vn/old"}
    listing.write_text("file\turl\na.txt\thttps://x.vn/a-new-address\n", encoding="utf-8")
    os.utime(listing, ns=(1, 1))       # another time stamp, whatever the clock's resolution
    assert listed_source(str(doc)) == {"url": "https://x.vn/a-new-address"}


# --- what an address says -------------------------------------------------------------

@pytest.mark.parametrize("url,expected", [
    ("https://baodongnai.com.vn/tintuc/201108/so-nguoi-2090444", "2011-08"),
    ("https://x.vn/2024/06/15/bai-viet", "2024-06-15"),
    ("https://x.vn/2024-06-15/bai-viet", "2024-06-15"),
    ("https://x.vn/2024/06/bai-viet.html", "2024-06"),
    ("https://danviet.vn/di-cho-que-tham-gia-bhxh-20201103015419953.htm", "2020-11-03"),
    ("https://x.vn/2024/06/31/bai-viet", "2024-06"),       # no 31 June: the month stands
    ("https://www.sggp.org.vn/ca-mau-tang-manh-post771550.html", None),
    ("https://x.vn/tin-tuc/bai-viet-202204.html", None),      # an article number, not a date
    ("http://bhxhlangson.gov.vn/Detail.aspx?Id=202204", None),
    ("", None), (None, None),
])
def test_date_in_url(url, expected):
    assert date_in_url(url) == expected


@pytest.mark.parametrize("url,expected", [
    ("https://baodongnai.com.vn/tintuc/201108/x", "Đồng Nai"),
    ("https://baobariavungtau.com.vn/xa-hoi/202204/x/", "Bà Rịa - Vũng Tàu"),
    ("http://bhxhlangson.gov.vn/Detail.aspx?Id=1287", "Lạng Sơn"),
    ("https://dongnai.gov.vn/x", "Đồng Nai"),
    ("https://www.sggp.org.vn/ca-mau-x.html", None),           # a city paper's name, no province
    ("http://tapchibaohiemxahoi.gov.vn/tin-tuc/dong-thap-x", None),
    ("https://baohiemxahoi.gov.vn/x", None),
    ("https://hoinghicantho.com/thanhhoa/x", None),           # only whole labels of the host
    ("https://baoapbac.vn/xa-hoi/x", "Tiền Giang"),             # rules/publisher_hosts.tsv
    ("https://www.hanoimoi.vn/x", "Hà Nội"),
    ("https://baodongnai.hanoimoi.vn/x", None),              # two provinces: none
    ("https://thanhnien.vn/x", None), ("not an address", None), (None, None),
])
def test_publisher_province(url, expected):
    assert name_of(publisher_province(url)) == expected


# --- in the pipeline ---------------------------------------------------------------------

def records_of(folder: Path) -> dict[str, list[dict]]:
    out = {}
    for path, x in iter_extract([str(folder)], jobs=1):
        assert not isinstance(x, Exception), x
        out[os.path.basename(path)] = x
    return out


def test_the_address_gives_the_province_and_the_date_the_text_leaves_out(tmp_path):
    write(tmp_path / "sources.tsv", f"file\turl\nlisted.txt\t{DONGNAI}\n")
    write(tmp_path / "listed.txt", BODY)
    write(tmp_path / "unlisted.txt", BODY)
    got = records_of(tmp_path)
    listed = got["listed.txt"]
    assert listed.document["url"] == DONGNAI and listed.document["published"] == "2024-07"
    assert {(r["region"]["name"], r["metric"], r["value"], r["period"]["end"]) for r in listed.records} == {
        ("Đồng Nai", "participants", 1412300, "2024-06-30"),
        ("Đồng Nai", "coverage_rate", 86.5, "2024-06-30")}
    # the same text without an address: nothing says where or when
    assert got["unlisted.txt"].document["url"] is None
    assert got["unlisted.txt"].records == []


def test_a_province_the_text_names_outweighs_the_publisher():
    text = "Đến ngày 30/6/2024, toàn tỉnh Tây Ninh có 1.012.300 người tham gia BHYT."
    x = extractor.extract_text(text, url=DONGNAI)
    assert [r["region"]["name"] for r in x.records] == ["Tây Ninh"]
    # one district named with its level word outweighs it too
    x = extractor.extract_text("Đến ngày 30/6/2024, huyện Gò Dầu có 131.300 người tham gia BHYT; "
                               "toàn tỉnh có 1.012.300 người tham gia BHYT.", url=DONGNAI)
    assert {r["region"]["province"] for r in x.records} == {"Tây Ninh"}


def test_an_html_page_gives_its_own_address(tmp_path):
    page = write(tmp_path / "a.html", f"""\
        <html><head><title>BHYT</title><link rel="canonical" href="{DONGNAI}"></head>
        <body><article><p>{BODY}</p></article></body></html>""")
    x = extractor.extract_file(str(page))
    assert x.document["url"] == DONGNAI
    assert {r["region"]["name"] for r in x.records} == {"Đồng Nai"}


@pytest.mark.parametrize("listed,expected", [
    ("2011", "2011"), ("2011-08", "2011-08"), ("15/08/2011 10:30", "2011-08-15T10:30"),
    ("2011-19", None), ("không rõ", None),
])
def test_the_lists_date_is_read_as_a_header_date_or_a_year(tmp_path, listed, expected):
    write(tmp_path / "sources.tsv", f"file\tpublished\na.txt\t{listed}\n")
    x = extractor.extract_file(str(write(tmp_path / "a.txt", BODY)))
    assert x.document["published"] == expected
