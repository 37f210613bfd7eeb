"""Time series per place and scheme, with the steps that look like errors marked.

For each place, scheme and metric of rules/audit.yaml `series.metrics`, the figures
are ordered by as-of day (one point per day: the median of what the documents say;
disagreements are the conflicts' business). A step between neighbours is too big
when it exceeds the plausible change per year (participants: relative; coverage:
percentage points; at least one year assumed between any two points) or when one
value is `magnitude_ratio` times the other within a couple of years. A point that
jumps away and comes back is a 'spike' (that point is the likely error); other big
steps are 'jump's.
Figures with a qualifier ("trên", "khoảng"), a range, or provisional (as-of day after
publication) are left out of the series. Thresholds may differ per scheme.
"""
from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import date

from .facts import Fact, config, finding_item
from .findings import Finding, Series


def _day(iso: str) -> date:
    return date.fromisoformat(iso[:10])


def _per_scheme(value, scheme: str | None, fallback: float) -> float:
    if isinstance(value, dict):
        return float(value.get(scheme, value.get("default", fallback)))
    return float(value if value is not None else fallback)


def _too_big(a: float, b: float, years: float, metric: str, scheme: str | None,
             s: dict) -> bool:
    if a <= 0 or b <= 0:
        return False
    ratio = float(s.get("magnitude_ratio", 5.0))
    if years <= float(s.get("magnitude_within_years", 2)) and max(a, b) / min(a, b) >= ratio:
        return True
    span = max(years, 1.0)
    if metric == "coverage_rate":
        return abs(b - a) > _per_scheme(s.get("coverage_points_per_year"), scheme, 12.0) * span
    limit = _per_scheme(s.get("participants_change_per_year"), scheme, 0.25)
    return abs(b - a) / min(a, b) > limit * span


def build_series(facts: list[Fact], cfg: dict | None = None) -> list[Series]:
    """Every series with its points; `flags` holds the suspicious steps."""
    cfg = cfg or config()
    s = cfg.get("series", {})
    metrics = s.get("metrics") or ["participants", "coverage_rate"]
    skip_provisional = cfg.get("conflicts", {}).get("skip_provisional", True)
    groups: dict[tuple, list[Fact]] = defaultdict(list)
    for f in facts:
        if f.metric in metrics and f.end_date and f.value is not None and not f.qualifier \
                and f.region and not (skip_provisional and f.provisional):
            groups[(f.place, f.scheme, f.metric)].append(f)
    out = []
    for (_place, scheme, metric), group in groups.items():
        by_day: dict[str, list[Fact]] = defaultdict(list)
        for f in group:
            by_day[f.end_date].append(f)
        first = group[0]
        series = Series(region=first.region, level=first.level, province=first.province,
                        scheme=scheme, metric=metric)
        for day in sorted(by_day):
            fs = by_day[day]
            series.points.append({
                "date": day, "value": statistics.median(f.value for f in fs),
                "values": sorted({f.value for f in fs}),
                "sources": list(dict.fromkeys(f.source for f in fs)),
                "facts": fs, "flag": None})
        _mark(series, s)
        for p in series.points:
            p.pop("facts")
        out.append(series)
    out.sort(key=lambda x: (x.province or "", x.level != "province", x.region or "",
                            x.scheme or "", x.metric or ""))
    return out


def _mark(series: Series, s: dict) -> None:
    pts = series.points
    big = []
    for a, b in zip(pts, pts[1:]):
        years = (_day(b["date"]) - _day(a["date"])).days / 365.25
        big.append(_too_big(a["value"], b["value"], years, series.metric, series.scheme, s))
    i = 0
    while i < len(big):
        if not big[i]:
            i += 1
            continue
        a, b = pts[i], pts[i + 1]
        spike = i + 1 < len(big) and big[i + 1] and \
            (b["value"] - a["value"]) * (pts[i + 2]["value"] - b["value"]) < 0
        if spike:
            b["flag"] = "spike"
            c = pts[i + 2]
            msg = (f"{_v(b['value'], series.metric)} on {b['date']} between "
                   f"{_v(a['value'], series.metric)} ({a['date']}) and "
                   f"{_v(c['value'], series.metric)} ({c['date']})")
            facts = b["facts"]
            check, i = "spike", i + 2
        else:
            b["flag"] = b["flag"] or "jump"
            msg = (f"from {_v(a['value'], series.metric)} ({a['date']}) to "
                   f"{_v(b['value'], series.metric)} ({b['date']})")
            facts = a["facts"] + b["facts"]
            check, i = "jump", i + 1
        series.flags.append(Finding(
            section="series", check=check, severity="warning", region=series.region,
            level=series.level, province=series.province, scheme=series.scheme,
            metric=series.metric, period_end=b["date"], message=msg,
            items=[finding_item(f) for f in facts]))


def _v(x: float, metric: str) -> str:
    return f"{x:g}%" if metric == "coverage_rate" else f"{x:,.0f}"
