"""Bad input: every kind raises ReadError with a clear reason, never another exception."""
from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from extractor.ingest import Limits, ReadError, read_path
from extractor.ingest import ocr as ocr_mod


def _reason(path, limits=None) -> str:
    with pytest.raises(ReadError) as e:
        read_path(str(path), limits)
    assert e.value.path == str(path)
    assert str(e.value) == f"{path}: {e.value.reason}"
    return e.value.reason


def test_empty_and_whitespace_files(tmp_path):
    for name, data in (("a.txt", b""), ("b.md", b"  \n\n "), ("c.txt", b"\xef\xbb\xbf"),
                       ("d.html", b""), ("e.pdf", b""), ("f.docx", b"")):
        p = tmp_path / name
        p.write_bytes(data)
        assert _reason(p) == "empty file", name


def test_binary_file_with_a_text_extension(tmp_path):
    p = tmp_path / "photo.txt"
    p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 20)
    assert _reason(p) == "binary file (not text)"


def test_unknown_encoding(tmp_path):
    p = tmp_path / "a.txt"
    p.write_bytes("Größe und Übermaß, naïve façade: très éléphant.".encode("latin-1"))
    assert _reason(p) == "unknown text encoding (not UTF-8, UTF-16, Windows-1258, TCVN3 or VNI)"


def test_corrupt_and_fake_pdfs(tmp_path):
    p = tmp_path / "a.pdf"
    p.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage garbage\n")
    assert _reason(p).startswith("corrupt PDF: ")
    q = tmp_path / "b.pdf"
    q.write_bytes(os.urandom(4000))
    assert _reason(q) == "corrupt PDF: no PDF header (not a PDF file)"
    r = tmp_path / "c.pdf"
    r.write_text("Chỉ là một tệp văn bản đổi đuôi.", encoding="utf-8")
    assert _reason(r).startswith("corrupt PDF")


def test_truncated_pdf(tmp_path):
    from reportlab.pdfgen import canvas
    good = tmp_path / "good.pdf"
    c = canvas.Canvas(str(good))
    c.drawString(100, 700, "Toan tinh dat 99%")
    c.save()
    data = good.read_bytes()
    bad = tmp_path / "truncated.pdf"
    bad.write_bytes(data[: len(data) // 3])
    assert _reason(bad).startswith(("corrupt PDF", "no text found"))


def test_encrypted_pdf_needing_a_password(tmp_path):
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas
    p = tmp_path / "secret.pdf"
    c = canvas.Canvas(str(p), encrypt=StandardEncryption("user-password", "owner", canPrint=0))
    c.drawString(100, 700, "bi mat")
    c.save()
    assert _reason(p) == "encrypted PDF"
    # Encrypted with an empty user password: readable.
    q = tmp_path / "open.pdf"
    c = canvas.Canvas(str(q), encrypt=StandardEncryption("", "owner", canPrint=0))
    c.drawString(100, 700, "doc duoc")
    c.save()
    assert "doc duoc" in read_path(str(q)).text


def _scanned_pdf(path: Path) -> None:
    from PIL import Image, ImageDraw
    from reportlab.pdfgen import canvas
    img = path.with_suffix(".png")
    im = Image.new("RGB", (600, 200), "white")
    ImageDraw.Draw(im).text((10, 10), "Scanned page", fill="black")
    im.save(img)
    c = canvas.Canvas(str(path))
    c.drawImage(str(img), 50, 500, 400, 140)
    c.save()


def test_scanned_pdf_without_ocr(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    ocr_mod.ocr_available.cache_clear()
    p = tmp_path / "scan.pdf"
    _scanned_pdf(p)
    try:
        assert _reason(p) == ("scanned PDF without a text layer: install tesseract-ocr and "
                              "tesseract-ocr-vie to OCR it")
    finally:
        ocr_mod.ocr_available.cache_clear()


def test_scanned_pdf_is_ocred_with_tesseract_when_installed(tmp_path, monkeypatch):
    """A stand-in `tesseract` on PATH: checks the call (image file, stdout, -l vie)."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    fake = bindir / "tesseract"
    fake.write_text('#!/bin/sh\n'
                    'if [ "$1" = "--list-langs" ]; then\n'
                    '  printf "List of languages:\\neng\\nvie\\n"; exit 0\n'
                    'fi\n'
                    '[ -s "$1" ] && [ "$2" = "stdout" ] && [ "$3" = "-l" ] && [ "$4" = "vie" ] || exit 2\n'
                    'echo "Toàn tỉnh có 1.200 người tham gia BHYT."\n', encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(bindir) + os.pathsep + os.environ.get("PATH", ""))
    ocr_mod.ocr_available.cache_clear()
    p = tmp_path / "scan.pdf"
    _scanned_pdf(p)
    try:
        doc = read_path(str(p))
    finally:
        ocr_mod.ocr_available.cache_clear()
    assert doc.text == "Toàn tỉnh có 1.200 người tham gia BHYT.\n"
    assert doc.warnings == ["text of page(s) 1 read by OCR (tesseract, vie)"]


def test_docx_that_is_not_a_zip_or_an_old_doc(tmp_path):
    p = tmp_path / "a.docx"
    p.write_text("không phải docx", encoding="utf-8")
    assert _reason(p) == "not a DOCX (not a zip file)"
    q = tmp_path / "old.docx"
    q.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    assert _reason(q) == "not a DOCX (an old Word .doc file: save it as .docx)"


def test_docx_zip_without_a_document_or_corrupt(tmp_path):
    p = tmp_path / "a.docx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("hello.txt", "xin chào")
    assert _reason(p) == "not a DOCX (no word/document.xml)"
    q = tmp_path / "b.docx"
    with zipfile.ZipFile(q, "w") as z:
        z.writestr("[Content_Types].xml", "<Types")
        z.writestr("word/document.xml", "<w:document")
    assert _reason(q).startswith("corrupt DOCX: ")
    r = tmp_path / "c.docx"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "x" * 10000)
    r.write_bytes(buf.getvalue()[:200])  # cut in the middle
    assert _reason(r).startswith(("not a DOCX", "corrupt DOCX"))


def test_docx_zip_bomb(tmp_path):
    p = tmp_path / "bomb.docx"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", "<w:document/>")
        z.writestr("word/media/big.bin", b"\0" * (3 * 1024 * 1024))
    assert p.stat().st_size < 100_000
    limits = Limits(max_uncompressed_bytes=2 * 1024 * 1024)
    assert _reason(p, limits) == "DOCX expands to more than 2 MB (zip bomb?)"


def test_file_too_large(tmp_path):
    p = tmp_path / "big.txt"
    p.write_bytes(b"x" * (3 * 1024 * 1024 - 100 * 1024))  # 2.9 MB
    assert _reason(p, Limits(max_text_bytes=2 * 1024 * 1024)) == "file too large (2.9 MB > 2 MB limit)"
    q = tmp_path / "big.pdf"
    q.write_bytes(b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024))
    assert _reason(q, Limits(max_bytes=2 * 1024 * 1024)).startswith("file too large (3.0 MB > 2 MB")


def test_paths_that_are_not_files(tmp_path):
    assert _reason(tmp_path / "nope.txt") == "no such file or folder"
    d = tmp_path / "folder.txt"
    d.mkdir()
    assert _reason(d) == "is a folder, not a file"
    f = tmp_path / "a.xyz"
    f.write_text("x")
    assert _reason(f) == "unsupported file type .xyz"
    g = tmp_path / "README"
    g.write_text("x")
    assert _reason(g) == "unsupported file type (no extension)"


def test_html_and_docx_without_any_text(tmp_path):
    p = tmp_path / "a.html"
    p.write_text("<html><head><script>var a = 1;</script></head><body><nav>  </nav></body></html>")
    assert _reason(p) == "no text found"
    import docx
    q = tmp_path / "blank.docx"
    docx.Document().save(str(q))
    assert _reason(q) == "no text found"


def test_a_reader_bug_becomes_a_read_error(tmp_path, monkeypatch):
    import extractor.ingest.text_reader as tr
    monkeypatch.setattr(tr, "text_tables", lambda text: 1 / 0)
    p = tmp_path / "a.txt"
    p.write_text("Toàn tỉnh đạt 99%.", encoding="utf-8")
    assert _reason(p).startswith("unexpected error while reading: ZeroDivisionError")


def test_a_fifo_is_not_read(tmp_path):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this system")
    p = tmp_path / "pipe.txt"
    os.mkfifo(p)
    assert _reason(p) == "not a regular file"
