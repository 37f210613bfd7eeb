"""Readers: plain text, Markdown, HTML, PDF, DOCX; discovery of inputs; time limits."""
from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from extractor.ingest import (Limits, ReadError, document_from_text, iter_inputs, read_path,
                              read_with_timeout)

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"


def assert_cells_point_into_text(doc):
    assert doc.tables, "no table found"
    for table in doc.tables:
        for row in table.rows:
            for cell in row:
                assert doc.text[cell.start:cell.end] == cell.text
        assert table.start <= table.rows[0][0].start and table.rows[-1][-1].end <= table.end + 1


# --- text and Markdown ------------------------------------------------------------------

def test_txt_keeps_text_and_normalizes_line_ends(tmp_path):
    p = tmp_path / "a.txt"
    p.write_bytes("Dòng một\r\nDòng hai\rDòng ba\n".encode("utf-8"))
    doc = read_path(str(p))
    assert doc.text == "Dòng một\nDòng hai\nDòng ba\n"
    assert doc.format == "txt" and doc.source == str(p)
    import hashlib
    assert doc.sha256 == hashlib.sha256(p.read_bytes()).hexdigest()


def test_markdown_pipe_table_is_a_table_pointing_into_the_text(tmp_path):
    md = ("# Kết quả\n\nTỷ lệ bao phủ theo huyện:\n\n"
          "| Huyện | Tỷ lệ |\n|---|---:|\n| Sơn Động | 99,9% |\n| Lục Nam |  99,7% |\n\nHết.\n")
    p = tmp_path / "bao cao.md"
    p.write_text(md, encoding="utf-8")
    doc = read_path(str(p))
    assert doc.text == md and doc.format == "md"
    assert doc.tables[0].texts() == [["Huyện", "Tỷ lệ"], ["Sơn Động", "99,9%"], ["Lục Nam", "99,7%"]]
    assert_cells_point_into_text(doc)


def test_columns_aligned_with_spaces_or_tabs_are_a_table(tmp_path):
    txt = ("Biểu 01: Kết quả bao phủ BHYT đến 31/12/2022\n"
           "Đơn vị            Dân số     Số người tham gia    Tỷ lệ (%)\n"
           "Huyện Mường Nhé   45.120     44.890               99,5\n"
           "Huyện Tủa Chùa    58.340     57.650               98,8\n"
           "Toàn tỉnh\t635.900\t612.450\t96,3\n"
           "\n"
           "Năm 2022, toàn tỉnh  đạt  kết quả  tốt.\n"
           "Công tác  tuyên truyền  được  đẩy mạnh.\n"
           "Các xã  đều  tham gia.\n")
    p = tmp_path / "bieu.txt"
    p.write_text(txt, encoding="utf-8")
    doc = read_path(str(p))
    assert doc.text == txt
    assert [t.texts() for t in doc.tables] == [[
        ["Đơn vị", "Dân số", "Số người tham gia", "Tỷ lệ (%)"],
        ["Huyện Mường Nhé", "45.120", "44.890", "99,5"],
        ["Huyện Tủa Chùa", "58.340", "57.650", "98,8"],
        ["Toàn tỉnh", "635.900", "612.450", "96,3"]]]       # prose with double spaces is none
    assert_cells_point_into_text(doc)
    # and its rows are records, once each (the lines are not read again as sentences)
    from extractor.pipeline import extract_file
    got = sorted((r["region"]["name"], r["metric"], r["value"], r["period"]["end"])
                 for r in extract_file(str(p)).records)
    assert got == [("Mường Nhé", "coverage_rate", 99.5, "2022-12-31"),
                   ("Mường Nhé", "participants", 44890, "2022-12-31"),
                   ("Tủa Chùa", "coverage_rate", 98.8, "2022-12-31"),
                   ("Tủa Chùa", "participants", 57650, "2022-12-31"),
                   ("Điện Biên", "coverage_rate", 96.3, "2022-12-31"),
                   ("Điện Biên", "participants", 612450, "2022-12-31")]


def test_document_from_text_keeps_the_string_exactly():
    text = "Năm 2021,\r\n toàn tỉnh có 3.242.690 người tham gia.  "
    doc = document_from_text(text, source="x.txt")
    assert doc.text == text and doc.source == "x.txt" and doc.format == "string"
    assert len(doc.sha256) == 64
    assert document_from_text("abc").source == "<text>"
    legacy = document_from_text("Céng hoµ x· héi chñ nghÜa ViÖt Nam, ng\xadêi tham gia b¶o hiÓm")
    assert legacy.text.startswith("Céng") and "TCVN3" in legacy.warnings[0]


def test_vietnamese_file_names_with_spaces(tmp_path):
    folder = tmp_path / "Báo cáo Bắc Giang"
    folder.mkdir()
    p = folder / "Tỷ lệ bao phủ BHYT năm 2022.txt"
    p.write_text("Toàn tỉnh đạt 99%.", encoding="utf-8")
    assert read_path(str(p)).text == "Toàn tỉnh đạt 99%."
    assert list(iter_inputs([str(folder)])) == [(str(p), None)]


# --- HTML -------------------------------------------------------------------------------

def test_html_main_text_without_menus_scripts_or_styles():
    doc = read_path(str(FIXTURES / "news_noise.html"))
    assert doc.format == "html"
    assert "1.741.540 người tham gia BHYT" in doc.text
    assert "Tháng cao điểm" in doc.text
    for noise in ("Liên hệ tòa soạn", "Quảng cáo script", "Nội dung CSS", "Giá xăng", "Bản quyền",
                  "Đoạn script", "function", "color: red"):
        assert noise not in doc.text, noise
    # <br> keeps its line break; the table is kept as a table with exact offsets.
    assert "(99,7%).\nCác huyện còn lại" in doc.text
    assert doc.tables[0].texts() == [["Huyện", "Số người tham gia", "Tỷ lệ bao phủ"],
                                     ["Sơn Động", "70.120", "99,9%"], ["Lục Nam", "210.330", "99,7%"]]
    assert "Sơn Động | 70.120 | 99,9%" in doc.text
    assert_cells_point_into_text(doc)
    assert doc.hints["title"] == "Bắc Giang: Vận động nhân dân tham gia BHYT"
    assert doc.hints["published"] == "2022-11-24T22:04"
    assert doc.hints["author"] == "Bá Nam"


def to_cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese software writes it: combining tone marks where needed."""
    import unicodedata
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            d = unicodedata.normalize("NFD", ch)
            out += unicodedata.normalize("NFC", "".join(c for c in d if c not in tones)).encode("cp1258")
            out += "".join(c for c in d if c in tones).encode("cp1258")
    return bytes(out)


def test_html_declared_windows_1258_and_fallback_extraction(tmp_path):
    body = "Toàn tỉnh có 1.200 người tham gia bảo hiểm y tế, đạt 95% kế hoạch."
    html = (b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1258">'
            b"<title>Tin</title></head><body><nav><a href='/'>Menu</a></nav><p>" + to_cp1258(body)
            + b"</p><script>var x=1;</script></body></html>")
    p = tmp_path / "tin.htm"
    p.write_bytes(html)
    doc = read_path(str(p))
    assert body in doc.text
    assert "var x" not in doc.text
    assert doc.encoding == "cp1258"


def test_html_fallback_when_trafilatura_finds_nothing(monkeypatch):
    import extractor.ingest.html_reader as hr
    monkeypatch.setattr(hr, "_main_content", lambda html: [])
    doc = read_path(str(FIXTURES / "news_noise.html"))
    assert "1.741.540 người tham gia BHYT" in doc.text
    for noise in ("Liên hệ tòa soạn", "Quảng cáo script", "Nội dung CSS", "Bản quyền", "Thứ năm"):
        assert noise not in doc.text, noise
    assert doc.tables[0].texts()[2] == ["Lục Nam", "210.330", "99,7%"]
    assert_cells_point_into_text(doc)


def test_html_legacy_font_text_is_converted(tmp_path):
    html = ("<html><body><font face='.VnTime'><p>Céng hoµ x· héi chñ nghÜa ViÖt Nam</p>"
            "<p>Ng\xadêi tham gia b¶o hiÓm y tÕ ®\xadîc kh¸m ch÷a bÖnh t¹i tr¹m y tÕ x·.</p>"
            "</font></body></html>")
    p = tmp_path / "cu.html"
    p.write_bytes(html.encode("cp1252"))
    doc = read_path(str(p))
    assert "Người tham gia bảo hiểm y tế được khám chữa bệnh" in doc.text
    assert any("TCVN3" in w for w in doc.warnings)


def test_big_html_with_megabytes_of_scripts_is_read_quickly(tmp_path):
    script = "<script>" + "var a = 1; " * 300_000 + "</script>"
    menu = "<nav><ul>" + "".join(f"<li><a href='/c{i}'>Chuyên mục {i}</a></li>"
                                 for i in range(10_000)) + "</ul></nav>"
    article = "<article><h1>Tỷ lệ bao phủ BHYT</h1>" + "".join(
        f"<p>Đoạn {i}: toàn tỉnh có {i}.000 người tham gia bảo hiểm y tế, tăng so với cùng kỳ.</p>"
        for i in range(30)) + "</article>"
    p = tmp_path / "big.html"
    p.write_text(f"<html><head>{script}</head><body>{menu}{article}{script}</body></html>",
                 encoding="utf-8")
    assert p.stat().st_size > 3_000_000
    t0 = time.perf_counter()
    doc = read_path(str(p))
    elapsed = time.perf_counter() - t0
    assert "Đoạn 29: toàn tỉnh có 29.000 người" in doc.text
    assert "Chuyên mục" not in doc.text and "var a" not in doc.text
    assert elapsed < 15


# --- PDF --------------------------------------------------------------------------------

def _dejavu() -> str:
    import matplotlib
    return os.path.join(os.path.dirname(matplotlib.__file__), "mpl-data", "fonts", "ttf", "DejaVuSans.ttf")


def make_pdf(path: Path) -> None:
    """Two pages: a paragraph, a ruled table and a paragraph; then a second page."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
    pdfmetrics.registerFont(TTFont("DejaVu", _dejavu()))
    style = ParagraphStyle("vi", fontName="DejaVu", fontSize=11, leading=14)
    table = Table([["Huyện", "Số người", "Tỷ lệ"], ["Sơn Động", "70.120", "99,9%"],
                   ["Lục Nam", "210.330", "99,7%"]])
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), "DejaVu"),
                               ("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    story = [Paragraph("Bắc Giang: Vận động nhân dân tham gia Bảo hiểm y tế", style),
             Paragraph("Tính đến hết ngày 30/09/2022, toàn tỉnh có 1.741.540 người tham gia BHYT.", style),
             Spacer(1, 12), table, Spacer(1, 12), Paragraph("Sau bảng là đoạn văn.", style),
             PageBreak(), Paragraph("Trang hai: tỷ lệ bao phủ đạt 92,5% dân số.", style)]
    SimpleDocTemplate(str(path), pagesize=A4).build(story)


def test_pdf_two_pages_with_a_table(tmp_path):
    p = tmp_path / "báo cáo.pdf"
    make_pdf(p)
    doc = read_path(str(p))
    assert doc.format == "pdf"
    t = doc.text
    assert "toàn tỉnh có 1.741.540 người tham gia BHYT." in t
    # Reading order: text above the table, the table, text below it, then page 2.
    assert t.index("1.741.540") < t.index("Sơn Động | 70.120 | 99,9%") < t.index("Sau bảng") \
        < t.index("Trang hai")
    assert t.count("Sơn Động") == 1  # table text is not repeated as loose lines
    assert len(doc.pages) == 2
    assert doc.page_of(t.index("Sau bảng")) == 1 and doc.page_of(t.index("Trang hai")) == 2
    table = doc.tables[0]
    assert table.page == 1
    assert table.texts() == [["Huyện", "Số người", "Tỷ lệ"], ["Sơn Động", "70.120", "99,9%"],
                             ["Lục Nam", "210.330", "99,7%"]]
    assert_cells_point_into_text(doc)


def test_pdf_max_pages_limit_warns(tmp_path):
    p = tmp_path / "a.pdf"
    make_pdf(p)
    doc = read_path(str(p), Limits(max_pages=1))
    assert "Trang hai" not in doc.text
    assert doc.warnings == ["only the first 1 of 2 pages were read"]


# --- DOCX -------------------------------------------------------------------------------

def make_docx(path: Path) -> None:
    import docx
    d = docx.Document()
    d.add_paragraph("ỦY BAN NHÂN DÂN TỈNH PHÚ YÊN")
    d.add_paragraph("Tỷ lệ tham gia BHYT theo huyện:")
    t = d.add_table(rows=4, cols=3)
    rows = [["Huyện", "Số người", "Tỷ lệ"], ["Sông Hinh", "45.120", "92,5%"],
            ["Tuy An", "98.700", "90,1%"], ["Ghi chú", "", ""]]
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            t.cell(i, j).text = value
    t.cell(3, 1).merge(t.cell(3, 2)).text = "số liệu đến 30/9/2013"
    d.add_paragraph("Đoạn sau bảng.")
    p = d.add_paragraph()
    p.add_run("Bảo hiểm ").bold = True
    p.add_run("y tế toàn dân.")
    d.save(str(path))


def test_docx_paragraphs_and_tables_in_body_order(tmp_path):
    p = tmp_path / "kế hoạch.docx"
    make_docx(p)
    doc = read_path(str(p))
    assert doc.format == "docx"
    assert doc.text.splitlines() == [
        "ỦY BAN NHÂN DÂN TỈNH PHÚ YÊN", "Tỷ lệ tham gia BHYT theo huyện:",
        "Huyện | Số người | Tỷ lệ", "Sông Hinh | 45.120 | 92,5%", "Tuy An | 98.700 | 90,1%",
        "Ghi chú | số liệu đến 30/9/2013",  # a merged cell comes once
        "Đoạn sau bảng.", "Bảo hiểm y tế toàn dân."]
    assert doc.tables[0].texts()[1] == ["Sông Hinh", "45.120", "92,5%"]
    assert_cells_point_into_text(doc)


def test_docx_reads_smart_tags_and_tracked_insertions_not_deletions(tmp_path):
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def run(text, tag="w:t"):
        r, t = OxmlElement("w:r"), OxmlElement(tag)
        t.text = text
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        r.append(t)
        return r

    d = docx.Document()
    p = d.add_paragraph()
    p.add_run("Toàn tỉnh ")
    for tag, text, t_tag in (("w:smartTag", "Bắc Giang", "w:t"), ("w:ins", " có 1.741.540", "w:t"),
                             ("w:del", " 999", "w:delText")):
        wrapper = OxmlElement(tag)
        if tag != "w:smartTag":
            wrapper.set(qn("w:id"), "1")
            wrapper.set(qn("w:author"), "x")
        wrapper.append(run(text, t_tag))
        p._p.append(wrapper)
    p.add_run(" người.")
    path = tmp_path / "sua.docx"
    d.save(str(path))
    assert read_path(str(path)).text == "Toàn tỉnh Bắc Giang có 1.741.540 người.\n"


def test_docx_legacy_fonts_are_converted_by_font_name(tmp_path):
    import docx
    d = docx.Document()
    d.add_paragraph().add_run("KÕ ho¹ch").font.name = ".VnTimeH"
    p = d.add_paragraph()
    p.add_run("N¨m 2013, ").font.name = ".VnTime"
    p.add_run("tỷ lệ ").font.name = "Times New Roman"
    p.add_run("®¹t 81,6%").font.name = ".VnTime"
    d.add_paragraph().add_run("Vieät Nam").font.name = "VNI-Times"
    path = tmp_path / "cu.docx"
    d.save(str(path))
    doc = read_path(str(path))
    assert doc.text.splitlines() == ["KẾ HOẠCH", "Năm 2013, tỷ lệ đạt 81,6%", "Việt Nam"]
    assert {"converted from TCVN3 (ABC) (font)", "converted from VNI (font)"} <= set(doc.warnings)


# --- discovery --------------------------------------------------------------------------

def test_iter_inputs_walks_folders_sorted_and_joins_paths(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("corpus/b.txt", "corpus/a.md", "corpus/sub/c.pdf", "corpus/sub/z.HTML",
                 "corpus/skip.png", "corpus/.hidden/d.txt", "corpus/~$lock.docx", "other.xyz"):
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        Path(name).write_text("x")
    got = list(iter_inputs(["corpus/", "other.xyz", "missing.txt", "corpus/a.md"]))
    assert [p for p, e in got if e is None] == ["corpus/a.md", "corpus/b.txt", "corpus/sub/c.pdf",
                                               "corpus/sub/z.HTML"]
    errors = {p: e.reason for p, e in got if e is not None}
    assert errors == {"other.xyz": "unsupported file type .xyz",
                      "missing.txt": "no such file or folder"}
    assert isinstance(dict(got)["missing.txt"], ReadError)


def test_iter_inputs_survives_symlink_loops_and_unreadable_folders(tmp_path, monkeypatch):
    root = tmp_path / "root"
    (root / "a").mkdir(parents=True)
    (root / "a" / "x.txt").write_text("x")
    os.symlink(str(root), str(root / "a" / "loop"))          # a link to an ancestor
    os.symlink("self", str(root / "self"))                   # a link to itself
    (root / "locked").mkdir()
    real_scandir = os.scandir

    def scandir(path):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    got = list(iter_inputs([str(root)]))
    assert (str(root / "a" / "x.txt"), None) in got
    reasons = {Path(p).name: e.reason for p, e in got if e is not None}
    assert "symlink loop" in reasons["loop"]
    assert reasons["locked"] == "cannot read folder: permission denied"
    assert len(got) == 4  # self-link reported once, nothing walked twice


# --- time limit -------------------------------------------------------------------------

def _slow_read(path, limits=None):
    time.sleep(5)
    return document_from_text("late")


def test_read_with_timeout_in_the_main_thread(tmp_path, monkeypatch):
    import extractor.ingest.timeout as timeout_mod
    monkeypatch.setattr(timeout_mod, "read_path", _slow_read)
    t0 = time.perf_counter()
    with pytest.raises(ReadError, match=r"took longer than 0.3 s"):
        read_with_timeout("slow.txt", Limits(timeout_s=0.3))
    assert time.perf_counter() - t0 < 3


def test_read_with_timeout_in_another_thread_uses_a_child_process(monkeypatch):
    import extractor.ingest.timeout as timeout_mod
    monkeypatch.setattr(timeout_mod, "read_path", _slow_read)
    out = {}

    def run():
        try:
            read_with_timeout("slow.txt", Limits(timeout_s=0.5))
        except ReadError as e:
            out["error"] = e

    th = threading.Thread(target=run)
    t0 = time.perf_counter()
    th.start()
    th.join(10)
    assert "took longer than 0.5 s" in str(out["error"])
    assert time.perf_counter() - t0 < 4


def test_read_with_timeout_returns_the_document_when_in_time(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("Toàn tỉnh đạt 99%.", encoding="utf-8")
    assert read_with_timeout(str(p), Limits(timeout_s=30)).text == "Toàn tỉnh đạt 99%."
    box = {}
    th = threading.Thread(target=lambda: box.update(doc=read_with_timeout(str(p), Limits(timeout_s=30))))
    th.start()
    th.join(30)
    assert box["doc"].text == "Toàn tỉnh đạt 99%."
    with pytest.raises(ReadError, match="no such file"):
        read_with_timeout(str(tmp_path / "nope.txt"), Limits(timeout_s=30))
