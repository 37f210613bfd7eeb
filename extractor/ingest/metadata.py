"""Document metadata (contract section 6): `extract_metadata(doc, text, published_hint)`.

`text` is the clean text of the document (lines = paragraphs). Returns
{"source", "sha256", "doc_type", "title", "published", "author", "letter",
"n_chars", "warnings", "url"}:

- published: the caller's hint, else the page's own date (HTML meta, in
  `doc.hints`), else the header date line (`header_dates.py`), else a letter's
  date, else a date in the document's web address (`url_dates.py`), else the date
  a list of sources gives (`sources_list.py`); ISO date or datetime
  ("2022-11-24T22:04"), a month ("2024-12"), a year, or None;
- url: the document's web address, from the page itself (HTML) or a list of
  sources beside the file, else None;
- title: the page title (`doc.hints`), matched to its line of text when it is
  there; else for letters the subject without "V/v", for plans and reports the
  heading and the line after it; else the first heading-like line before the
  body starts (not a date line, a category such as "Xã hội", page chrome such as
  "80,605,651 lượt truy cập", or a long paragraph);
- author: "Tác giả: …" (and similar labels; "Đang cập nhật" means unknown), the
  page's meta author, or a byline on one of the last lines ("Hà Bắc", "PV",
  "Lê Văn Quyết, BHXH huyện Bá Thước");
- doc_type: plan / report (heading "KẾ HOẠCH" / "BÁO CÁO" or the number's type
  code), official_letter (weighted cues: V/v, Kính gửi, Nơi nhận, a number),
  news (a dated header, a byline, an agency tag or a headline), else other;
- letter: for letters, plans and reports, `letter_header.read_letter`; else None.

All cue words and patterns are in rules/metadata.yaml. Nothing here reads figures.
"""
from __future__ import annotations

import datetime as _dt
import functools

import regex

from ..model import Document
from ..rules import load_yaml
from .header_dates import date_line, find_published
from .letter_header import _is_caps, read_letter
from .url_dates import date_in_url

_SEP = regex.compile(r"\s+\|\s+")
_SUBJECT_LABEL = regex.compile(r"^(?:V/v|V/V|Về việc|VỀ VIỆC)\s*[:.]?\s*")
_NOT_A_TITLE = regex.compile(r"^(?:Số\b|SỐ\b|V/v|Kính gửi|CỘNG HÒA|CỘNG HOÀ|Độc lập|ĐỘC LẬP)")
_WORD = regex.compile(r"\p{L}+")


@functools.lru_cache(maxsize=1)
def _rules():
    cfg = load_yaml("metadata.yaml")
    words = lambda ws: regex.compile(  # noqa: E731
        r"^\s*(?:" + "|".join(regex.escape(w) for w in sorted(ws, key=len, reverse=True))
        + r")\s*[:.\-–]?\s*", regex.I)
    return {
        "cfg": cfg,
        "chrome": [regex.compile(p, regex.I) for p in cfg["chrome"]],
        "categories": {c.casefold() for c in cfg["categories"]},
        "labels": words(cfg["label_lines"]),
        "agency": regex.compile(cfg["agency_tag"]),
        "author_label": regex.compile(
            r"^\s*(?:" + "|".join(regex.escape(w) for w in cfg["author_labels"]) + r")\s*[:\-–]\s*(?P<v>.*)$",
            regex.I),
        "unknown": {u.casefold() for u in cfg["unknown_authors"]},
        "footer_chrome": [regex.compile(p, regex.I) for p in cfg["footer_chrome"]],
        "byline": regex.compile(cfg["byline"]),
        "not_names": {w.casefold() for w in cfg["not_names"]},
        "letter_cues": [(regex.compile(c["pattern"]), int(c["weight"])) for c in cfg["letter_cues"]],
        "types": {t: (list(v["headings"]), {c.upper() for c in v["codes"]})
                  for t, v in cfg["doc_types"].items()},
    }


def split_lines(text: str) -> list[str]:
    """Non-empty stripped lines; a table row "a | b" gives one line per cell."""
    out: list[str] = []
    for line in text.split("\n"):
        split = " | " in line and not date_line(line)  # "09/11/2018 | 11:08" is one date
        for seg in _SEP.split(line.strip()) if split else [line.strip()]:
            seg = seg.strip()
            if seg:
                out.append(seg)
    return out


def extract_metadata(doc: Document, text: str, published_hint=None) -> dict:
    r = _rules()
    cfg = r["cfg"]
    lines = split_lines(text or "")
    head = lines[: int(cfg["header_lines"])]
    hints = doc.hints or {}

    letter = read_letter(lines)
    doc_type = _doc_type(head, letter)
    header_date = find_published(lines)

    published = _as_iso(published_hint) or hints.get("published") or (
        header_date.iso if header_date and header_date.rank < 4 else None) or (
        letter["date"] if doc_type in ("official_letter", "plan", "report") else None) or (
        header_date.iso if header_date else None) or (
        date_in_url(hints.get("url"))) or _listed_date(hints.get("listed_published"))

    title = _title(head, hints.get("title"), doc_type, letter)
    author = _author(head, lines, hints.get("author"))
    if doc_type == "other" and (header_date or author or title
                                or any(r["agency"].match(line) for line in head[:4])):
        doc_type = "news"
    return {
        "source": doc.source,
        "sha256": doc.sha256,
        "doc_type": doc_type,
        "title": title,
        "published": published,
        "author": author,
        "letter": letter if doc_type in ("official_letter", "plan", "report") else None,
        "n_chars": len(doc.text),
        "warnings": list(doc.warnings),
        "url": hints.get("url"),
    }


_YEAR = regex.compile(r"(?:19|20)\d\d")


def _listed_date(value) -> str | None:
    """A list of sources' date as ISO: what a header date line would give ("2011-08-15",
    "15/08/2011 10:30", "2011-08"), or a bare year ("2011"); else None."""
    if not value:
        return None
    found = date_line(str(value))
    if found:
        return found.iso
    value = str(value).strip()
    return value if _YEAR.fullmatch(value) else None


def _as_iso(value) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, _dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M")
    if isinstance(value, _dt.date):
        return value.isoformat()
    return str(value)


# --- doc type -----------------------------------------------------------------------

def _doc_type(head: list[str], letter: dict) -> str:
    r = _rules()
    code = _type_code(letter.get("number"))
    for name, (headings, codes) in r["types"].items():
        if code in codes or any(_is_heading(line, h) for line in head for h in headings):
            return name
    score = 0
    for pat, weight in r["letter_cues"]:
        if any(pat.search(line) for line in head) or (
                pat.pattern.startswith("^Nơi nhận") and letter.get("recipients")):
            score += weight
    if score >= int(r["cfg"]["letter_min_score"]):
        return "official_letter"
    return "other"


def _is_heading(line: str, heading: str) -> bool:
    s = line.strip().strip("*_#").strip()
    if not s.startswith(heading):  # what the pattern needs first
        return False
    return s == heading or bool(_heading_pattern(heading).match(s))


@functools.lru_cache(maxsize=64)
def _heading_pattern(heading: str) -> regex.Pattern:
    return regex.compile(regex.escape(heading) + r"\s*(?:số\b|SỐ\b|:|$)")


def _type_code(number: str | None) -> str | None:
    if not number:
        return None
    segs = [s for s in number.split("/") if s]
    if len(segs) < 2:
        return None
    if "-" in segs[0]:
        return segs[0].split("-", 1)[1].upper()
    return segs[-1].split("-")[0].upper()


# --- title --------------------------------------------------------------------------

def _title(head: list[str], hint: str | None, doc_type: str, letter: dict) -> str | None:
    if hint:
        key = _fold(hint)
        for line in head:
            k = _fold(line)
            if k and (k == key or (len(k) >= 15 and (key.startswith(k) or k.startswith(key)))):
                return line
        return hint
    if doc_type == "official_letter" and letter.get("subject"):
        subject = _SUBJECT_LABEL.sub("", letter["subject"]).strip()
        return subject[:1].upper() + subject[1:] if subject else None
    if doc_type in ("plan", "report"):
        headings = _rules()["types"][doc_type][0]
        for i, line in enumerate(head):
            if any(_is_heading(line, h) for h in headings):
                nxt = head[i + 1] if i + 1 < len(head) else ""
                return f"{line} {nxt}".strip() if nxt and _is_caps(nxt) else line
    return _headline(head)


def _headline(head: list[str]) -> str | None:
    r = _rules()
    cfg = r["cfg"]
    for line in head[:15]:
        s = line.strip()
        if _skip_line(s) or date_line(s):
            continue
        if r["author_label"].match(s):
            continue
        if r["agency"].match(s):  # "(TTXVN) Theo …": the lead has started
            return None
        words = s.split()
        long_para = len(s) > int(cfg["title_max_chars"]) or (
            len(s) > 120 and s.endswith((".", "…", ":", "?", "!", ";")) and not _is_caps(s))
        if long_para:
            return None
        if len(words) < int(cfg["title_min_words"]):
            continue
        if _NOT_A_TITLE.match(s):
            continue
        return s
    return None


def _skip_line(s: str) -> bool:
    r = _rules()
    if not s or s.casefold().strip(" :.-") in r["categories"]:
        return True
    if any(p.search(s) for p in r["chrome"]) or r["labels"].match(s):
        return True
    return False


def _fold(s: str) -> str:
    from ..normalize.text import fold_key
    return fold_key(s)


# --- author -------------------------------------------------------------------------

def _author(head: list[str], lines: list[str], hint: str | None) -> str | None:
    r = _rules()
    for line in head:
        m = r["author_label"].match(line)
        if m:
            v = m["v"].strip().strip("*_").strip()
            if v and v.casefold().rstrip(".") not in r["unknown"]:
                return v
            break
    if hint and hint.casefold() not in r["unknown"]:
        return hint
    return _byline(lines)


def _byline(lines: list[str]) -> str | None:
    r = _rules()
    tail = lines[-int(r["cfg"]["footer_lines"]):]
    for line in reversed(tail):
        s = line.strip().strip("*_").strip()
        if not s or any(p.search(s) for p in r["footer_chrome"]) or _skip_line(s):
            continue
        m = r["byline"].match(s)
        if not m:
            return None
        names = _WORD.findall(m["name"])
        if any(w.casefold() in r["not_names"] for w in names):
            return None
        return s.rstrip(".").strip()
    return None
