"""The header of an official letter, plan or report.

`read_letter(lines)` returns {"number", "issuer", "place", "date", "subject",
"recipients"} from the clean text's lines (table rows split at " | "):

- number: "Số: 122/KH-UBND" -> "122/KH-UBND", "Số 882-CV/TU" -> "882-CV/TU";
- issuer: the organization block at the top ("ỦY BAN NHÂN DÂN" + "TỈNH PHÚ YÊN"
  -> "ỦY BAN NHÂN DÂN TỈNH PHÚ YÊN"), else the issuer code of the number
  ("882-CV/TU" -> "Tỉnh ủy Bắc Giang", with the place of the date line);
- place, date: "Bắc Giang, ngày 03 tháng 10 năm 2017" -> "Bắc Giang", "2017-10-03";
- subject: the "V/v …" line, as written;
- recipients: the "Kính gửi" list, then the "Nơi nhận" list (without "Như kính
  gửi", "Lưu VT" and notes such as "(b/c)").

Patterns and codes are in rules/metadata.yaml (`letter:`). Whether a document is
a letter at all is decided in metadata.py.
"""
from __future__ import annotations

import functools
import re

import regex

from ..rules import load_yaml


@functools.lru_cache(maxsize=1)
def _rules():
    cfg = load_yaml("metadata.yaml")["letter"]
    return {
        "number": regex.compile(cfg["number"]),
        "place_date": regex.compile(cfg["place_date"]),
        "subject": regex.compile(cfg["subject"]),
        "to": regex.compile(cfg["recipients_to"]),
        "cc": regex.compile(cfg["recipients_cc"]),
        "item": regex.compile(cfg["item"]),
        "not_recipients": [regex.compile(p) for p in cfg["not_recipients"]],
        "note": regex.compile(cfg["recipient_note"]),
        "mottos": [_squash(m) for m in cfg["mottos"]],
        # the first two words of a motto, found fast (`re`): lines without them are not split
        "motto_hint": re.compile("|".join(r"\s+".join(re.escape(w) for w in _squash(m).split()[:2])
                                          for m in cfg["mottos"]), re.IGNORECASE),
        # where the right column starts in a line whose columns ran together: a motto, or
        # a date line's place of up to four capitalised words
        "second_column": regex.compile(
            r"(?<=\s)(?:(?i:" + "|".join(r"[\s\-–—]+".join(regex.escape(w) for w in _squash(m).split())
                                        for m in cfg["mottos"])
            + r")|(?:TP\.?\s*)?\p{Lu}\p{Ll}*(?:(?:\s*[-–]\s*|\s+)\p{Lu}\p{Ll}*){0,4}\s*,\s*ngày\s)"),
        "headings": [_squash(h) for h in cfg["headings"]],
        "type_codes": {c.upper() for c in cfg["type_codes"]},
        "issuer_codes": {k.upper(): v for k, v in cfg["issuer_codes"].items()},
    }


_DASHES = regex.compile(r"[\s\-–—]+")
_SPACES = regex.compile(r"\s+")
_RULE_LINE = regex.compile(r"[-=_*.~]{2,}")
_DIGIT = regex.compile(r"\d")
_TRAILING_RULE = regex.compile(r"[\s\-_=*]+$")
_ISO = regex.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
_LETTER_DATE = regex.compile(r"ngày\s+(\d{1,2}|[.…]+)\s+tháng\s+(\d{1,2}|[.…]+)\s*,?\s*năm\s+(\d{4})")
_ASCII_LOWER = b"abcdefghijklmnopqrstuvwxyz"


def _squash(s: str) -> str:
    return _DASHES.sub(" ", s).strip().upper()


def read_letter(lines: list[str], header_lines: int = 40) -> dict:
    r = _rules()
    head = [part for line in lines[:header_lines] for part in _unmerged(line)]
    number = None
    place = date = subject = None
    for line in head:
        if number is None:
            m = r["number"].match(line)
            if m:
                number = _SPACES.sub("", m["number"]).rstrip(".,;")
        if place is None:
            m = r["place_date"].match(line)
            if m:
                place, date = m["place"].strip(), letter_date(m["date"])
        if subject is None:
            m = r["subject"].match(line)
            if m:
                subject = line.strip()
    issuer = _issuer_block(head) or _issuer_from_number(number, place)
    return {"number": number, "issuer": issuer, "place": place, "date": date,
            "subject": subject, "recipients": _recipients(lines)}



# a capitalised word or "TP." right before ("Bà Rịa - Vũng Tàu, ngày"): the place of a date
# line begins further left
_PLACE_GOES_ON = regex.compile(r"(?:\p{Lu}\p{Ll}+|TP\.?)(?:\s*[-–]\s*|\s+)$")


_MERGED_MAX = 160   # characters: two header columns side by side are shorter than this


def _unmerged(line: str) -> list[str]:
    """A header line whose two columns ran together in a copy ("ỦY BAN NHÂN DÂN CỘNG HÒA
    XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Số: 1862/UBND-VX Hà Tĩnh, ngày 5 tháng 4 năm 2019") as
    its two parts: split before a motto or a date line that does not begin it."""
    r = _rules()
    if len(line) > _MERGED_MAX or ("ngày" not in line and r["motto_hint"].search(line) is None):
        return [line]   # a paragraph, or no column to split (most lines: the pattern is slow)
    find = r["second_column"].search
    parts, start, m = [], 0, find(line, 1)
    while m is not None:
        if line[start:m.start()].strip() and not _PLACE_GOES_ON.search(line, start, m.start()):
            parts.append(line[start:m.start()].rstrip())
            start = m.start()
        m = find(line, m.end())
    return parts + [line[start:]]


def letter_date(text: str) -> str | None:
    """ISO date of "ngày 03 tháng 10 năm 2017" (or "2017-10" when the day is left blank)."""
    try:
        from ..normalize import normalize_date
    except ImportError:
        normalize_date = None
    if normalize_date is not None:
        try:
            iso = normalize_date(text)
        except Exception:
            iso = None
        if isinstance(iso, str) and _ISO.fullmatch(iso):
            return iso
    m = _LETTER_DATE.search(text)
    if not m:
        return None
    y = int(m[3])
    if not m[2].isdigit():
        return f"{y:04d}"
    mo = int(m[2])
    if not 1 <= mo <= 12:
        return None
    if not m[1].isdigit():
        return f"{y:04d}-{mo:02d}"
    import datetime as _dt
    try:
        return _dt.date(y, mo, int(m[1])).isoformat()
    except ValueError:
        return f"{y:04d}-{mo:02d}"


def _is_caps(line: str) -> bool:
    """At least two letters, four in five of them capitals."""
    # Quick refusal: if more than a fifth of the characters are ASCII lower-case
    # letters, fewer than four in five letters can be capitals.
    ascii_chars = line.encode("ascii", "ignore")
    lower = len(ascii_chars) - len(ascii_chars.translate(None, _ASCII_LOWER))
    if 5 * lower > len(line) + 1:
        return False
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 2 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def _issuer_block(head: list[str]) -> str | None:
    """The upper-case organization lines at the top, joined."""
    r = _rules()
    block: list[str] = []
    for line in head:
        s = line.strip().strip("*_").strip()
        caps = _is_caps(s)
        if not block and not caps:
            continue  # before the block only capitals lines matter
        key = _squash(s)
        stop = (not s or _RULE_LINE.fullmatch(s) or r["number"].match(s)
                or r["place_date"].match(s) or r["subject"].match(s))
        if any(key.startswith(m) for m in r["mottos"]):
            continue  # the motto column beside the issuer (two-column headers)
        if any(key == h or key.startswith(h + " SỐ") for h in r["headings"]):
            stop = True
        if block and (stop or not caps):
            break
        if stop:
            continue
        if caps and not _DIGIT.search(s):
            block.append(_TRAILING_RULE.sub("", s))
    if not block:
        return None
    return _SPACES.sub(" ", " ".join(block)).strip() or None


def _issuer_from_number(number: str | None, place: str | None) -> str | None:
    if not number:
        return None
    r = _rules()
    segs = [s for s in number.split("/") if s]
    if len(segs) < 2:
        return None
    if "-" in segs[0]:                      # party style: 882-CV/TU
        code = segs[-1].split("-")[0]
    else:                                   # state style: 122/KH-UBND, 4111/UBND-YT
        parts = segs[-1].split("-")
        code = parts[1] if parts[0].upper() in r["type_codes"] and len(parts) > 1 else parts[0]
    template = r["issuer_codes"].get(code.upper())
    if not template:
        return None
    return _SPACES.sub(" ", template.replace("{place}", place or "")).strip()


def _recipients(lines: list[str]) -> list[str]:
    r = _rules()
    out: list[str] = []
    for label in ("to", "cc"):
        for i, line in enumerate(lines):
            m = r[label].match(line)
            if not m:
                continue
            rest = m["rest"].strip().strip("*_").strip()
            items = [rest] if rest else []
            for nxt in lines[i + 1:]:
                im = r["item"].match(nxt.strip())
                if not im:
                    break
                items.append(im["item"])
            for it in items:
                it = _clean_item(it)
                if it and not any(p.search(it) for p in r["not_recipients"]) \
                        and it.casefold() not in {o.casefold() for o in out}:
                    out.append(it)
            break
    return out


def _clean_item(item: str) -> str:
    r = _rules()
    s = item.strip().strip("*_").strip().rstrip(" ;,.:")
    s = r["note"].sub("", s)
    return s.rstrip(" ;,.:").strip()
