"""One flat row per record (region and period spread into columns) for CSV and tables.

Used by `extractor extract --format csv` and by the store's exports, so that
every flat view of a record has the same columns in the same order.
"""
from __future__ import annotations

import json

CSV_COLUMNS = [
    "source", "region_name", "region_level", "region_province", "region_code",
    "region_current_province", "scheme", "metric", "value", "value_low", "value_high",
    "unit", "qualifier", "period_start", "period_end", "compared_to_start",
    "compared_to_end", "evidence_text", "evidence_start", "evidence_end", "value_text",
    "confidence", "method",
]


def flatten_record(rec: dict) -> dict:
    region = rec.get("region") or {}
    period = rec.get("period") or {}
    comp = rec.get("compared_to") or {}
    ev = rec.get("evidence") or {}
    value = rec.get("value")
    low = high = None
    if isinstance(value, (list, tuple)) and len(value) == 2:
        low, high = value
        value = json.dumps(list(value))
    return {
        "source": rec.get("source"),
        "region_name": region.get("name"),
        "region_level": region.get("level"),
        "region_province": region.get("province"),
        "region_code": region.get("code"),
        "region_current_province": region.get("current_province"),
        "scheme": rec.get("scheme"),
        "metric": rec.get("metric"),
        "value": value,
        "value_low": low,
        "value_high": high,
        "unit": rec.get("unit"),
        "qualifier": rec.get("qualifier"),
        "period_start": period.get("start"),
        "period_end": period.get("end"),
        "compared_to_start": comp.get("start"),
        "compared_to_end": comp.get("end"),
        "evidence_text": ev.get("text"),
        "evidence_start": ev.get("start"),
        "evidence_end": ev.get("end"),
        "value_text": ev.get("value_text"),
        "confidence": rec.get("confidence"),
        "method": rec.get("method"),
    }
