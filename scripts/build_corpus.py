#!/usr/bin/env python3
"""Build the team corpus's PDF, DOCX and HTML files from their YAML sources.

Each document of `corpus/` that is not plain text is written by hand as one YAML
file under `corpus/src/` (title, metadata, and a list of body blocks: paragraphs,
headings, tables, letter heads, signatures, page breaks). This script renders
each source to the format it names and writes the result next to the sources'
folder, in `corpus/`, under the source's stem:

    python scripts/build_corpus.py                 # corpus/src/*.yaml -> corpus/
    python scripts/build_corpus.py --out /tmp/x    # somewhere else (tests use this)
    python scripts/build_corpus.py --only bentre-bc-6t-2022

Output is deterministic: fixed dates in the PDF/DOCX metadata (the source's
`meta.date`), fixed zip timestamps in the DOCX, no random ids, sources processed
in sorted order. PDFs use DejaVu Sans (shipped with matplotlib) so Vietnamese
text has a real Unicode text layer; tables are drawn with grid lines so
pdfplumber's table finder sees them.

It does not write the .txt/.md documents (they are their own sources, kept in
`corpus/` directly) nor the gold files.
"""
from __future__ import annotations

import argparse
import calendar
import datetime as dt
import html
import io
import os
import sys
import zipfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SRC_DIR = ROOT / "corpus" / "src"
OUT_DIR = ROOT / "corpus"
FORMATS = ("pdf", "docx", "html")
BLOCK_KINDS = ("columns", "title", "center", "right", "heading", "p", "lead", "list",
               "table", "signature", "pagebreak", "caption")


# --------------------------------------------------------------------------- sources

def load_source(path: Path) -> dict:
    """Read and check one YAML source; returns the spec with `stem` filled in."""
    with open(path, encoding="utf-8") as f:
        spec = yaml.safe_load(f)
    if not isinstance(spec, dict):
        raise ValueError(f"{path}: not a mapping")
    spec.setdefault("stem", path.stem)
    if spec.get("format") not in FORMATS:
        raise ValueError(f"{path}: format must be one of {FORMATS}, not {spec.get('format')!r}")
    meta = spec.setdefault("meta", {})
    if not isinstance(meta.get("date"), (dt.date, str)):
        raise ValueError(f"{path}: meta.date (YYYY-MM-DD) is required for deterministic output")
    if isinstance(meta["date"], str):
        meta["date"] = dt.date.fromisoformat(meta["date"])
    for n, block in enumerate(spec.get("body") or []):
        if not isinstance(block, dict) or len(block) != 1 or next(iter(block)) not in BLOCK_KINDS:
            raise ValueError(f"{path}: body block {n} must be one of {BLOCK_KINDS}: {block!r}")
    return spec


def fixed_datetime(spec: dict) -> dt.datetime:
    """The document's metadata timestamp: its date at 08:00 UTC."""
    d = spec["meta"]["date"]
    return dt.datetime(d.year, d.month, d.day, 8, 0, 0, tzinfo=dt.timezone.utc)


# --------------------------------------------------------------------------- PDF

def _font_paths() -> tuple[Path, Path]:
    import matplotlib
    ttf = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return ttf / "DejaVuSans.ttf", ttf / "DejaVuSans-Bold.ttf"


def _register_fonts() -> None:
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    if "DejaVuSans" in pdfmetrics.getRegisteredFontNames():
        return
    regular, bold = _font_paths()
    pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
    pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
    addMapping("DejaVuSans", 0, 0, "DejaVuSans")
    addMapping("DejaVuSans", 1, 0, "DejaVuSans-Bold")
    addMapping("DejaVuSans", 0, 1, "DejaVuSans")
    addMapping("DejaVuSans", 1, 1, "DejaVuSans-Bold")


def _pdf_styles() -> dict:
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle
    base = ParagraphStyle("body", fontName="DejaVuSans", fontSize=10.5, leading=14.5,
                          alignment=TA_JUSTIFY, spaceAfter=5)
    return {
        "p": base,
        "lead": ParagraphStyle("lead", parent=base, fontName="DejaVuSans-Bold"),
        "list": ParagraphStyle("list", parent=base, leftIndent=14, alignment=TA_LEFT, spaceAfter=1),
        "title": ParagraphStyle("title", parent=base, fontName="DejaVuSans-Bold", fontSize=13,
                                leading=17, alignment=TA_CENTER, spaceBefore=8, spaceAfter=2),
        "center": ParagraphStyle("center", parent=base, alignment=TA_CENTER, spaceAfter=8),
        "caption": ParagraphStyle("caption", parent=base, fontName="DejaVuSans-Bold",
                                  alignment=TA_CENTER, spaceBefore=4, spaceAfter=4),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
        "heading": ParagraphStyle("heading", parent=base, fontName="DejaVuSans-Bold",
                                  alignment=TA_LEFT, spaceBefore=6),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9.5, leading=12, alignment=TA_LEFT,
                               spaceAfter=0),
        "cellhead": ParagraphStyle("cellhead", parent=base, fontName="DejaVuSans-Bold",
                                   fontSize=9.5, leading=12, alignment=TA_CENTER, spaceAfter=0),
        "head": ParagraphStyle("head", parent=base, fontSize=10, leading=13, alignment=TA_CENTER,
                               spaceAfter=0),
        "sign": ParagraphStyle("sign", parent=base, fontName="DejaVuSans-Bold", alignment=TA_CENTER,
                               spaceAfter=0),
    }


def _esc(text) -> str:
    return html.escape(str(text), quote=False)


def build_pdf(spec: dict, out_path: Path) -> Path:
    """Render a source to a PDF with a Unicode text layer (reportlab platypus)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import (PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table,
                                    TableStyle)
    _register_fonts()
    st = _pdf_styles()
    width = A4[0] - 40 * mm
    story = []
    for block in spec.get("body") or []:
        kind, value = next(iter(block.items()))
        if kind == "pagebreak":
            story.append(PageBreak())
        elif kind == "columns":
            # A letter head: two side-by-side blocks, no rules (a layout, not a data table).
            left, right = value
            cells = [[[Paragraph(_esc(s), st["head"]) for s in left],
                      [Paragraph(_esc(s), st["head"]) for s in right]]]
            t = Table(cells, colWidths=[width * 0.45, width * 0.55])
            t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
            story += [t, Spacer(1, 4 * mm)]
        elif kind == "table":
            header = value.get("header") or []
            rows = value.get("rows") or []
            data = [[Paragraph(_esc(c), st["cellhead"]) for c in header]] if header else []
            data += [[Paragraph(_esc(c), st["cell"]) for c in row] for row in rows]
            widths = value.get("widths")
            col_widths = [width * w for w in widths] if widths else None
            t = Table(data, colWidths=col_widths, repeatRows=1 if header else 0)
            t.setStyle(TableStyle([
                ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
            ]))
            story += [t, Spacer(1, 4 * mm)]
        elif kind == "signature":
            sig = Table([[""], *[[Paragraph(_esc(s), st["sign"])] for s in value]],
                        colWidths=[width * 0.45], hAlign="RIGHT")
            story += [Spacer(1, 4 * mm), sig]
        elif kind == "list":
            story += [Paragraph(_esc(s), st["list"]) for s in value]
        else:
            story.append(Paragraph(_esc(value), st[kind]))
    meta = spec["meta"]
    out_path.parent.mkdir(parents=True, exist_ok=True)
    when = calendar.timegm(fixed_datetime(spec).timetuple())
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(when)   # reportlab's invariant timestamp
    try:
        doc = SimpleDocTemplate(str(out_path), pagesize=A4, leftMargin=20 * mm,
                                rightMargin=20 * mm, topMargin=18 * mm, bottomMargin=18 * mm,
                                title=meta.get("title", ""), author=meta.get("author", ""),
                                subject=meta.get("subject", ""), creator="scripts/build_corpus.py",
                                invariant=1)
        doc.build(story)
    finally:
        if saved is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved
    return out_path


# --------------------------------------------------------------------------- DOCX

def _normalize_zip(data: bytes, when: dt.datetime) -> bytes:
    """Rewrite a zip with fixed timestamps and sorted entries (byte-stable DOCX)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    stamp = (when.year, when.month, when.day, when.hour, when.minute, when.second)
    names = src.namelist()
    # [Content_Types].xml first, as Word writes it; the rest sorted.
    order = [n for n in names if n == "[Content_Types].xml"] + sorted(
        n for n in names if n != "[Content_Types].xml")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, src.read(name))
    return out.getvalue()


def build_docx(spec: dict, out_path: Path) -> Path:
    """Render a source to a Word document (python-docx); tables are real Word tables."""
    import docx
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Pt

    d = docx.Document()
    normal = d.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(13)

    def para(text, align=None, bold=False, italic=False):
        p = d.add_paragraph()
        run = p.add_run(str(text))
        run.bold = bold
        run.italic = italic
        if align is not None:
            p.alignment = align
        return p

    for block in spec.get("body") or []:
        kind, value = next(iter(block.items()))
        if kind == "pagebreak":
            d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        elif kind == "columns":
            left, right = value
            t = d.add_table(rows=1, cols=2)   # layout table, no borders (default style)
            for cell, lines in zip(t.rows[0].cells, (left, right)):
                cell.paragraphs[0].text = lines[0]
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
                for line in lines[1:]:
                    cp = cell.add_paragraph(line)
                    cp.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif kind == "table":
            header = value.get("header") or []
            rows = value.get("rows") or []
            ncols = len(header or rows[0])
            t = d.add_table(rows=0, cols=ncols)
            t.style = "Table Grid"
            t.alignment = WD_TABLE_ALIGNMENT.CENTER
            if header:
                cells = t.add_row().cells
                for c, text in zip(cells, header):
                    c.paragraphs[0].add_run(str(text)).bold = True
            for row in rows:
                cells = t.add_row().cells
                for c, text in zip(cells, row):
                    c.paragraphs[0].text = str(text)
            d.add_paragraph()
        elif kind == "title":
            para(value, WD_ALIGN_PARAGRAPH.CENTER, bold=True)
        elif kind in ("center", "caption"):
            para(value, WD_ALIGN_PARAGRAPH.CENTER, bold=kind == "caption")
        elif kind == "right":
            para(value, WD_ALIGN_PARAGRAPH.RIGHT, italic=True)
        elif kind == "heading":
            para(value, bold=True)
        elif kind == "lead":
            para(value, WD_ALIGN_PARAGRAPH.JUSTIFY, bold=True)
        elif kind == "list":
            for line in value:
                para(line)
        elif kind == "signature":
            for line in value:
                para(line, WD_ALIGN_PARAGRAPH.RIGHT, bold=True)
        else:
            para(value, WD_ALIGN_PARAGRAPH.JUSTIFY)

    meta = spec["meta"]
    when = fixed_datetime(spec)
    cp = d.core_properties
    cp.title = meta.get("title", "")
    cp.author = meta.get("author", "")
    cp.subject = meta.get("subject", "")
    cp.last_modified_by = meta.get("author", "")
    cp.created = when.replace(tzinfo=None)
    cp.modified = when.replace(tzinfo=None)
    cp.last_printed = when.replace(tzinfo=None)
    cp.revision = 1
    cp.comments = "Generated by scripts/build_corpus.py"
    buf = io.BytesIO()
    d.save(buf)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_bytes(_normalize_zip(buf.getvalue(), when))
    return out_path


# --------------------------------------------------------------------------- HTML

_CSS = """
body{margin:0;font-family:Arial,Helvetica,sans-serif;color:#222;background:#f4f4f4}
.top{background:#8b0000;color:#fff;padding:6px 20px;font-size:13px}
header .brand{font-size:28px;font-weight:bold;padding:14px 20px;background:#fff}
nav ul{list-style:none;margin:0;padding:0 20px;background:#b22222;display:flex}
nav li a{display:block;color:#fff;padding:10px 12px;text-decoration:none}
.wrap{display:flex;max-width:1100px;margin:16px auto;gap:20px}
main{flex:3;background:#fff;padding:18px 24px}
aside{flex:1;background:#fff;padding:14px}
h1{font-size:26px;line-height:1.3}
.meta{color:#777;font-size:13px}
.sapo{font-weight:bold}
table.data{border-collapse:collapse;margin:12px 0}
table.data td,table.data th{border:1px solid #999;padding:4px 8px}
footer{background:#333;color:#ccc;padding:18px 20px;font-size:13px}
""".strip()


def _html_block(kind: str, value) -> str:
    if kind == "title":
        return f"<h1 class=\"title\">{_esc(value)}</h1>"
    if kind == "heading":
        return f"<h2>{_esc(value)}</h2>"
    if kind == "lead":
        return f"<p class=\"sapo\"><strong>{_esc(value)}</strong></p>"
    if kind in ("center", "caption"):
        tag = "strong" if kind == "caption" else "span"
        return f"<p style=\"text-align:center\"><{tag}>{_esc(value)}</{tag}></p>"
    if kind == "right":
        return f"<p style=\"text-align:right\"><em>{_esc(value)}</em></p>"
    if kind == "list":
        return "<ul>" + "".join(f"<li>{_esc(s)}</li>" for s in value) + "</ul>"
    if kind == "signature":
        return "<p style=\"text-align:right\">" + "<br>".join(_esc(s) for s in value) + "</p>"
    if kind == "columns":
        return "<div class=\"head\">" + "".join(
            "<div>" + "<br>".join(_esc(s) for s in side) + "</div>" for side in value) + "</div>"
    if kind == "table":
        parts = ["<table class=\"data\">"]
        if value.get("header"):
            parts.append("<thead><tr>" + "".join(f"<th>{_esc(c)}</th>" for c in value["header"])
                         + "</tr></thead>")
        parts.append("<tbody>")
        for row in value.get("rows") or []:
            parts.append("<tr>" + "".join(f"<td>{_esc(c)}</td>" for c in row) + "</tr>")
        parts.append("</tbody></table>")
        return "".join(parts)
    if kind == "pagebreak":
        return "<hr>"
    return f"<p>{_esc(value)}</p>"


def render_html(spec: dict) -> str:
    """The whole page as a string: site chrome around the article."""
    meta = spec["meta"]
    site = spec.get("site") or {}
    published = meta.get("published") or fixed_datetime(spec).isoformat()
    nav = "".join(f"<li><a href=\"/{_slug(item)}\">{_esc(item)}</a></li>"
                  for item in site.get("nav") or [])
    side = []
    for box in site.get("sidebar") or []:
        items = "".join(f"<li><a href=\"/tin/{_slug(s)}\">{_esc(s)}</a></li>"
                        for s in box.get("items") or [])
        side.append(f"<section class=\"box\"><h3>{_esc(box.get('title', ''))}</h3>"
                    f"<ul>{items}</ul></section>")
    if site.get("counter"):
        side.append(f"<div class=\"counter\">{_esc(site['counter'])}</div>")
    article = "\n".join(_html_block(*next(iter(b.items()))) for b in spec.get("body") or [])
    ld = ("{\"@context\":\"https://schema.org\",\"@type\":\"NewsArticle\",\"headline\":"
          + _json_str(meta.get("title", "")) + ",\"datePublished\":" + _json_str(published)
          + ",\"author\":{\"@type\":\"Person\",\"name\":" + _json_str(meta.get("author", ""))
          + "}}")
    footer = "<br>".join(_esc(s) for s in site.get("footer") or [])
    return f"""<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_esc(meta.get('title', ''))} - {_esc(site.get('name', ''))}</title>
<meta name="description" content="{html.escape(meta.get('subject', ''), quote=True)}">
<meta name="author" content="{html.escape(meta.get('author', ''), quote=True)}">
<meta property="og:title" content="{html.escape(meta.get('title', ''), quote=True)}">
<meta property="article:published_time" content="{html.escape(published, quote=True)}">
<style>
{_CSS}
</style>
<script type="application/ld+json">{ld}</script>
<script>
window.dataLayer = window.dataLayer || [];
function gtag(){{dataLayer.push(arguments);}}
gtag('js', new Date()); gtag('config', 'G-{site.get('tracking', 'X1Y2Z3')}');
var _articleId = {int(site.get('article_id', 1000))};
</script>
</head>
<body>
<div class="top">{_esc(site.get('topbar', ''))}</div>
<header><div class="brand">{_esc(site.get('name', ''))}</div>
<nav><ul>{nav}</ul></nav></header>
<div class="wrap">
<main>
<div class="breadcrumb"><a href="/">Trang chủ</a> / {_esc(site.get('section', ''))}</div>
<article>
{article}
</article>
<div class="share"><a href="#">Chia sẻ</a> | <a href="#">In bài</a> | <a href="#">Gửi email</a></div>
</main>
<aside>
{''.join(side)}
</aside>
</div>
<footer>{footer}</footer>
<script>
(function(){{var s=document.createElement('script');s.async=true;s.src='/static/js/counter.js?id='+_articleId;document.body.appendChild(s);}})();
</script>
</body>
</html>
"""


def _slug(text: str) -> str:
    import unicodedata
    s = unicodedata.normalize("NFD", str(text)).replace("đ", "d").replace("Đ", "D")
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    return "-".join("".join(c if c.isalnum() else " " for c in s).split())


def _json_str(s: str) -> str:
    import json
    return json.dumps(str(s), ensure_ascii=False)


def build_html(spec: dict, out_path: Path) -> Path:
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(render_html(spec), encoding="utf-8")
    return out_path


# --------------------------------------------------------------------------- driver

BUILDERS = {"pdf": build_pdf, "docx": build_docx, "html": build_html}


def build_one(src: Path, out_dir: Path) -> Path:
    spec = load_source(src)
    fmt = spec["format"]
    return BUILDERS[fmt](spec, out_dir / f"{spec['stem']}.{fmt}")


def build_all(src_dir: Path = SRC_DIR, out_dir: Path = OUT_DIR,
              only: list[str] | None = None) -> list[Path]:
    """Build every source (sorted); returns the written paths."""
    sources = sorted(src_dir.glob("*.yaml"))
    if only:
        sources = [s for s in sources if s.stem in set(only)]
    return [build_one(src, out_dir) for src in sources]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--src", type=Path, default=SRC_DIR, help="folder of YAML sources")
    ap.add_argument("--out", type=Path, default=OUT_DIR, help="where to write the files")
    ap.add_argument("--only", nargs="*", help="build only these source stems")
    a = ap.parse_args(argv)
    written = build_all(a.src, a.out, a.only)
    for p in written:
        print(p)
    if not written:
        print("no sources found", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
