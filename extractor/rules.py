"""Where the rules live and how to read them.

Vocabulary and patterns are data files under `rules/` (YAML, TSV or plain
lists), so that adding a phrase never needs a code change. In a source checkout
they sit at the top of the repository; in an installed wheel they are packaged as
`extractor/rules`. This module only finds and parses the files (cached); what a
rule means is up to the stage that uses it.
"""
from __future__ import annotations

import csv
import functools
import os
from pathlib import Path
from typing import Any

import yaml


def rules_dir() -> Path:
    """The rules folder: $EXTRACTOR_RULES, the packaged copy, or the checkout's."""
    env = os.environ.get("EXTRACTOR_RULES")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent
    for cand in (here / "rules", here.parent / "rules"):
        if cand.is_dir():
            return cand
    raise FileNotFoundError("rules/ folder not found next to the extractor package")


def rule_path(name: str) -> Path:
    return rules_dir() / name


# libyaml's safe loader when PyYAML was built with it (same data, several times faster)
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.lru_cache(maxsize=None)
def load_yaml(name: str) -> Any:
    with open(rule_path(name), encoding="utf-8") as f:
        return yaml.load(f, Loader=_SAFE_LOADER)  # noqa: S506 - a safe loader


@functools.lru_cache(maxsize=None)
def load_tsv(name: str) -> tuple[dict[str, str], ...]:
    """Rows of a tab-separated file with a header line; '#' lines are comments."""
    with open(rule_path(name), encoding="utf-8", newline="") as f:
        lines = [ln for ln in f if ln.strip() and not ln.startswith("#")]
    return tuple(dict(row) for row in csv.DictReader(lines, delimiter="\t"))


@functools.lru_cache(maxsize=None)
def load_list(name: str) -> tuple[str, ...]:
    """One entry per line; blank lines and '#' comments skipped."""
    with open(rule_path(name), encoding="utf-8") as f:
        return tuple(s.strip() for s in f if s.strip() and not s.lstrip().startswith("#"))
