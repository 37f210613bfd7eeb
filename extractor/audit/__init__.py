"""Audit the indicator database: conflicts between documents, arithmetic that does not
add up, and suspicious jumps in each place's time series.

    run_audit(db_path) -> AuditReport   (.conflicts, .arithmetic, .series, .findings)
    render(report, fmt="table"|"csv"|"html"|"json") -> str

Tolerances and bounds: rules/audit.yaml. Headings: rules/labels_vi.yaml `audit`.
Nothing here writes to the database.
"""
from __future__ import annotations

from .findings import Finding, Series
from .report import render
from .run import AuditReport, run_audit

__all__ = ["run_audit", "render", "AuditReport", "Finding", "Series"]
