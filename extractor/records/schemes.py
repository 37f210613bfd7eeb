"""Find mentions of insurance schemes (BHYT, BHXH_TN, BHXH_BB, BHXH, BHTN) in text.

A mention is a scheme only when it names the insurance, not the agency: "người
tham gia BHXH" is a scheme, "BHXH tỉnh Cà Mau" and "Giám đốc BHXH" are
organizations and are left out. Mentions after "so với" are kept but flagged,
because a comparison ("khó khăn hơn so với BHYT") does not set the topic.
Vocabulary: rules/schemes.yaml.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import regex

from ..rules import load_yaml
from .cues import CueSet, _alternation, _forms, _literal_re

_W = r"[\p{L}\p{N}]"
_ANYWHERE = regex.compile("")
_LISTED = regex.compile(r"(?i)(?:BHXH|BHYT|BHTN|bảo hiểm [\p{L} ]+),\s*$")


@dataclass(frozen=True)
class SchemeMention:
    start: int
    end: int
    scheme: str
    comparison: bool = False


class SchemeFinder:
    def __init__(self, data: dict):
        self.by_phrase: dict[str, str] = {}
        for scheme, phrases in data["schemes"].items():
            for p in phrases:
                self.by_phrase[_key(p)] = scheme
        # the phrases on whole words, as written, Capitalized or in CAPITALS (`cues.CueSet`,
        # whose `finditer` is that of its `_any` pattern, only faster)
        self._phrases = CueSet(p for ps in data["schemes"].values() for p in ps)
        after = _alternation(data.get("organization_after", []))
        before = _alternation(data.get("organization_before", []))
        self._org_after = regex.compile(rf"^\s+(?:{after})(?!{_W})")
        self._org_before = regex.compile(rf"(?<!{_W})(?:{before})\s+$")
        # a match of _org_before holds one of these (tried first: fast, and seldom there)
        self._org_before_hint = _literal_re(_forms(data.get("organization_before", []))) \
            if before else _ANYWHERE
        self._comparison = regex.compile(r"(?<!\p{L})(?:so với|hơn so với|so)\s+$")

    def find(self, text: str) -> list[SchemeMention]:
        out = []
        for m in self._phrases.finditer(text):
            scheme = self.by_phrase.get(_key(m.group(0)))
            if scheme is None:
                continue
            tail = text[m.end():m.end() + 30]
            head = text[max(0, m.start() - 40):m.start()]
            if scheme == "BHXH" and self._org_after.match(tail):
                continue  # "BHXH tỉnh", "Bảo hiểm xã hội huyện Giao Thủy"
            if scheme in ("BHXH", "BHYT", "BHTN") and self._org_before_hint.search(head) \
                    and self._org_before.search(head) and not _is_listed(head):
                continue  # "cơ quan BHXH", "Giám đốc BHXH"
            compared = "so" in head and self._comparison.search(head) is not None
            out.append(SchemeMention(m.start(), m.end(), scheme, compared))
        return out


def _is_listed(head: str) -> bool:
    """'... của người tham gia BHXH, BHYT': a list after a scheme, not an organization."""
    return bool(_LISTED.search(head))


@functools.lru_cache(maxsize=1024)
def _key(phrase: str) -> str:
    return " ".join(phrase.lower().split())


@functools.lru_cache(maxsize=1)
def scheme_finder() -> SchemeFinder:
    return SchemeFinder(load_yaml("schemes.yaml"))
