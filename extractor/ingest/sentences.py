"""Sentence and paragraph splitting of clean text (see `cleanup.py`), with offsets.

A paragraph is a line of the clean text. A sentence ends at ".", "!", "?" or "…"
followed by a space and something that can start a sentence (a capital, a digit,
a quote, a bracket or a bullet), never inside a number ("1.741.540", "30.6.2017")
and never after a known abbreviation ("TP.", "ThS.", "v.v."). Semicolons do not
end sentences; the records stage splits clauses itself. The sentences of the last
text split are kept for the next stage that asks about the same text.
"""
from __future__ import annotations

from dataclasses import dataclass

import regex

from ..last_text import for_last_text
from ..rules import load_list

_ABBREV = None


def _abbreviations() -> frozenset[str]:
    global _ABBREV
    if _ABBREV is None:
        _ABBREV = frozenset(a.lower() for a in load_list("abbreviations.txt"))
    return _ABBREV


_END = regex.compile(r"(?:\.{3}|…|[.!?])+['\"”’)\]»*]*(?=\s+['\"“‘(\[«*\-–•]?[\p{Lu}\d])")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    paragraph: int = 0


def paragraphs(text: str) -> list[Span]:
    out: list[Span] = []
    start = 0
    n = 0
    find = text.find
    i = find("\n")
    while i >= 0:
        if i > start:
            out.append(Span(start, i, n))
            n += 1
        start = i + 1
        i = find("\n", start)
    if len(text) > start:
        out.append(Span(start, len(text), n))
    return out


@for_last_text(copy=list)     # the officials finder and the records stage both ask
def sentences(text: str) -> list[Span]:
    """Sentences of the clean text, in order, each with its paragraph number."""
    out: list[Span] = []
    abbreviations = _abbreviations()
    for para in paragraphs(text):
        s = para.start
        # endpos ends the string for the pattern's lookahead as the paragraph does
        for m in _END.finditer(text, para.start, para.end):
            end = m.end()
            word = _word_before(text, m.start())
            if word and word.lower().rstrip(".") + "." in abbreviations:
                continue
            if word and len(word) == 1 and word.isupper():  # an initial: "Nguyễn V. A"
                continue
            out.append(Span(s, end, para.paragraph))
            s = end
            while s < para.end and text[s] == " ":
                s += 1
        if s < para.end:
            out.append(Span(s, para.end, para.paragraph))
    return out


def _word_before(text: str, i: int) -> str:
    j = i
    while j > 0 and not text[j - 1].isspace() and text[j - 1] not in "(\"“":
        j -= 1
    return text[j:i]
