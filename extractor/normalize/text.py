"""Folding Vietnamese text into diacritic-free, lower-case keys.

`fold("Thành phố Hồ Chí Minh")` -> "thanh pho ho chi minh"; "Đ"/"đ" -> "d"; both
tone-mark placements fold the same ("Hoà" and "Hòa" -> "hoa"). For NFC input the
result has exactly the length of the input, character for character, so an
offset found in the folded text is an offset in the original (the place matcher
relies on this). `fold_key` drops everything but letters and digits, for
comparing names ("Bà Rịa - Vũng Tàu" == "Bà Rịa–Vũng Tàu").

Nothing here decides what a word means, strips level words or changes spacing.
"""
from __future__ import annotations

import functools
import unicodedata

__all__ = ["fold", "fold_chars", "fold_key", "fold_char"]


@functools.lru_cache(maxsize=4096)
def fold_char(ch: str) -> str:
    """One character folded to one character (its base letter, lower case)."""
    if ch in "đĐ":
        return "d"
    if ch.isascii():
        return ch.lower()
    base = unicodedata.normalize("NFD", ch)[0].lower()
    return base if len(base) == 1 else ch.lower()[:1] or ch


@functools.lru_cache(maxsize=1)
def _table() -> dict[int, str]:
    """Latin and Vietnamese letters (U+0000-U+024F, U+1E00-U+1EFF) -> folded letter."""
    table = {}
    for cp in (*range(0x0250), *range(0x1E00, 0x1F00)):
        ch = chr(cp)
        f = fold_char(ch)
        if f != ch:
            table[cp] = f
    return table


def fold(text: str) -> str:
    """Diacritic-free lower-case copy of `text`, one character per input character.

    Decomposed (NFD) input is composed first, so its length may shrink; give NFC
    text where offsets matter. Short strings (words, names, titles: asked again and
    again) are remembered.
    """
    if not text:
        return ""
    if len(text) <= _SHORT:
        return _fold_short(text)
    return _fold(text)


_SHORT = 64


def _fold(text: str) -> str:
    if not text:
        return ""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return fold_chars(text)


_fold_short = functools.lru_cache(maxsize=1 << 16)(_fold)


def fold_chars(text: str) -> str:
    """`fold` without composing first: each character folded on its own, so for NFC
    text `fold(text)[a:b] == fold_chars(text[a:b])` (fold a word, not the whole text)."""
    if text.isascii():
        return text.lower()
    out = text.translate(_table())
    if out.isascii():
        return out
    # characters outside the table (other scripts, typographic marks): one each
    extra = {ord(c): fold_char(c) for c in set(out) if not c.isascii()}
    extra = {k: v for k, v in extra.items() if v != chr(k)}
    return out.translate(extra) if extra else out


def fold_key(text: str) -> str:
    """`fold` reduced to letters and digits: a key for comparing names."""
    return "".join(c for c in fold(text) if c.isalnum())
