"""Expand the contract's partial ISO dates to whole days, for filters and comparisons.

"2024" -> 2024-01-01 .. 2024-12-31, "2024-06" -> 2024-06-01 .. 2024-06-30,
"2022-11-24T22:04" -> 2022-11-24, "2023-01-01..2025-12-31" -> its two ends.
Anything else -> None. Nothing here parses Vietnamese; that is extractor.normalize.
"""
from __future__ import annotations

import calendar
import re

_ISO = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ][\d:]+)?\s*$")


def _parts(text):
    if text is None:
        return None
    s = str(text)
    if ".." in s:
        return None
    m = _ISO.match(s)
    if not m:
        return None
    y = int(m.group(1))
    mo = int(m.group(2)) if m.group(2) else None
    d = int(m.group(3)) if m.group(3) else None
    if mo is not None and not 1 <= mo <= 12:
        return None
    if d is not None and not 1 <= d <= calendar.monthrange(y, mo)[1]:
        return None
    return y, mo, d


def first_day(text) -> str | None:
    """The first day an ISO date, month, year or "A..B" period covers, as YYYY-MM-DD."""
    if text is not None and ".." in str(text):
        return first_day(str(text).split("..", 1)[0])
    p = _parts(text)
    if not p:
        return None
    y, mo, d = p
    return f"{y:04d}-{mo or 1:02d}-{d or 1:02d}"


def last_day(text) -> str | None:
    """The last day an ISO date, month, year or "A..B" period covers, as YYYY-MM-DD."""
    if text is not None and ".." in str(text):
        return last_day(str(text).split("..", 1)[1])
    p = _parts(text)
    if not p:
        return None
    y, mo, d = p
    mo = mo or 12
    d = d or calendar.monthrange(y, mo)[1]
    return f"{y:04d}-{mo:02d}-{d:02d}"


def year_of(text) -> int | None:
    day = last_day(text)
    return int(day[:4]) if day else None
