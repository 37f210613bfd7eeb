"""Digit groups with "." and "," separators: which one is the thousands mark?

`read_figure(raw, role)` turns "1.741.540", "1,588,505", "100,1", "99.9",
"727,215", "1.617,981" into a `Decimal` and says whether the reading stays
ambiguous; `read_figure_readings` also gives the other reading. Vietnamese texts write thousands with "." and decimals with ",", but
real documents also use the English convention and mix both, so the role of
the figure (what the words around it say) settles the doubtful cases:

- one kind of separator, several times ("1.741.540", "1,588,505"): thousands;
- one separator with other than exactly three digits after it ("100,1", "99.9",
  "0,125"): a decimal;
- one separator with exactly three digits after it ("727,215", "45.400"):
  thousands for a count, money or a figure with no role ("." is then the usual
  mark; "," stays flagged as ambiguous); before a scale word a decimal when
  written with "," ("84,746 triệu"), thousands but flagged when written with
  "." ("45.400 ngàn" could be 45.4 thousand); a decimal for a percent;
- both kinds ("1.617,981", "1,234.56"): the last one is the decimal mark, except
  for a count, where a three-digit tail was a mistyped thousands mark.

Nothing here reads words, signs, multipliers or percent signs; see `numbers.py`.
"""
from __future__ import annotations

import functools
from decimal import Decimal

import regex

ROLES = ("count", "percent", "money", "multiplier", None)

_SPACED = regex.compile(r"[0-9]{1,3}(?: [0-9]{3})+")


def read_figure(raw: str, role: str | None = None) -> tuple[Decimal, bool] | None:
    """(value, ambiguous) for a figure written with digits, or None if malformed."""
    got = read_figure_readings(raw, role)
    return None if got is None else (got[0], got[1])


@functools.lru_cache(maxsize=8192)  # the same figures come back again and again
def read_figure_readings(raw: str, role: str | None = None) -> tuple[Decimal, bool, Decimal | None] | None:
    """(value, ambiguous, the other reading when the separators allow two)."""
    raw = raw.strip()
    if raw.isdigit() and raw.isascii():
        return Decimal(raw), False, None
    if " " in raw and _SPACED.fullmatch(raw):
        return Decimal(raw.replace(" ", "")), False, None
    groups = raw.replace(",", ".").split(".")
    if not all(g.isdigit() and g.isascii() for g in groups):
        return None
    seps = [c for c in raw if c == "." or c == ","]
    if len(set(seps)) == 1:
        if len(seps) > 1:
            if 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:]):
                return Decimal("".join(groups)), False, None
            return None
        return _one_separator(groups[0], seps[0], groups[1], role)
    return _mixed(groups, seps, role)


def _one_separator(whole: str, sep: str, tail: str, role: str | None):
    decimal = Decimal(f"{whole}.{tail}")
    could_be_thousands = len(tail) == 3 and 1 <= len(whole) <= 3 and not whole.startswith("0")
    if not could_be_thousands:
        fractional = decimal != decimal.to_integral_value()
        return decimal, bool(role == "count" and fractional), None
    thousands = Decimal(whole + tail)
    if role == "multiplier":
        # "84,746 triệu" is 84.746 million; "45.400 ngàn" is read 45,400 thousand, as
        # Vietnamese writes it, but a "." might also be a decimal mark there: flagged.
        if sep == ",":
            return decimal, False, None
        return (thousands, False, None) if tail == "000" else (thousands, True, decimal)
    if role == "percent":
        return (thousands, False, None) if tail == "000" else (decimal, False, None)
    if role in ("count", "money"):
        return thousands, False, None
    return (thousands, True, decimal) if sep == "," else (thousands, False, None)


def _mixed(groups: list[str], seps: list[str], role: str | None):
    mark = seps[-1]
    if mark in seps[:-1]:
        return None  # "1.234.5,6.7": the decimal mark must come once, last
    head, tail = groups[:-1], groups[-1]
    if not (1 <= len(head[0]) <= 3 and all(len(g) == 3 for g in head[1:])):
        return None
    whole = "".join(head)
    decimal = Decimal(f"{whole}.{tail}")
    if len(tail) != 3:
        fractional = decimal != decimal.to_integral_value()
        return decimal, bool(role == "count" and fractional), None
    if role in ("count", "money"):
        return Decimal(whole + tail), False, None
    if role in ("multiplier", "percent"):
        return decimal, False, None
    return decimal, True, Decimal(whole + tail)
