"""Arithmetic checks: figures that cannot all be true together.

- change_vs_totals: a stated change ("giảm 47.522 người so với năm 2021") against the
  two stated totals of its document (participants at the period and at the compared
  period): 3.195.168 - 3.242.690 = -47.522 agrees; a wrong amount or sign does not.
- implied_population: participants / coverage rate is the population; it must be
  possible for a place of that level (rules/audit.yaml population_bounds), and
  coverage_over_100: a coverage rate above 100 %.
- coverage_vs_non_participants: a coverage rate against participants and the people
  "chưa tham gia" of the same place and day.
- population_spread (warning): implied populations of one place, within a few years,
  the largest more than `population_spread` above the smallest.
- part_above_whole / parts_sum_above_whole: a district's (commune's) participants above
  its province's, a province's above the country's, or the districts listed in one
  document adding up to more than their province.
All comparisons use facts.interval without tolerance slack (rounding and qualifiers only).
"""
from __future__ import annotations

import statistics
from collections import defaultdict

from .facts import INF, Fact, config, finding_item, half_unit, interval
from .findings import Finding


def _fmt(x: float) -> str:
    if x in (INF, -INF):
        return "∞" if x > 0 else "-∞"
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.4g}"


def _finding(check: str, severity: str, base: Fact, message: str, facts: list[Fact],
             period_end: str | None = None) -> Finding:
    return Finding(section="arithmetic", check=check, severity=severity, region=base.region,
                   level=base.level, province=base.province, scheme=base.scheme,
                   metric=base.metric, period_end=period_end or base.end_date, message=message,
                   items=[finding_item(f) for f in facts])


def _exact(f: Fact, cfg) -> tuple[float, float]:
    return interval(f, slack=False, cfg=cfg)


def check_changes(facts: list[Fact], cfg: dict) -> list[Finding]:
    a = cfg.get("arithmetic", {})
    same_doc = a.get("same_document_only", True)
    tol = float(a.get("change_tolerance", 1))
    totals: dict[tuple, list[Fact]] = defaultdict(list)
    for f in facts:
        if f.metric == "participants" and f.end_date and f.value is not None:
            totals[(f.place, f.scheme, f.end_date)].append(f)
    out = []
    for c in facts:
        if c.metric != "participants_change" or not c.end_date or not c.compared_end_date:
            continue
        now = totals.get((c.place, c.scheme, c.end_date), [])
        then = totals.get((c.place, c.scheme, c.compared_end_date), [])
        own_now = [f for f in now if f.doc_id == c.doc_id]
        own_then = [f for f in then if f.doc_id == c.doc_id]
        if own_now and own_then:
            now, then = own_now, own_then
        elif same_doc or not now or not then:
            continue
        p, q = now[0], then[0]
        p_lo, p_hi = _exact(p, cfg)
        q_lo, q_hi = _exact(q, cfg)
        implied = (p_lo - q_hi - tol, p_hi - q_lo + tol)
        stated = _exact(c, cfg)
        if stated[1] < implied[0] or implied[1] < stated[0]:
            diff = p.value - q.value
            sign = " (wrong sign)" if c.number and abs(abs(diff) - abs(c.number)) <= \
                half_unit(p) + half_unit(q) + half_unit(c) + tol else ""
            out.append(_finding(
                "change_vs_totals", "error", c,
                f"stated change {_fmt(c.number)} but {_fmt(p.value)} - {_fmt(q.value)} = "
                f"{_fmt(diff)}{sign}", [c, p, q]))
    return out


def _pairs(facts: list[Fact], metric_a: str, metric_b: str):
    """(a, b) pairs of the two metrics for the same document, place, scheme and day."""
    idx: dict[tuple, list[Fact]] = defaultdict(list)
    for f in facts:
        if f.metric == metric_b and f.end_date:
            idx[(f.doc_id, f.place, f.scheme, f.end_date)].append(f)
    for f in facts:
        if f.metric == metric_a and f.end_date:
            for g in idx.get((f.doc_id, f.place, f.scheme, f.end_date), []):
                yield f, g


def check_population(facts: list[Fact], cfg: dict) -> list[Finding]:
    a = cfg.get("arithmetic", {})
    schemes = set(a.get("population_schemes") or ["BHYT"])
    bounds = a.get("population_bounds") or {}
    max_rate = float(a.get("max_coverage_rate", 100.0))
    out = []
    for f in facts:
        if f.metric == "coverage_rate" and _exact(f, cfg)[0] > max_rate:
            out.append(_finding("coverage_over_100", "error", f,
                                f"a coverage rate of {_fmt(f.number)}% is above {max_rate:g}%",
                                [f]))
    implied: dict[tuple, list[tuple[float, Fact, Fact]]] = defaultdict(list)
    for n, r in _pairs(facts, "participants", "coverage_rate"):
        if n.scheme not in schemes or n.value is None or n.value <= 0:
            continue
        r_lo, r_hi = _exact(r, cfg)
        n_lo, n_hi = _exact(n, cfg)
        r_lo, r_hi = max(r_lo, 1e-9), min(r_hi, max_rate)
        if r_hi <= 0 or r_lo > r_hi:
            continue
        pop_lo, pop_hi = n_lo * 100 / r_hi, n_hi * 100 / r_lo
        lim = bounds.get(n.level or "")
        if lim and (pop_hi < lim[0] or pop_lo > lim[1]):
            out.append(_finding(
                "implied_population", "error", n,
                f"{_fmt(n.value)} participants at {_fmt(r.number)}% coverage means a "
                f"population of {_fmt(n.value * 100 / r.number)}, impossible for a "
                f"{n.level} ({_fmt(lim[0])}-{_fmt(lim[1])})", [n, r]))
        if r.value is not None and r.qualifier is None and n.qualifier is None:
            implied[(n.place, n.scheme)].append((n.value * 100 / r.value, n, r))
    out += _population_spread(implied, cfg)
    out += _non_participants(facts, cfg)
    return out


def _population_spread(implied, cfg) -> list[Finding]:
    a = cfg.get("arithmetic", {})
    spread = float(a.get("population_spread", 0.3))
    years = float(a.get("population_spread_years", 3))
    out = []
    for (_place, _scheme), items in implied.items():
        if len({n.doc_id for _, n, _ in items}) < 2:
            continue
        items.sort(key=lambda t: t[1].end_date)
        first, last = int(items[0][1].end_date[:4]), int(items[-1][1].end_date[:4])
        if last - first > years:
            continue
        pops = [p for p, _, _ in items]
        if max(pops) <= (1 + spread) * min(pops):
            continue
        med = statistics.median(pops)
        odd = max(items, key=lambda t: abs(t[0] - med))
        facts = []
        for p, n, r in items:
            facts += [n, r]
        pops = ", ".join(f"{_fmt(p)} ({n.end_date})" for p, n, _ in items)
        out.append(_finding("population_spread", "warning", items[0][1],
                            f"participants / coverage imply populations {pops}: more than "
                            f"{spread:.0%} apart", facts, period_end=odd[1].end_date))
    return out


def _non_participants(facts: list[Fact], cfg: dict) -> list[Finding]:
    tol = float(cfg.get("arithmetic", {}).get("coverage_vs_non_participants_tolerance", 0.5))
    out = []
    nonp = {(f.doc_id, f.place, f.scheme, f.end_date): f for f in facts
            if f.metric == "non_participants" and f.end_date and f.value is not None}
    for n, r in _pairs(facts, "participants", "coverage_rate"):
        m = nonp.get((n.doc_id, n.place, n.scheme, n.end_date))
        if m is None or n.value is None or r.number is None or n.value + m.value <= 0:
            continue
        n_lo, n_hi = _exact(n, cfg)
        m_lo, m_hi = _exact(m, cfg)
        lo = 100 * n_lo / (n_lo + m_hi) if n_lo + m_hi > 0 else 0
        hi = 100 * n_hi / (n_hi + m_lo) if n_hi + m_lo > 0 else 100
        r_lo, r_hi = _exact(r, cfg)
        if r_hi < lo - tol or r_lo > hi + tol:
            share = 100 * n.value / (n.value + m.value)
            out.append(_finding(
                "coverage_vs_non_participants", "error", r,
                f"coverage {_fmt(r.number)}% but {_fmt(n.value)} participants and "
                f"{_fmt(m.value)} not yet covered make {share:.2f}%", [r, n, m]))
    return out


def check_hierarchy(facts: list[Fact], cfg: dict) -> list[Finding]:
    metrics = set(cfg.get("arithmetic", {}).get("hierarchy_metrics") or ["participants"])
    wholes: dict[tuple, list[Fact]] = defaultdict(list)
    for f in facts:
        if f.metric in metrics and f.end_date and f.level in ("national", "province"):
            key = ("national",) if f.level == "national" else ("province", f.place[1])
            wholes[key + (f.scheme, f.metric, f.end_date)].append(f)
    out = []
    parts_by_doc: dict[tuple, dict[str, Fact]] = defaultdict(dict)
    for f in facts:
        if f.metric not in metrics or not f.end_date or f.level not in ("province", "district",
                                                                        "commune"):
            continue
        if f.level == "province":
            key = ("national", f.scheme, f.metric, f.end_date)
        else:
            key = ("province", f.place[2], f.scheme, f.metric, f.end_date)
            if f.level == "district":
                parts_by_doc[(f.doc_id,) + key].setdefault(f.place[1], f)
        part_lo = _exact(f, cfg)[0]
        for w in wholes.get(key, []):
            if part_lo > _exact(w, cfg)[1]:
                out.append(_finding(
                    "part_above_whole", "error", f,
                    f"{f.region} ({f.level}) has {_fmt(f.number)} but all of {w.region} "
                    f"has {_fmt(w.number)}", [f, w]))
    for (doc_id, *key), parts in parts_by_doc.items():
        if len(parts) < 2:
            continue
        total_lo = sum(_exact(p, cfg)[0] for p in parts.values())
        for w in wholes.get(tuple(key), []):
            if total_lo > _exact(w, cfg)[1] and not any(
                    _exact(p, cfg)[0] > _exact(w, cfg)[1] for p in parts.values()):
                some = next(iter(parts.values()))
                out.append(_finding(
                    "parts_sum_above_whole", "error", some,
                    f"{len(parts)} districts of {w.region} add up to {_fmt(total_lo)}, "
                    f"more than the {_fmt(w.number)} of the whole province",
                    list(parts.values()) + [w]))
    return out


def find_arithmetic(facts: list[Fact], cfg: dict | None = None) -> list[Finding]:
    """All arithmetic findings, in a stable order."""
    cfg = cfg or config()
    out = check_changes(facts, cfg) + check_population(facts, cfg) + check_hierarchy(facts, cfg)
    out.sort(key=lambda x: (x.check, x.province or "", x.region or "", x.period_end or ""))
    return out
