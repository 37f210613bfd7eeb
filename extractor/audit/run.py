"""Run every audit check over a database and bundle the results in an AuditReport."""
from __future__ import annotations

import os
from dataclasses import dataclass, field

from .arithmetic import find_arithmetic
from .conflicts import find_conflicts
from .facts import config, load_facts
from .findings import Finding, Series


@dataclass
class AuditReport:
    conflicts: list[Finding] = field(default_factory=list)
    arithmetic: list[Finding] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)
    n_records: int = 0
    n_documents: int = 0

    @property
    def jumps(self) -> list[Finding]:
        return [f for s in self.series for f in s.flags]

    @property
    def findings(self) -> list[Finding]:
        return self.conflicts + self.arithmetic + self.jumps

    def summary(self) -> str:
        return (f"{len(self.conflicts)} conflicts, {len(self.arithmetic)} arithmetic findings, "
                f"{len(self.jumps)} suspicious jumps ({self.n_documents} documents, "
                f"{self.n_records} records)")

    def to_dict(self) -> dict:
        return {"n_records": self.n_records, "n_documents": self.n_documents,
                "conflicts": [f.to_dict() for f in self.conflicts],
                "arithmetic": [f.to_dict() for f in self.arithmetic],
                "series": [s.to_dict() for s in self.series]}


def run_audit(db_path: str | os.PathLike, cfg: dict | None = None) -> AuditReport:
    """Conflicts, arithmetic findings and time series of the database at `db_path`.

    Reads only (the database is opened read-only). `cfg` overrides rules/audit.yaml.
    """
    cfg = cfg or config()
    facts = load_facts(db_path)
    from .series import build_series
    return AuditReport(conflicts=find_conflicts(facts, cfg),
                       arithmetic=find_arithmetic(facts, cfg),
                       series=build_series(facts, cfg),
                       n_records=len(facts),
                       n_documents=len({f.doc_id for f in facts}))
