"""OCR of a scanned PDF page with the Tesseract binary and its Vietnamese model.

`ocr_available()` is true when `tesseract` is on PATH and lists the `vie`
language; `ocr_page(page)` renders a pdfplumber page at 300 dpi (pypdfium2,
through pdfplumber) and runs `tesseract IMAGE stdout -l vie` on it. No Python
OCR package is needed. Nothing here decides when to OCR (see `pdf_reader.py`).
"""
from __future__ import annotations

import functools
import os
import shutil
import subprocess
import tempfile

OCR_HINT = "install tesseract-ocr and tesseract-ocr-vie"
PAGE_TIMEOUT_S = 120


@functools.lru_cache(maxsize=1)
def ocr_available() -> bool:
    exe = shutil.which("tesseract")
    if not exe:
        return False
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return False
    langs = (out.stdout + "\n" + out.stderr).split()
    return "vie" in langs


def ocr_page(page, resolution: int = 300) -> str:
    """Text of one pdfplumber page by OCR ("" if tesseract fails on it)."""
    exe = shutil.which("tesseract")
    if not exe:
        return ""
    with tempfile.TemporaryDirectory(prefix="extractor-ocr-") as tmp:
        png = os.path.join(tmp, "page.png")
        page.to_image(resolution=resolution).original.save(png)
        try:
            out = subprocess.run([exe, png, "stdout", "-l", "vie"], capture_output=True,
                                 timeout=PAGE_TIMEOUT_S)
        except (OSError, subprocess.SubprocessError):
            return ""
    if out.returncode != 0:
        return ""
    return out.stdout.decode("utf-8", errors="replace")
