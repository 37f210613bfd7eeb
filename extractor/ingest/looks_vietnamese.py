"""How much a text looks like Vietnamese: a score from 0 to 1.

Used to choose between candidate decodings of the same bytes (UTF-8,
Windows-1258, TCVN3, VNI): the right one turns most words into common or
well-formed Vietnamese syllables, a wrong one into mojibake ("ViÖt", "Vieät").
The syllable lists and weights are data in rules/encodings/vietnamese.yaml.

This does not detect the language of arbitrary text and does not decode anything.
"""
from __future__ import annotations

import functools
import unicodedata

import regex

from ..rules import load_yaml

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_TOKEN = regex.compile(r"[^\s\d.,;:!?()\[\]{}\"'“”‘’/\\|<>=+*&%#@_~`^$-]+")


@functools.lru_cache(maxsize=1)
def _model():
    cfg = load_yaml("encodings/vietnamese.yaml")
    for key in ("onsets", "rhymes", "common"):
        bad = [w for w in cfg[key] if not isinstance(w, str)]
        if bad:  # an unquoted YAML boolean such as y / on
            raise ValueError(f"rules/encodings/vietnamese.yaml: {key} has non-text entries {bad}")
    onsets = sorted(cfg["onsets"], key=len, reverse=True)
    rhymes = sorted(cfg["rhymes"], key=len, reverse=True)
    syllable = regex.compile(
        "(?:" + "|".join(map(regex.escape, onsets)) + ")?(?:" + "|".join(map(regex.escape, rhymes)) + ")")
    common = frozenset(unicodedata.normalize("NFC", str(w)).lower() for w in cfg["common"])
    return syllable, common, cfg["scores"], float(cfg["min_score"])


def min_score() -> float:
    """The score below which no candidate decoding is believed."""
    return _model()[3]


def toneless(word: str) -> str:
    """`word` without its tone mark (breve, circumflex and horn kept), NFC."""
    d = unicodedata.normalize("NFD", word)
    return unicodedata.normalize("NFC", "".join(c for c in d if c not in _TONES))


@functools.lru_cache(maxsize=65536)
def token_score(token: str) -> float:
    syllable, common, scores, _ = _model()
    t = unicodedata.normalize("NFC", token).lower()
    if t in common:
        return scores["common"]
    if t.isascii():
        return scores["ascii"]
    if syllable.fullmatch(toneless(t)) and _one_tone(t):
        return scores["syllable"]
    return 0.0


def _one_tone(t: str) -> bool:
    return sum(1 for c in unicodedata.normalize("NFD", t) if c in _TONES) <= 1


def score(text: str, max_tokens: int = 4000) -> float:
    """Mean token score of (the first `max_tokens` words of) `text`; 0 for no words."""
    total = 0.0
    n = 0
    for m in _TOKEN.finditer(text):
        tok = m.group(0)
        if not any(c.isalpha() for c in tok):
            continue
        total += token_score(tok)
        n += 1
        if n >= max_tokens:
            break
    return total / n if n else 0.0
