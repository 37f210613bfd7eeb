"""COUNT, PERCENT, MONEY and DATE entities from the normalize stage's mentions.

The figures themselves are found by `extractor.normalize.find_numbers` and
`find_dates` (NumberMention / DateMention); this module only turns them into
`Entity` objects of the contract's types, so that one list holds every entity:

    NumberMention kind 'percent' (or unit 'percent') -> PERCENT
    kind 'money' (or unit 'vnd')                     -> MONEY
    other quantities                                  -> COUNT  (ratios "22/22" and
                                                         ordinals are not entities)
    DateMention                                       -> DATE

Mentions are read by attribute, so any object with the documented fields works.
"""
from __future__ import annotations

import datetime as _dt
import operator
from collections.abc import Iterable

from ..model import Entity

_SKIP_KINDS = {"ratio", "ordinal", "year", "code", "list_marker", "phone",
               "times", "age", "duration", "measure", "percent_points"}


def number_entity(n) -> Entity | None:
    kind = getattr(n, "kind", "number") or "number"
    if kind in _SKIP_KINDS:
        return None
    unit = getattr(n, "unit", None)
    if kind == "percent" or unit == "percent":
        etype = "PERCENT"
    elif kind == "money" or unit == "vnd":
        etype = "MONEY"
    else:
        etype = "COUNT"
    value = n.value
    text, start = n.text, n.start
    norm = {"value": list(value) if isinstance(value, tuple) else value, "unit": unit,
            "unit_text": getattr(n, "unit_text", None), "qualifier": getattr(n, "qualifier", None),
            "value_text": text[n.value_start - start:n.value_end - start] if hasattr(n, "value_start")
            else text}
    ambiguous = getattr(n, "ambiguous", False)
    if ambiguous:
        norm["ambiguous"] = True
    return Entity(etype, text, start, n.end, norm, "rule", 0.7 if ambiguous else 0.95)


def date_entity(d) -> Entity:
    norm = {"value": d.value, "start": getattr(d, "start_iso", None), "end": getattr(d, "end_iso", None),
            "kind": getattr(d, "kind", None), "asof": getattr(d, "asof", False)}
    return Entity("DATE", d.text, d.start, d.end, norm, "rule", 0.95 if d.value else 0.6)


_TEXT_ORDER = operator.attrgetter("start", "end")      # the key (e.start, e.end), read in C


def figure_entities(numbers: Iterable, dates: Iterable) -> list[Entity]:
    """Entities for already-found number and date mentions, in text order."""
    out = []
    for n in numbers:
        e = number_entity(n)
        if e is not None:
            out.append(e)
    out += [date_entity(d) for d in dates]
    out.sort(key=_TEXT_ORDER)
    return out


def find_figures(text: str, reference: _dt.date | None = None) -> list[Entity]:
    """Find the numbers and dates of `text` (normalize stage) and return them as entities."""
    try:
        from ..normalize import find_dates, find_numbers
    except ImportError:     # the normalize stage is not installed: no figures, not a crash
        return []
    return figure_entities(find_numbers(text), find_dates(text, reference))


__all__ = ["figure_entities", "find_figures", "number_entity", "date_entity"]
