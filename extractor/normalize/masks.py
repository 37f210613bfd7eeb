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
from .vocab import lowered, phrase_finder

_TOKEN_STOP = " \t\n\r<>\"“”()[]{}"


@functools.lru_cache(maxsize=None)
def _patterns() -> tuple:
    y = load_yaml("numbers.yaml")
    m = y["masks"]
    pats = [_anchored(regex.compile(m[key], regex.V0)) for key in ("document_number", "phone")]
    version = regex.compile(m["version"], regex.V0)
    # the version pattern's literal core ("v1.2"), looked for in the lower-cased
    # text (a literal first letter is found much faster than "[vV]"): texts
    # without it skip the pattern
    pats.append(_Prefiltered(version, re.compile(r"v[0-9]+\.[0-9]")))
    pats.append(regex.compile(m["list_marker"], regex.V0 | regex.MULTILINE))
    timezone = regex.compile(m["timezone"], regex.V0)
    cue_re = phrase_finder({" ".join(str(c).lower().split()) for c in y["phone_cues"]})
    after_cue = regex.compile(m["phone_after_cue"], regex.V0)
    domains = [str(d) for d in y.get("url_domains", [])]
    dom = re.compile(r"\.(?:" + "|".join(re.escape(d) for d in domains) + r")(?![^\W_])",
                     re.IGNORECASE) if domains else None
    markers = tuple(str(s) for s in y.get("url_markers", []))
    return tuple(pats), timezone, cue_re, after_cue, markers, dom


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


# Faster scans for two patterns of rules/numbers.yaml, each used only while the
# pattern is the one it was written for (tests/test_mentions.py compares both ways).
_DOCUMENT_NUMBER = (r"(?<![\p{L}0-9/])[0-9]+[a-zđ]?(?:[/\-.][0-9]+)*[/\-]\p{Lu}[\p{L}]*"
                    r"(?:[/\-&]\p{Lu}[\p{L}0-9]*)*")
_PHONE = (r"(?<![0-9.,])(?:\+84|\(0[0-9]{2,3}\)|0)[ .\-]?[0-9]{2,4}(?:[ .\-]?[0-9]{3,4}){2}(?![0-9])"
          r"|(?<![0-9.,])1[89]00[ .]?[0-9]{3,4}(?:[ .]?[0-9]{2,3})?(?![0-9])")
# where a phone number may begin: "+84", "(0", "0" before a digit, "1800"/"1900",
# not after a figure (one character wide, checks after the first character)
_PHONE_STARTS = r"(?:\+(?=84)|\((?=0)|0(?=[ .\-]?[0-9])|1(?=[89]00))(?<![0-9.,].)"


def _anchored(pattern: regex.Pattern):
    """The pattern, or an object with the same `finditer` that scans less."""
    if pattern.pattern == _DOCUMENT_NUMBER:
        return _DocumentNumbers(pattern)
    if pattern.pattern == _PHONE:
        return _Anchored(pattern, re.compile(_PHONE_STARTS))
    return pattern


class _Anchored:
    """`finditer` of `pattern` tried only where `starts` (one character wide, a
    plain `re` pattern) finds a place where a match may begin: the same matches,
    left to right and not overlapping, since a scan over the text tries the
    places one by one and only these can succeed. `re` skips to the first
    character of a match much faster than the `regex` pattern scans."""

    def __init__(self, pattern: regex.Pattern, starts: re.Pattern):
        self.pattern, self.starts = pattern, starts

    def finditer(self, text: str):
        match = self.pattern.match
        last = 0
        for s in self.starts.finditer(text):
            p = s.start()
            if p < last:
                continue
            m = match(text, p)
            if m is not None:
                yield m
                last = m.end()


_NUMBER_PART = frozenset("0123456789abcdefghijklmnopqrstuvwxyzđ/-.")


class _DocumentNumbers:
    """`finditer` of the document-number pattern, searched only around a "/" or
    "-" before a letter. A match is a number part (digits, one small letter,
    "/", "-", "." and digits: `_NUMBER_PART`, where a "/" or "-" is always
    followed by a digit) and then the first "/" or "-" before a capital. So a
    match starts within the number-part characters right before such a place q,
    and the leftmost match from there that reaches no further than the capital
    is the scan's next match (no match can start earlier, nor have its capital
    before q inside another match's number part); it is then matched in full.
    Few texts have such places, most have thousands of figures."""

    def __init__(self, pattern: regex.Pattern):
        self.pattern = pattern

    def finditer(self, text: str):
        hits = []
        for sep in "/-":
            q = text.find(sep)
            while q >= 0:
                if text[q + 1:q + 2].isalpha():
                    hits.append(q)
                q = text.find(sep, q + 1)
        if not hits:
            return
        hits.sort()
        search, match, part = self.pattern.search, self.pattern.match, _NUMBER_PART
        last = 0
        for q in hits:
            if q < last:
                continue
            lo = q
            while lo > last and text[lo - 1] in part:
                lo -= 1
            if lo == q:
                continue  # no number part before it
            first = search(text, lo, q + 2)
            if first is not None:
                m = match(text, first.start())
                yield m
                last = m.end()


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
