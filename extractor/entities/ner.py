"""underthesea's bundled Vietnamese NER, with offsets into the original sentence.

underthesea (offline, bundled CRF model) returns tokens without offsets and
re-spaces/normalizes the text first (`text_normalize`), so `tag(sentence)` aligns
its tokens back to the sentence character by character (folding case, diacritics
and spaces) and returns `NerSpan(start, end, label, text)` in the sentence's own
offsets. The model is loaded on first use and results are cached per sentence.

On this project's texts it mislabels the domain ("bao phủ BHYT" as a place,
"Hậu Giang" as a person, dates as places), so callers use it only behind rules:
`person_spans` keeps PER spans that look like personal names, and officials.py
asks it only about sentences with an honorific or title cue. The measured
precision is in extractor/entities/README.md. `available()` is False when
underthesea is not installed (and `tag` finds nothing when it cannot be imported);
callers then go on with rules alone. underthesea is imported on the first sentence
that needs it, not before.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

from ..normalize.text import fold


@dataclass(frozen=True)
class NerSpan:
    start: int
    end: int
    label: str      # PER, LOC, ORG, MISC
    text: str


@functools.lru_cache(maxsize=1)
def _ner():
    try:
        from underthesea import ner
    except Exception:   # pragma: no cover - underthesea is a declared dependency
        return None
    return ner


@functools.lru_cache(maxsize=1)
def available() -> bool:
    """Is underthesea installed? Asked without importing it (about 0.4 s, with numpy and
    joblib): most documents never need the model, and `tag` imports it on first use."""
    import importlib.util
    try:
        return importlib.util.find_spec("underthesea") is not None
    except (ImportError, ValueError):   # pragma: no cover - a broken installation
        return False


def align(sentence: str, tokens: list[str]) -> list[tuple[int, int] | None]:
    """Character spans of `tokens` (as the tagger wrote them) inside `sentence`."""
    folded = fold(sentence)
    spans: list[tuple[int, int] | None] = []
    pos = 0
    n = len(sentence)
    for tok in tokens:
        chars = [c for c in fold(tok) if not c.isspace()]
        if not chars:
            spans.append(None)
            continue
        i = pos
        while i < n and folded[i].isspace():
            i += 1
        start = i
        k = 0
        while i < n and k < len(chars):
            if folded[i].isspace():
                i += 1
                continue
            if folded[i] != chars[k]:
                break
            i += 1
            k += 1
        if k == len(chars):
            spans.append((start, i))
            pos = i
        else:   # the tagger changed the token: look for it further on, else give up on it
            j = folded.find("".join(chars), pos)
            if j >= 0:
                spans.append((j, j + len(chars)))
                pos = j + len(chars)
            else:
                spans.append(None)
    return spans


@functools.lru_cache(maxsize=4096)
def tag(sentence: str) -> tuple[NerSpan, ...]:
    """Entity spans (BIO chunks joined) of one sentence, in the sentence's offsets."""
    ner = _ner()
    if ner is None or not sentence.strip():
        return ()
    try:
        rows = ner(sentence)
    except Exception:   # the tagger must never break extraction
        return ()
    spans = align(sentence, [r[0] for r in rows])
    out: list[NerSpan] = []
    cur: list | None = None
    for row, span in zip(rows, spans):
        label = row[-1]
        if span is None or label == "O":
            if cur:
                out.append(NerSpan(cur[0], cur[1], cur[2], sentence[cur[0]:cur[1]]))
            cur = None
            continue
        bio, _, kind = label.partition("-")
        if bio == "B" or cur is None or cur[2] != kind:
            if cur:
                out.append(NerSpan(cur[0], cur[1], cur[2], sentence[cur[0]:cur[1]]))
            cur = [span[0], span[1], kind]
        else:
            cur[1] = span[1]
    if cur:
        out.append(NerSpan(cur[0], cur[1], cur[2], sentence[cur[0]:cur[1]]))
    return tuple(out)


def person_spans(sentence: str) -> list[NerSpan]:
    """PER spans of the tagger that are capitalised word sequences of 1 to 5 words."""
    out = []
    for s in tag(sentence):
        words = s.text.split()
        if s.label == "PER" and 1 <= len(words) <= 5 and all(w[0].isupper() for w in words):
            out.append(s)
    return out


__all__ = ["NerSpan", "tag", "person_spans", "align", "available"]
