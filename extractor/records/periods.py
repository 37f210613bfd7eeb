"""Periods of figures: which date mention a figure is "as of", and what a change compares to.

Date mentions come from `extractor.normalize.find_dates`. Here each one gets a
role in its sentence -- the as-of date of the figures, a comparison ("so với
năm 2020", "cùng kỳ"), the year a plan or target belongs to ("kế hoạch giao năm
2024"), or a reference to another document ("Nghị quyết số 34/NQ-HĐND ngày
6-12-2023") -- and `Period` turns a mention into the contract's
`{"start", "end"}`. Nothing here decides metrics or places.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, replace

import regex

ASOF, COMPARISON, PLAN_YEAR, REFERENCE, OTHER = "asof", "comparison", "plan_year", "reference", "other"
LOCAL = "asof_local"  # "so với năm 2019, khi …": the as-of of that clause only

# Searched backwards ((?r)): it can only end at the end, where a backward search starts,
# and whether it matches at all is the same either way (only that is asked).
_COMPARISON_BEFORE = regex.compile(
    r"(?r)(?<!\p{L})(?:so với|so|nhiều hơn|ít hơn|cao hơn|thấp hơn|hơn|kém|như|bằng)\s+"
    r"(?:(?:với|cùng kỳ|thời điểm|cuối|đầu|hết)\s+)*$", regex.IGNORECASE)
_DATELINE = regex.compile(r"^[\p{Lu}][\p{L} .-]{0,30},\s*$")
_WHEN_AFTER = regex.compile(r",?\s*(?:khi|lúc)(?!\p{L})")
_BRACKET_AFTER = regex.compile(r"\s*[(\-–]")       # tested first: short, and seldom there
_REFERENCE_BEFORE = regex.compile(
    r"(?:\d+\s*[/-]\s*[\p{Lu}Đ][\p{L}\d/.-]*|ban hành|ký|phê duyệt)\s*,?\s*(?:ngày\s*)?$")
_PLAN_BEFORE = regex.compile(
    r"(?<!\p{L})(?:kế hoạch|chỉ tiêu|nhiệm vụ|mục tiêu)(?:\s+[\p{L}-]+){0,8}?\s*(?:được giao|giao|của|đề ra|trong)?\s*$",
    regex.IGNORECASE)


@dataclass(frozen=True)
class Period:
    start: str | None
    end: str | None

    def as_dict(self) -> dict:
        return {"start": self.start, "end": self.end}

    @property
    def precision(self) -> int:
        """Length of the end: 10 day, 7 month, 4 year, 0 unknown."""
        return len(self.end) if self.end else 0


NO_PERIOD = Period(None, None)


def role(text: str, mention, sentence_start: int) -> str:
    """The role of a date mention within its sentence (see the module docstring)."""
    head = text[max(sentence_start, mention.start - 60):mention.start]
    after = text[mention.end:mention.end + 12]
    if mention.text.lower().startswith("năm nay") and head.lower().endswith("nhiều "):
        return OTHER  # "từ nhiều năm nay": for many years, not this year
    if _WHEN_AFTER.match(after):
        return LOCAL  # "so với năm 2019, khi cả nước có 84,746 triệu người"
    if getattr(mention, "relation", None) == "since":
        return OTHER  # "từ đầu năm": where a period starts, not an as-of
    if _BRACKET_AFTER.match(after) and _DATELINE.match(text[sentence_start:mention.start]):
        return REFERENCE  # "Nghệ An, 14/10/2023 (TTXVN) - ...": the dateline
    if getattr(mention, "relation", None) == "compare":
        return COMPARISON
    if mention.text.lower().startswith(("cùng kỳ", "so với", "so ")):
        return COMPARISON
    if head[-1:].isspace() and _COMPARISON_BEFORE.search(head[-25:]):  # it ends in \s+
        return COMPARISON
    if _REFERENCE_BEFORE.search(head[-40:]):
        return REFERENCE
    if getattr(mention, "kind", "") in ("year", "relative") and _PLAN_BEFORE.search(head[-45:]):
        return PLAN_YEAR  # "kế hoạch được giao năm 2024", "đặt mục tiêu đến năm 2021"
    return ASOF


def period_of(mention) -> Period:
    """Contract period of a date mention: an as-of day has no start."""
    start = getattr(mention, "start_iso", None)
    end = getattr(mention, "end_iso", None)
    if end is None and getattr(mention, "value", None):
        v = mention.value
        if ".." in v:
            start, end = v.split("..", 1)
        else:
            end = v[:10]
    if end and "T" in end:
        end = end.split("T", 1)[0]
    kind = getattr(mention, "kind", "")
    if getattr(mention, "asof", False) or kind in ("day", "datetime", "relative"):
        start = None if kind != "period" else start
    return Period(start, end)


def year_period(year: int) -> Period:
    return Period(f"{year:04d}-01-01", f"{year:04d}-12-31")


def shift_year(period: Period, years: int) -> Period:
    """The same period `years` earlier or later ("cùng kỳ năm trước")."""
    def move(iso):
        if not iso:
            return iso
        try:
            y = int(iso[:4]) + years
        except ValueError:
            return iso
        rest = iso[4:]
        if rest[:6] == "-02-29":
            rest = "-02-28" + rest[6:]
        return f"{y:04d}{rest}"
    return Period(move(period.start), move(period.end))


def same_period_in_year(period: Period, year: int) -> Period:
    """`period` moved to `year` ("so với cùng kỳ năm 2023")."""
    if not period.end:
        return year_period(year)
    return shift_year(period, year - int(period.end[:4]))


def reference_period(reference: _dt.date | None) -> Period:
    return Period(None, reference.isoformat()) if reference else NO_PERIOD


def read_in_text_years(sentences) -> None:
    """With no publication date, a date that needs one to be read ("10 tháng đầu năm",
    "hết tháng 6", "Quý III") is read in the year the text last gave as the time of its
    own figures ("Năm 2023, …. Lũy kế 10 tháng đầu năm, …"): replaced in place in each
    sentence's (mention, role) list. A date of "now" ("hiện nay", "đến nay") stays
    unread: the year of the text is not its day."""
    from ..normalize import read_date
    year = None
    for sent in sentences:
        for i, (d, r) in enumerate(sent.dates):
            if d.value is None and d.needs_reference:
                if year is None:
                    continue
                read = read_date(d.text, _dt.date(year, 12, 31))
                if read is not None and read.value is not None and read.kind != "relative":
                    sent.dates[i] = (replace(read, start=d.start, end=d.end, text=d.text), r)
            elif r == ASOF and d.end_iso and not d.needs_reference and d.end_iso[:4].isdigit():
                year = int(d.end_iso[:4])
