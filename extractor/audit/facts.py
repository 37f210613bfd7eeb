"""Records as the audit sees them: keyed by place, scheme, metric and day, read as intervals.

`load_facts(db)` reads every record of the database into a `Fact`. `interval(fact)`
is the range of true values the text allows: the value +- half the unit of its last
written digit (see `rounding_unit`), opened by its qualifier ("trên" has no upper
bound), and, with `slack`, loosened by the tolerances of rules/audit.yaml.
`finding_item(fact)` is how a fact is shown in a finding (value, source, evidence).

It does not decide what is wrong (conflicts.py, arithmetic.py, series.py do).
"""
from __future__ import annotations

import math
import os
import sqlite3
from dataclasses import dataclass

import regex

from ..rules import load_yaml
from ..store.db import connect
from ..store.fold import fold, nfc
from ..store.periods import last_day

_FIGURE = regex.compile(r"\d+(?:[.,]\d+)*")
INF = math.inf


def config() -> dict:
    return load_yaml("audit.yaml") or {}


@dataclass(frozen=True)
class Fact:
    id: int
    doc_id: int
    source: str | None
    title: str | None
    published: str | None
    region: str | None
    level: str | None
    province: str | None
    scheme: str | None
    metric: str | None
    value: float | None        # None for a range
    lo: float | None
    hi: float | None
    unit: str | None
    qualifier: str | None
    start_date: str | None     # period start, expanded to a day
    end_date: str | None       # as-of day (period end expanded to its last day)
    period_end: str | None     # as written in the record
    compared_end_date: str | None
    evidence: str | None
    value_text: str | None

    @property
    def place(self) -> tuple:
        """Identity of the place: level, folded name, folded province."""
        return (self.level or "", fold(nfc(self.region or "")).strip(),
                fold(nfc(self.province or "")).strip() if self.level != "national" else "")

    @property
    def provisional(self) -> bool:
        """As-of day after the document's publication: a figure not yet final (or a plan)."""
        pub = (self.published or "")[:10]
        return bool(self.end_date and len(pub) == 10 and self.end_date > pub)

    @property
    def is_percent(self) -> bool:
        return self.unit == "percent" or (self.metric or "").endswith("rate") \
            or self.metric == "plan_attainment"

    @property
    def number(self) -> float | None:
        """The value, or the middle of a range."""
        if self.value is not None:
            return self.value
        if self.lo is not None and self.hi is not None:
            return (self.lo + self.hi) / 2
        return None


def rounding_unit(value: float | None, value_text: str | None, percent: bool) -> float:
    """The unit of the last digit written: "99,9%" -> 0.1, "1,3 triệu" -> 100000, "88%" -> 1.

    Worked out from the digits as written and the normalized value (so it needs no
    knowledge of separators or multiplier words). Spelled-out or missing figures get
    a unit one tenth of their magnitude.
    """
    if value is None or value == 0:
        return 0.1 if percent else 1.0
    v = abs(value)
    chunks = _FIGURE.findall(value_text or "")
    if chunks:
        digits = "".join(ch for ch in chunks[-1] if ch.isdigit()).lstrip("0")
        if digits:
            d = int(digits)
            u = 10.0 ** round(math.log10(v / d))
            if abs(u * d - v) <= 0.01 * v:
                return u
    return 10.0 ** (math.floor(math.log10(v)) - 1) if not percent else 0.1


def half_unit(f: Fact) -> float:
    ref = f.value if f.value is not None else f.hi
    return rounding_unit(ref, f.value_text, f.is_percent) / 2


def interval(f: Fact, *, slack: bool = True, cfg: dict | None = None) -> tuple[float, float]:
    """The values the figure allows (see module doc). (-inf, inf) if it has no value."""
    c = (cfg or config()).get("conflicts", {})
    lo = f.value if f.value is not None else f.lo
    hi = f.value if f.value is not None else f.hi
    if lo is None or hi is None:
        return (-INF, INF)
    w = half_unit(f)
    mag = max(abs(lo), abs(hi))
    if slack:
        w = max(w, c.get("percent_tolerance", 0.05) / 2 if f.is_percent
                else c.get("count_tolerance", 0.005) / 2 * mag)
    if f.qualifier == "about":
        about = c.get("about", {})
        w = max(w, about.get("percent", 1.0) if f.is_percent else about.get("count", 0.05) * mag)
    lo, hi = lo - w, hi + w
    if f.qualifier in ("over", "at_least"):
        hi = INF
    elif f.qualifier == "under":
        lo = -INF
    return lo, hi


def disjoint(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[1] < b[0] or b[1] < a[0]


def load_facts(db: str | os.PathLike | sqlite3.Connection) -> list[Fact]:
    """Every record of the database, as Facts (records without a value are skipped)."""
    own = not isinstance(db, sqlite3.Connection)
    if own and not os.path.exists(db):
        raise FileNotFoundError(f"no database at {db}")
    conn = connect(db, readonly=True) if own else db
    try:
        rows = conn.execute(
            "SELECT r.id, r.doc_id, r.source, d.title, d.published, r.region_name, "
            "r.region_level, r.province, r.scheme, r.metric, r.value, r.value_lo, r.value_hi, "
            "r.unit, r.qualifier, r.period_start_date, r.period_end_date, r.period_end, "
            "r.compared_end, r.evidence_text, r.value_text "
            "FROM records r JOIN documents d ON d.id = r.doc_id "
            "WHERE r.value IS NOT NULL OR r.value_lo IS NOT NULL ORDER BY r.id").fetchall()
    finally:
        if own:
            conn.close()
    return [Fact(id=r[0], doc_id=r[1], source=r[2], title=r[3], published=r[4], region=r[5],
                 level=r[6], province=r[7], scheme=r[8], metric=r[9], value=r[10], lo=r[11],
                 hi=r[12], unit=r[13], qualifier=r[14], start_date=r[15], end_date=r[16],
                 period_end=r[17], compared_end_date=last_day(r[18]) if r[18] else None,
                 evidence=r[19], value_text=r[20]) for r in rows]


def finding_item(f: Fact) -> dict:
    """A fact as one side of a finding: what it says and where."""
    value = f.value if f.value is not None else [f.lo, f.hi]
    return {"record_id": f.id, "doc_id": f.doc_id, "region": f.region, "level": f.level,
            "metric": f.metric, "value": value, "value_text": f.value_text,
            "qualifier": f.qualifier, "period_end": f.period_end, "source": f.source,
            "title": f.title, "published": f.published, "evidence": f.evidence}
