"""Last checks on a document's records: duplicates out, impossible figures out.

A figure said twice (a lead repeated in the body, the same table cell read
twice) is kept once. A figure that cannot be right given the others of the
same sentence is dropped rather than stored, and so is one that nothing in the
document dates: a change larger than the total
it changes ("tăng trên 45.400 ngàn người" next to "1,3 triệu người"), a percent
above 100 that is not a plan attainment, a count of participants below 1.
"""
from __future__ import annotations


def _key(r):
    """Same place, scheme, metric, value and year: the same figure told twice."""
    v = r.value if not isinstance(r.value, list) else tuple(r.value)
    return (r.region.name, r.region.level, r.scheme, r.metric, v, ((r.period or {}).get("end") or "")[:4])


def drop_duplicates(records: list) -> list:
    seen = set()
    out = []
    for r in records:
        k = _key(r)
        if k in seen:
            continue
        seen.add(k)
        out.append(r)
    return out


def drop_impossible(records: list) -> list:
    totals = {}
    for r in records:
        if r.metric == "participants" and not isinstance(r.value, list):
            totals.setdefault((r.evidence["start"], r.scheme), []).append(r.value)
    out = []
    for r in records:
        if not (r.period or {}).get("end"):
            continue  # a figure with no time at all cannot go in an indicator series
        v = r.value
        if isinstance(v, list):
            lo, hi = v
            if lo > hi:
                continue
            v = hi
        if r.metric in ("coverage_rate", "rate", "target_coverage_rate") and not (0 < v <= 100):
            continue
        if r.metric == "plan_attainment" and not (0 < v <= 300):
            continue
        if r.metric in ("participants", "cards_issued", "target_participants", "non_participants",
                        "participants_to_target") and v < 1:
            continue
        if r.metric == "participants_change":
            same = totals.get((r.evidence["start"], r.scheme), [])
            if same and abs(v) > max(same):
                continue
        out.append(r)
    return out
