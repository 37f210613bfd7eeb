"""Conflicts: one place, scheme, metric and day given values by different documents
that cannot all be true, beyond rounding and qualifiers.

Figures are grouped by place (level, name, province, diacritics folded), scheme,
metric, unit and as-of day; flows (rules/audit.yaml `stock_metrics` lists the
others) also by period start, and a change also by what it is compared to. Two
figures of a group from different documents conflict when their intervals
(facts.interval: rounding, "trên", "khoảng", tolerances) do not meet, so
"1,3 triệu" and 1.317.000, or "trên 99%" and 99,7%, agree. Figures within one
document are never compared with each other here, nor provisional stock figures
(as-of day after the document's publication, e.g. "năm 2021" written in October 2021).
"""
from __future__ import annotations

from collections import defaultdict

from .facts import Fact, config, disjoint, finding_item, interval
from .findings import Finding


def group_key(f: Fact, stock_metrics: set[str]) -> tuple | None:
    if not f.end_date or not f.metric or not f.scheme or not f.region:
        return None
    start = None if f.metric in stock_metrics else f.start_date
    compared = f.compared_end_date if f.metric == "participants_change" else None
    return (f.place, f.scheme, f.metric, f.unit or "", f.end_date, start, compared)


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:g}"


def find_conflicts(facts: list[Fact], cfg: dict | None = None) -> list[Finding]:
    """One Finding per group where two documents disagree; its items are every figure
    of the group (one per document and value), the disagreeing pairs named in the message."""
    cfg = cfg or config()
    c = cfg.get("conflicts", {})
    metrics = set(c.get("metrics") or [])
    stocks = set(c.get("stock_metrics") or [])
    skip_provisional = c.get("skip_provisional", True)
    groups: dict[tuple, list[Fact]] = defaultdict(list)
    for f in facts:
        if metrics and f.metric not in metrics:
            continue
        if skip_provisional and f.metric in stocks and f.provisional:
            continue
        key = group_key(f, stocks)
        if key is not None:
            groups[key].append(f)
    out: list[Finding] = []
    for key, group in groups.items():
        if len({f.doc_id for f in group}) < 2:
            continue
        seen, sides = set(), []
        for f in group:
            k = (f.doc_id, f.value, f.lo, f.hi, f.qualifier)
            if k not in seen:
                seen.add(k)
                sides.append(f)
        ivs = {f.id: interval(f, cfg=cfg) for f in sides}
        pairs = [(a, b) for i, a in enumerate(sides) for b in sides[i + 1:]
                 if a.doc_id != b.doc_id and disjoint(ivs[a.id], ivs[b.id])]
        if not pairs:
            continue
        involved = {f.id for p in pairs for f in p}
        items = [dict(finding_item(f), conflicting=f.id in involved) for f in sides]
        first = sides[0]
        said = "; ".join(f"{_says(a)} vs {_says(b)}" for a, b in pairs[:3])
        out.append(Finding(
            section="conflict", check="conflict", severity="error", region=first.region,
            level=first.level, province=first.province, scheme=first.scheme,
            metric=first.metric, period_end=key[4],
            message=f"{len({f.doc_id for f in sides})} documents disagree: {said}",
            items=items))
    out.sort(key=lambda x: (x.province or "", x.region or "", x.scheme or "", x.metric or "",
                            x.period_end or ""))
    return out


def _says(f: Fact) -> str:
    q = {"over": "over ", "under": "under ", "about": "about ", "at_least": "at least "}
    v = _fmt(f.value) if f.value is not None else f"{_fmt(f.lo)}-{_fmt(f.hi)}"
    unit = "%" if f.is_percent else ""
    return f"{q.get(f.qualifier, '')}{v}{unit} ({f.source})"
