"""The few dataclasses every stage shares.

A `Document` is what a reader produced from one input: its extracted text (all
evidence offsets point into it), its tables and pages, and what was noticed on
the way (warnings). `Entity` and `Record` are what later stages find in it;
`Extraction` bundles the three in the contract's dict form.

Nothing here does any work; each stage owns its own logic.
"""
from __future__ import annotations

import pickle
from dataclasses import dataclass, field
from typing import Any

SCHEMES = ("BHYT", "BHXH_TN", "BHXH_BB", "BHXH", "BHTN")
METRICS = (
    "participants", "coverage_rate", "plan_attainment", "rate", "participants_change",
    "target_coverage_rate", "target_participants", "participants_to_target",
    "non_participants", "cards_issued",
)
LEVELS = ("national", "province", "district", "commune")
UNITS = ("person", "percent", "card", "unit", "vnd")
QUALIFIERS = ("over", "under", "about", "at_least")
ENTITY_TYPES = ("PROVINCE", "DISTRICT", "COMMUNE", "ORG", "PERSON", "OFFICIAL",
                "COUNT", "PERCENT", "DATE", "MONEY")
DOC_TYPES = ("news", "official_letter", "plan", "report", "other")


@dataclass
class Cell:
    """One table cell: its text and where that text sits in `Document.text`."""
    text: str
    start: int
    end: int


@dataclass
class Table:
    """A table kept as rows of cells (the first rows are usually headers)."""
    rows: list[list[Cell]]
    page: int | None = None
    start: int = 0
    end: int = 0

    def texts(self) -> list[list[str]]:
        return [[c.text for c in row] for row in self.rows]


@dataclass
class Document:
    """One input after reading: Unicode text plus structure, before any analysis."""
    source: str
    text: str
    format: str = "txt"            # txt, md, html, pdf, docx, string
    sha256: str = ""
    encoding: str | None = None    # what the bytes were decoded from
    tables: list[Table] = field(default_factory=list)
    pages: list[tuple[int, int]] = field(default_factory=list)  # (start, end) of page n+1
    warnings: list[str] = field(default_factory=list)
    # Hints a reader may know better than the text does (HTML <title>, PDF info).
    hints: dict[str, Any] = field(default_factory=dict)

    def page_of(self, offset: int) -> int | None:
        for n, (s, e) in enumerate(self.pages, 1):
            if s <= offset < e:
                return n
        return None


@dataclass
class Entity:
    """A typed span; offsets point into the text the finder was given."""
    type: str
    text: str
    start: int
    end: int
    normalized: Any = None
    method: str = "rule"
    confidence: float = 1.0

    def to_dict(self) -> dict:
        return {"type": self.type, "text": self.text, "start": self.start, "end": self.end,
                "normalized": self.normalized, "method": self.method,
                "confidence": self.confidence}


@dataclass
class Region:
    name: str
    level: str
    province: str | None = None
    code: str | None = None
    current_province: str | None = None

    def to_dict(self) -> dict:
        return {"name": self.name, "level": self.level, "province": self.province,
                "code": self.code, "current_province": self.current_province}


@dataclass
class Record:
    """One coverage figure (contract section 3)."""
    source: str
    region: Region
    scheme: str
    metric: str
    value: float | int | list
    unit: str
    qualifier: str | None
    period: dict
    compared_to: dict | None
    evidence: dict
    confidence: float = 0.8
    method: str = "rule"
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        d = {
            "source": self.source,
            "region": self.region.to_dict(),
            "scheme": self.scheme,
            "metric": self.metric,
            "value": self.value,
            "unit": self.unit,
            "qualifier": self.qualifier,
            "period": self.period,
            "compared_to": self.compared_to,
            "evidence": self.evidence,
            "confidence": round(float(self.confidence), 3),
            "method": self.method,
        }
        d.update(self.extra)
        return d


class Extraction:
    """What `extractor.extract_text` returns: records, entities, document metadata.

    The pipeline hands over its entities as rows, `(type, start, end, normalized,
    method, confidence)` with offsets into `text`, and their dicts (`entity_dict`) are
    only made when `entities` is first read: most batch runs (extract, the benchmark)
    read only the records. Sent between processes, the entities travel as one pickled
    block that is likewise only unpacked when asked for (unpacking ~100 small dicts
    per document costs the parent process).
    """
    __slots__ = ("records", "document", "text", "_entities", "_rows", "_packed")

    def __init__(self, records: list[dict], entities: list[dict], document: dict, text: str = ""):
        self.records = records
        self.document = document
        self.text = text
        self._entities = entities
        self._rows: list[tuple] | None = None
        self._packed: bytes | None = None

    @classmethod
    def from_rows(cls, records: list[dict], rows: list[tuple], document: dict, text: str) -> Extraction:
        """An Extraction whose entities are rows (see the class docstring) into `text`."""
        ex = cls(records, None, document, text)   # type: ignore[arg-type]
        ex._rows = rows
        return ex

    @property
    def entities(self) -> list[dict]:
        if self._entities is None:
            if self._packed is not None:
                self._entities, self._rows = pickle.loads(self._packed)
                self._packed = None
            if self._entities is None:
                text = self.text
                self._entities = [entity_dict(row, text) for row in self._rows]
            self._rows = None
        return self._entities

    @entities.setter
    def entities(self, value: list[dict]) -> None:
        self._entities, self._rows, self._packed = value, None, None

    def __reduce__(self):
        packed = self._packed if self._packed is not None else \
            pickle.dumps((self._entities, self._rows), protocol=pickle.HIGHEST_PROTOCOL)
        return _unpack_extraction, (self.records, packed, self.document, self.text)

    def __eq__(self, other) -> bool:
        if not isinstance(other, Extraction):
            return NotImplemented
        return (self.records, self.entities, self.document, self.text) == \
            (other.records, other.entities, other.document, other.text)

    def __repr__(self) -> str:
        return (f"Extraction(records=<{len(self.records)}>, entities=<{len(self.entities)}>, "
                f"document={self.document!r}, text=<{len(self.text)} chars>)")

    def to_dict(self) -> dict:
        return {"records": self.records, "entities": self.entities, "document": self.document}


def entity_dict(row: tuple, text: str) -> dict:
    """The dict of an entity row `(type, start, end, normalized, method, confidence)`
    whose offsets point into `text`: the same keys, in the same order, as `Entity.to_dict`."""
    type_, start, end, normalized, method, confidence = row
    return {"type": type_, "text": text[start:end], "start": start, "end": end,
            "normalized": normalized, "method": method, "confidence": confidence}


def _unpack_extraction(records: list[dict], packed: bytes, document: dict, text: str) -> Extraction:
    ex = Extraction(records, None, document, text)   # type: ignore[arg-type]
    ex._packed = packed
    return ex
