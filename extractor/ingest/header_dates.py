"""The publication date and time printed in a document's header.

`find_published(lines)` looks at the first lines of the clean text for date lines:
"22:04 24/11/2022", "09/11/2018 | 11:08 GMT+7", "12/08/2019 07:45:48",
"Kinh tế 13/06/2018 15:21", "Ngày ban hành: 19/12/2013", a line "2024-12" (the
month), "Thứ ba, ngày 15/12/2016". A date line holds a date and little else (a
time, a zone, a weekday, a label, a short category). Candidates are ranked: a
date with a time or a publication label first, then a plain date or month, then a
weekday date without a time (page chrome, "today" printed above the menu), then
dates from the last lines; the first of the best rank wins.

Returns ISO: "2022-11-24T22:04", "2019-08-12T07:45:48", "2013-12-19", "2024-12".
Patterns and words are in rules/metadata.yaml. Nothing here reads dates in
running text (see extractor.normalize).
"""
from __future__ import annotations

import datetime as _dt
import functools
from dataclasses import dataclass

import regex

from ..rules import load_yaml

_DIGIT = regex.compile(r"\d")
_WORD = regex.compile(r"\p{L}+")


@dataclass(frozen=True)
class DateLine:
    iso: str
    rank: int          # 1 best: time or label; 2 plain date/month; 3 weekday chrome; 4 footer
    line_no: int
    text: str


@functools.lru_cache(maxsize=1)
def _rules():
    cfg = load_yaml("metadata.yaml")
    words = lambda ws: regex.compile(  # noqa: E731
        r"(?<!\p{L})(?:" + "|".join(regex.escape(w) for w in sorted(ws, key=len, reverse=True))
        + r")(?!\p{L})", regex.I)
    return {
        "dates": [regex.compile(p, regex.I) for p in cfg["date_patterns"]],
        "months": [regex.compile(p, regex.I) for p in cfg["month_patterns"]],
        "time": regex.compile(cfg["time_pattern"], regex.I),
        "filler": [regex.compile(p, regex.I) for p in cfg["date_line_filler"]],
        "weekdays": words(cfg["weekdays"]),
        "labels": words(cfg["published_labels"]),
        "max_other": int(cfg["max_other_words"]),
        "header_lines": int(cfg["header_lines"]),
        "footer_lines": int(cfg["footer_lines"]),
    }


def find_published(lines: list[str]) -> DateLine | None:
    """The best publication date among the header (and footer) lines, or None."""
    r = _rules()
    found: list[DateLine] = []
    head = lines[: r["header_lines"]]
    for i, line in enumerate(head):
        d = date_line(line, i)
        if d:
            found.append(d)
    if not found:
        start = max(len(head), len(lines) - r["footer_lines"])
        for i in range(start, len(lines)):
            d = date_line(lines[i], i)
            if d:
                found.append(DateLine(d.iso, 4, i, d.text))
    if not found:
        return None
    return min(found, key=lambda d: (d.rank, d.line_no))


def date_line(line: str, line_no: int = 0) -> DateLine | None:
    """A DateLine if `line` is a header date line, else None."""
    r = _rules()
    s = line.strip()
    if not s or len(s) > 80:
        return None
    if not _DIGIT.search(s):  # every date and month pattern reads digits
        return None
    for pat in r["months"]:
        m = pat.fullmatch(s)
        if m:
            iso = iso_date(int(m["y"]), int(m["m"]), None)
            return DateLine(iso, 2, line_no, s) if iso else None
    date_m = None
    for pat in r["dates"]:
        date_m = pat.search(s)
        if date_m:
            break
    if not date_m:
        return None
    rest = s[: date_m.start()] + " " + s[date_m.end():]
    time_m = r["time"].search(rest)
    if time_m:
        rest = rest[: time_m.start()] + " " + rest[time_m.end():]
    has_weekday = bool(r["weekdays"].search(rest))
    has_label = bool(r["labels"].search(rest))
    rest = r["labels"].sub(" ", r["weekdays"].sub(" ", rest))
    for f in r["filler"]:
        rest = f.sub(" ", rest)
    if _DIGIT.search(rest) or len(_WORD.findall(rest)) > r["max_other"]:
        return None
    iso = iso_date(int(date_m["y"]), int(date_m["m"]), int(date_m["d"]))
    if not iso:
        return None
    if time_m:
        t = _time(time_m)
        if t:
            iso += "T" + t
    rank = 1 if (time_m or has_label) else (3 if has_weekday else 2)
    return DateLine(iso, rank, line_no, s)


def iso_date(y: int, m: int, d: int | None) -> str | None:
    """"2024-06-15", or the month "2024-06" when `d` is None; None if no such day or month."""
    try:
        if d is None:
            _dt.date(y, m, 1)
            return f"{y:04d}-{m:02d}"
        return _dt.date(y, m, d).isoformat()
    except ValueError:
        return None


def _time(m) -> str | None:
    h, mi = int(m["H"]), int(m["M"])
    ampm = (m["ampm"] or "").upper()
    if ampm in ("PM", "CH") and h < 12:
        h += 12
    elif ampm in ("AM", "SA") and h == 12:
        h = 0
    if h > 23:
        return None
    out = f"{h:02d}:{mi:02d}"
    if m["S"]:
        out += f":{int(m['S']):02d}"
    return out
