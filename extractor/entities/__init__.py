"""Entities stage: places, organizations, officials and people in clean text.

    find_entities(text, *, province_hint=None, use_ner=True, publisher=None) -> list[Entity]
    document_places(text, entities, province_hint=None, publisher=None) -> dict
    publisher_province(url) -> old province code of the publisher a web address names
    gazetteer() -> Gazetteer
    format_entities_table(entities) -> rich.table.Table

`text` is the clean text of the ingest stage (NFC, canonical tones, one paragraph
per line); entity offsets point into it. Types: PROVINCE, DISTRICT, COMMUNE (places.py,
resolved against the gazetteer with the document's own context, context.py), ORG
(organizations.py), OFFICIAL and PERSON (officials.py, with underthesea's NER behind
the rules when `use_ner`). Figures and dates (COUNT, PERCENT, MONEY, DATE) come from
the normalize stage; figures.py turns them into entities. The spaCy frame is in
spacy_components.py.
"""
from __future__ import annotations

from ..model import Entity
from .context import document_places as _document_places
from .context import place_context, publisher_province
from .gazetteer import Gazetteer, Unit, gazetteer
from .officials import find_officials, link_officials, unique_officials
from .organizations import find_organizations
from .places import place_entity, resolve, scan

ENTITY_TYPES = ("PROVINCE", "DISTRICT", "COMMUNE", "ORG", "PERSON", "OFFICIAL")


_last_scan: list = [None, []]       # the last text scanned and its place mentions


def _scan(text: str) -> list:
    """`scan(text)`, kept for the last text: the pipeline asks again about a document
    with a province hint, and the mentions do not depend on it. Resolving sets only
    `unit` and `group` of a mention; they are reset as `scan` leaves them."""
    if _last_scan[0] is text:
        mentions = _last_scan[1]
        for m in mentions:
            m.unit, m.group = None, []
        return mentions
    mentions = scan(text)
    _last_scan[:] = [text, mentions]
    return mentions


_last_found: list = [None, None, []]    # the last text, its (places, doc, use_ner), its entities


def find_entities(text: str, *, province_hint: str | None = None, use_ner: bool = True,
                  publisher: str | None = None) -> list[Entity]:
    """Places, organizations, officials and people of `text`, in text order. `publisher`
    is the old province code of the document's publisher (`publisher_province`), if known."""
    mentions = _scan(text)
    ctx = place_context(text, mentions, province_hint, publisher)
    places = [place_entity(m, text) for m in resolve(mentions, text, ctx)]
    doc = _document_places(text, places, province_hint, publisher)
    # Asked again with a province hint, the places nearly always come out the same; the
    # rest depends only on them, the document's places and `use_ner`: kept for the last text.
    found = (places, doc, use_ner)
    if _last_found[0] is text and _last_found[1] == found:
        return list(_last_found[2])
    entities = _others(text, places, doc, use_ner)
    _last_found[:] = [text, found, entities]
    return list(entities)


def _others(text: str, places: list[Entity], doc: dict, use_ner: bool) -> list[Entity]:
    """`places` with the organizations, officials and people of `text`, in text order."""
    orgs = find_organizations(text, places, doc)
    people = find_officials(text, orgs, use_ner=use_ner)
    persons = [(p.start, p.end) for p in people if p.type == "PERSON"]
    places = [p for p in places if not any(a <= p.start and p.end <= b for a, b in persons)]
    out = places + orgs + link_officials(people)
    # sorted by (start, -end, type), stable: the keys made in one go (no call per entity)
    order = sorted([(e.start, -e.end, e.type, i) for i, e in enumerate(out)])
    return [out[k[3]] for k in order]


def document_places(text: str, entities: list[Entity], province_hint: str | None = None,
                    publisher: str | None = None) -> dict:
    """The document's own context: {"province", "district", "commune", codes, ...} (see context.py)."""
    out = _document_places(text, entities, province_hint, publisher)
    out.setdefault("commune", None)
    return out


def format_entities_table(entities, *, title: str | None = None):
    """A rich Table of entities (Entity objects or their dicts) for the CLI."""
    from rich.table import Table
    table = Table(title=title, show_lines=False)
    for col in ("type", "text", "start", "end", "normalized"):
        table.add_column(col, overflow="fold")
    for e in entities:
        d = e.to_dict() if isinstance(e, Entity) else e
        norm = d.get("normalized")
        if isinstance(norm, dict):
            norm = ", ".join(f"{k}={v}" for k, v in norm.items() if v not in (None, "", False, []))
        table.add_row(d["type"], d["text"], str(d["start"]), str(d["end"]),
                      "" if norm is None else str(norm))
    return table


__all__ = ["find_entities", "document_places", "publisher_province", "gazetteer", "Gazetteer", "Unit",
           "format_entities_table", "unique_officials", "ENTITY_TYPES"]
