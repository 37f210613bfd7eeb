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
from .cues import CueSet, _alternation, _forms

_W = r"[\p{L}\p{N}]"
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
        after = _alternation(data.get("organization_after", []), trie=True)
        before = _alternation(data.get("organization_before", []), trie=True)
        # (also "Bảo hiểm xã hội (BHXH) tỉnh", and its "BHXH" in the brackets)
        self._org_after = regex.compile(rf"^(?:\s*\(\s*\p{{L}}{{2,8}}\s*\)|\s*\))?\s+(?:{after})(?!{_W})")
        # searched backwards ((?r)), from the end where it must end (only whether it does is asked)
        self._org_before = regex.compile(rf"(?r)(?<!{_W})(?:{before})\s+$")
        # a text that _org_before matches ends, once stripped, in one of these (the last
        # words of its phrases as `_alternation` writes them): a quick test tried first
        self._org_before_ends = tuple({f.split()[-1] for f in _forms(data.get("organization_before", []))}) \
            if before else ("",)
        self._comparison = regex.compile(r"(?<!\p{L})(?:so với|hơn so với|so)\s+$")

    def find(self, text: str) -> list[SchemeMention]:
        out = []
        for m in self._phrases.finditer(text):
            scheme = self.by_phrase.get(_key(m.group(0)))
            if scheme is None:
                continue
            start, end = m.span()
            if scheme == "BHXH" and self._org_after.match(text[end:end + 30]):
                continue  # "BHXH tỉnh", "Bảo hiểm xã hội huyện Giao Thủy"
            head = text[max(0, start - 40):start]
            if scheme in _PLAIN and self._after_organization_word(head):
                continue  # "cơ quan BHXH", "Giám đốc BHXH"
            compared = "so" in head and self._comparison.search(head) is not None
            out.append(SchemeMention(start, end, scheme, compared))
        return out

    def _after_organization_word(self, head: str) -> bool:
        """Does `head` end in a word naming an organization ("cơ quan", "Giám đốc"), not
        in a list of schemes?"""
        # the stripped text ends in the phrase: regex's \s are all str.isspace
        return head.rstrip().endswith(self._org_before_ends) \
            and self._org_before.search(head) is not None and not _is_listed(head)


_PLAIN = ("BHXH", "BHYT", "BHTN")   # the short names that also name agencies


def _is_listed(head: str) -> bool:
    """'... của người tham gia BHXH, BHYT': a list after a scheme, not an organization."""
    return bool(_LISTED.search(head))


@functools.lru_cache(maxsize=1024)
def _key(phrase: str) -> str:
    return " ".join(phrase.lower().split())


@functools.lru_cache(maxsize=1)
def scheme_finder() -> SchemeFinder:
    return SchemeFinder(load_yaml("schemes.yaml"))
