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
from .periods import read_in_text_years, role
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
    in_numbers, in_dates, in_schemes = _Within(numbers), _Within(dates), _Within(schemes_all)
    sents = []
    for sp in split_sentences(text):
        if any(a <= sp.start < b for a, b in table_spans):
            continue
        sents.append(Sentence(sp.start, sp.end, sp.paragraph, numbers=in_numbers(sp.start, sp.end),
                              dates=[(d, role(text, d, sp.start)) for d in in_dates(sp.start, sp.end)],
                              schemes=in_schemes(sp.start, sp.end)))

    if reference is None:
        read_in_text_years(sents)
    skip = _headline_paragraphs(text, title, sents)
    places = [e for e in entities if e.type in PLACE_TYPES and e.normalized]
    orgs = [e for e in entities if e.type == "ORG"]
    linker = Linker(text=text, source=source, sentences=sents, places=places, orgs=orgs,
                    regions=resolver, reference=reference, view=view, original=doc.text,
                    skip_paragraphs=skip)
    records = linker.run()
    # (tables are found in the original text, the as-of dates in the clean one)
    records += table_records(doc, resolver, reference,
                             lambda pos: linker.asof_at(_clean_offset(view, pos)))
    return drop_impossible(drop_duplicates(records))


class _Within:
    """The mentions lying in [start, end], in their given order, found by bisection on
    their start offsets (not by a pass over all mentions for every sentence)."""

    def __init__(self, mentions):
        self.mentions = list(mentions)
        self.order = sorted(range(len(self.mentions)), key=lambda i: self.mentions[i].start)
        self.starts = [self.mentions[i].start for i in self.order]
        # a mention ending before it starts could lie in a span that its start is past
        self.sane = all(m.end >= m.start for m in self.mentions)
        self.in_order = self.order == list(range(len(self.mentions)))

    def __call__(self, start: int, end: int) -> list:
        ms = self.mentions
        if not self.sane:
            return [m for m in ms if start <= m.start and m.end <= end]
        lo = bisect.bisect_left(self.starts, start)
        hi = bisect.bisect_right(self.starts, end)
        if self.in_order:                 # the usual case: sorted already
            return [m for m in ms[lo:hi] if m.end <= end]
        idx = sorted(i for i in self.order[lo:hi] if ms[i].end <= end)
        return [ms[i] for i in idx]


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
    first_word = key.split(" ", 1)[0]
    out = set()
    for s in sents:
        sentence = text[s.start:s.end]
        head = sentence.split(None, 1)     # its first word is compared first (cheap)
        if (head[0].lower() if head else "") == first_word \
                and " ".join(sentence.split()).lower() == key:
            out.add(s.paragraph)
    return out


def _clean_spans(view, spans):
    """Original-text spans mapped onto the clean text."""
    return [(_clean_offset(view, a), _clean_offset(view, b)) for a, b in spans]


def _clean_offset(view, pos: int) -> int:
    """The clean-text offset of an original-text offset (the first clean character at or
    after it)."""
    return bisect.bisect_left(view.to_orig, pos)
