"""Helpers that turn word lists from rules/ into regular-expression pieces.

`alternation(words)` gives a non-capturing alternation of the words, longest
first, matching any run of white space where a word list has a space.
`word_map(mapping)` lower-cases the keys of a YAML mapping. `words_before`
and `PhraseTable` look up the words just before a figure. `phrase_finder` and
`LiteralStarts` find phrases or pattern matches in a whole text faster than a
`re` scan, by `str.find`; `trie_pattern` writes an alternation of strings as a trie. Nothing here knows what the words mean; the grammar
modules decide that.
"""
from __future__ import annotations

import re
from typing import Iterable

import regex

from ..last_text import for_last_text

FLAGS = regex.IGNORECASE | regex.V0


def alternation(words: Iterable[str]) -> str:
    """`(?:w1|w2|...)`, longest first; spaces match any white space."""
    items = sorted({str(w).strip() for w in words if str(w).strip()}, key=lambda w: (-len(w), w))
    parts = [r"\s+".join(regex.escape(p) for p in w.split()) for w in items]
    return "(?:" + "|".join(parts) + ")" if parts else "(?!)"


def word_map(mapping: dict) -> dict[str, object]:
    """The mapping with keys lower-cased and single-spaced."""
    return {" ".join(str(k).lower().split()): v for k, v in (mapping or {}).items()}


@for_last_text()     # the number and date finders and the masks all lower the same text
def lowered(text: str) -> tuple[str, str]:
    """(text.lower(), the same keeping the length: a character whose lower case is
    longer stays as it is)."""
    low = text.lower()
    same = low if len(low) == len(text) else "".join(
        c.lower() if len(c.lower()) == 1 else c for c in text)
    return low, same


def words_before(text: str, pos: int, k: int = 4) -> list[tuple[int, str]]:
    """Up to `k` words right before `pos`, nearest first, as (start, lower-case word).

    Only words joined to `pos` and to each other by single spaces count: the walk
    stops at punctuation, a line break or a figure ("(trên 5%" gives "trên").
    """
    lo = max(0, pos - 16 * k)
    seg = text[lo:pos]
    if not seg.endswith(" "):
        return []
    body = seg[:-1]
    pieces = body.rsplit(" ", k)
    out: list[tuple[int, str]] = []
    end = lo + len(body)
    for idx in range(len(pieces) - 1, -1, -1):
        if len(out) >= k or (idx == 0 and lo > 0 and len(pieces) > k):
            break
        piece = pieces[idx]
        start = end - len(piece)
        if piece.isalpha():
            out.append((start, piece.lower()))
            end = start - 1
            continue
        j = len(piece)
        while j > 0 and piece[j - 1].isalpha():
            j -= 1
        if j < len(piece):
            out.append((start + j, piece[j:].lower()))
        break
    return out


def words_before_if(text: str, pos: int, k: int, wanted: frozenset) -> list[tuple[int, str]]:
    """`words_before(text, pos, k)` when the nearest word is in `wanted`; otherwise
    only that nearest word (or []), which is all a phrase look-up ending with a
    word of `wanted` needs to fail. Most figures have no such word before them."""
    lo = pos - 16 * k
    if lo < 0:
        lo = 0
    if pos <= lo or text[pos - 1] != " ":
        return []
    sp = text.rfind(" ", lo, pos - 1)
    start = sp + 1 if sp >= 0 else lo
    piece = text[start:pos - 1]
    if not piece.isalpha():
        j = len(piece)
        while j > 0 and piece[j - 1].isalpha():
            j -= 1
        if j == len(piece):
            return []
        start, piece = start + j, piece[j:]
    word = piece.lower()
    if word in wanted:
        return words_before(text, pos, k)
    return [(start, word)]


def trie_pattern(strings: Iterable[str], escape) -> str:
    """The alternation of `strings` as a trie, longest string first at an offset, each
    character written by `escape` (re.escape, regex.escape, or one that writes a space as
    a run of white space, as records/cues.py does). Used where a long alternation of
    literal strings would be tried string by string at every offset."""
    root: dict = {}
    for w in strings:
        node = root
        for c in w:
            node = node.setdefault(c, {})
        node[""] = {}

    def emit(node: dict) -> str:
        alts = [escape(c) + emit(sub) for c, sub in node.items() if c]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return "(?:" + body + ")?" if "" in node else body
    return emit(root)


def phrase_finder(phrases):
    """An object whose `finditer(text)` gives the (start, end) of the matches of the
    alternation of `phrases`, left to right and not overlapping (`PhraseFinder`
    when no phrase begins another, else the compiled alternation)."""
    phrases = sorted(set(phrases), key=lambda w: (-len(w), w))
    if any(a != b and b.startswith(a) for a in phrases for b in phrases):
        return PatternSpans(re.compile("|".join(re.escape(w) for w in phrases)))
    return PhraseFinder(phrases)


class PatternSpans:
    """(start, end) of the matches of a pattern, as `PhraseFinder` gives them."""

    def __init__(self, pattern: re.Pattern):
        self.pattern = pattern

    def finditer(self, text: str) -> list[tuple[int, int]]:
        return [m.span() for m in self.pattern.finditer(text)]


class PhraseFinder:
    """`finditer` of the alternation of `phrases` (none beginning another, so at
    most one matches at a place), by `str.find` of each phrase: the same
    matches, left to right and not overlapping, as (start, end). A `re` scan
    stops at every character that begins some phrase (most letters, for
    common words); `str.find` skips to the next whole phrase."""

    def __init__(self, phrases):
        self.phrases = tuple(phrases)

    def finditer(self, text: str) -> list[tuple[int, int]]:
        hits = []
        for p in self.phrases:
            i = text.find(p)
            while i >= 0:
                hits.append((i, i + len(p)))
                i = text.find(p, i + 1)
        out, last = [], 0
        for s, e in sorted(hits):
            if s >= last:
                out.append((s, e))
                last = e
        return out


class LiteralStarts:
    """`finditer` of a pattern every match of which begins with one of `literals`,
    tried only where one of them stands (found by `str.find`): the same matches,
    left to right and not overlapping, since a scan tries the places one by one
    and only these can succeed."""

    def __init__(self, pattern: re.Pattern, literals):
        keep: list[str] = []
        for lit in sorted(set(literals), key=len):  # a literal that begins with another adds nothing
            if not any(lit.startswith(k) for k in keep):
                keep.append(lit)
        self.pattern, self.literals = pattern, tuple(keep)

    def finditer(self, text: str):
        places = []
        find = text.find
        for lit in self.literals:
            i = find(lit)
            while i >= 0:
                places.append(i)
                i = find(lit, i + 1)
        places.sort()
        return matches_at(self.pattern, text, places)


def matches_at(pattern, text: str, places):
    """The matches of `pattern` tried only at `places` (ascending offsets, every place
    where a match may begin among them): what `pattern.finditer(text)` gives, left to
    right and not overlapping, since a scan tries the places one by one and only
    these can succeed."""
    match = pattern.match
    last = 0
    for p in places:
        if p < last:
            continue
        m = match(text, p)
        if m is not None:
            yield m
            last = m.end()


class PhraseTable:
    """Phrases (lower case, single-spaced) looked up by the words before a figure."""

    def __init__(self, phrases):
        self.phrases = frozenset(" ".join(str(p).lower().split()) for p in phrases if str(p).strip())
        self.last_words = frozenset(p.rsplit(" ", 1)[-1] for p in self.phrases)
        self.max_words = max((len(p.split()) for p in self.phrases), default=0)

    def __contains__(self, phrase: str) -> bool:
        return phrase in self.phrases

    def before(self, words: list[tuple[int, str]]) -> tuple[int, str] | None:
        """Longest phrase made of the nearest words: (number of words, phrase)."""
        if not words or words[0][1] not in self.last_words:
            return None
        most = min(self.max_words, len(words))
        near = [w for _, w in words[:most]]
        for n in range(most, 0, -1):
            phrase = " ".join(near[n - 1::-1])  # the n nearest words, in reading order
            if phrase in self.phrases:
                return n, phrase
        return None
