"""Diacritic folding for search: one output character per input character.

`fold("Đà Nẵng 1.741.540")` gives `"da nang 1741540  "`: lower case, diacritics
stripped, "đ" -> "d", and the separators inside a figure moved to its end so that
the figure is one search token ("1741540") wherever it was written "1.741.540" or
"1,741,540". Every character maps to exactly one character, so an offset found in
the folded text is the same offset in the original (used to cut search snippets).

Folding itself is the project's shared `extractor.normalize.text.fold` (a local
equivalent is used only if that module cannot be imported). This module knows
nothing of SQLite.
"""
from __future__ import annotations

import unicodedata

import regex

_FIGURE = regex.compile(r"\d+(?:[.,]\d+)+")
_WORD = regex.compile(r"[\p{L}\p{N}]+")


class _FoldTable(dict):
    """str.translate table computed lazily, one character at a time."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        out = ch
        low = ch.lower()
        if len(low) == 1:
            out = low
        if out in "đð":
            out = "d"
        else:
            base = "".join(c for c in unicodedata.normalize("NFD", out)
                           if not unicodedata.combining(c))
            if len(base) == 1:
                out = base if len(base.lower()) != 1 else base.lower()
        self[code] = out
        return out


_TABLE = _FoldTable()


def _squeeze_figure(m: regex.Match) -> str:
    s = m.group(0)
    digits = "".join(c for c in s if c.isdigit())
    return digits + " " * (len(s) - len(digits))


try:
    from ..normalize.text import fold as _shared_fold
except ImportError:  # pragma: no cover -- only while the shared module is missing
    _shared_fold = None


def _local_fold(text: str) -> str:
    return text.translate(_TABLE)


def fold(text: str) -> str:
    """Lower-case, strip diacritics, map đ to d; same length as `text` for NFC text."""
    if not text:
        return ""
    if _shared_fold is not None:
        out = _shared_fold(text)
        if len(out) == len(text):
            return out
    return _local_fold(text)


def fold_for_index(text: str) -> str:
    """`fold`, plus each figure written with separators turned into one token."""
    return _FIGURE.sub(_squeeze_figure, fold(text))


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "")


def has_diacritics(word: str) -> bool:
    """True when folding changes more than the letter case ("năm", "Đà"; not "Nam")."""
    return fold(word) != word.lower()


def words(text: str) -> list[str]:
    """The word tokens of a query, as FTS5's unicode61 tokenizer would cut them."""
    return _WORD.findall(text or "")


def figures(text: str) -> list[str]:
    """Figures written with separators ("1.741.540", "99,9") in order."""
    return _FIGURE.findall(text or "")


_TONES = "\u0300\u0301\u0303\u0309\u0323"
# A final "oa", "oe" or "uy" takes its tone on either vowel ("hòa" / "hoà", "thủy" / "thuỷ").
_TONE_PAIR = regex.compile(r"([ouOU])([" + _TONES + r"]?)([aeyAEY])([" + _TONES + r"]?)$")


def tone_variants(word: str) -> list[str]:
    """The word plus its other tone placement, if it has one ("hoá" -> ["hoá", "hòa"])."""
    nfd = unicodedata.normalize("NFD", word)
    m = _TONE_PAIR.search(nfd)
    out = [word]
    if m and bool(m.group(2)) != bool(m.group(4)):
        tone = m.group(2) or m.group(4)
        moved = (m.group(1) + m.group(3) + tone) if m.group(2) else (m.group(1) + tone + m.group(3))
        out.append(unicodedata.normalize("NFC", nfd[:m.start()] + moved))
    return out
