"""DOCX files -> Document: body paragraphs and tables in document order (python-docx).

Each paragraph is a line; each table row is a line with its cells joined by
" | " (merged cells once; a vertically merged cell's text only in its first
row), recorded as a `Table` with exact cell offsets; nested tables are read
into their cell. Text typed in legacy fonts is converted run by run from the
font name (.VnTime -> TCVN3, VNI-Times -> VNI; .Vn*H fonts are capitals), and
failing that by how the text looks. Before python-docx opens it, the zip is
checked: not a zip, an old .doc, no word/document.xml, or more than
`Limits.max_uncompressed_bytes` once expanded (zip bomb) are ReadErrors.
Headers, footers, comments and text boxes are not read.
"""
from __future__ import annotations

import io
import zipfile

import docx
from docx.text.run import Run

from ..model import Document
from .assemble import TextBuilder, one_line
from .errors import ReadError
from .legacy_fonts import (TCVN3, convert_legacy, detect_legacy, font_draws_capitals, font_encoding,
                           from_tcvn3, from_vni, is_cp1252_only, restore_capitals)
from .limits import MB, Limits

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_docx(data: bytes, path: str, sha256: str, limits: Limits) -> Document:
    _check_zip(data, path, limits)
    try:
        d = docx.Document(io.BytesIO(data))
        reader = _BodyReader(d)
        pieces = reader.pieces()
    except ReadError:
        raise
    except Exception as e:
        raise ReadError(path, f"corrupt DOCX: {type(e).__name__}: {str(e)[:200]}") from None

    warnings = [f"converted from {name} (font)" for name in sorted(reader.converted)]
    legacy = None
    if not reader.converted:
        legacy = detect_legacy("\n".join(
            c if isinstance(c, str) else "\n".join(" ".join(r) for r in c) for _, c in pieces))
        if legacy:
            warnings.append(f"converted from {legacy}")
    b = TextBuilder(convert=(lambda s: convert_legacy(s, legacy)) if legacy else None)
    for kind, content in pieces:
        if kind == "table":
            b.table(content)
        else:
            b.paragraph(content)
    return Document(source=path, text=b.text, format="docx", sha256=sha256, encoding=None,
                    tables=b.tables, warnings=warnings)


def _check_zip(data: bytes, path: str, limits: Limits) -> None:
    if data.startswith(_OLE_MAGIC):
        raise ReadError(path, "not a DOCX (an old Word .doc file: save it as .docx)")
    buf = io.BytesIO(data)
    if not zipfile.is_zipfile(buf):
        raise ReadError(path, "not a DOCX (not a zip file)")
    try:
        with zipfile.ZipFile(buf) as z:
            infos = z.infolist()
            names = {i.filename for i in infos}
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise ReadError(path, f"corrupt DOCX: {e}") from None
    total = sum(i.file_size for i in infos)
    if total > limits.max_uncompressed_bytes:
        raise ReadError(path, f"DOCX expands to more than {limits.max_uncompressed_bytes // MB} MB"
                              " (zip bomb?)")
    if "word/document.xml" not in names:
        raise ReadError(path, "not a DOCX (no word/document.xml)")


class _BodyReader:
    """Walks the body of a python-docx Document, converting legacy-font runs."""

    def __init__(self, document):
        self.doc = document
        self.converted: set[str] = set()
        self._style_fonts: dict[str, str | None] = {}
        self.default_font = _default_font(document)

    def pieces(self) -> list[tuple[str, object]]:
        out: list[tuple[str, object]] = []
        for block in self.doc.iter_inner_content():
            if _is_table(block):
                layout = self.layout_paragraphs(block)
                if layout is not None:
                    out.extend(("p", text) for text in layout)
                else:
                    out.append(("table", self.table_rows(block)))
            else:
                out.append(("p", self.paragraph_text(block)))
        return out

    def layout_paragraphs(self, table) -> list[str] | None:
        """The paragraphs of a table used for layout (a letterhead), or None for a data table.

        Official letters put the issuer and "Số: …" on the left and the national motto,
        place and date on the right of a borderless 1-2 row table; read cell by cell,
        one line per paragraph, they keep their meaning.
        """
        rows = table.rows
        if not rows or len(rows) > 2 or any(len(r.cells) > 3 for r in rows):
            return None
        cells = [c for r in rows for c in r.cells]
        paras = [[self.paragraph_text(p) for p in c.paragraphs] for c in cells]
        if not any(sum(1 for t in ps if t.strip()) >= 2 for ps in paras):
            return None
        lines = [t for ps in paras for t in ps if t.strip()]
        digits = sum(ch.isdigit() for t in lines for ch in t)
        if digits > 0.2 * sum(len(t) for t in lines):
            return None
        return lines

    def paragraph_text(self, p) -> str:
        parts: list[str] = []
        pstyle_font = self._style_font(p.style)
        tcvn3 = False
        # Every run, also inside hyperlinks, smart tags, fields and tracked insertions
        # (python-docx's own iteration skips the last three); not those of text boxes.
        for r in p._p.xpath("./w:r | ./*[not(self::w:del)]//w:r[not(ancestor::w:txbxContent)]"):
            text, enc = self.run_text(Run(r, p), pstyle_font)
            parts.append(text)
            tcvn3 = tcvn3 or enc == TCVN3
        text = "".join(parts)
        return restore_capitals(text) if tcvn3 else text

    def run_text(self, run, pstyle_font: str | None) -> tuple[str, str | None]:
        text = run.text
        if not text or text.isascii():
            return text, None
        font = run.font.name or self._style_font(run.style) or pstyle_font or self.default_font
        enc = font_encoding(font)
        if not enc or not is_cp1252_only(text):
            return text, None
        self.converted.add(enc)
        if font_draws_capitals(font):
            return from_tcvn3(text, capitals=False).upper(), None
        return (from_tcvn3(text, capitals=False) if enc == TCVN3 else from_vni(text)), enc

    def table_rows(self, table) -> list[list[str]]:
        rows: list[list[str]] = []
        above: list = []
        for row in table.rows:
            cells, seen = [], []
            for cell in row.cells:
                if seen and cell._tc is seen[-1]:
                    continue  # a horizontally merged cell comes once
                seen.append(cell._tc)
                merged_from_above = len(above) > len(cells) and above[len(cells)] is cell._tc
                cells.append("" if merged_from_above else self.cell_text(cell))
            above = seen
            rows.append(cells)
        return rows

    def cell_text(self, cell) -> str:
        parts: list[str] = []
        for block in cell.iter_inner_content():
            if _is_table(block):
                parts.extend(" ".join(c for c in r if c) for r in self.table_rows(block))
            else:
                parts.append(self.paragraph_text(block))
        return one_line(" ".join(p for p in parts if p.strip()))

    def _style_font(self, style) -> str | None:
        if style is None:
            return None
        key = style.style_id or style.name or ""
        if key not in self._style_fonts:
            font, s, hops = None, style, 0
            while s is not None and font is None and hops < 20:
                font = s.font.name if hasattr(s, "font") else None
                s, hops = s.base_style, hops + 1
            self._style_fonts[key] = font
        return self._style_fonts[key]


def _is_table(block) -> bool:
    return type(block).__name__ == "Table"


def _default_font(document) -> str | None:
    from docx.oxml.ns import qn
    styles = document.styles.element
    rfonts = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
    return rfonts.get(qn("w:ascii")) if rfonts is not None else None
