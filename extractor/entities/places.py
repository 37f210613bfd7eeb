"""Places in running text: find the names of provinces, districts and communes and
resolve each to a unit of the gazetteer, using the document's own context.

Two steps:
1. `scan(text)` finds every capitalised word sequence that is the name (or alias) of
   some unit, with the level word written before it ("huyện", "TP.", "các xã") and
   the cues around it (an honorific before it: a person, not a place). One compiled
   regex finds the runs of capitalised words; only those are folded and looked up
   (one dict look-up per candidate length), and the few words before a name are read
   backwards from it when needed. Lower-case words cost nothing.
2. `resolve(mentions, text, context)` keeps the mentions that are places and picks
   the unit: the level word restricts the level; a parent written next to it
   ("Giao Tân (huyện Giao Thủy, Nam Định)", "xã Huổi Luông, huyện Phong Thổ")
   restricts the parent; otherwise the document's provinces and districts decide.
   A name without a level word is a district or commune only when that context (or a
   neighbour in the same list) supports it. What stays ambiguous is marked so.

Vocabulary (level words, person cues, names needing a level word) is in
rules/places.yaml; names and aliases in rules/gazetteer/ and rules/place_aliases.tsv.
This module does not find organizations or people.
"""
from __future__ import annotations

import bisect
import functools
import itertools
import re
import unicodedata
from dataclasses import dataclass, field

import regex

from ..ingest.cleanup import canonical_tones
from ..last_text import for_last_text
from ..model import Entity
from ..normalize.text import fold, fold_chars
from ..normalize.vocab import LiteralStarts
from ..rules import load_yaml
from .gazetteer import Unit, gazetteer, name_key
from .literal_search import is_usual, usual_class

LEVEL_RANK = {"commune": 0, "district": 1, "province": 2}
ENTITY_TYPE = {"province": "PROVINCE", "district": "DISTRICT", "commune": "COMMUNE"}

_TOKEN = regex.compile(r"\w+(?:['’]\w+)*")
_NAME_GAP = regex.compile(r"(?: | ?[-–] ?)")
_CHAIN_GAP = regex.compile(r"\s*(?:,|\(|-|–|\bthuộc\b|\btại\b)\s*")
# A run of capitalised words joined by a space or a hyphen ("Hải Dương", "Bà Rịa - Vũng
# Tàu"). The class is a superset of "upper case or digit" (every \w but lower case);
# each word is checked again with str.isupper/isdigit, as `tokenize` does.
_CAP_WORD = r"[^\W\p{Ll}]\w*(?:['’]\w+)*"
_JOIN = r"(?: | ?[-–] ?)"
# group 1 is the first word, every word is a capture of group "w"
_TOKEN_BEFORE = regex.compile(r"(?r)\w+(?:['’]\w+)*")     # the word ending nearest before a position
_CAP_RUN = regex.compile(r"(?<!\w)(?<!\w['’])((?P<w>" + _CAP_WORD + r"))(?:" + _JOIN + r"(?P<w>" + _CAP_WORD + r"))*")
_LIST_GAP = regex.compile(
    r"(?:\s*\([^()\n]{0,30}\))?(?:\s*[\d.,]+\s*%?)?\s*(?:[,;/]|\bvà\b|\bhoặc\b|[,;]\s*và)\s*$"
    r"|^\s*(?:[,;/]|\bvà\b|\bhoặc\b)\s*$")


class Token:
    """One word of the text. `joined` says whether it continues a name begun by the
    word before it (both capitalised, only a space or a hyphen between)."""
    __slots__ = ("start", "end", "text", "key", "low", "capital", "joined")

    def __init__(self, start: int, end: int, text: str, key: str, low: str, capital: bool):
        self.start, self.end, self.text, self.key, self.low = start, end, text, key, low
        self.capital = capital
        self.joined = False


@dataclass
class PlaceMention:
    """A name of some unit in the text, before deciding which unit (or whether a place)."""
    start: int                   # incl. the level word when one is attached
    end: int
    name_start: int
    name_end: int
    candidates: list[Unit]
    level_word: str | None = None          # the level word, lower case ("huyện", "thành phố", "tp")
    inexact: bool = False                  # matched only without diacritics ("Giao Yên" ~ "Giao Yến")
    plural: bool = False                   # "các xã Giao Yên": the level word heads a list
    person_cue: bool = False
    byline: bool = False
    first_token: int = 0                   # start offsets of the name's first and last words
    last_token: int = 0                    # (equal for a one-word name)
    unit: Unit | None = None               # the resolved unit
    group: list[Unit] = field(default_factory=list)   # units equally good after resolution

    @property
    def levels(self) -> set[str]:
        return {u.level for u in self.candidates}


_new = object.__new__


def _place_mention(start, end, name_start, name_end, candidates, level_word, inexact, plural, person_cue,
                   first_token, last_token) -> PlaceMention:
    """`PlaceMention(...)` as the scan makes it (no byline, no unit yet), made faster: the
    very same object, its instance dict filled in one go (the scan makes tens of thousands)."""
    obj = _new(PlaceMention)
    obj.__dict__.update(start=start, end=end, name_start=name_start, name_end=name_end, candidates=candidates,
                        level_word=level_word, inexact=inexact, plural=plural, person_cue=person_cue,
                        byline=False, first_token=first_token, last_token=last_token, unit=None, group=[])
    return obj


@dataclass
class Context:
    """What the document says about where it is: weighted province and district codes."""
    provinces: dict[str, float] = field(default_factory=dict)   # old province code -> weight
    districts: dict[str, float] = field(default_factory=dict)   # district code -> weight
    province: str | None = None                                 # the main province code
    district: str | None = None                                 # the main district code


# --------------------------------------------------------------------------- rules
def _words(phrase: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(phrase.lower()))


@functools.lru_cache(maxsize=1)
def _rules() -> dict:
    r = load_yaml("places.yaml")
    level_words: dict[tuple[str, ...], set[str]] = {}
    for level, words in r["level_words"].items():
        for w in words:
            key = _words(w)
            level_words.setdefault(key, set()).add(level)
    types = {_words(k): set(v) for k, v in r["types"].items()}
    by_last: dict[str, list[int]] = {}
    for key in level_words:
        by_last.setdefault(key[-1], []).append(len(key))
    return {
        "level_words": level_words,
        "level_max": max(len(k) for k in level_words),
        # last word of a level word -> the lengths of the level words ending with it, longest first
        "level_by_last": {w: sorted(set(ls), reverse=True) for w, ls in by_last.items()},
        "level_prefixes": {k[:n] for k in level_words for n in range(1, len(k) + 1)},
        "level_first": {k[0] for k in level_words},
        "types": types,
        "plural": {w.lower() for w in r["plural_words"]},
        "needs_level": {tuple(_TOKEN.findall(fold(w))) for w in r["needs_level_word"]},
        "person_cues": {_words(w) for w in r["person_cues"]},
        "person_cue_last": {_words(w)[-1] for w in r["person_cues"] if _words(w)},
        "not_places": {_words(w) for w in r["not_places"]},
        "abbrev": {_words(w) for ws in r["level_words"].values() for w in ws
                   if w.endswith(".") or w[:2].isupper() or (len(w) <= 2 and w[0].isupper())},
    }


@functools.lru_cache(maxsize=1)
def _surnames() -> frozenset[str]:
    return frozenset(s.lower() for s in load_yaml("person_names.yaml")["surnames"])


@functools.lru_cache(maxsize=1)
def _index() -> tuple[dict, int]:
    g = gazetteer()
    return g.by_key, max(len(k) for k in g.by_key)


@functools.lru_cache(maxsize=1)
def _first_words() -> frozenset[str]:
    """The folded first words of all names: no other word can start one."""
    return frozenset(k[0] for k in _index()[0])


def tokenize(text: str) -> list[Token]:
    folded = fold(text)
    toks = []
    prev = None
    for m in _TOKEN.finditer(text):
        a, b = m.span()
        w = m.group()
        t = Token(a, b, w, folded[a:b], w.lower(), w[0].isupper() or w[0].isdigit())
        if prev is not None and t.capital and prev.capital:
            gap = text[prev.end:a]
            t.joined = gap == " " or bool(_NAME_GAP.fullmatch(gap))
        toks.append(t)
        prev = t
    return toks


def _run_length(toks: list[Token], i: int, limit: int) -> int:
    """How many words from i on can form one name (capitalised, joined)."""
    n = 1
    while n < limit and i + n < len(toks) and toks[i + n].joined:
        n += 1
    return n


# --------------------------------------------------------------------------- scan
def scan(text: str, tokens: list[Token] | None = None) -> list[PlaceMention]:
    """Every capitalised name of a unit in `text`, longest first, without overlaps.

    Without `tokens` only the capitalised words are visited (`_scan_runs`); with
    them (`tokenize(text)`), every word is (`_scan_tokens`). Both give the same
    mentions.
    """
    out = _scan_runs(text) if tokens is None else _scan_tokens(text, tokens)
    _mark_bylines(text, out)
    return out


def _scan_runs(text: str) -> list[PlaceMention]:
    if not unicodedata.is_normalized("NFC", text):
        return _scan_tokens(text, tokenize(text))     # fold(text) shifts offsets: keep them as they were
    rules = _rules()
    by_key, max_len = _index()
    first = _first_words()
    level_first, level_max = rules["level_first"], rules["level_max"]
    lwmap, prefixes = rules["level_words"], rules["level_prefixes"]
    out: list[PlaceMention] = []
    resume = 0                      # words starting before this offset are taken or skipped

    def scan_part(run: list[tuple[int, int]], lows: list[str]) -> None:
        """Names and level words in one part of a run, from the first word not taken."""
        nonlocal resume
        n = len(run)
        keys = None
        for k in range(n):
            a = run[k][0]
            if a < resume:
                continue
            # "TỈNH HẢI DƯƠNG": a level word starts no name when a name follows it
            if lows[k] in level_first:
                nxt = _after_level_word(text, a, lwmap, prefixes, level_max)
                if nxt is not None and _name_at(text, nxt):
                    resume = nxt
                    continue
            if keys is None:
                keys = [_fold_word(text[x:y]) for x, y in run]
            if keys[k] not in first:
                continue
            for length in range(min(max_len, n - k), 0, -1):
                key = tuple(keys[k:k + length])
                units = by_key.get(key)
                if units:
                    j = k + length - 1
                    pm = _found(text, a, run[j][1], run[j][0], lows, k, j, units, key, rules)
                    if pm is not None:
                        out.append(pm)
                    resume = run[j][1]
                    break

    usual = is_usual(text)
    for m in (_cap_run_re_usual()[0] if usual else _cap_run_re()).finditer(text):
        a, b = m.span()
        if b <= resume:
            continue
        if m.end(1) == b:
            # one word (most runs): a place only as a one-word name, or a level word
            kind, low, key, units = _one_word(text[a:b])
            if kind == 1:
                continue
            if kind == 2:
                pm = _found(text, a, b, a, [low], 0, 0, units, key, rules)
                if pm is not None:
                    out.append(pm)
                resume = b
            else:
                scan_part([(a, b)], [low])
        elif usual:
            # the same words recur ("Bảo hiểm Xã hội", "Hải Dương"): their names are known
            for spans, lows, hits in _run_plan(text[a:b]):
                if not hits and hits is not None:
                    continue                # no name starts anywhere in this part
                if hits is None or a + spans[0][0] < resume:
                    scan_part([(a + x, a + y) for x, y in spans], list(lows))
                    continue
                for k, j, key, units, x, y, z in hits:
                    pm = _found(text, a + x, a + y, a + z, lows, k, j, units, key, rules)
                    if pm is not None:
                        out.append(pm)
                    resume = a + y
        else:
            for run in _cap_words(text, m):
                scan_part(run, [text[x:y].lower() for x, y in run])
    return out


@functools.lru_cache(maxsize=1 << 15)
def _run_plan(run: str) -> tuple:
    """The parts of a run of capitalised words (the text of a `_cap_run_re_usual`
    match), split where a word is not capitalised after all, each as (word spans in
    `run`, lower-case words, names): names as `_scan_runs` finds them, (k, j, key,
    units, start, end, start of word j) for words k..j, when no earlier name reaches into the part; None when the
    part holds a level word (what follows it in the text counts)."""
    rules = _rules()
    by_key, max_len = _index()
    first, level_first = _first_words(), rules["level_first"]
    if "-" in run or "–" in run:
        spans = [t.span() for t in _cap_run_re_usual()[1].finditer(run)]
    else:                                   # words joined by single spaces
        spans = []
        a = 0
        for w in run.split(" "):
            spans.append((a, a + len(w)))
            a += len(w) + 1
    out = []
    for part in _capitalised_parts(run, spans):
        lows = tuple(run[x:y].lower() for x, y in part)
        if any(w in level_first for w in lows):
            out.append((tuple(part), lows, None))
            continue
        keys = [_fold_word(run[x:y]) for x, y in part]
        hits = []
        n = len(part)
        k = 0
        while k < n:
            nxt = k + 1
            if keys[k] in first:
                for length in range(min(max_len, n - k), 0, -1):
                    key = tuple(keys[k:k + length])
                    units = by_key.get(key)
                    if units:
                        j = k + length - 1
                        hits.append((k, j, key, units, part[k][0], part[j][1], part[j][0]))
                        nxt = k + length
                        break
            k = nxt
        out.append((tuple(part), lows, tuple(hits)))
    return tuple(out)


def _found(text: str, name_start: int, name_end: int, last_start: int, lows: list[str], k: int, j: int,
           units: list[Unit], key: tuple[str, ...], rules: dict) -> PlaceMention | None:
    """The mention of the name text[name_start:name_end] (its last word begins at
    `last_start`), words k..j of a run of capitalised words (`lows`, lower case), whose
    folded words `key` name `units`.

    The same name with the same few words before it recurs ("huyện Giao Thủy", "tỉnh
    Hải Dương"): the mention found is kept by the text from a few characters before
    the name (the first of `_WINDOWS` that holds everything read) to its end.
    """
    rest = (last_start - name_start, key, tuple(lows[:k]) if k else ())
    for w in _WINDOWS:
        ws = name_start - w if name_start > w else 0
        kept = _FOUND.get((text[ws:name_end], name_start - ws, rest), _FOUND)
        if kept is not _FOUND:
            if kept is None:
                return None
            lead, cands, level_word, plural, person, inexact = kept
            return _place_mention(name_start - lead, name_end, name_start, name_end, list(cands),
                                  level_word, inexact, plural, person, name_start, last_start)
    exact_units = _exact_units(" ".join(lows[k:j + 1]), key)
    before = _WordsBefore(text, name_start)
    pm = _mention_in_run(text, name_start, name_end, last_start, lows, k, units, exact_units, key, rules,
                         before)
    for w in _WINDOWS:
        ws = name_start - w if name_start > w else 0
        if before.low >= ws:
            if len(_FOUND) > 50_000:
                _FOUND.clear()
            _FOUND[(text[ws:name_end], name_start - ws, rest)] = None if pm is None else (
                name_start - pm.start, tuple(pm.candidates), pm.level_word, pm.plural, pm.person_cue,
                pm.inexact)
            break
    return pm


_WINDOWS = (8, 16, 32)
# (text from a window before a name to its end, the name's offset in it, (its last word's
# offset in it, its key, the words of its run before it)) -> the mention's (name_start -
# start, candidates, level word, plural, person cue, inexact), or None for no mention
_FOUND: dict[tuple, tuple | None] = {}


_fold_word = functools.lru_cache(maxsize=1 << 16)(fold_chars)


@functools.lru_cache(maxsize=1 << 16)
def _one_word(word: str) -> tuple[int, str, tuple[str, ...], list[Unit] | None]:
    """What a capitalised word alone may be: (kind, lower case, key, units), kind 1 for
    nothing (not capitalised after all, or no one-word name), 2 for a one-word name
    (`units`), 3 for a level word."""
    c = word[0]
    if not (c.isupper() or c.isdigit()):
        return 1, "", (), None
    low = word.lower()
    if low in _rules()["level_first"]:
        return 3, low, (), None
    key = (_fold_word(word),)
    units = _index()[0].get(key)
    return (2, low, key, units) if units else (1, low, key, None)


@functools.lru_cache(maxsize=1 << 14)
def _exact_units(written: str, key: tuple[str, ...]) -> tuple[Unit, ...]:
    """The units of by_key[key] whose name (or alias) is `written` (lower case) with its diacritics."""
    exact = gazetteer().by_exact.get(canonical_tones(written), [])
    exact_ids = {id(u) for u in exact}
    return tuple(u for u in _index()[0].get(key, ()) if id(u) in exact_ids)


@functools.lru_cache(maxsize=1)
def _cap_run_re() -> regex.Pattern:
    """`_CAP_RUN`, leaving out the runs that start with a digit ("2024", "95,5", "2 Giao
    Thủy") when no name, level word or surname can start with one (a third of all runs
    in news): the capitalised words after such a first word make a run of their own,
    and the names `_scan_runs` finds in them are the same (the words of a run before a
    name count only as level words, which `_WordsBefore` reads from the text, or as
    surnames)."""
    rules = _rules()
    if not all(w[:1].isalpha() for w in (*_first_words(), *rules["level_first"], *_surnames())):
        return _CAP_RUN
    return regex.compile(r"(?<!\w)(?<!\w['’])((?P<w>[^\W\p{Ll}\p{Nd}]\w*(?:['’]\w+)*))(?:" + _JOIN
                         + r"(?P<w>" + _CAP_WORD + r"))*")


@functools.lru_cache(maxsize=1)
def _cap_run_re_usual() -> tuple[re.Pattern, re.Pattern]:
    """`_cap_run_re()` and `_TOKEN` in the standard library's `re` (faster), their classes
    spelled out: for texts of usual characters only (literal_search.is_usual).

    The run pattern begins with its first character's class, so that `re` skips ahead
    to the next capital in C; the lookbehinds come after that character (".": it).
    """
    w = usual_class(r"\w")
    rest = w + "*(?:['’]" + w + "+)*"
    first = "(?<!" + w + ".)(?<!" + w + "['’].)"
    more = "(?:" + _JOIN + usual_class(r"[^\W\p{Ll}]") + rest + ")"
    cap = usual_class(r"[^\W\p{Ll}\p{Nd}]" if _cap_run_re() is not _CAP_RUN else r"[^\W\p{Ll}]")
    return re.compile("(" + cap + first + rest + ")" + more + "*"), re.compile(w + "+(?:['’]" + w + "+)*")


def _after_level_word(text: str, pos: int, lwmap: dict, prefixes: set, level_max: int) -> int | None:
    """The offset of the word after a level word written at `pos` ("Thành phố | Hà Nội"),
    None when no level word is written there or nothing follows it (`_level_word_at`)."""
    words = _TOKEN.finditer(text, pos)
    starts: list[int] = []
    lw_len = 0
    phrase: tuple[str, ...] = ()
    for w in words:
        starts.append(w.start())
        phrase += (w.group().lower(),)
        if phrase in lwmap:
            lw_len = len(phrase)
        if phrase not in prefixes or len(phrase) >= level_max:
            break
    if not lw_len:
        return None
    if len(starts) > lw_len:
        return starts[lw_len]
    w = next(words, None)
    return w.start() if w is not None else None


def _cap_words(text: str, m) -> list[list[tuple[int, int]]]:
    """The words of a `_CAP_RUN` match, split where a word is not capitalised after all."""
    a, b = m.span()
    spans = [(a, b)] if m.end(1) == b else list(zip(m.starts("w"), m.ends("w")))
    return _capitalised_parts(text, spans)


def _capitalised_parts(text: str, spans: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """The word `spans` of `text` in runs of words that begin with a capital or a digit."""
    runs: list[list[tuple[int, int]]] = []
    cur: list[tuple[int, int]] = []
    for sp in spans:
        c = text[sp[0]]
        if c.isupper() or c.isdigit():
            cur.append(sp)
        elif cur:
            runs.append(cur)
            cur = []
    if cur:
        runs.append(cur)
    return runs


def _name_at(text: str, pos: int) -> bool:
    """Is there a capitalised name of some unit starting at the word at `pos`? (`_longest`)"""
    c = text[pos]
    if not (c.isupper() or c.isdigit()):
        return False
    m = _CAP_RUN.match(text, pos)
    if m is None:
        return False
    by_key, max_len = _index()
    run = _cap_words(text, m)[0]
    keys = tuple(_fold_word(text[x:y]) for x, y in run[:max_len])
    return any(keys[:length] in by_key for length in range(len(keys), 0, -1))


class _WordsBefore:
    """The words before an offset, nearest first, read backwards on demand: get(1) is
    (start, end, lower-case word) of the word just before, get(d) of the d-th; None
    when the text has fewer. `low` is the lowest offset read so far (-1: the text's
    beginning was reached): nothing before it was looked at."""
    __slots__ = ("text", "words", "pos", "low")

    def __init__(self, text: str, pos: int):
        self.text, self.words, self.pos, self.low = text, [], pos, pos

    def get(self, d: int) -> tuple[int, int, str] | None:
        words = self.words
        if not words and self.pos > 1 and self.text[self.pos - 1] == " ":
            # most often a word and one space: "huyện Giao Thủy"
            text, end = self.text, self.pos - 1
            start = text.rfind(" ", 0, end) + 1
            if start - 1 < self.low:
                self.low = start - 1
            low = _whole_word(text[start:end])
            if low is not None:
                words.append((start, end, low))
                self.pos = start
        while len(words) < d:
            if self.pos < 0:
                return None
            m = _TOKEN_BEFORE.search(self.text, 0, self.pos)
            if m is None:
                self.pos = self.low = -1
                return None
            a, b = m.span()
            # the search looked at the character before the word (and further, past a quote)
            read = a - 1 if a and self.text[a - 1] not in "'’" else -1
            if read < self.low:
                self.low = read
            words.append((a, b, m.group().lower()))
            self.pos = a
        return words[d - 1]


_WHOLE_WORDS: dict[str, str | None] = {}


def _whole_word(chunk: str) -> str | None:
    """`chunk` lower-cased if it is one word (`_TOKEN`) from end to end, else None."""
    low = _WHOLE_WORDS.get(chunk, "")
    if low == "":
        if len(_WHOLE_WORDS) > 100_000:
            _WHOLE_WORDS.clear()
        low = _WHOLE_WORDS[chunk] = chunk.lower() if chunk and _TOKEN.fullmatch(chunk) else None
    return low


def _mention_in_run(text: str, name_start: int, name_end: int, last_start: int, lows: list[str], k: int,
                    units: list[Unit], exact_units, key: tuple[str, ...], rules: dict,
                    before: _WordsBefore | None = None) -> PlaceMention | None:
    """`_mention` for the name text[name_start:name_end], word k of a run of capitalised
    words (`lows`), its last word beginning at `last_start`."""
    before = _WordsBefore(text, name_start) if before is None else before
    lw, lw_start, plural = _level_word_before_name(text, before, name_start, rules)
    if lw and (lw + (lows[k],)) in rules["not_places"]:
        return None
    if lw is None and key in rules["needs_level"]:
        return None
    levels = rules["level_words"].get(lw, set()) if lw else None
    cands = [u for u in units if levels is None or u.level in levels]
    if not cands:
        return None
    cands, inexact = _narrowed(cands, exact_units, levels is None)
    person = False
    w1 = before.get(1) if lw is None else None
    if w1 is not None:
        # (a cue ends with the word before: fetch the one before that only then)
        w2 = before.get(2) if w1[2] in rules["person_cue_last"] else None
        cue = (w2[2], w1[2]) if w2 is not None else (w1[2],)
        if text[w1[1]:name_start].strip(" :") == "" and (cue in rules["person_cues"]
                                                          or cue[-1:] in rules["person_cues"]):
            person = True
        elif k > 0:
            # inside a personal name: "Nguyễn Thị Hà Nam", "Trần Thanh Đức"
            surnames = _surnames()
            person = any(lows[x] in surnames for x in range(k))
    start = lw_start if (lw is not None and not plural) else name_start
    return _place_mention(start, name_end, name_start, name_end, cands, " ".join(lw) if lw else None,
                          inexact, plural, person, name_start, last_start)


def _narrowed(cands: list[Unit], exact_units, bare: bool) -> tuple[list[Unit], bool]:
    """Of the candidates the level word allows, those named with the text's diacritics
    ("Tĩnh Hải" is not "Tỉnh Hải"), and whether the name matched only without them.

    All are kept when none is named so, or when a bare name names only 2025 units so,
    which no bare name stands for: "huyện Mù Cang Chải" and "Mù Cang Chải" are the
    district the data spells "Mù Căng Chải", whose 2025 commune is spelled as written."""
    if not exact_units:
        return cands, True
    exact = [u for u in cands if any(u is x for x in exact_units)]
    if not exact:
        return cands, True
    if bare and all(u.era == "2025" for u in exact):
        return cands, False
    return exact, False


def _level_word_before_name(text: str, before: _WordsBefore, start: int, rules: dict):
    """`_level_word_before` for a name at `start`: (level word key, its start, plural?)."""
    w1 = before.get(1)
    if w1 is None:
        return None, None, False
    lwmap = rules["level_words"]
    low1 = w1[2]
    gap = text[w1[1]:start]
    for length in rules["level_by_last"].get(low1, ()):
        first = before.get(length)
        if first is None:
            continue
        words = before.words
        key = tuple(words[d - 1][2] for d in range(length, 0, -1))
        if key not in lwmap:
            continue
        if key in rules["abbrev"]:
            if not text[first[0]].isupper() or gap not in (".", ". ", " ", "."):
                continue
            if len(key[0]) == 1 and gap not in (".", ". "):
                continue
        elif gap != " ":
            continue
        if any(text[before.get(d + 1)[1]:before.get(d)[0]] != " " for d in range(1, length)):
            continue
        prev = before.get(length + 1)
        plural = prev is not None and prev[2] in rules["plural"] and text[prev[1]:first[0]] == " "
        return key, first[0], plural
    # "các xã như Giao Hà", "các xã: Giao Yên"
    for skip in (1, 0):
        if skip and low1 not in ("như", "là", "gồm"):
            continue
        if not skip and gap.strip() != ":":
            continue
        db = 1 + skip                           # the level word's last word is the db-th before
        if before.get(2) is not None and before.get(db + 1) is not None:
            for length in (2, 1):
                da = db + length - 1        # its first word
                pw = before.get(da + 1)
                if pw is None:
                    continue
                key = tuple(before.get(d)[2] for d in range(da, db - 1, -1))
                if key in lwmap and pw[2] in rules["plural"]:
                    return key, before.get(da)[0], True
    return None, None, False


def _scan_tokens(text: str, toks: list[Token]) -> list[PlaceMention]:
    rules = _rules()
    by_key, max_len = _index()
    n = len(toks)
    out: list[PlaceMention] = []
    i = 0
    while i < n:
        t = toks[i]
        if not t.capital:
            i += 1
            continue
        # "TỈNH HẢI DƯƠNG": a level word starts no name when a name follows it
        lw_len = _level_word_at(toks, i, rules) if t.low in rules["level_first"] else 0
        if lw_len and i + lw_len < n and _longest(toks, i + lw_len, by_key, max_len):
            i += lw_len
            continue
        hit = None
        for length in range(_run_length(toks, i, max_len), 0, -1):
            j = i + length - 1
            key = tuple(toks[k].key for k in range(i, j + 1))
            units = by_key.get(key)
            if units:
                hit = (j, key, units)
                break
        if hit is None:
            i += 1
            continue
        j, key, units = hit
        exact = gazetteer().by_exact.get(canonical_tones(" ".join(toks[k].low for k in range(i, j + 1))), [])
        exact_ids = {id(u) for u in exact}
        exact_units = [u for u in units if id(u) in exact_ids]
        m = _mention(text, toks, i, j, units, exact_units, key, rules)
        if m is not None:
            out.append(m)
        i = j + 1
    return out


def _level_word_at(toks: list[Token], i: int, rules: dict) -> int:
    """Length (in tokens) of a level word written at token i, else 0."""
    for length in range(rules["level_max"], 0, -1):
        if tuple(t.low for t in toks[i:i + length]) in rules["level_words"]:
            return length
    return 0


def _longest(toks: list[Token], i: int, by_key: dict, max_len: int) -> bool:
    """Is there a capitalised name of some unit starting at token i?"""
    if not toks[i].capital:
        return False
    return any(tuple(toks[k].key for k in range(i, i + length)) in by_key
               for length in range(_run_length(toks, i, max_len), 0, -1))


def _mention(text: str, toks: list[Token], i: int, j: int, units: list[Unit], exact_units,
             key: tuple[str, ...], rules: dict) -> PlaceMention | None:
    # a level word (or "các xã", "các xã như") written before the name
    lw, lw_start, plural, before = _level_word_before(text, toks, i, rules)
    if lw and (lw + (toks[i].low,)) in rules["not_places"]:
        return None
    if lw is None and key in rules["needs_level"]:
        return None
    name_start, name_end = toks[i].start, toks[j].end
    levels = rules["level_words"].get(lw, set()) if lw else None
    cands = [u for u in units if levels is None or u.level in levels]
    if not cands:
        return None
    cands, inexact = _narrowed(cands, exact_units, levels is None)
    person = False
    if lw is None and before >= 0:
        prev = toks[before]
        gap = text[prev.end:toks[i].start]
        cue = tuple(t.low for t in toks[max(0, before - 1):before + 1])
        if gap.strip(" :") == "" and (cue in rules["person_cues"] or cue[-1:] in rules["person_cues"]):
            person = True
        elif toks[i].joined:
            # inside a personal name: "Nguyễn Thị Hà Nam", "Trần Thanh Đức"
            k = i
            while k > 0 and toks[k].joined:
                k -= 1
            person = any(toks[x].low in _surnames() for x in range(k, i))
    start = lw_start if (lw is not None and not plural) else name_start
    return PlaceMention(start, name_end, name_start, name_end, cands, level_word=" ".join(lw) if lw else None,
                        inexact=inexact, plural=plural, person_cue=person, first_token=toks[i].start,
                        last_token=toks[j].start)


def _level_word_before(text: str, toks: list[Token], i: int, rules: dict):
    """(level word key, its start offset, plural?, index of the token before the mention)."""
    lwmap = rules["level_words"]
    for length in range(min(rules["level_max"], i), 0, -1):
        a = i - length
        key = tuple(t.low for t in toks[a:i])
        if key not in lwmap:
            continue
        gap = text[toks[i - 1].end:toks[i].start]
        if key in rules["abbrev"]:
            if not toks[a].text[0].isupper() or gap not in (".", ". ", " ", "."):
                continue
            if len(key[0]) == 1 and gap not in (".", ". "):
                continue
        elif gap != " ":
            continue
        if any(text[toks[k - 1].end:toks[k].start] != " " for k in range(a + 1, i)):
            continue
        plural = a > 0 and toks[a - 1].low in rules["plural"] and text[toks[a - 1].end:toks[a].start] == " "
        return key, toks[a].start, plural, a - 1
    # "các xã như Giao Hà", "các xã: Giao Yên"
    if i >= 2:
        gap = text[toks[i - 1].end:toks[i].start]
        for skip in (1, 0):
            b = i - 1 - skip
            if b < 1:
                continue
            if skip and toks[i - 1].low not in ("như", "là", "gồm"):
                continue
            if not skip and gap.strip() != ":":
                continue
            for length in (2, 1):
                a = b - length + 1
                if a < 1:
                    continue
                key = tuple(t.low for t in toks[a:b + 1])
                if key in lwmap and toks[a - 1].low in rules["plural"]:
                    return key, toks[a].start, True, a - 1
    return None, None, False, i - 1


def _mark_bylines(text: str, mentions: list[PlaceMention]) -> None:
    """A bare name alone on one of the last lines is an author's byline, not a place."""
    tail = [(s, e, text[s:e].strip(" .-–")) for s, e in byline_lines(text)]
    if not tail:
        return
    first = tail[0][0]
    for m in mentions:
        if m.name_start < first or m.level_word:
            continue
        for s, e, line in tail:
            if s <= m.name_start < e and line == text[m.name_start:m.name_end]:
                m.byline = True


@for_last_text(copy=list)             # asked for by several finders
def line_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line of `text` (split at "\\n"), empty ones included."""
    out = []
    pos = 0
    for line in text.split("\n"):
        end = pos + len(line)
        out.append((pos, end))
        pos = end + 1
    return out


def last_lines(text: str, n: int) -> list[tuple[int, int]]:
    """(start, end) of the last `n` lines of `text` that are not blank, in text order:
    `[ln for ln in line_spans(text) if text[slice(*ln)].strip()][-n:]`, read from the end
    (and kept for the last text: several finders ask)."""
    if n <= 0:
        return []
    last = _last_tail
    if last[0] is not text or (last[1] < n and len(last[2]) == last[1]):
        k = max(n, 25)                  # (officials.py reads the last 25 for a signature)
        last[:] = [text, k, _last_lines_of(text, k)]
    return last[2][-n:]


_last_tail: list = [None, 0, []]        # the last text asked about, n, its last n lines


def byline_lines(text: str) -> list[tuple[int, int]]:
    """The lines where an author's name may stand alone: the last three that are not
    blank, but never the text's first one (a title or a dateline such as "Phú Yên",
    however short the text)."""
    tail = last_lines(text, 3)
    if tail and not text[:tail[0][0]].strip():
        tail = tail[1:]
    return tail


def _last_lines_of(text: str, n: int) -> list[tuple[int, int]]:
    out = []
    end = len(text)
    while len(out) < n:
        start = text.rfind("\n", 0, end) + 1
        if text[start:end].strip():
            out.append((start, end))
        if start == 0:
            break
        end = start - 1
    out.reverse()
    return out


@functools.lru_cache(maxsize=1)
def _level_then_name() -> tuple[LiteralStarts, LiteralStarts]:
    """A level word written out ("huyện", "Xã", "thị trấn"; no abbreviation), then the
    capitalised name after it (group 1), tried only where a level word stands (found by
    `str.find`): in the standard library's `re` for texts of usual characters, in `regex`
    for others. Whether a letter stands right before the level word is checked on each match."""
    words = {w for ws in load_yaml("places.yaml")["level_words"].values() for w in ws
             if w.islower() and "." not in w}
    forms = [v for w in sorted(words, key=len, reverse=True) for v in (w, w[0].upper() + w[1:])]
    head = "(?:" + "|".join(re.escape(v) for v in forms) + ")"
    name = r"\s+({Lu}{Ll}+(?:\s+{Lu}{Ll}+)*)"
    usual = re.compile(head + name.format(Lu=usual_class(r"\p{Lu}"), Ll=usual_class(r"\p{Ll}")))
    other = regex.compile(head + name.format(Lu=r"\p{Lu}", Ll=r"\p{Ll}"))
    return LiteralStarts(usual, forms), LiteralStarts(other, forms)


def unknown_places(text: str, places: list) -> list[tuple[int, int]]:
    """(start, end) of the names that follow a level word but are no place found in
    `text` ("huyện Xaphin": misspelt, foreign, or missing from the gazetteer), in text
    order. `places` are the place entities found in `text`, sorted by start. Left out: a
    level word and name that are never a place ("xã Hội", "tỉnh Ủy"), and a container
    written right after a place found ("xã Ia Tơi, huyện Ia H' Drai": what is said is of
    the first)."""
    starts = [e.start for e in places]
    not_places = _rules()["not_places"]
    usual, other = _level_then_name()
    out = []
    for m in (usual if is_usual(text) else other).finditer(text):
        a, b = m.span(1)
        i = bisect.bisect_right(starts, a)
        if i and places[i - 1].end > a:
            continue                                    # a place was found there
        lw = m.start()
        if lw and text[lw - 1].isalnum():
            continue                                    # "chuyện": no "huyện"
        if i and CONTAINER_GAP.fullmatch(text, places[i - 1].end, lw):
            continue
        if _words(text[lw:a]) + _words(m.group(1))[:1] in not_places:
            continue
        out.append((a, b))
    return out


# What stands between a place and its container written right after it: "xã Võ Miếu,
# huyện Thanh Sơn", "huyện Giao Thủy (Nam Định)", "Giao Tân - Giao Thủy".
CONTAINER_GAP = regex.compile(r"\s*[,(\-–]\s*")


# --------------------------------------------------------------------------- resolve
def build_context(mentions: list[PlaceMention], province_hint: str | None = None,
                  extra_provinces: dict[str, float] | None = None) -> Context:
    """The document's provinces and districts from its unambiguous place mentions."""
    g = gazetteer()
    ctx = Context()
    for code, w in (extra_provinces or {}).items():
        ctx.provinces[code] = ctx.provinces.get(code, 0) + w
    if province_hint:
        p = g.province(province_hint)
        if p is not None:
            ctx.provinces[p.code] = ctx.provinces.get(p.code, 0) + 10
            ctx.province = p.code
    for m in mentions:
        if m.person_cue or m.byline:
            continue
        prov = next((u for u in m.candidates if u.level == "province" and u.era == "old"), None)
        if prov and (m.level_word is None or "province" in _rules()["level_words"].get(tuple(m.level_word.split()), ())):
            if m.level_word is None or len({u.level for u in m.candidates}) == 1 or _type_fits(m, prov):
                ctx.provinces[prov.code] = ctx.provinces.get(prov.code, 0) + 1
                continue
        if not m.level_word:
            continue
        dists = [u for u in m.candidates if u.level == "district" and u.era == "old"]
        if dists and len({u.province_code for u in dists}) == 1:
            ctx.provinces[dists[0].province_code] = ctx.provinces.get(dists[0].province_code, 0) + 0.5
    if ctx.province is None and ctx.provinces:
        ctx.province = max(ctx.provinces, key=lambda c: ctx.provinces[c])
    return ctx


def _type_fits(m: PlaceMention, u: Unit) -> bool:
    if not m.level_word:
        return True
    types = _rules()["types"].get(tuple(m.level_word.split()))
    return not types or u.type in types or any(t in types for t in u.former_types)


def resolve(mentions: list[PlaceMention], text: str, ctx: Context) -> list[PlaceMention]:
    """Decide which mentions are places and which unit each is; returns the places."""
    parents = _chains_of(mentions, text)
    _resolve_pass(mentions, text, ctx, districts=False, parents=parents)
    # districts found so far are context for communes
    for m in mentions:
        if m.unit is not None and m.unit.level == "district" and len(m.group) == 1:
            ctx.districts[m.unit.code] = ctx.districts.get(m.unit.code, 0) + 1
            ctx.provinces.setdefault(m.unit.province_code, 0.5)
    if ctx.district is None and ctx.districts:
        ctx.district = max(ctx.districts, key=lambda c: ctx.districts[c])
    _resolve_pass(mentions, text, ctx, districts=True, parents=parents)
    _propagate_lists(mentions, text)
    _districts_named_like_provinces(mentions, ctx)
    return [m for m in mentions if m.unit is not None]


def _districts_named_like_provinces(mentions: list[PlaceMention], ctx: Context) -> None:
    """A bare "Quảng Ninh" among the districts of a Quảng Bình report is the district.

    A bare name read as another province becomes the main province's district of that
    name when its nearest resolved neighbours (before or after, within a few lines)
    are districts of the main province.
    """
    if ctx.province is None:
        return
    for k, m in enumerate(mentions):
        u = m.unit
        if u is None or u.level != "province" or m.level_word or u.code == ctx.province:
            continue
        local = [c for c in m.candidates if c.level == "district" and c.era == "old"
                 and c.province_code == ctx.province]
        if not local:
            continue
        near = [n for n in (mentions[k - 1] if k else None, mentions[k + 1] if k + 1 < len(mentions) else None)
                if n is not None and n.unit is not None and abs(n.start - m.start) < 200]
        if any(n.unit.level == "district" and n.unit.province_code == ctx.province for n in near):
            m.unit, m.group = local[0], local


def _parents(mentions: list[PlaceMention], k: int, text: str) -> list[PlaceMention]:
    """Mentions written right after mention k that name its parents ("X, huyện Y, tỉnh Z")."""
    out = []
    m = mentions[k]
    lowest = None
    cur = m
    for nxt in mentions[k + 1:k + 4]:
        if not _CHAIN_GAP.fullmatch(text[cur.end:nxt.start]):
            break
        if lowest is None:
            lowest = min(LEVEL_RANK[lv] for lv in m.levels)
        if not any(LEVEL_RANK[u.level] > lowest for u in nxt.candidates):
            break
        out.append(nxt)
        cur = nxt
    return out


_last_chains: list = [None, [], {}]     # the last text resolved, its mentions, their chains


def _chains_of(mentions: list[PlaceMention], text: str) -> dict[int, tuple[list[Unit], bool]]:
    """A dict for `_chained` results by mention index, kept for the last text and
    mentions (the pipeline resolves a document's mentions again with a province hint;
    the chains do not depend on the context)."""
    last = _last_chains
    if last[0] is not text or len(last[1]) != len(mentions) or \
            not all(a is b for a, b in zip(last[1], mentions)):
        last[:] = [text, list(mentions), {}]
    return last[2]


def _chained(mentions: list[PlaceMention], k: int, text: str) -> tuple[list[Unit], bool]:
    """The candidates of mention k inside the parents written after it (`_parents`), and
    whether any parent restricted them; its own candidates when none did."""
    cands = mentions[k].candidates
    chained = False
    for p in _parents(mentions, k, text):
        inside = _inside_any(p.candidates)
        kept = [u for u in cands if inside(u)]
        if kept:
            cands, chained = kept, True
    return cands, chained


def _inside_any(parents: list[Unit]):
    """A test, for many units u, of whether u lies inside one of `parents`: below a
    province parent, of the same era and its province, or of another era and in a
    province that is now the parent's; a commune of a district parent of its era."""
    same = set()                     # (era, province code) of the province parents
    current: dict[str, set] = {}     # era -> current codes of the province parents of that era
    dists = set()                    # (era, district code) of the district parents
    for pu in parents:
        if pu.level == "province":
            same.add((pu.era, pu.code))
            current.setdefault(pu.era, set()).add(pu.current_code)
        elif pu.level == "district":
            dists.add((pu.era, pu.code))

    def inside(u: Unit) -> bool:
        if u.level == "province":
            return False
        era = u.era
        if (era, u.province_code) in same:
            return True
        if any(e != era and u.current_code in codes for e, codes in current.items()):
            return True
        if dists and u.level == "commune":
            if (era, u.district_code) in dists:
                return True
            return any((era, c) in dists for c in u.former_district_codes)
        return False
    return inside


def _resolve_pass(mentions: list[PlaceMention], text: str, ctx: Context, districts: bool,
                  parents: dict[int, tuple[list[Unit], bool]] | None = None) -> None:
    parents = {} if parents is None else parents
    for k, m in enumerate(mentions):
        if m.person_cue or m.byline:
            continue
        if m.unit is not None and not districts:
            continue
        bare = m.level_word is None
        if bare and m.inexact and m.last_token == m.first_token:
            continue                    # "CHỦ" is not "Chũ", "Tự" is not "Tư"
        chain = parents.get(k)
        if chain is None:
            chain = parents[k] = _chained(mentions, k, text)
        cands, chained = chain           # (not changed below: filters make new lists)
        if bare and not chained:
            cands = _in_context_all(cands, ctx, districts)
            # a bare province name stays a province even when a district shares it
            provs = [u for u in cands if u.level == "province"]
            if provs:
                cands = provs
        if not cands:
            continue
        group = _best(cands, m, ctx)
        m.group = group
        m.unit = group[0]


def _in_context_all(cands: list[Unit], ctx: Context, districts: bool) -> list[Unit]:
    """The candidates the context supports: provinces, districts of the document's
    provinces, and (in the second pass) communes of its districts."""
    provinces, dists = ctx.provinces, ctx.districts
    out = []
    for u in cands:
        level = u.level
        if level == "province":
            out.append(u)
        elif level == "district":
            if u.era == "old" and u.province_code in provinces:
                out.append(u)
        elif level == "commune" and districts and u.era == "old" and dists and (
                u.district_code in dists or any(c in dists for c in u.former_district_codes)):
            out.append(u)
    return out


def _best(cands: list[Unit], m: PlaceMention, ctx: Context) -> list[Unit]:
    if len(cands) == 1:
        return list(cands)
    bare = m.level_word is None
    district, districts, province, provinces = ctx.district, ctx.districts, ctx.province, ctx.provinces
    types = None if bare else _rules()["types"].get(tuple(m.level_word.split()))     # as _type_fits
    provinces_old = gazetteer().provinces_old

    def province_weight(u: Unit):
        prov = u.province_code if u.era == "old" else None
        return provinces.get(prov, 0) if prov else (1 if any(
            provinces_old[c].current_code == u.province_code for c in provinces) else 0)

    # The candidates of the highest rank, in their order. A rank compares these keys in
    # turn, so the candidates left are those with the highest value of each key in turn:
    # a key is computed only for those left by the keys before it.
    ranks = (
        (lambda u: LEVEL_RANK[u.level]) if bare else None,     # a bare name: the larger unit
        lambda u: u.in_district(district),
        (lambda u: any(u.in_district(d) for d in districts)) if districts else None,
        lambda u: u.era == "old" and u.province_code is not None and u.province_code == province,
        province_weight,
        lambda u: not types or u.type in types or any(t in types for t in u.former_types),
        lambda u: u.era == "old",
        lambda u: not u.dissolved,
    )
    for rank in ranks:
        if rank is None:
            continue                        # the same for all
        values = [rank(u) for u in cands]
        top = max(values)
        cands = [u for u, v in zip(cands, values) if v == top]
        if len(cands) == 1:
            break
    return cands


@functools.lru_cache(maxsize=4096)
def _list_gap(gap: str) -> bool:
    """Does `gap` join two items of a list (`_LIST_GAP`)? The same gaps recur (", ", " và ")."""
    return _LIST_GAP.search(gap) is not None


def _propagate_lists(mentions: list[PlaceMention], text: str) -> None:
    """Bare names listed next to a resolved place of the same level and parent are places too."""
    changed = True
    while changed:
        changed = False
        for k, m in enumerate(mentions):
            if m.unit is not None or m.person_cue or m.byline:
                continue
            for nb in (mentions[k - 1] if k else None, mentions[k + 1] if k + 1 < len(mentions) else None):
                if nb is None or nb.unit is None:
                    continue
                gap = text[nb.end:m.start] if nb.start < m.start else text[m.end:nb.start]
                if "\n" in gap or not _list_gap(gap):
                    continue
                ref = nb.unit
                same = [u for u in m.candidates if u.level == ref.level and u.era == ref.era and
                        (u.in_district(ref.district_code) if ref.level == "commune" else
                         u.province_code == ref.province_code)]
                if same:
                    m.group, m.unit = same, same[0]
                    changed = True
                    break


# --------------------------------------------------------------------------- output
def place_entity(m: PlaceMention, text: str) -> Entity:
    u = m.unit
    assert u is not None
    group = m.group or [u]
    norm = {"name": u.name, "level": u.level, "province": u.province, "code": u.code,
            "current_province": u.current_province, "ambiguous": len(group) > 1,
            "candidates": len([c for c in m.candidates if c.level == u.level])}
    if m.inexact:
        written = " ".join(text[m.name_start:m.name_end].split())
        if not written.isupper() and name_key(written) == name_key(u.name):
            # "Giao Yên" where the map says "Giao Yến": report the text's spelling, keep the map's
            norm["name"], norm["gazetteer_name"] = written, u.name
    if u.level == "commune" and u.district:
        norm["district"] = u.district
    if len(group) > 1:
        for f in ("province", "code", "current_province"):
            if any(getattr(c, f) != getattr(u, f) for c in group[1:]):
                norm[f] = None
    if u.level == "province" and u.era == "old":
        norm["province"] = u.name
    return Entity(ENTITY_TYPE[u.level], text[m.start:m.end], m.start, m.end, norm,
                  method="rule", confidence=0.95 if len(group) == 1 else 0.6)


def find_places(text: str, *, province_hint: str | None = None, context: Context | None = None,
                mentions: list[PlaceMention] | None = None) -> list[Entity]:
    """Place entities (PROVINCE, DISTRICT, COMMUNE) of `text`."""
    ms = mentions if mentions is not None else scan(text)
    ctx = context if context is not None else build_context(ms, province_hint)
    return [place_entity(m, text) for m in resolve(ms, text, ctx)]


__all__ = ["scan", "resolve", "build_context", "find_places", "place_entity", "tokenize",
           "PlaceMention", "Context", "Token", "line_spans", "last_lines", "byline_lines",
           "unknown_places", "CONTAINER_GAP"]
