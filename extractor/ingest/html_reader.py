"""HTML files -> Document: the article's text and tables, not the page around it.

The main content (not menus, scripts, styles, footers) is found by trafilatura;
its XML output is walked in order: headings and paragraphs become lines, list
items "- " lines, tables `Table`s whose cells sit in `Document.text` (one row per
line, cells joined by " | "). If trafilatura finds nothing, a plain lxml walk of
the page without its script/style/nav/header/footer/aside/form parts is used.

What the page says about itself goes to `Document.hints`: "title" (og:title or
<title>), "published" (article:published_time and similar meta tags, or JSON-LD
datePublished; ISO), "author" (meta author), "site", "url" (canonical link or
og:url). Bytes are decoded by
`encodings.decode` with the page's declared charset as a hint; legacy-font
(TCVN3/VNI) text is converted. Nothing here interprets the text.
"""
from __future__ import annotations

import copy
import datetime as _dt
import json
from html import unescape

import logging

# trafilatura logs "discarding data" lines on stderr for pages it finds empty; the
# reader reports such pages itself.
logging.getLogger("trafilatura").setLevel(logging.ERROR)

import lxml.etree
import lxml.html
import regex

from ..model import Document
from .assemble import TextBuilder, one_line
from .encodings import decode
from .errors import EncodingProblem, ReadError
from .legacy_fonts import convert_legacy, detect_legacy

_META_CHARSET = regex.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", regex.I)
# huge_tree: the default parser drops what lies below 255 elements; this one reads
# down to libxml2's hard limit of about 2,000
_PARSER = lxml.html.HTMLParser(huge_tree=True)
_DEEP = "boolean(//*[count(ancestor::*) >= 250])"
_BREAK = regex.compile(r"<(?:br|/?(?:p|div|li|tr|h[1-6]|table|section|article|blockquote))\b[^>]*>", regex.I)
_XML_DECL = regex.compile(r"^\s*<\?xml[^>]*\?>")
_TAGS = regex.compile(r"<script\b.*?</script\s*>|<style\b.*?</style\s*>|<!--.*?-->|<[^>]*>",
                      regex.I | regex.S)

_DROP = ("script", "style", "noscript", "template", "svg", "nav", "header", "footer", "aside",
         "form", "iframe", "button", "select", "object", "embed", "canvas", "menu")
_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dd", "dt",
           "figcaption", "caption", "address"}
_CONTAINERS = {"div", "section", "article", "main", "td", "th", "body", "center", "span", "font"}

_PUBLISHED_KEYS = ("article:published_time", "og:published_time", "published_time",
                   "datepublished", "pubdate", "publishdate", "publish-date", "dc.date.issued",
                   "dc.date", "date", "dcterms.created", "article:modified_time")
_TITLE_KEYS = ("og:title", "twitter:title", "dc.title")
_AUTHOR_KEYS = ("author", "article:author", "dc.creator")


def read_html(data: bytes, path: str, sha256: str) -> Document:
    m = _META_CHARSET.search(data[:8192])
    declared = m.group(1).decode("ascii", "ignore") if m else None
    try:
        dec = decode(data, declared=declared, probe=lambda s: _TAGS.sub(" ", s))
    except EncodingProblem as e:
        raise ReadError(path, str(e)) from None
    html = _XML_DECL.sub("", dec.text, count=1)
    try:
        tree = lxml.html.document_fromstring(html, parser=_PARSER)
    except (lxml.etree.ParserError, ValueError) as e:
        raise ReadError(path, f"not an HTML page ({e})") from None
    hints = _page_hints(tree)
    # trafilatura parses the page again with lxml's default limits, which drop what is
    # nested deeper than 255 elements (old pages never close their <font> tags): give it
    # a copy of this tree then.
    deep = tree.xpath(_DEEP)
    pieces = None
    flat = _flat_pieces(html) if deep else None
    if flat is not None and \
            len("".join(tree.text_content().split())) < 0.9 * sum(len(p.replace(" ", "")) for _, p in flat):
        pieces = flat                  # deeper than even that parser reads: text lost in the tree
    if pieces is None:
        try:
            pieces = _main_content(copy.deepcopy(tree) if deep else html) or _fallback_content(tree)
        except RecursionError:
            pieces = flat if flat is not None else _flat_pieces(html)

    warnings = list(dec.warnings)
    legacy = None if dec.warnings else detect_legacy(
        "\n".join(p if isinstance(p, str) else " ".join(" ".join(r) for r in p) for _, p in pieces))
    if legacy:
        warnings.append(f"converted from {legacy}")
        for key in ("title", "author"):
            if hints.get(key):
                hints[key] = convert_legacy(hints[key], legacy)
    b = TextBuilder(convert=(lambda s: convert_legacy(s, legacy)) if legacy else None)
    for kind, content in pieces:
        if kind == "table":
            b.table(content)
        else:
            b.paragraph(content)
    return Document(source=path, text=b.text, format="html", sha256=sha256, encoding=dec.encoding,
                    tables=b.tables, warnings=warnings, hints=hints)


# --- main content ------------------------------------------------------------------

def _main_content(html) -> list[tuple[str, object]]:
    """Pieces of the main content according to trafilatura ([] if it found none)."""
    import trafilatura
    try:
        xml = trafilatura.extract(html, output_format="xml", include_tables=True,
                                  include_comments=False, include_images=False,
                                  include_links=False, include_formatting=False,
                                  favor_recall=True, deduplicate=False, with_metadata=False)
    except Exception:
        return []
    if not xml:
        return []
    root = lxml.etree.fromstring(xml.encode("utf-8"))
    main = root.find("main")
    if main is None:
        return []
    pieces: list[tuple[str, object]] = []
    for el in main:
        _collect(el, pieces)
    return pieces if any(_has_text(p) for p in pieces) else []


def _collect(el, pieces: list) -> None:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag == "table":
        rows = [[_xml_text(c) for c in row.findall("cell")] for row in el.iter("row")]
        pieces.append(("table", rows))
    elif tag == "list":
        for item in el.findall("item"):
            pieces.append(("p", "- " + _xml_text(item)))
    elif tag == "graphic":
        return
    else:
        pieces.append(("p", _xml_text(el, keep_breaks=True)))


def _xml_text(el, keep_breaks: bool = False) -> str:
    parts: list[str] = []

    def walk(node):
        if node.text:
            parts.append(node.text)
        for child in node:
            if child.tag == "lb":
                parts.append("\n" if keep_breaks else " ")
            else:
                walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(el)
    text = "".join(parts)
    return text if keep_breaks else one_line(text)


def _has_text(piece) -> bool:
    kind, content = piece
    if kind == "table":
        return any(any(c.strip() for c in row) for row in content)
    return bool(content.strip())


def _flat_pieces(html: str) -> list[tuple[str, object]]:
    """The page's text with its tags stripped, a paragraph per block: for markup nested
    too deeply for a tree."""
    text = _TAGS.sub(" ", _BREAK.sub("\n", html))
    lines = (one_line(unescape(line)) for line in text.split("\n"))
    return [("p", line) for line in lines if line]


def _fallback_content(tree) -> list[tuple[str, object]]:
    """Text blocks and tables of the page, in order, without its chrome."""
    body = tree.find("body")
    if body is None:
        body = tree
    for bad in list(body.iter(*_DROP)):
        parent = bad.getparent()
        if parent is not None:
            bad.drop_tree()
    pieces: list[tuple[str, object]] = []

    def walk(node):
        for child in node:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag == "table":
                rows = [[one_line(cell.text_content()) for cell in tr if cell.tag in ("td", "th")]
                        for tr in child.iter("tr")]
                pieces.append(("table", rows))
            elif tag in _BLOCKS or (tag and not _has_block_child(child)):
                text = child.text_content()
                if text.strip():
                    pieces.append(("p", one_line(text)))
            else:
                if child.text and child.text.strip():
                    pieces.append(("p", one_line(child.text)))
                walk(child)
            if child.tail and child.tail.strip():
                pieces.append(("p", one_line(child.tail)))

    if body.text and body.text.strip():
        pieces.append(("p", one_line(body.text)))
    walk(body)
    return [p for p in pieces if _has_text(p)]


def _has_block_child(node) -> bool:
    for d in node.iterdescendants():
        if isinstance(d.tag, str) and (d.tag in _BLOCKS or d.tag in _CONTAINERS or d.tag == "table"
                                       or d.tag == "br"):
            return True
    return False


# --- what the page says about itself --------------------------------------------------

def _page_hints(tree) -> dict:
    metas: dict[str, str] = {}
    for m in tree.iter("meta"):
        key = (m.get("property") or m.get("name") or m.get("itemprop") or "").strip().lower()
        val = (m.get("content") or "").strip()
        if key and val and key not in metas:
            metas[key] = val
    hints: dict = {}
    title = next((metas[k] for k in _TITLE_KEYS if metas.get(k)), None)
    if not title:
        t = tree.find(".//title")
        title = t.text_content() if t is not None else None
    if title and one_line(title):
        hints["title"] = one_line(title)
    published = None
    for k in _PUBLISHED_KEYS:
        if metas.get(k):
            published = _iso(metas[k])
            if published:
                break
    if not published:
        published = _json_ld_date(tree)
    if not published:
        for t in tree.iter("time"):
            published = _iso(t.get("datetime") or "")
            if published:
                break
    if published:
        hints["published"] = published
    author = next((metas[k] for k in _AUTHOR_KEYS
                   if metas.get(k) and not metas[k].startswith(("http:", "https:"))), None)
    if author:
        hints["author"] = one_line(author)
    if metas.get("og:site_name"):
        hints["site"] = one_line(metas["og:site_name"])
    url = _page_url(tree, metas)
    if url:
        hints["url"] = url
    return hints


def _page_url(tree, metas: dict) -> str | None:
    """The page's own address: its canonical link, else og:url (absolute http(s) only)."""
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split():
            href = (link.get("href") or "").strip()
            if href.lower().startswith(("http://", "https://")):
                return href
    url = (metas.get("og:url") or "").strip()
    return url if url.lower().startswith(("http://", "https://")) else None


def _json_ld_date(tree) -> str | None:
    for s in tree.iter("script"):
        if (s.get("type") or "").lower() != "application/ld+json" or not s.text:
            continue
        try:
            data = json.loads(s.text)
        except ValueError:
            continue
        stack = [data]
        while stack:
            d = stack.pop()
            if isinstance(d, list):
                stack.extend(d)
            elif isinstance(d, dict):
                if isinstance(d.get("datePublished"), str):
                    iso = _iso(d["datePublished"])
                    if iso:
                        return iso
                stack.extend(v for v in d.values() if isinstance(v, (dict, list)))
    return None


def _iso(value: str) -> str | None:
    """An ISO date or datetime (local time as written, no zone) from a meta value."""
    v = value.strip()
    if not v:
        return None
    try:
        dt = _dt.datetime.fromisoformat(v.replace("Z", "+00:00").replace(" ", "T", 1))
    except ValueError:
        m = regex.match(r"(\d{4})-(\d{2})-(\d{2})", v)
        return f"{m.group(1)}-{m.group(2)}-{m.group(3)}" if m else None
    if not regex.search(r"\d[T ]\d{1,2}:\d{2}", v):
        return dt.date().isoformat()
    return dt.strftime("%Y-%m-%dT%H:%M") + (f":{dt.second:02d}" if dt.second else "")
