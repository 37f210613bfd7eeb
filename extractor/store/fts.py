"""Turn any user query into a safe FTS5 MATCH expression, and find its hits in a text.

Each word of the query becomes a quoted FTS5 string aimed at one column of the
two-column index (see schema.sql): a word typed WITH diacritics ("Nẵng", "năm")
must match as written, in the `exact` column (either tone placement: "Hoá" also
finds "Hóa"); a word typed WITHOUT them ("nang", "bac") matches the `folded`
column, so "da nang" finds "Đà Nẵng". A figure ("1.741.540", "1741540") is one
token of the folded column. "Quoted words" form a phrase. Only letters, digits
and spaces ever go inside the quotes, so no query can raise an FTS5 syntax error.

It does not run queries (search.py does).
"""
from __future__ import annotations

from dataclasses import dataclass

import regex

from .fold import fold, fold_for_index, has_diacritics, nfc, tone_variants

MAX_TERMS = 32
_TOKEN = regex.compile(r'"([^"]*)"|(\d+(?:[.,]\d+)+)|([\p{L}\p{N}]+)')
_PIECE = regex.compile(r"\d+(?:[.,]\d+)+|[\p{L}\p{N}]+")
_DIGIT_GROUPS = regex.compile(r"\d+")


@dataclass(frozen=True)
class Term:
    """One query term: the column it targets and its alternatives (phrases, any may match)."""
    column: str                 # 'exact' or 'folded'
    alternatives: tuple[str, ...]


def _word_term(word: str) -> Term:
    if word[0].isdigit() and not word.isdigit():       # a figure with separators
        return Term("folded", ("".join(_DIGIT_GROUPS.findall(word)),))
    if has_diacritics(word):
        return Term("exact", tuple(dict.fromkeys(v.lower() for v in tone_variants(word))))
    return Term("folded", (fold(word),))


def _phrase_term(pieces: list[str]) -> Term | None:
    if not pieces:
        return None
    if len(pieces) == 1:
        return _word_term(pieces[0])
    if any(not p[0].isdigit() and has_diacritics(p) for p in pieces):
        words = []
        for p in pieces:
            words.extend(_DIGIT_GROUPS.findall(p) if p[0].isdigit() else [p.lower()])
        return Term("exact", (" ".join(words),))
    words = ["".join(_DIGIT_GROUPS.findall(p)) if p[0].isdigit() else fold(p) for p in pieces]
    return Term("folded", (" ".join(words),))


def parse_query(query: str) -> list[Term]:
    """The terms of a query (all must match). Never raises; may return []."""
    terms: list[Term] = []
    for m in _TOKEN.finditer(nfc(query or "")):
        if m.group(1) is not None:
            term = _phrase_term(_PIECE.findall(m.group(1)))
        else:
            term = _word_term(m.group(2) or m.group(3))
        if term is not None and term not in terms:
            terms.append(term)
        if len(terms) >= MAX_TERMS:
            break
    return terms


def match_expression(terms: list[Term]) -> str | None:
    """FTS5 MATCH text for the terms, or None when there is nothing to match."""
    parts = []
    for t in terms:
        alts = [f'{t.column} : "{a}"' for a in t.alternatives if a.strip()]
        if alts:
            parts.append(alts[0] if len(alts) == 1 else "(" + " OR ".join(alts) + ")")
    return " AND ".join(parts) or None


def _pattern(phrase: str) -> regex.Pattern:
    words = [regex.escape(w) for w in phrase.split()]
    body = r"[^\p{L}\p{N}]+".join(words)
    return regex.compile(r"(?<![\p{L}\p{N}])" + body + r"(?![\p{L}\p{N}])")


def find_hits(text: str, terms: list[Term]) -> list[tuple[int, int]]:
    """Character spans of `text` where any term matches (sorted, merged)."""
    if not text or not terms:
        return []
    text = nfc(text)
    folded = fold_for_index(text)
    lower = text.lower()
    if len(lower) != len(text):
        lower = folded
    spans = []
    for t in terms:
        hay = folded if t.column == "folded" else lower
        for alt in t.alternatives:
            if alt.strip():
                for m in _pattern(alt).finditer(hay):
                    s, e = m.span()
                    # a squeezed figure ("1741540  ") covers the original "1.741.540"
                    while hay is folded and e < len(text) and folded[e] == " " and text[e] != " ":
                        e += 1
                    spans.append((s, e))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def snippet(text: str, hits: list[tuple[int, int]], width: int = 240) -> tuple[str, list[list[int]]]:
    """A window of `text` around the first hit, whitespace runs shown as one space, and
    the hits' spans inside that window (offsets into the returned string)."""
    text = nfc(text or "")
    if not text:
        return "", []
    if not hits:
        start = 0
    else:
        start = max(0, hits[0][0] - width // 4)
        sp = text.rfind(" ", 0, start)
        start = sp + 1 if start and sp >= 0 and start - sp < 20 else start
    end = min(len(text), start + width)
    if end < len(text):
        sp = text.find(" ", end)
        end = sp if 0 <= sp - end < 20 else end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    out = ["…"] if start > 0 else []
    pos = {}                                  # offset in text -> offset in the snippet
    n = len(out)
    prev_space = False
    for i in range(start, end):
        ch = text[i]
        pos[i] = n
        if ch.isspace():
            if prev_space:
                continue
            ch, prev_space = " ", True
        else:
            prev_space = False
        out.append(ch)
        n += 1
    pos[end] = n
    if end < len(text):
        out.append("…")
    marks = [[pos[s], pos[e]] for s, e in hits if s >= start and e <= end]
    return "".join(out), marks
