"""Records stage: coverage figures linked to region, scheme, metric and period.

`build_records` takes what the earlier stages found in one document and returns
`Record`s (contract section 3): figures of running text through `linker.py`,
figures of tables through `tables.py`, then duplicates dropped and impossible
figures filtered (`checks.py`).
"""
from __future__ import annotations

import bisect
from collections import Counter

from ..ingest.sentences import sentences as split_sentences
from .checks import drop_duplicates, drop_impossible
from .linker import Linker, Sentence
from .periods import role
from .regions import RegionResolver
from .schemes import scheme_finder
from .tables import table_records

PLACE_TYPES = ("PROVINCE", "DISTRICT", "COMMUNE")


def build_records(*, doc, view, meta, reference, numbers, dates, entities, context) -> list:
    from ..entities import gazetteer
    text = view.text
    source = doc.source
    schemes_all = scheme_finder().find(text)
    title = (meta or {}).get("title") or ""
    resolver = RegionResolver(gazetteer(), context, text, title, _title_scheme(title, schemes_all, text))

    table_spans = _clean_spans(view, [(t.start, t.end) for t in doc.tables if t.end > t.start])
    sents = []
    for sp in split_sentences(text):
        if any(a <= sp.start < b for a, b in table_spans):
            continue
        s = Sentence(sp.start, sp.end, sp.paragraph)
        s.numbers = [n for n in numbers if sp.start <= n.start and n.end <= sp.end]
        s.dates = [(d, role(text, d, sp.start)) for d in dates if sp.start <= d.start and d.end <= sp.end]
        s.schemes = [m for m in schemes_all if sp.start <= m.start and m.end <= sp.end]
        sents.append(s)

    skip = _headline_paragraphs(text, title, sents)
    places = [e for e in entities if e.type in PLACE_TYPES and e.normalized]
    orgs = [e for e in entities if e.type == "ORG"]
    linker = Linker(text=text, source=source, sentences=sents, places=places, orgs=orgs,
                    regions=resolver, reference=reference, view=view, original=doc.text,
                    skip_paragraphs=skip)
    records = linker.run()
    records += table_records(doc, resolver, reference, linker.state.asof)
    return drop_impossible(drop_duplicates(records))


def _title_scheme(title: str, mentions, text: str) -> str | None:
    if title:
        found = scheme_finder().find(title)
        if found:
            return found[0].scheme
    counts = Counter(m.scheme for m in mentions if not m.comparison)
    return counts.most_common(1)[0][0] if counts else None


def _headline_paragraphs(text: str, title: str, sents) -> set[int]:
    """Paragraphs that repeat the headline: their figures are the body's, counted once."""
    if not title or len(title) > 200 or title.rstrip().endswith("."):
        return set()
    key = " ".join(title.split()).lower()
    out = set()
    for s in sents:
        if " ".join(text[s.start:s.end].split()).lower() == key:
            out.add(s.paragraph)
    return out


def _clean_spans(view, spans):
    """Original-text spans mapped onto the clean text."""
    out = []
    to_orig = view.to_orig
    for a, b in spans:
        out.append((bisect.bisect_left(to_orig, a), bisect.bisect_left(to_orig, b)))
    return out
