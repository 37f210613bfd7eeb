"""Fast `finditer` for patterns built around literal phrases (titles, honorifics,
organization names), with exactly the matches of the pattern itself.

A big alternation of phrases with lookarounds (and IGNORECASE) in the `regex` module
tries every alternative at every offset: slow on long texts. `LiteralSearch` finds
short rare pieces of the phrases ("ưởn" of "Trưởng ban") with `str.find` (a few pieces)
or the standard library's `re` (many: one trie of them), on the lower-cased text when
the pattern ignores case, and tries the pattern (as a trie of the phrases: the same
matches) only where a phrase holding such a piece may begin, in order, as `finditer`
would.

Lower-casing finds every place where IGNORECASE matches a phrase when each character
of the text that matches a character of the phrases regardless of case lower-cases to
it (not "ſ" for "s") and lower-casing keeps the length (not "İ"); a text where this
fails is searched with the pattern alone. This module knows nothing about what the
phrases mean.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import regex

from ..last_text import for_last_text
from ..normalize.vocab import trie_pattern

# Character ranges most texts keep to (Latin, Vietnamese, punctuation, currency, letterlike);
# the characters in them are checked against the phrases once, a text with others is
# checked character by character.
_USUAL = ((0x0000, 0x0250), (0x1E00, 0x1F00), (0x2000, 0x2070), (0x20A0, 0x20D0), (0x2100, 0x2200))
_UNUSUAL = re.compile("[^" + "".join(f"\\U{a:08x}-\\U{b - 1:08x}" for a, b in _USUAL) + "]")


@for_last_text()     # several searches run on one text
def _lower_and_usual(text: str) -> tuple[str, bool]:
    """text.lower() and whether all its characters are in _USUAL."""
    return text.lower(), _UNUSUAL.search(text) is None


def is_usual(text: str) -> bool:
    """Are all characters of `text` in the usual ranges (`usual_class` spells classes out for them)?"""
    return _lower_and_usual(text)[1]


def usual_class(pattern: str) -> str:
    """A `re` character class of the usual characters matched by `pattern` (a `regex`
    class such as r"[^\\W\\p{Ll}]"): exact for texts where `is_usual` holds."""
    test = regex.compile(pattern)
    cps = [c for a, b in _USUAL for c in range(a, b) if test.fullmatch(chr(c))]
    parts = []
    i = 0
    while i < len(cps):
        j = i
        while j + 1 < len(cps) and cps[j + 1] == cps[j] + 1:
            j += 1
        parts.append(re.escape(chr(cps[i])) + ("-" + re.escape(chr(cps[j])) if j > i else ""))
        i = j + 1
    return "[" + "".join(parts) + "]" if parts else "(?!)"


def _alternation(strings: Iterable[str]) -> str:
    return "|".join(re.escape(s) for s in sorted(strings, key=len, reverse=True))


def _literal_trie(strings: Iterable[str]) -> str:
    """`_alternation(strings)` as a trie for `re` (the longest string at an offset, as
    there; an offset is tried against the strings with its character only)."""
    return trie_pattern(strings, re.escape)


def _rarity(c: str) -> int:
    """How seldom a character is in running Vietnamese text, roughly: capitals with
    diacritics, capitals, small letters with diacritics, the rest."""
    if c.isupper():
        return 3 if not c.isascii() else 2
    return 1 if c.isalpha() and not c.isascii() else 0


# LiteralSearch finds its anchors with str.find up to this many (a scan of the text each),
# with one trie over them all above: 7 anchors (titles) cost 150,000 instructions on a text
# of 3,000 characters against 270,000, 66 (organizations) 960,000 against 400,000
FIND_MAX_ANCHORS = 24

_WHOLE = 9      # a phrase of words this short may be its own anchor, found where it begins


def _anchors(forms: set[str]) -> dict[str, set[int]]:
    """Short substrings such that each form holds one: the fewer and the rarer (see
    _rarity), the faster the search. Each anchor -> where it is in the forms it stands for."""
    def candidates(f: str) -> set[str]:
        subs = {f[i:i + 3] for i in range(len(f) - 2) if _rarity(f[i])}
        return subs or {f}
    cands = {f: candidates(f) for f in forms}
    left = set(forms)
    out: dict[str, set[int]] = {}
    while left:
        count: dict[str, int] = {}
        for f in left:
            for c in cands[f]:
                count[c] = count.get(c, 0) + 1
        best = max(sorted(count), key=lambda c: (_rarity(c[0]), count[c], len(c)))
        covered = {f for f in left if best in cands[f]}
        if len(covered) == 1 and " " in next(iter(covered)) and len(next(iter(covered))) <= _WHOLE:
            # a short phrase of words alone under its anchor is its own anchor: "bác sĩ"
            # is rarer than "ác " (of "các")
            best = next(iter(covered))
        out.setdefault(best, set()).update(f.find(best) for f in covered)
        left -= covered
    return out


def _trie(phrases: list[str]) -> str:
    """The alternation of `phrases` as a trie for `regex`: at one offset it tries the
    phrases that match there longest first, as the plain alternation does when no phrase
    comes before a longer one that it begins (the caller checks, and gives lower-cased
    phrases for a pattern that ignores case)."""
    return trie_pattern(phrases, regex.escape)


class LiteralSearch:
    """The pattern (?<!`not_after`)(?:phrase|phrase|...)`after`, in this order of phrases,
    and a `finditer` that gives exactly its matches, faster (see the module docstring).

    `not_after` is a character class (r"[\\p{L}]"): no phrase right after one of those.
    """

    def __init__(self, phrases: Iterable[str], *, not_after: str | None = None, after: str = "",
                 flags: int = 0, by_find: bool | None = None):
        phrases = [p for p in phrases if p]
        before = f"(?<!{not_after})" if not_after else ""
        # the characters a phrase may not follow, known as they come (see _matches)
        self._not_after = regex.compile(not_after, flags) if not_after else None
        self._refused: dict[str, bool] = {}
        self.pattern = regex.compile(before + "(?:" + "|".join(regex.escape(p) for p in phrases) + ")" + after,
                                     flags)
        self.ignore_case = bool(flags & regex.I)
        ignore_case = self.ignore_case
        forms = {p.lower() if ignore_case else p for p in phrases}
        # The trie tries the phrases matching at one offset longest first: the same order
        # unless a phrase comes before a longer one that it begins. Ignoring case, it is
        # built of lower-cased phrases, which must match what the phrases match.
        keys = [p.lower() for p in phrases] if ignore_case else phrases
        ordered = all(not keys[j].startswith(keys[i]) or len(keys[j]) <= len(keys[i])
                      for i in range(len(keys)) for j in range(i + 1, len(keys)))
        if ignore_case:
            ordered = ordered and all(len(c.lower()) == 1 and regex.fullmatch(regex.escape(c.lower()), c, regex.I)
                                      for p in phrases for c in p)
        self.matcher = regex.compile(before + "(?:" + _trie(keys) + ")" + after, flags) \
            if ordered else self.pattern
        # lower-casing must keep each phrase's length, or offsets would not line up
        self.usable = bool(forms) and not (ignore_case and any(len(p.lower()) != len(p) for p in phrases))
        # Each phrase holds its anchor at a known offset. Where the finder finds anchor b
        # (the longest one there), a phrase whose anchor is b, or one that begins b, may
        # begin `offsets[b]` before.
        offsets = _anchors(forms) if self.usable else {}
        self.anchors = sorted(offsets)
        self.finder = re.compile(_literal_trie(self.anchors)) if self.usable else None
        self.begins = re.compile(_alternation(forms)) if self.usable else None     # a phrase begins here
        self.offsets = {b: tuple(sorted(set().union(*(offsets[a] for a in self.anchors if b.startswith(a)))))
                        for b in self.anchors}
        # offsets inside anchor b where another anchor may begin (the finder skips those)
        self.inner = {b: [d for d in range(1, len(b)) if any(a.startswith(b[d:]) or b[d:].startswith(a)
                                                             for a in self.anchors)] for b in self.anchors}
        # per anchor: where its phrase begins (an int, most often), or (offsets, inner)
        self._plan = {b: self.offsets[b][0] if len(self.offsets[b]) == 1 and not self.inner[b]
                      else (self.offsets[b], self.inner[b]) for b in self.anchors}
        # A few anchors are found faster one by one with str.find than all at once with the
        # trie (whose scan tests each character against a set: ~50 instructions a character,
        # where str.find skips ahead): every occurrence of each, each giving the offsets of
        # its own phrases (the finder's longest-anchor bookkeeping is not needed then).
        if by_find is None:
            by_find = len(self.anchors) <= FIND_MAX_ANCHORS
        self._by_find = [(a, tuple(sorted(offsets[a]))) for a in self.anchors] if by_find else None
        self._phrase_chars = sorted({c for p in phrases for c in p})
        self._any_char = regex.compile("[" + "".join(regex.escape(c) for c in self._phrase_chars) + "]", regex.I)
        self._char_res = [(c.lower(), regex.compile(regex.escape(c), regex.I)) for c in self._phrase_chars]
        self._checked: set[str] = set()
        self._bad: set[str] = set()
        if ignore_case and self.usable:
            self._lowers_alike(frozenset(chr(c) for a, b in _USUAL for c in range(a, b)))
        self._usual_bad = sorted(self._bad)        # usual characters that lower-case otherwise (ſ, K)
        self._last: list = [None, []]              # the last text searched and its matches

    def finditer(self, text: str) -> Iterator:
        last = self._last
        if last[0] is not text:                   # a text is often searched twice
            last[:] = [text, list(self._finditer(text))]
        return iter(last[1])

    def _finditer(self, text: str) -> Iterator:
        if not self.usable:
            return self.matcher.finditer(text)
        if self.ignore_case:
            hay, usual = _lower_and_usual(text)
            if len(hay) != len(text):
                return self.matcher.finditer(text)
            if usual:
                alike = not any(c in text for c in self._usual_bad)
            else:
                alike = self._lowers_alike(frozenset(text))
            if not alike:
                return self.matcher.finditer(text)
        else:
            hay = text
        return iter(self._matches(text, hay))

    def _starts(self, hay: str) -> set[int]:
        """Offsets where a phrase may begin: every one where a phrase begins, and others."""
        starts: set[int] = set()
        add = starts.add
        if self._by_find is not None:
            find = hay.find
            for a, offs in self._by_find:
                i = find(a)
                while i >= 0:
                    if len(offs) == 1:
                        add(i - offs[0])
                    else:
                        starts.update(i - o for o in offs)
                    i = find(a, i + 1)
            return starts
        finder, plan, offsets = self.finder, self._plan, self.offsets
        for m in finder.finditer(hay):
            p = plan[m.group()]
            if p.__class__ is int:
                add(m.start() - p)
                continue
            q = m.start()
            offs, inner = p
            if len(offs) == 1:
                add(q - offs[0])
            else:
                starts.update(q - o for o in offs)
            for d in inner:
                x = finder.match(hay, q + d)
                if x is not None:
                    starts.update(q + d - o for o in offsets[x.group()])
        return starts

    def _matches(self, text: str, hay: str) -> list:
        """The pattern tried where a phrase may begin, in order, as finditer would."""
        starts = self._starts(hay)
        match, begins = self.matcher.match, self.begins.match
        refused, not_after = self._refused, self._not_after
        out = []
        pos = 0                                   # where finditer would go on from
        for q in sorted(starts):
            if q < pos or q < 0:
                continue
            if not_after is not None and q > 0:
                c = text[q - 1]
                r = refused.get(c)
                if r is None:
                    r = refused[c] = not_after.fullmatch(c) is not None
                if r:
                    continue                      # the lookbehind fails here
            if begins(hay, q):
                found = match(text, q)
                if found is not None:
                    out.append(found)
                    pos = found.end()
        return out

    def _lowers_alike(self, chars: frozenset[str]) -> bool:
        """Does every character that matches a phrase character, ignoring case, lower-case to it?"""
        new = chars - self._checked
        for c in new:
            low = c.lower()
            if self._any_char.fullmatch(c) and any(low != lc and r.fullmatch(c) for lc, r in self._char_res):
                self._bad.add(c)
            self._checked.add(c)
        return chars.isdisjoint(self._bad)


__all__ = ["LiteralSearch", "is_usual", "usual_class"]
