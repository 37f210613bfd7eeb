"""Spans of text whose digits are never quantities.

`mask_spans(text)` lists (start, end) spans of document numbers ("882-CV/TU",
"146/2018/NĐ-CP"), telephone numbers, list markers at a line start ("1-",
"2."), time zones ("GMT+7"), version numbers, web addresses and e-mails. The
shapes are in rules/numbers.yaml (`masks`, `url_markers`, `url_domains`).
Document references written with words ("Quyết định số 861") are recognised
by the number reader itself (numbers.py), dates and times by dates.py;
mentions.py combines all of them when it looks for numbers.
"""
from __future__ import annotations

import bisect
import functools
import re

import regex

from ..last_text import for_last_text
from ..rules import load_yaml
from .vocab import lowered, matches_at, phrase_finder

_TOKEN_STOP = " \t\n\r<>\"“”()[]{}"


@functools.lru_cache(maxsize=None)
def _patterns() -> tuple:
    y = load_yaml("numbers.yaml")
    m = y["masks"]
    starts = y.get("mask_starts", {})
    pats = [_with_starts(regex.compile(m[key], regex.V0), starts.get(key))
            for key in ("document_number", "phone")]
    version = regex.compile(m["version"], regex.V0)
    need = y.get("mask_needs", {}).get("version")
    pats.append(_Prefiltered(version, re.compile(need)) if need else version)
    pats.append(regex.compile(m["list_marker"], regex.V0 | regex.MULTILINE))
    timezone = regex.compile(m["timezone"], regex.V0)
    cue_re = phrase_finder({" ".join(str(c).lower().split()) for c in y["phone_cues"]})
    after_cue = regex.compile(m["phone_after_cue"], regex.V0)
    domains = [str(d) for d in y.get("url_domains", [])]
    dom = re.compile(r"\.(?:" + "|".join(re.escape(d) for d in domains) + r")(?![^\W_])",
                     re.IGNORECASE) if domains else None
    markers = tuple(str(s) for s in y.get("url_markers", []))
    return tuple(pats), timezone, cue_re, after_cue, markers, dom


def _with_starts(pattern: regex.Pattern, starts: str | None):
    """The pattern, or one with the same `finditer` that tries it only where `starts` finds."""
    return _Anchored(pattern, re.compile(starts)) if starts else pattern


class _Prefiltered:
    """A pattern run only on texts whose lower-cased form holds `need`, a plain
    `re` pattern that the lower case of every match contains: the same
    matches, at a fraction of the cost."""

    def __init__(self, pattern: regex.Pattern, need: re.Pattern):
        self.pattern, self.need = pattern, need

    def finditer(self, text: str):
        if self.need.search(lowered(text)[0]) is None:
            return iter(())
        return self.pattern.finditer(text)


class _Anchored:
    """`finditer` of `pattern` tried only where `starts` (a plain `re` pattern from
    rules/numbers.yaml `mask_starts`) finds a place where a match may begin: the same
    matches, left to right and not overlapping, since a scan over the text tries the
    places one by one and only these can succeed. `re` skips to the first character
    of a match much faster than the `regex` pattern scans."""

    def __init__(self, pattern: regex.Pattern, starts: re.Pattern):
        self.pattern, self.starts = pattern, starts

    def finditer(self, text: str):
        return matches_at(self.pattern, text, (s.start() for s in self.starts.finditer(text)))


def mask_spans(text: str) -> list[tuple[int, int]]:
    """Sorted, merged (start, end) spans that hold no quantity."""
    pats, timezone, cue_re, after_cue, markers, dom = _patterns()
    spans: list[tuple[int, int]] = []
    for pat in pats:
        spans += [m.span() for m in pat.finditer(text) if m.end() > m.start()]
    if "GMT" in text or "UTC" in text:
        spans += [m.span() for m in timezone.finditer(text)]
    low = lowered(text)[0]
    for c in cue_re.finditer(low):
        s, e = c
        if (s and low[s - 1].isalpha()) or (e < len(low) and low[e].isalpha()):
            continue
        m = after_cue.match(text, e)
        if m:
            spans.append(m.span("phone"))
    spans += url_spans(text)
    return merge(spans)


@for_last_text(copy=list)     # the masks and the date scan both ask
def url_spans(text: str) -> list[tuple[int, int]]:
    """Spans of web addresses and e-mail addresses (whole tokens)."""
    _, _, _, _, markers, dom = _patterns()
    spans = []
    for marker in markers:
        i = text.find(marker)
        while i >= 0:
            spans.append(_token_around(text, i))
            i = text.find(marker, i + len(marker))
    if dom is not None and "." in text:
        for m in dom.finditer(text):
            spans.append(_token_around(text, m.start()))
    return merge(spans)


def _token_around(text: str, i: int) -> tuple[int, int]:
    s = i
    while s > 0 and text[s - 1] not in _TOKEN_STOP:
        s -= 1
    e = i
    while e < len(text) and text[e] not in _TOKEN_STOP:
        e += 1
    while e > s and text[e - 1] in ".,;:!?":
        e -= 1
    return s, e


def merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Union of possibly overlapping spans, sorted."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


class Blocked:
    """A set of merged spans, asked whether a position or a span falls in one."""

    def __init__(self, spans: list[tuple[int, int]] | None):
        self.spans = merge(list(spans or []))
        self.starts = [s for s, _ in self.spans]
        self.ends = [e for _, e in self.spans]

    def hit(self, start: int, end: int) -> bool:
        """Whether [start, end) touches any span."""
        starts = self.starts
        if not starts:
            return False
        i = bisect.bisect_right(starts, start)
        # the span starting at or before `start`, then the one after it
        if i and starts[i - 1] < end and start < self.ends[i - 1]:
            return True
        return i < len(starts) and starts[i] < end and start < self.ends[i]

    def end_of(self, pos: int) -> int | None:
        """End of the span holding `pos`, or None."""
        i = bisect.bisect_right(self.starts, pos) - 1
        if i >= 0 and pos < self.ends[i]:  # starts[i] <= pos by the bisection
            return self.ends[i]
        return None
