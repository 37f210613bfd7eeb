"""What follows a figure: scale words, percent sign, unit words, "trở lên", a range.

Each reader looks at the text right after a position and returns the piece it
found as a `Piece(start, end, text)` (or a small dict for a figure with its
scale words), or None. They work on words (split on single spaces, looked up
in the tables of number_grammar.py) rather than regular expressions, because
they run for every figure of every document and must be cheap. Deciding what
the whole expression means is `numbers.py`'s job.
"""
from __future__ import annotations

import functools
import re
from decimal import Decimal
from typing import NamedTuple

from .number_grammar import grammar


class Piece(NamedTuple):
    start: int
    end: int
    text: str


_FIRST = re.compile(r" ([^\W\d_]+)")
_NEXT = re.compile(r" ([^\W\d_]+)(?: ([^\W\d_]+)(?: ([^\W\d_]+)(?: ([^\W\d_]+))?)?)?(?![^\W\d_])")


def next_words(text: str, pos: int, k: int = 3) -> list[Piece]:
    """Up to `k` (at most 4) words after `pos`, which must be a space; words are
    runs of letters joined by single spaces ("người," gives "người")."""
    m = _NEXT.match(text, pos)
    if m is None:
        return []
    return [Piece(m.start(g), m.end(g), m.group(g)) for g in range(1, min(k, 4) + 1)
            if m.group(g) is not None]


def words_after(text: str, pos: int) -> re.Match | None:
    """Up to four words right after `pos`, which must be a space, as one match
    (group n is the n-th word): what `phrase_in` reads. A reader that looks at
    the same place several times (scale word, percent word, unit) matches once."""
    return _NEXT.match(text, pos)


def phrase_in(text: str, words: re.Match, table: frozenset, max_words: int) -> Piece | None:
    """The longest phrase of `table` made of the first of `words` (a `words_after` match)."""
    n = _longest(words.groups()[:max_words], table)
    if n:
        return Piece(words.start(1), words.end(n), text[words.start(1):words.end(n)])
    return None


def _phrase(text: str, pos: int, table: frozenset, max_words: int, firsts=None) -> Piece | None:
    """The longest phrase of `table` made of the words right after `pos` (None at
    once when the first word is not among `firsts`, the phrases' first words)."""
    m = _NEXT.match(text, pos)
    if m is None:
        return None
    if firsts is not None and m.group(1).lower() not in firsts:
        return None
    return phrase_in(text, m, table, max_words)


@functools.lru_cache(maxsize=4096)
def _longest(words: tuple, table: frozenset) -> int:
    """How many of `words` (None-padded) make the longest phrase of `table`, or 0."""
    lows = [w.lower() for w in words if w is not None]
    for n in range(len(lows), 0, -1):
        if " ".join(lows[:n]) in table:
            return n
    return 0


def unit_after(text: str, pos: int) -> Piece | None:
    """Unit words right after `pos` ("người", "thẻ BHYT", "lượt người"), or a unit
    glued to the figure ("500.000đ")."""
    gr = grammar()
    c0 = text[pos:pos + 1]
    if c0 == " ":
        return _phrase(text, pos, gr.unit_phrases, gr.max_unit_words, gr.unit_first_words)
    if c0.isalpha():
        j = pos
        while j < len(text) and (text[j].isalpha() or text[j] in "0123456789²"):
            j += 1
        word = text[pos:j]
        if word.lower() in gr.attached_units:
            return Piece(pos, j, word)
    return None


def percent_after(text: str, pos: int) -> Piece | None:
    """"%", " %" or " phần trăm" right after `pos`."""
    gr = grammar()
    c0 = text[pos:pos + 1]
    if c0 and c0 in gr.percent_symbols:
        return Piece(pos, pos + 1, c0)
    if c0 == " ":
        c1 = text[pos + 1:pos + 2]
        if c1 and c1 in gr.percent_symbols:
            return Piece(pos + 1, pos + 2, c1)
        if c1 and c1 in gr.percent_initials:
            return _phrase(text, pos, gr.percent_words, 2)
    return None


def closer_after(text: str, pos: int) -> Piece | None:
    """"trở lên" / "trở xuống" right after `pos`."""
    gr = grammar()
    if text[pos + 1:pos + 2] not in gr.closer_initials or text[pos:pos + 1] != " ":
        return None
    return _phrase(text, pos, gr.closer_phrases, 2)


def _scale_after(text: str, pos: int) -> Piece | None:
    gr = grammar()
    c0 = text[pos:pos + 1]
    if c0 == " ":
        if text[pos + 1:pos + 2] not in gr.multiplier_initials:
            return None
        m = _FIRST.match(text, pos)
        if m and m.group(1).lower() in gr.multipliers:
            return Piece(m.start(1), m.end(1), m.group(1))
    elif c0.isalpha():
        j = pos
        while j < len(text) and text[j].isalpha():
            j += 1
        if text[pos:j].lower() in gr.multipliers:
            return Piece(pos, j, text[pos:j])
    return None


def figure_chain(text: str, s: int, e: int) -> dict:
    """A figure and what belongs to its value: "22/22" (ratio), "1,2 triệu",
    "2 triệu 500 nghìn", "hai triệu rưỡi"-like halves."""
    gr = grammar()
    raw = text[s:e]
    out: dict = {"kind": "figure", "raw": raw, "start": s, "end": e, "tokens": [], "scale": None}
    if text[e:e + 1] == "/" and raw.isdigit():
        j = e + 1
        while j < len(text) and text[j].isdigit():
            j += 1
        den = text[e + 1:j]
        if 1 <= len(den) <= 4 and text[j:j + 1] != "/" and not (
                text[j:j + 1] in ".," and text[j + 1:j + 2].isdigit()):
            out["ratio"] = int(den)
            out["end"] = j
            return out
    c0 = text[e:e + 1]
    if not (c0 == " " and text[e + 1:e + 2] in gr.multiplier_initials or c0.isalpha()):
        return out  # no scale word can follow (what _scale_after checks first)
    first = _scale_after(text, e)
    if first is None:
        return out
    scale = gr.multipliers[first.text.lower()]
    out["tokens"].append(first.text.lower())
    out["mult_start"] = first.start
    out["scale"] = scale
    pos, last = first.end, scale
    while True:
        more = _scale_after(text, pos)
        if more is not None and gr.multipliers[more.text.lower()] > last and more.text.lower() != "trăm":
            last = gr.multipliers[more.text.lower()]
            out["tokens"].append(more.text.lower())
            out["scale"] *= last
            pos = more.end
            continue
        m = gr.figure_multiplier_at.match(text, pos) if text[pos:pos + 2][1:].isdigit() else None
        if m is not None and gr.multipliers[m.group("mult").lower()] < last:
            out["tokens"] += [Decimal(m.group("fig")), m.group("mult").lower()]
            last = gr.multipliers[m.group("mult").lower()]
            pos = m.end()
            continue
        break
    half = next_words(text, pos, 1)
    if half and half[0].text.lower() in gr.half_words:
        out["tokens"].append(half[0].text.lower())
        pos = half[0].end
    out["end"] = pos
    return out


def range_end(text: str, pos: int, pct: Piece | None):
    """(second figure chain, its percent sign, end) of a range at `pos`, or None:
    "-98%", " - 98%", " đến 98%", " tới 3"."""
    gr = grammar()
    i = pos
    if text[i:i + 1] == " ":
        i += 1
    c = text[i:i + 1]
    if c and c in gr.range_dashes:
        j = i + 1
    else:
        if c not in gr.range_initials or i == pos:
            return None
        m = _FIRST.match(text, pos)
        if m is None or m.group(1).lower() not in gr.range_words:
            return None
        j = m.end(1)
    if text[j:j + 1] == " ":
        j += 1
    fm = gr.figure_at.match(text, j)
    if fm is None:
        return None
    sec = figure_chain(text, fm.start("fig"), fm.end("fig"))
    if sec.get("ratio") is not None:
        return None
    spct = percent_after(text, sec["end"])
    if pct is not None and spct is None:
        return None  # "97% - 3 xã" is not a range
    return sec, spct, (spct.end if spct else sec["end"])
