"""PDF files -> Document, through pdfplumber's text layer.

Each page's text lines and tables are put in reading order (by their top edge):
text lines become lines of `Document.text`, tables (pdfplumber's table finder,
ruled tables) become one line per row with cells joined by " | ", recorded as
`Table`s with the page number and exact cell offsets; text inside a table is not
repeated as loose lines. `Document.pages` holds each page's span.

Pages without a text layer (scans) are OCRed with Tesseract's Vietnamese model
when the `tesseract` binary and its `vie` data are installed (see `ocr.py`).
A PDF with no text at all and no OCR is a ReadError ("scanned PDF without a text
layer: install tesseract-ocr and tesseract-ocr-vie to OCR it"); a PDF where only
some pages lack text is read with a warning naming them. Encrypted PDFs that
need a password and corrupt files are ReadErrors. TCVN3/VNI text (old fonts
without a Unicode map) is converted. Nothing here interprets the text.
"""
from __future__ import annotations

import io

from ..model import Document
from .assemble import TextBuilder
from .errors import ReadError
from .legacy_fonts import convert_legacy, detect_legacy
from .limits import Limits
from .ocr import OCR_HINT, ocr_available, ocr_page

SCANNED = f"scanned PDF without a text layer: {OCR_HINT} to OCR it"


def read_pdf(data: bytes, path: str, sha256: str, limits: Limits) -> Document:
    import pdfplumber

    if b"%PDF-" not in data[:1024]:
        raise ReadError(path, "corrupt PDF: no PDF header (not a PDF file)")
    warnings: list[str] = []
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            n_pages = len(pdf.pages)
            if n_pages == 0:
                raise ReadError(path, "corrupt PDF: no pages")
            if n_pages > limits.max_pages:
                warnings.append(f"only the first {limits.max_pages} of {n_pages} pages were read")
            pages = [_read_page(page) for page in pdf.pages[: limits.max_pages]]
            no_text = [i for i, p in enumerate(pages) if not p["blocks"] and p["images"]]
            ocr_done: list[int] = []
            if no_text and ocr_available():
                for i in no_text[: limits.ocr_pages]:
                    text = ocr_page(pdf.pages[i])
                    if text.strip():
                        pages[i]["blocks"] = [(0.0, "p", ln) for ln in text.splitlines() if ln.strip()]
                        ocr_done.append(i)
    except ReadError:
        raise
    except Exception as e:
        raise ReadError(path, _pdf_problem(e)) from None

    if ocr_done:
        warnings.append("text of page(s) " + _page_list(ocr_done) + " read by OCR (tesseract, vie)")
    missing = [i for i in no_text if i not in ocr_done]
    if not any(p["blocks"] for p in pages):
        raise ReadError(path, SCANNED if missing else "no text found in the PDF")
    if missing:
        warnings.append(f"page(s) {_page_list(missing)} have no text layer (scanned?): "
                        f"{OCR_HINT} to OCR them")
    if any("(cid:" in str(content) for p in pages for _, _, content in p["blocks"]):
        warnings.append("some characters could not be decoded (font without a Unicode map)")

    legacy = detect_legacy("\n".join(_piece_text(c) for p in pages for _, _, c in p["blocks"]))
    if legacy:
        warnings.append(f"converted from {legacy}")
    b = TextBuilder(convert=(lambda s: convert_legacy(s, legacy)) if legacy else None)
    for n, page in enumerate(pages, 1):
        for _, kind, content in page["blocks"]:
            if kind == "table":
                b.table(content, page=n)
            else:
                b.paragraph(content)
        b.page_break()
    return Document(source=path, text=b.text, format="pdf", sha256=sha256, encoding=None,
                    tables=b.tables, pages=b.pages, warnings=warnings)


def _read_page(page) -> dict:
    """Text lines and tables of one page, sorted by their top edge."""
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]

    def outside(obj) -> bool:
        if obj.get("object_type") != "char" or not boxes:
            return True
        cx = (obj["x0"] + obj["x1"]) / 2
        cy = (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

    blocks: list[tuple[float, str, object]] = []
    for t in tables:
        rows = t.extract()
        if any(any(c and c.strip() for c in row) for row in rows):
            blocks.append((t.bbox[1], "table", rows))
    source = page.filter(outside) if boxes else page
    for line in source.extract_text_lines(strip=True, return_chars=False):
        if line["text"].strip():
            blocks.append((line["top"], "p", line["text"]))
    blocks.sort(key=lambda b: b[0])
    images = bool(page.images)
    page.close()
    return {"blocks": blocks, "images": images}


def _piece_text(content) -> str:
    if isinstance(content, str):
        return content
    return "\n".join(" ".join(c or "" for c in row) for row in content)


def _page_list(indexes: list[int]) -> str:
    return ", ".join(str(i + 1) for i in indexes)


def _pdf_problem(e: Exception) -> str:
    """A user-facing reason for an exception raised while parsing a PDF."""
    inner = e.args[0] if e.args and isinstance(e.args[0], Exception) else e
    name = type(inner).__name__
    if "Password" in name or "Encryption" in name or "encrypt" in str(inner).lower():
        return "encrypted PDF"
    msg = str(inner) or name
    return f"corrupt PDF: {msg[:200]}"
