"""Builds, at test time, a folder of broken inputs mixed with good corpus documents.

`build_mixed_folder(root, good=...)` copies good documents from corpus/ (some under
Vietnamese names with spaces, in nested folders whose names have spaces too) and
writes every kind of bad input the robustness issue lists: empty files, binary files
named .txt, truncated, encrypted and scanned PDFs, a .docx that is not a zip, an old
.doc named .docx, a zip bomb named .docx, HTML with scripts and megabytes of markup,
a 50 MB (sparse) text file, mixed encodings, TCVN3 and VNI text, and symlink loops.
It returns a `Layout` saying, for every file, what a run must report about it.

Everything is generated in about a second and nothing big is committed or written:
the 50 MB file is sparse and the zip bomb is assembled from one repeated deflate block.
It also holds `extraction_problems`, the output-contract check (field names,
vocabularies, evidence offsets) that both the end-to-end and the fuzz tests apply to
every record. It does not run the tool; tests/test_robustness.py does.
"""
from __future__ import annotations

import gzip
import io
import json
import math
import os
import re
import shutil
import struct
import unicodedata
import zlib
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
MB = 1024 * 1024

# One document per format, short ones first: what the fast end-to-end run copies.
SMALL_GOOD = ("hagiang-tin-2020.txt", "nghean-tin-2023.txt", "binhduong-bhxh-2024.md",
              "angiang-tin-2024.html", "bentre-bc-6t-2022.pdf", "quangbinh-bc-2023.docx")
# Good documents that are written a second time in a legacy Vietnamese font encoding.
LEGACY_SOURCES = ("hagiang-tin-2020.txt", "thaibinh-cv-2019.txt")

# A sentence any working pipeline turns into records; used inside generated files.
FIGURE_SENTENCE = ("Tính đến ngày 30/6/2024, toàn tỉnh Nghệ An có 3.123.456 người tham gia "
                   "bảo hiểm y tế, đạt tỷ lệ bao phủ 92,5% dân số.")
FIGURE_VALUE = 3123456

SCAN_HINT = "install tesseract-ocr and tesseract-ocr-vie"


def corpus_documents() -> list[str]:
    """Names of every document of corpus/ (not the gold or README)."""
    exts = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")
    return sorted(p.name for p in CORPUS.iterdir()
                  if p.is_file() and p.suffix in exts and p.name != "README.md")


@dataclass
class Expect:
    """What a run must say about one input.

    `level`: "error" (refused, one error line), "warning" (processed, warning lines), or,
    for inputs the tool may either read or refuse, "line" (exactly one line, error or
    warning) or "silent-ok" (read without a line, or refused in one error line). `reason`
    is a regex the line must match; a file that is read must yield FIGURE_VALUE when
    `figure` is set."""
    rel: str
    kind: str
    level: str
    reason: str
    figure: bool = False


@dataclass
class Layout:
    root: Path
    good: dict[str, str] = field(default_factory=dict)      # rel path -> corpus file name
    bad: list[Expect] = field(default_factory=list)         # reported as errors, no records
    warned: list[Expect] = field(default_factory=list)      # processed, with a warning line
    figure_files: list[str] = field(default_factory=list)   # must yield FIGURE_VALUE
    either: list[Expect] = field(default_factory=list)      # read or refused, see Expect

    def path(self, rel: str) -> str:
        """The path as the tool prints it when given `root` (joined, not resolved)."""
        return os.path.join(str(self.root), rel)

    @property
    def processed(self) -> list[str]:
        """Every file that must be read and extracted (good, warned, figure files);
        `either` files are not in it."""
        return sorted(set(self.good) | {w.rel for w in self.warned} | set(self.figure_files))


# ---- the builder -----------------------------------------------------------------------

def build_mixed_folder(root: Path, good: tuple[str, ...] | list[str] = SMALL_GOOD,
                       scanned_ocr: bool = False) -> Layout:
    """Fill `root` (created) with `good` corpus documents and every kind of bad input.

    `scanned_ocr`: a working Tesseract (vie) is on PATH, so the scanned PDF is expected
    to be read by OCR with a warning instead of being refused with the install hint.
    """
    root.mkdir(parents=True, exist_ok=True)
    lay = Layout(root=root)
    _add_good(lay, list(good))
    _add_legacy(lay)
    _add_empty(lay)
    _add_binary(lay)
    _add_pdfs(lay, scanned_ocr)
    _add_docx(lay)
    _add_html(lay)
    _add_big_text(lay)
    _add_encodings(lay)
    _add_links(lay)
    return lay


def _write(lay: Layout, rel: str, data: bytes | str) -> Path:
    p = lay.root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return p


def _bad(lay: Layout, rel: str, kind: str, reason: str, data: bytes | str | None = None) -> None:
    if data is not None:
        _write(lay, rel, data)
    lay.bad.append(Expect(rel, kind, "error", reason))


# Good documents go to three places: the top, a nested folder with spaces and Vietnamese
# letters, and under a Vietnamese name with spaces (NFC, and one NFD as macOS writes).
_VI_NAMES = ("Tin tức tháng 9 – {stem}{ext}", "Báo cáo (bản chính thức) {stem}{ext}")


def _add_good(lay: Layout, names: list[str]) -> None:
    for i, name in enumerate(names):
        stem, ext = os.path.splitext(name)
        if i % 3 == 0:
            rel = name
        elif i % 3 == 1:
            rel = os.path.join("Hồ sơ năm 2024", "Quý II – đã duyệt", name)
        else:
            rel = os.path.join("Văn bản đến", _VI_NAMES[i % 2].format(stem=stem, ext=ext))
        if i == 2:
            rel = unicodedata.normalize("NFD", rel)
        shutil.copyfile(CORPUS / name, _target(lay, rel))
        lay.good[rel] = name


def _target(lay: Layout, rel: str) -> Path:
    p = lay.root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    return p


def _add_legacy(lay: Layout) -> None:
    from extractor.ingest.legacy_fonts import to_tcvn3, to_vni
    for name, (enc, conv) in zip(LEGACY_SOURCES, (("TCVN3", to_tcvn3), ("VNI", to_vni))):
        text = (CORPUS / name).read_text(encoding="utf-8")
        rel = os.path.join("Phông cũ", f"{enc} - {name}")
        _write(lay, rel, conv(text).encode("cp1252"))
        lay.warned.append(Expect(rel, f"{enc} text", "warning", f"converted from {enc}"))


def _add_empty(lay: Layout) -> None:
    for rel in ("rỗng.txt", "trống/rỗng.pdf", "trống/rỗng.docx", "trống/empty page.html",
                "trống/khoảng trắng.md"):
        _bad(lay, rel, "empty file", r"empty file",
             b" \n\t\n  \r\n" if rel.endswith(".md") else b"")


def _add_binary(lay: Layout) -> None:
    png = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 40)
    _bad(lay, "ảnh chụp.txt", "PNG named .txt", r"binary file \(not text\)", png)
    rnd = bytes((i * 7919 + 13) % 256 for i in range(64 * 1024))   # fixed "random" bytes
    _bad(lay, "nhị phân/random.md", "random bytes named .md", r"binary file \(not text\)", rnd)
    gz = io.BytesIO()
    with gzip.GzipFile(fileobj=gz, mode="wb", mtime=0) as g:
        g.write(FIGURE_SENTENCE.encode("utf-8") * 200)
    _bad(lay, "nhị phân/trang web.html", "gzip named .html",
         r"binary file|no text found|not text", gz.getvalue())


def _add_pdfs(lay: Layout, scanned_ocr: bool) -> None:
    data = (CORPUS / "bentre-bc-6t-2022.pdf").read_bytes()
    _bad(lay, "pdf/bị cắt.pdf", "truncated PDF", r"corrupt PDF|no text found",
         data[: len(data) // 3])
    _bad(lay, "pdf/fake.pdf", "text named .pdf", r"corrupt PDF", "Chỉ là văn bản đổi đuôi.")
    _bad(lay, "pdf/mật khẩu.pdf", "encrypted PDF", r"encrypted PDF", _encrypted_pdf())
    rel = "pdf/bản scan.pdf"
    _write(lay, rel, _scanned_pdf())
    if scanned_ocr:
        lay.warned.append(Expect(rel, "scanned PDF", "warning", r"read by OCR"))
    else:
        lay.bad.append(Expect(rel, "scanned PDF", "error",
                              r"scanned PDF without a text layer: " + SCAN_HINT))


def _encrypted_pdf() -> bytes:
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas
    buf = io.BytesIO()
    c = canvas.Canvas(buf, encrypt=StandardEncryption("mat-khau", "owner", canPrint=0))
    c.drawString(100, 700, "Toan tinh co 1.000 nguoi tham gia BHYT")
    c.save()
    return buf.getvalue()


def _scanned_pdf() -> bytes:
    """One page holding only an image of a line of text (no text layer)."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas
    im = Image.new("RGB", (900, 120), "white")
    ImageDraw.Draw(im).text((10, 40), "Toan tinh co 1.200 nguoi tham gia BHYT.", fill="black")
    png = io.BytesIO()
    im.save(png, format="PNG")
    png.seek(0)
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawImage(ImageReader(png), 50, 600, 500, 70)
    c.save()
    return buf.getvalue()


def _add_docx(lay: Layout) -> None:
    _bad(lay, "word/không phải docx.docx", "text named .docx", r"not a DOCX \(not a zip file\)",
         "Đây không phải là tệp Word.")
    _bad(lay, "word/cũ.docx", "old .doc named .docx", r"not a DOCX \(an old Word \.doc",
         b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2000)
    good = (CORPUS / "quangbinh-bc-2023.docx").read_bytes()
    _bad(lay, "word/bị cắt.docx", "truncated DOCX", r"not a DOCX|corrupt DOCX",
         good[: len(good) // 2])
    _bad(lay, "word/bom nén.docx", "zip bomb named .docx",
         r"DOCX expands to more than \d+ MB \(zip bomb\?\)|file too large", zip_bomb_docx())


def zip_bomb_docx(expanded_mb: int = 300) -> bytes:
    """A valid .docx whose media entry inflates to `expanded_mb` MB of zeros (~300 KB file).

    The deflate stream is one full-flushed block of 1 MB of zeros repeated, so building
    it costs milliseconds; sizes and CRC are honest, as in a real bomb.
    """
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = comp.compress(b"\0" * MB) + comp.flush(zlib.Z_FULL_FLUSH)
    stream = block * expanded_mb + comp.flush()
    crc = 0
    zero = b"\0" * MB
    for _ in range(expanded_mb):
        crc = zlib.crc32(zero, crc)
    small = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.wordprocessingml.document.main+xml"/></Types>'),
        "word/document.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxml'
            'formats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>'
            + FIGURE_SENTENCE + '</w:t></w:r></w:p></w:body></w:document>'),
    }
    entries = [(name, _deflate(text.encode("utf-8")), zlib.crc32(text.encode("utf-8")),
                len(text.encode("utf-8"))) for name, text in small.items()]
    entries.append(("word/media/image1.bin", stream, crc, expanded_mb * MB))
    return _zip(entries)


def _deflate(data: bytes) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def _zip(entries: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip archive of already-deflated entries (name, data, crc32, uncompressed size)."""
    out, central = io.BytesIO(), io.BytesIO()
    for name, data, crc, size in entries:
        fname = name.encode("utf-8")
        offset = out.tell()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x800, 8, 0, 0x21,
                              crc, len(data), size, len(fname), 0) + fname + data)
        central.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0x800, 8, 0, 0x21,
                                  crc, len(data), size, len(fname), 0, 0, 0, 0, 0, offset)
                      + fname)
    cd = central.getvalue()
    start = out.tell()
    out.write(cd)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries),
                          len(cd), start, 0))
    return out.getvalue()


def _add_html(lay: Layout) -> None:
    script = "<script>" + "var a=[" + ",".join(str(i) for i in range(120_000)) + "];</script>\n"
    style = "<style>" + "".join(f".c{i}{{color:#{i % 4096:03x}}}" for i in range(40_000)) + "</style>\n"
    nav = "".join(f'<div class="menu-item"><a href="/tin/{i}">Mục {i}</a></div>'
                  for i in range(25_000))
    page = ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>Tin bảo hiểm</title>"
            + script + style + "</head><body><nav>" + nav + "</nav>" + script
            + "<article><h1>Nghệ An: bao phủ bảo hiểm y tế</h1><p>" + FIGURE_SENTENCE
            + "</p></article>" + script + "</body></html>")
    rel = "web/trang nặng 3MB.html"
    _write(lay, rel, page)
    assert 2 * MB < len(page.encode()) < 8 * MB
    lay.figure_files.append(rel)
    # Deeply nested markup (deeper than libxml2's default limit of 256)
    deep = ("<html><body>" + "<div>" * 5000 + "<p>" + FIGURE_SENTENCE + "</p>"
            + "</div>" * 5000 + "</body></html>")
    rel = "web/lồng sâu.htm"
    _write(lay, rel, deep)
    lay.either.append(Expect(rel, "deeply nested HTML", "silent-ok", r"no text found"))
    # Old sites never close their <font> tags: the same depth, reached by sloppy markup.
    unclosed = ("<html><head><meta charset='utf-8'></head><body>"
                + "".join(f"<font size=2><b>Tin vắn số {i}: bảo hiểm xã hội.<br>" for i in range(300))
                + "<p>" + FIGURE_SENTENCE + "</p></body></html>")
    rel = "web/thẻ không đóng.html"
    _write(lay, rel, unclosed)
    lay.either.append(Expect(rel, "unclosed tags", "silent-ok", r"no text found"))


def _add_big_text(lay: Layout) -> None:
    """A 50 MB text file, sparse: it costs no disk and no time to write."""
    p = _target(lay, "lớn/nhật ký 50MB.txt")
    with open(p, "wb") as f:
        f.write(FIGURE_SENTENCE.encode("utf-8"))
        f.truncate(50 * MB)
    lay.bad.append(Expect("lớn/nhật ký 50MB.txt", "50 MB text", "error",
                          r"file too large \(50\.0 MB > \d+ MB limit\)"))


def _add_encodings(lay: Layout) -> None:
    from extractor.ingest.legacy_fonts import to_tcvn3
    utf8 = FIGURE_SENTENCE.encode("utf-8")
    # A UTF-8 file with a pasted Windows-1258 paragraph and a TCVN3 line in it.
    mixed = (utf8 + b"\n" + "Người dân được khám chữa bệnh.".encode("cp1258", "replace") + b"\n"
             + to_tcvn3("Năm 2023 tăng dân số.").encode("cp1252") + b"\n" + utf8 + b"\n")
    rel = "mã hóa/lẫn lộn.txt"
    _write(lay, rel, mixed)
    lay.either.append(Expect(rel, "mixed encodings", "line",
                             r"encoding|decoded|converted|1258", figure=True))
    _bad(lay, "mã hóa/latin1.txt", "Latin-1 French", r"unknown text encoding",
         ("Größe und Übermaß, naïve façade: très éléphant. " * 20).encode("latin-1"))


def _add_links(lay: Layout) -> None:
    loop_dir = lay.root / "liên kết" / "thư mục con"
    loop_dir.mkdir(parents=True, exist_ok=True)
    os.symlink("..", loop_dir / "vòng lặp")              # a folder linking to its parent
    lay.bad.append(Expect(os.path.join("liên kết", "thư mục con", "vòng lặp"),
                          "folder symlink loop", "error", r"symlink loop"))
    os.symlink("tự trỏ.txt", lay.root / "liên kết" / "tự trỏ.txt")  # a link to itself
    lay.bad.append(Expect(os.path.join("liên kết", "tự trỏ.txt"), "self link", "error",
                          r"symlink loop"))


# ---- the output contract (shared/spec/coverage-records.md), checked on every record ----

_ISO = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2}(?:T\d{2}:\d{2}(?::\d{2})?)?)?)?$")
RECORD_FIELDS = ("source", "region", "scheme", "metric", "value", "unit", "qualifier",
                 "period", "compared_to", "evidence", "confidence", "method")
DOCUMENT_FIELDS = ("source", "sha256", "doc_type", "title", "published", "author", "letter",
                   "n_chars", "warnings")


def finite_number(v) -> bool:
    """An int or float that every reader can hold: finite as a double (SQLite, pandas)."""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return False
    try:
        return math.isfinite(float(v))
    except OverflowError:      # an int of 309+ digits
        return False


_number = finite_number


def _period_problems(p, name: str) -> list[str]:
    if not isinstance(p, dict) or set(p) < {"start", "end"}:
        return [f"{name} is not {{start, end}}: {p!r}"]
    return [f"{name}.{k} is not ISO: {p[k]!r}" for k in ("start", "end")
            if p[k] is not None and not (isinstance(p[k], str) and _ISO.match(p[k]))]


def record_problems(rec: dict, text: str | None, source: str | None = None) -> list[str]:
    """What is wrong with one record (empty list: it keeps the contract).

    `text` is the document's extracted text (None: offsets are not checked)."""
    from extractor.model import LEVELS, METRICS, QUALIFIERS, SCHEMES, UNITS
    bad = [f"missing field {f}" for f in RECORD_FIELDS if f not in rec]
    if bad:
        return bad
    if source is not None and rec["source"] != source:
        bad.append(f"source {rec['source']!r} != {source!r}")
    reg = rec["region"]
    if not isinstance(reg, dict) or not {"name", "level", "province", "code",
                                         "current_province"} <= set(reg):
        bad.append(f"region lacks fields: {reg!r}")
    else:
        if not isinstance(reg["name"], str) or not reg["name"].strip():
            bad.append(f"region name {reg['name']!r}")
        if reg["level"] not in LEVELS:
            bad.append(f"region level {reg['level']!r}")
    for f, vocab in (("scheme", SCHEMES), ("metric", METRICS), ("unit", UNITS)):
        if rec[f] not in vocab:
            bad.append(f"{f} {rec[f]!r} not in the vocabulary")
    if rec["qualifier"] is not None and rec["qualifier"] not in QUALIFIERS:
        bad.append(f"qualifier {rec['qualifier']!r}")
    v = rec["value"]
    if isinstance(v, list):
        if len(v) != 2 or not all(_number(x) for x in v) or v[0] > v[1]:
            bad.append(f"range value {v!r}")
    elif not _number(v):
        bad.append(f"value {v!r} is not a finite number")
    bad += _period_problems(rec["period"], "period")
    if rec["compared_to"] is not None:
        bad += _period_problems(rec["compared_to"], "compared_to")
    if not (_number(rec["confidence"]) and 0 <= rec["confidence"] <= 1):
        bad.append(f"confidence {rec['confidence']!r}")
    if not isinstance(rec["method"], str) or not rec["method"]:
        bad.append(f"method {rec['method']!r}")
    bad += _evidence_problems(rec["evidence"], text)
    try:
        json.dumps(rec, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as e:
        bad.append(f"not JSON: {e}")
    return bad


def _evidence_problems(ev, text: str | None) -> list[str]:
    if not isinstance(ev, dict) or not {"text", "start", "end", "value_text"} <= set(ev):
        return [f"evidence lacks fields: {ev!r}"]
    bad = []
    if not isinstance(ev["value_text"], str) or not ev["value_text"].strip():
        bad.append(f"empty value_text {ev['value_text']!r}")
    elif ev["value_text"] not in ev["text"]:
        bad.append(f"value_text {ev['value_text']!r} not in the evidence text")
    if text is None:
        return bad
    s, e = ev["start"], ev["end"]
    if not (isinstance(s, int) and isinstance(e, int) and 0 <= s <= e <= len(text)):
        return bad + [f"evidence offsets {s}..{e} outside 0..{len(text)}"]
    if text[s:e] != ev["text"]:
        bad.append(f"text[{s}:{e}] = {text[s:e]!r} != evidence {ev['text']!r}")
    if "value_start" in ev and "value_end" in ev:
        vs, ve = ev["value_start"], ev["value_end"]
        if not (s <= vs <= ve <= e) or text[vs:ve] != ev["value_text"]:
            bad.append(f"value offsets {vs}..{ve} do not hold {ev['value_text']!r}")
    return bad


def extraction_problems(ex, text: str, source: str | None = None) -> list[str]:
    """Contract problems of a whole Extraction: every record, entity and the metadata."""
    from extractor.model import DOC_TYPES, ENTITY_TYPES
    bad = []
    for i, rec in enumerate(ex.records):
        bad += [f"record {i}: {p}" for p in record_problems(rec, text, source)]
    for i, ent in enumerate(ex.entities):
        if ent.get("type") not in ENTITY_TYPES:
            bad.append(f"entity {i}: type {ent.get('type')!r}")
        s, e = ent.get("start"), ent.get("end")
        if not (isinstance(s, int) and isinstance(e, int) and 0 <= s <= e <= len(text)):
            bad.append(f"entity {i}: offsets {s}..{e} outside 0..{len(text)}")
        elif text[s:e] != ent.get("text"):
            bad.append(f"entity {i}: text[{s}:{e}] = {text[s:e]!r} != {ent.get('text')!r}")
    doc = ex.document
    bad += [f"document lacks {f}" for f in DOCUMENT_FIELDS if f not in doc]
    if doc.get("doc_type") not in DOC_TYPES:
        bad.append(f"doc_type {doc.get('doc_type')!r}")
    try:
        json.dumps(ex.to_dict(), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as e:
        bad.append(f"extraction is not JSON: {e}")
    return bad
