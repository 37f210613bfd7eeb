"""Score predicted coverage records against gold records (`extractor eval`).

The matching is the one of the shared scorer (`../shared/eval/score.py`): a
predicted record belongs to the document whose file stem is the stem of its
`source`; strict matching needs the same region (folded, without level word),
scheme, metric (gold "rate" accepts any percent metric), value and period end
(to the month, or to the year where gold gives only a year); lenient matching
needs region, scheme and value. Optional gold records are neither required nor
counted against a prediction. This module only scores; it extracts nothing.
"""
from __future__ import annotations

import json
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePath

PERCENT_METRICS = {"rate", "coverage_rate", "plan_attainment"}
_LEVEL_WORDS = ("thanh pho", "thi tran", "thi xa", "tinh", "tp.", "tp", "huyen", "quan", "xa", "phuong")
_NATIONAL = {"vietnam", "toanquoc", "canuoc", "quocgia"}


def load_jsonl(path) -> list[dict]:
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                rows.append(json.loads(line))
    return rows


def place_key(name) -> str:
    s = unicodedata.normalize("NFD", str(name or "")).replace("đ", "d").replace("Đ", "D")
    s = "".join(c for c in s if not unicodedata.combining(c)).lower().strip()
    for w in _LEVEL_WORDS:
        if s.startswith(w + " "):
            s = s[len(w) + 1:]
            break
    key = "".join(c for c in s if c.isalnum())
    return "vietnam" if key in _NATIONAL else key


def _close(a, b) -> bool:
    try:
        return abs(float(a) - float(b)) <= max(0.011, 1e-6 * abs(float(b)))
    except (TypeError, ValueError):
        return False


def _same_value(pred, gold) -> bool:
    if isinstance(gold, list):
        return isinstance(pred, list) and len(pred) == 2 and _close(pred[0], gold[0]) and _close(pred[1], gold[1])
    return not isinstance(pred, list) and _close(pred, gold)


def _same_period(pred_end, gold_end) -> bool:
    if not gold_end:
        return True
    if not pred_end:
        return False
    n = 4 if len(gold_end) == 4 else 7
    return str(pred_end)[:n] == gold_end[:n]


def _fits(g: dict, p: dict, strict: bool) -> bool:
    if place_key((p.get("region") or {}).get("name")) != place_key(g["region"]):
        return False
    if p.get("scheme") != g["scheme"] or not _same_value(p.get("value"), g["value"]):
        return False
    if not strict:
        return True
    m = p.get("metric")
    if not (m == g["metric"] or (g["metric"] == "rate" and m in PERCENT_METRICS)):
        return False
    return _same_period((p.get("period") or {}).get("end"), g.get("period_end"))


@dataclass
class ModeScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    missed: list = field(default_factory=list)
    spurious: list = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Score:
    strict: ModeScore
    lenient: ModeScore

    def render(self, errors: bool = False) -> str:
        lines = []
        for name, m in (("strict", self.strict), ("lenient", self.lenient)):
            lines.append(f"{name:8s} P {m.precision:.3f}  R {m.recall:.3f}  F1 {m.f1:.3f}   "
                         f"(tp {m.tp}, fp {m.fp}, fn {m.fn})")
        if errors:
            for doc, g in self.strict.missed:
                lines.append(f"  MISSED   {doc}: {g['region']} {g['scheme']} {g['metric']} "
                             f"{g['value']} @ {g.get('period_end')}")
            for doc, p in self.strict.spurious:
                ev = ((p.get("evidence") or {}).get("text") or "")[:100]
                lines.append(f"  SPURIOUS {doc}: {(p.get('region') or {}).get('name')} "
                             f"{p.get('scheme')} {p.get('metric')} {p.get('value')} @ "
                             f"{(p.get('period') or {}).get('end')}  | {ev}")
        return "\n".join(lines)


def _match(golds: list[dict], preds: list[dict], strict: bool, doc: str, out: ModeScore) -> None:
    used: set[int] = set()
    for g in sorted(golds, key=lambda g: bool(g.get("optional"))):
        hit = next((i for i, p in enumerate(preds) if i not in used and _fits(g, p, strict)), None)
        if hit is not None:
            used.add(hit)
            out.tp += 0 if g.get("optional") else 1
        elif not g.get("optional"):
            out.fn += 1
            out.missed.append((doc, g))
    for i, p in enumerate(preds):
        if i not in used:
            out.fp += 1
            out.spurious.append((doc, p))


def score(golds: list[dict], preds: list[dict]) -> Score:
    """Score `preds` (contract records) against `golds` (annotation.md lines)."""
    by_doc: dict[str, list[dict]] = defaultdict(list)
    for g in golds:
        by_doc[g["doc"]].append(g)
    pred_by_doc: dict[str, list[dict]] = defaultdict(list)
    for p in preds:
        pred_by_doc[PurePath(str(p.get("source") or "")).stem].append(p)
    result = Score(ModeScore(), ModeScore())
    for doc in sorted(by_doc):
        _match(by_doc[doc], pred_by_doc.get(doc, []), True, doc, result.strict)
        _match(by_doc[doc], pred_by_doc.get(doc, []), False, doc, result.lenient)
    return result
