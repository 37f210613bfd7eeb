"""The shape of an audit result: a `Finding` (one problem and the figures behind it)
and `Series` (one place's figures over time). Plain data; no checking here."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Finding:
    section: str            # 'conflict' | 'arithmetic' | 'series'
    check: str              # e.g. 'conflict', 'change_vs_totals', 'implied_population', 'jump'
    severity: str           # 'error' (cannot all be true) | 'warning' (implausible)
    region: str | None
    level: str | None
    province: str | None
    scheme: str | None
    metric: str | None
    period_end: str | None  # the day the figures are about
    message: str
    items: list[dict] = field(default_factory=list)   # the figures involved (facts.finding_item)

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def sources(self) -> list[str]:
        return list(dict.fromkeys(str(i.get("source")) for i in self.items if i.get("source")))


@dataclass
class Series:
    region: str | None
    level: str | None
    province: str | None
    scheme: str | None
    metric: str | None
    points: list[dict] = field(default_factory=list)  # {date, value, values, sources, flag}
    flags: list[Finding] = field(default_factory=list)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["flags"] = [f.to_dict() for f in self.flags]
        return d
