"""Places in running text: find the names of provinces, districts and communes and
resolve each to a unit of the gazetteer, using the document's own context.

Two steps:
1. `scan(text)` finds every capitalised word sequence that is the name (or alias) of
   some unit, with the level word written before it ("huyện", "TP.", "các xã") and
   the cues around it (an honorific before it: a person, not a place). It works on
   folded word tokens and one dict look-up per candidate length, built once.
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

import functools
from dataclasses import dataclass, field

import regex

from ..ingest.cleanup import canonical_tones
from ..model import Entity
from ..normalize.text import fold
from ..rules import load_yaml
from .gazetteer import Unit, gazetteer, name_key

LEVEL_RANK = {"commune": 0, "district": 1, "province": 2}
ENTITY_TYPE = {"province": "PROVINCE", "district": "DISTRICT", "commune": "COMMUNE"}

_TOKEN = regex.compile(r"\w+(?:['’]\w+)*")
_NAME_GAP = regex.compile(r"(?: | ?[-–] ?)")
_CHAIN_GAP = regex.compile(r"\s*(?:,|\(|-|–|\bthuộc\b|\btại\b)\s*")
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
    first_token: int = 0
    last_token: int = 0
    unit: Unit | None = None               # the resolved unit
    group: list[Unit] = field(default_factory=list)   # units equally good after resolution

    @property
    def levels(self) -> set[str]:
        return {u.level for u in self.candidates}


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
    return {
        "level_words": level_words,
        "level_max": max(len(k) for k in level_words),
        "level_first": {k[0] for k in level_words},
        "types": types,
        "plural": {w.lower() for w in r["plural_words"]},
        "needs_level": {tuple(_TOKEN.findall(fold(w))) for w in r["needs_level_word"]},
        "person_cues": {_words(w) for w in r["person_cues"]},
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
    """Every capitalised name of a unit in `text`, longest first, without overlaps."""
    rules = _rules()
    by_key, max_len = _index()
    toks = tokens if tokens is not None else tokenize(text)
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
        m = _mention(text, toks, i, j, exact_units or units, key, rules)
        if m is not None:
            m.inexact = not exact_units
            out.append(m)
        i = j + 1
    _mark_bylines(text, out)
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


def _mention(text: str, toks: list[Token], i: int, j: int, units: list[Unit],
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
                        plural=plural, person_cue=person, first_token=i, last_token=j)


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
    lines = [ln for ln in line_spans(text) if text[ln[0]:ln[1]].strip()]
    tail = lines[-3:]
    for m in mentions:
        if m.level_word:
            continue
        for s, e in tail:
            if text[s:e].strip(" .-–") == text[m.name_start:m.name_end] and s <= m.name_start < e:
                m.byline = True


def line_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in regex.finditer(r"[^\n]*", text) if m.start() == 0 or text[m.start() - 1] == "\n"]


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
        provs = [u for u in m.candidates if u.level == "province" and u.era == "old"]
        if provs and (m.level_word is None or "province" in _rules()["level_words"].get(tuple(m.level_word.split()), ())):
            if m.level_word is None or len({u.level for u in m.candidates}) == 1 or _type_fits(m, provs[0]):
                ctx.provinces[provs[0].code] = ctx.provinces.get(provs[0].code, 0) + 1
                continue
        dists = [u for u in m.candidates if u.level == "district" and u.era == "old"]
        if m.level_word and dists and len({u.province_code for u in dists}) == 1:
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
    _resolve_pass(mentions, text, ctx, districts=False)
    # districts found so far are context for communes
    for m in mentions:
        if m.unit is not None and m.unit.level == "district" and len(m.group) == 1:
            ctx.districts[m.unit.code] = ctx.districts.get(m.unit.code, 0) + 1
            ctx.provinces.setdefault(m.unit.province_code, 0.5)
    if ctx.district is None and ctx.districts:
        ctx.district = max(ctx.districts, key=lambda c: ctx.districts[c])
    _resolve_pass(mentions, text, ctx, districts=True)
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
    lowest = min(LEVEL_RANK[lv] for lv in m.levels)
    cur = m
    for nxt in mentions[k + 1:k + 4]:
        if not _CHAIN_GAP.fullmatch(text[cur.end:nxt.start]):
            break
        if not any(LEVEL_RANK[u.level] > lowest for u in nxt.candidates):
            break
        out.append(nxt)
        cur = nxt
    return out


def _inside(u: Unit, parent: Unit) -> bool:
    if parent.level == "province":
        if u.level == "province":
            return False
        if u.era == parent.era:
            return u.province_code == parent.code
        return u.current_code == parent.current_code
    if parent.level == "district":
        return u.level == "commune" and u.era == parent.era and u.in_district(parent.code)
    return False


def _resolve_pass(mentions: list[PlaceMention], text: str, ctx: Context, districts: bool) -> None:
    for k, m in enumerate(mentions):
        if m.person_cue or m.byline:
            continue
        if m.unit is not None and not districts:
            continue
        cands = list(m.candidates)
        parents = _parents(mentions, k, text)
        chained = False
        for p in parents:
            kept = [u for u in cands if any(_inside(u, pu) for pu in p.candidates)]
            if kept:
                cands, chained = kept, True
        bare = m.level_word is None
        if bare and m.inexact and m.last_token == m.first_token:
            continue                    # "CHỦ" is not "Chũ", "Tự" is not "Tư"
        if bare and not chained:
            cands = [u for u in cands if u.level == "province" or _in_context(u, ctx, districts)]
            # a bare province name stays a province even when a district shares it
            provs = [u for u in cands if u.level == "province"]
            if provs:
                cands = provs
        if not cands:
            continue
        group = _best(cands, m, ctx)
        m.group = group
        m.unit = group[0]


def _in_context(u: Unit, ctx: Context, districts: bool) -> bool:
    if u.level == "district":
        return u.province_code in ctx.provinces if u.era == "old" else False
    if u.level == "commune" and districts:
        return u.era == "old" and any(u.in_district(d) for d in ctx.districts)
    return False


def _best(cands: list[Unit], m: PlaceMention, ctx: Context) -> list[Unit]:
    bare = m.level_word is None

    def rank(u: Unit) -> tuple:
        prov = u.province_code if u.era == "old" else None
        return (
            LEVEL_RANK[u.level] if bare else 0,     # a bare name: the larger unit
            u.in_district(ctx.district),
            any(u.in_district(d) for d in ctx.districts),
            prov is not None and prov == ctx.province,
            ctx.provinces.get(prov, 0) if prov else (1 if any(
                gazetteer().provinces_old[c].current_code == u.province_code for c in ctx.provinces) else 0),
            _type_fits(m, u),
            u.era == "old",
            not u.dissolved,
        )
    ranked = sorted(cands, key=rank, reverse=True)
    top = rank(ranked[0])
    return [u for u in ranked if rank(u) == top]


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
                if not _LIST_GAP.search(gap) or "\n" in gap:
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
    written = " ".join(text[m.name_start:m.name_end].split())
    if m.inexact and not written.isupper() and name_key(written) == name_key(u.name):
        # "Giao Yên" where the map says "Giao Yến": report the text's spelling, keep the map's
        norm["name"], norm["gazetteer_name"] = written, u.name
    if u.level == "commune" and u.district:
        norm["district"] = u.district
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
           "PlaceMention", "Context", "Token"]
