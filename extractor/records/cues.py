"""Cue phrases from rules/metrics.yaml and rules/schemes.yaml, compiled once.

A `CueSet` answers three questions about a list of phrases, always on whole
words (as written, Capitalized or in CAPITALS, never in other cases): does one of them end right before a position (a
"lead", allowing filler words in between), start right after one, or occur
anywhere in a stretch of text. What the cues mean is decided in `linker.py`.
"""
from __future__ import annotations

import functools
import re

import regex

from ..normalize.vocab import trie_pattern
from ..rules import load_yaml

_W = r"[\p{L}\p{N}]"
_COMPILED: dict = {}


def compiled(pattern: str):
    """`pattern` compiled once (the regex module's own cache lookup costs more than a dict)."""
    c = _COMPILED.get(pattern)
    if c is None:
        c = _COMPILED[pattern] = regex.compile(pattern)
    return c


def _alternation(phrases, trie: bool = False) -> str:
    """A cue as written, Capitalized at the start of a sentence or line, and in CAPITALS.

    Matching is otherwise case-sensitive, so that the cue "giao" never fires on
    the place name "Giao Thủy" nor "thu" on the name "Thu Trang".

    With `trie`, each group of forms is written as a trie (`_trie`): the same forms,
    tried longest first, for patterns that match forwards from an offset.
    """
    plain = {p.strip() for p in phrases if p and p.strip()}
    def alt(ps):
        if trie and all(_TRIE_SAFE.fullmatch(p) for p in ps):
            return _trie(ps)
        return "|".join(regex.escape(p).replace(r"\ ", r"\s+") for p in sorted(ps, key=len, reverse=True))
    parts = [alt(plain | {p.upper() for p in plain})]
    capital = {p[:1].upper() + p[1:] for p in plain} - plain
    if capital:
        parts.append(rf"(?<=(?:^|[.!?:;(\n\-–•*\d)]\s*))(?:{alt(capital)})")
    return "|".join(x for x in parts if x)


# no whitespace in a form but single spaces between words (see `_trie`)
_TRIE_SAFE = re.compile(r"\S+(?: \S+)*")


def _trie(forms) -> str:
    """The alternation of `forms` (spaces as runs of whitespace) as a trie whose every
    node tries its longer forms before the form ending there.

    It matches what `"|".join(forms sorted longest first)` matches, and picks the same
    form, wherever matching runs forwards from an offset: the forms that match there are
    prefixes of one another (where two forms part, the text has one character or the
    other, a space being a run of whitespace that a word character ends), and of those
    both take the longest that the rest of the pattern lets through. The regex module
    tries a plain alternation one form after the other, the trie one character at a time.
    Searching backwards ((?r)) is another matter: there, forms ending at the same place
    are suffixes of one another, and the plain alternation is kept.
    """
    return trie_pattern(forms, lambda c: r"\s+" if c == " " else regex.escape(c))


def _forms(phrases) -> set[str]:
    """The strings `_alternation` matches a phrase as: as written, in CAPITALS, Capitalized."""
    plain = {p.strip() for p in phrases if p and p.strip()}
    return plain | {p.upper() for p in plain} | {p[:1].upper() + p[1:] for p in plain}


def _literal_re(forms) -> re.Pattern:
    """A stdlib pattern finding where one of `forms` begins (spaces as runs of
    whitespace); one that finds nothing for no forms.

    It finds at least what `_alternation` finds: the stdlib's \\s holds every character
    of the regex module's (and four control characters more), and it has no lookarounds.
    Only where a form begins counts, not which one: the forms are a trie that stops at
    the shortest form (several times faster than their plain alternation).
    """
    root: dict = {}
    for f in forms:
        node = root
        for c in " ".join(w for w in f.split(" ") if w):
            node = node.setdefault(c, {})
        node[""] = {}

    def emit(node: dict) -> str:
        if "" in node:
            return ""                                 # a form ends here: enough
        alts = [(r"\s+" if c == " " else re.escape(c)) + emit(sub) for c, sub in node.items()]
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    return re.compile(emit(root)) if root else _NEVER


_NEVER = re.compile(r"(?!)")


@functools.lru_cache(maxsize=None)
def _filler_run(fillers: tuple) -> str:
    """Optional filler words between a cue and what it leads to (one pattern for all
    the cue sets, which share their fillers)."""
    fill = _alternation(fillers, trie=True)
    return rf"(?:\s*(?:{fill})(?!{_W}))*" if fill else ""


class CueSet:
    """Each question first checks, with the stdlib `re` (fast on literals), that a cue
    occurs in the text at all, whole words or not; most texts hold none, and the full
    pattern, whose lookarounds are tried at every offset, is then not run at all."""

    def __init__(self, phrases, fillers=()):
        self.phrases = tuple(phrases or ())
        forms = _forms(self.phrases)
        self._hint = _literal_re(forms)      # every match begins with one of these
        self._alt = _alternation(self.phrases) or r"(?!x)x"            # for `_last`
        self._fill = _filler_run(tuple(fillers))

    # The patterns are compiled on first use: a cue set is asked one or two kinds of
    # question, and compiling all six for every set is most of a worker's warm-up.

    @functools.cached_property
    def _fwd(self) -> str:
        """The phrases as a trie, for the patterns that match forwards (all but `_last`)."""
        return _alternation(self.phrases, trie=True) or r"(?!x)x"

    @functools.cached_property
    def _any(self):
        return regex.compile(rf"(?<!{_W})(?:{self._fwd})(?!{_W})")

    @functools.cached_property
    def _last(self):
        return regex.compile(rf"(?r)(?<!{_W})(?:{self._alt})(?!{_W})")

    @functools.cached_property
    def _lead(self):
        return regex.compile(rf"(?<!{_W})(?:{self._fwd})(?!{_W}){self._fill}[\s(:,\-–]*$")

    @functools.cached_property
    def _strict_lead(self):
        return regex.compile(rf"(?<!{_W})(?:{self._fwd})(?!{_W})[\s(:]*$")

    @functools.cached_property
    def _after(self):
        return regex.compile(rf"^[\s):,]*(?:{self._fwd})(?!{_W})")

    @functools.cached_property
    def _next_word(self):
        return regex.compile(rf"^\s*(?:{self._fwd})(?!{_W})")

    # Each question runs its pattern only if `_hint` finds a form in the text, and a
    # pattern that searches forwards only where a form begins: `_search` and `finditer`
    # give what the pattern's own `search` and `finditer` would.

    def last(self, text: str):
        """The last match in `text` (a regex match) or None (searched from the end)."""
        return None if self._hint.search(text) is None else self._last.search(text)

    def any(self, text: str) -> bool:
        return self._search(self._any, text) is not None

    def first(self, text: str):
        """The first match in `text` (a regex match) or None."""
        return self._search(self._any, text)

    def lead(self, text: str, strict: bool = False):
        """A cue that ends `text` (after optional fillers and punctuation)."""
        return self._search(self._strict_lead if strict else self._lead, text)

    def after(self, text: str):
        """A cue that starts `text` (after optional brackets and spaces)."""
        # anchored at the start (^): its search is its match there
        return None if self._hint.search(text) is None else self._after.match(text)

    def next_word(self, text: str):
        """A cue that is the very next word(s) of `text` (no punctuation in between)."""
        return None if self._hint.search(text) is None else self._next_word.match(text)

    def _search(self, pattern, text: str):
        """`pattern.search(text)` for a pattern whose matches begin with a form."""
        find, match = self._hint.search, pattern.match
        s = find(text)
        while s is not None:
            q = s.start()
            m = match(text, q)
            if m is not None:
                return m
            s = find(text, q + 1)
        return None

    def finditer(self, text: str) -> list:
        """All matches in `text`, as `self._any.finditer(text)` gives them, left to right."""
        out = []
        find, match = self._hint.search, self._any.match
        s = find(text)
        while s is not None:
            m = match(text, s.start())
            if m is not None:
                out.append(m)
                s = find(text, m.end())
            else:
                s = find(text, s.start() + 1)
        return out


class Cues:
    """All metric cues by name, e.g. `cues.coverage_before.any(text)`."""

    def __init__(self, data: dict):
        fillers = data.get("fillers", [])
        self.data = data
        for key, value in data.items():
            if key in ("fillers", "collective", "plural_regex", "person_units", "card_units",
                       "clause_breaks", "non_count_units", "anaphoric_dates"):
                continue
            setattr(self, key, CueSet(value, fillers))
        self.collective = {level: CueSet(v) for level, v in data.get("collective", {}).items()}
        # where a collective phrase of any level begins (see `collective_phrases`)
        self._collective_hint = _literal_re(set().union(*(_forms(c.phrases) for c in self.collective.values())))
        self.plural_regex = [regex.compile(p) for p in data.get("plural_regex", [])]
        self.plural_needs_digit = all(_needs_digit(p) for p in data.get("plural_regex", []))
        self.person_units = {u.lower() for u in data.get("person_units", [])}
        breaks = _alternation(data.get("clause_breaks", []), trie=True)
        self.clause_break_re = regex.compile(rf";|,\s*(?:{breaks})(?!{_W})" if breaks else ";")
        self.card_units = {u.lower() for u in data.get("card_units", [])}
        self.non_count_units = {u.lower() for u in data.get("non_count_units", [])}
        self.anaphoric_dates = CueSet(data.get("anaphoric_dates", []))

    def collective_phrases(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, level) of every collective phrase ("toàn tỉnh", "cả nước"), sorted:
        for each level what its `finditer(text)` finds, all levels found in one pass."""
        out = []
        resume = dict.fromkeys(self.collective, 0)   # each level's matches do not overlap
        find = self._collective_hint.search
        s = find(text)
        while s is not None:
            q = s.start()
            for level, cues in self.collective.items():
                # the level's own `finditer` tries its pattern where one of its forms begins
                if q >= resume[level] and cues._hint.match(text, q):
                    m = cues._any.match(text, q)
                    if m is not None:
                        out.append((q, m.end(), level))
                        resume[level] = m.end()
            s = find(text, q + 1)
        out.sort()
        return out

    def plural(self, text: str) -> bool:
        if self.plural_places.any(text):
            return True
        # the plural patterns count places ("5 xã", "12/15 huyện"): none without a digit
        if self.plural_needs_digit and _DIGIT.search(text) is None:
            return False
        return any(r.search(text) for r in self.plural_regex)


_DIGIT = regex.compile(r"\d")


def _needs_digit(pattern: str) -> bool:
    """Does every match of `pattern` hold a digit? True for a pattern that, after
    its lookbehinds, starts with \\d{1,3} (as the plural patterns of metrics.yaml do)."""
    return bool(regex.fullmatch(r"(?:\(\?<!(?:[^()\[\]]|\[[^\]]*\])*\))*\\d\{1,3\}.*", pattern, regex.DOTALL))


@functools.lru_cache(maxsize=1)
def metric_cues() -> Cues:
    return Cues(load_yaml("metrics.yaml"))
