"""Where a document is about: its own province and district, from its own text.

Evidence, strongest first: the caller's hint; a source tag of a provincial paper
("(HG) - ...", rules/source_tags.tsv) or its web domain ("baolangson.vn") in the text;
places in the title, letterhead and first lines; the places mentioned most often (bare
province names and "tỉnh X", districts named with a level word); last, the publisher
that the document's own web address names (`publisher_province`), which decides only
when the text names no place. `document_places` reports the
result for the pipeline; `place_context` gives the weights that `places.resolve` uses.
Nothing here finds place names itself (see places.py).
"""
from __future__ import annotations

import functools
import re
from urllib.parse import urlsplit

import regex

from ..last_text import for_last_text
from ..model import Entity
from ..normalize.text import fold_key
from ..rules import load_tsv, load_yaml
from .gazetteer import gazetteer
from .places import Context, PlaceMention, build_context

HEAD_CHARS = 300            # the title, dateline and letterhead live here
HEAD_WEIGHT = 3.0
TAG_WEIGHT = 5.0
# The publisher known from the document's web address: less than one mention of a
# province or of a district with its level word, so it decides only when the text names
# no place at all, or breaks a tie.
PUBLISHER_WEIGHT = 0.25

_TAG = regex.compile(r"(?:^|\n)\s*\(([\p{Lu}\p{Ll}]{1,6})\)\s*[-–—:]?")
_DOMAIN = regex.compile(r"\bbao([a-z]{4,20})\.(?:vn|com\.vn|org\.vn)\b", regex.I)
_VN = re.compile(r"\.[vV][nN]")      # what every match of _DOMAIN holds, found fast


@functools.lru_cache(maxsize=1)
def _source_tags() -> dict[str, str]:
    return {r["tag"]: r["province"] for r in load_tsv("source_tags.tsv")}


@functools.lru_cache(maxsize=1)
def _province_by_joined_key() -> dict[str, str]:
    g = gazetteer()
    return {fold_key(u.name): u.code for u in g.provinces_old.values()}


@for_last_text(copy=dict)     # asked twice per document (place_context, document_places)
def source_provinces(text: str) -> dict[str, float]:
    """Old province codes named by source tags and provincial papers' web domains."""
    return _source_provinces(text)


def _source_provinces(text: str) -> dict[str, float]:
    out: dict[str, float] = {}
    g = gazetteer()
    tags = _source_tags()
    head = text[:2000]
    for m in (_TAG.finditer(head) if _may_have_tag(head) else ()):
        name = tags.get(m.group(1))
        p = g.province(name) if name else None
        if p is not None:
            out[p.code] = out.get(p.code, 0) + TAG_WEIGHT
    # a domain holds ".vn" in some case: most texts have none, and the search is slow
    for m in (_DOMAIN.finditer(text) if _VN.search(text) else ()):
        code = _province_by_joined_key().get(m.group(1).lower())
        if code:
            out[code] = out.get(code, 0) + TAG_WEIGHT
    return out


def publisher_province(url: str | None) -> str | None:
    """The old province code of the publisher a web address names ("https://baodongnai.com.vn/..."
    -> Đồng Nai's), or None: a host label equal to a province's joined name after one of
    `publisher_host_prefixes` (rules/places.yaml), or listed in rules/publisher_hosts.tsv.
    An address that names two provinces names none."""
    if not url:
        return None
    try:
        host = (urlsplit(url.strip()).hostname or "").lower()
    except ValueError:
        return None
    keys = _province_by_joined_key()
    named = _publisher_hosts()
    prefixes = load_yaml("places.yaml")["publisher_host_prefixes"]
    found = {keys[label[len(pre):]] for label in host.split(".") for pre in prefixes
             if label.startswith(pre) and label[len(pre):] in keys}
    found |= {named[label] for label in host.split(".") if label in named}
    return found.pop() if len(found) == 1 else None


@functools.lru_cache(maxsize=1)
def _publisher_hosts() -> dict[str, str]:
    """Host labels of rules/publisher_hosts.tsv -> old province codes."""
    g = gazetteer()
    return {r["label"].strip().lower(): g.province(r["province"]).code
            for r in load_tsv("publisher_hosts.tsv") if g.province(r["province"]) is not None}


def _may_have_tag(head: str) -> bool:
    """Is there a "(" with only white space before it on its line and a ")" 2-7 characters
    after it? (`_TAG` matches nothing otherwise: the search is slow, most texts have none.)"""
    p = head.find("(")
    while p >= 0:
        if ")" in head[p + 2:p + 8] and not head[head.rfind("\n", 0, p) + 1:p].strip():
            return True
        p = head.find("(", p + 1)
    return False


def place_context(text: str, mentions: list[PlaceMention], province_hint: str | None = None,
                  publisher: str | None = None) -> Context:
    """The weighted provinces of the document, for resolving its place names; `publisher`
    is the old code of the province of the document's publisher (`publisher_province`)."""
    extra = source_provinces(text)
    if publisher:
        extra[publisher] = extra.get(publisher, 0) + PUBLISHER_WEIGHT
    for m in mentions:
        if m.start < HEAD_CHARS and not m.person_cue and not m.byline:
            provs = [u for u in m.candidates if u.level == "province" and u.era == "old"]
            if len(provs) == 1 and (m.level_word is None or m.level_word in ("tỉnh", "thành phố", "tp")):
                extra[provs[0].code] = extra.get(provs[0].code, 0) + HEAD_WEIGHT
    return build_context(mentions, province_hint, extra)


def document_places(text: str, entities: list[Entity], province_hint: str | None = None,
                    publisher: str | None = None) -> dict:
    """The document's own place context from its text, its found entities and the
    province of its publisher (an old province code, see `publisher_province`).

    Returns {"province", "province_code", "current_province", "district", "district_code",
    "provinces": [names, most weight first], "districts": [names]}; unknown -> None/[].
    """
    g = gazetteer()
    weights: dict[str, float] = dict(source_provinces(text))
    if publisher:
        weights[publisher] = weights.get(publisher, 0) + PUBLISHER_WEIGHT
    dweights: dict[str, float] = {}
    if province_hint and g.province(province_hint):
        weights[g.province(province_hint).code] = weights.get(g.province(province_hint).code, 0) + 10
    for e in entities:
        n = e.normalized if isinstance(e.normalized, dict) else {}
        head = HEAD_WEIGHT if e.start < HEAD_CHARS else 1.0
        if e.type == "PROVINCE" and n.get("code") and not n.get("ambiguous"):
            p = g.unit("province", n["code"])
            if p is not None:
                weights[p.code] = weights.get(p.code, 0) + head
        elif e.type == "DISTRICT" and n.get("code") and not n.get("ambiguous"):
            d = g.unit("district", n["code"])
            if d is not None:
                dweights[d.code] = dweights.get(d.code, 0) + head
                weights[d.province_code] = weights.get(d.province_code, 0) + 0.5 * head
    provinces = sorted(weights, key=lambda c: -weights[c])
    districts = sorted(dweights, key=lambda c: -dweights[c])
    p = g.provinces_old.get(provinces[0]) if provinces else None
    if p is not None:
        districts = [c for c in districts if g.unit("district", c).province_code == p.code]
    # a document is about a district when the title names it or it dominates the text
    d = None
    if districts:
        top = dweights[districts[0]]
        second = dweights[districts[1]] if len(districts) > 1 else 0.0
        if top >= HEAD_WEIGHT and top >= 2 * second:
            d = g.unit("district", districts[0])
    return {
        "province": p.name if p else None,
        "province_code": p.code if p else None,
        "current_province": p.current_province if p else None,
        "district": d.name if d else None,
        "district_code": d.code if d else None,
        "provinces": [g.provinces_old[c].name for c in provinces],
        "districts": [g.unit("district", c).name for c in districts],
    }


__all__ = ["document_places", "place_context", "publisher_province", "source_provinces"]
