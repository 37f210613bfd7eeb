"""Finders for the numbers and dates mentioned in running text.

    find_numbers(text) -> list[NumberMention]
    find_dates(text, reference=None) -> list[DateMention]

Both scan already-cleaned text (NFC, single spaces, one line per paragraph)
with compiled `regex` patterns built from rules/ at first use: no dateparser,
no NLP model. Offsets point into the text given.

`find_numbers` reports every figure that is not part of a date or time
("30/09/2022", "ngày 24/10", "năm 2021", "22:04"), a document number
("882-CV/TU", "Quyết định số 538/QĐ-TTg"), a telephone number, a URL, a list
marker ("1-", "2.") or a year standing alone. Figures that are not quantities
of people or percents are still reported, but marked by `kind` (ratio
"22/22", ordinal "thứ 2", money, duration...) so the records stage can skip
them. What a figure measures is decided later, not here.
"""
from __future__ import annotations

import datetime as dt

from . import masks
from .dates import as_date, scan_dates, time_spans
from .date_grammar import grammar as date_grammar
from .numbers import scan_numbers
from .spans import DateMention, NumberMention

__all__ = ["find_numbers", "find_dates", "NumberMention", "DateMention"]


def find_numbers(text: str) -> list[NumberMention]:
    """Every number mention in `text`, left to right (see the module doc)."""
    if not isinstance(text, str) or not text:
        return []
    blocked = time_spans(text) + masks.mask_spans(text)
    return [m for m in scan_numbers(text, blocked) if not _lone_year(m)]


def find_dates(text: str, reference: dt.date | None = None) -> list[DateMention]:
    """Every date, period and relative time mention in `text`, left to right.

    With a `reference` (the publication date: a date, datetime or ISO string)
    relative mentions are resolved; without one they are still reported, with
    value and bounds None.
    """
    if not isinstance(text, str) or not text:
        return []
    return scan_dates(text, as_date(reference))


def _lone_year(m: NumberMention) -> bool:
    """A year written alone ("2012-2015 và 2020"): not a quantity."""
    if m.kind != "number" or m.unit is not None or m.qualifier is not None:
        return False
    if not isinstance(m.value, int) or m.value_end - m.value_start != 4:
        return False
    lo, hi = date_grammar().year_range
    return lo <= m.value <= hi and m.text.isdigit()
