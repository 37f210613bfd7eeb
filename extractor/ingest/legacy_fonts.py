"""Legacy Vietnamese font encodings: TCVN3 (ABC) and VNI, to and from Unicode.

Old official documents were typed in 8-bit fonts (.VnTime for TCVN3, VNI-Times
for VNI) that put Vietnamese letters on Western code points. Read as
Windows-1252 such text shows as "Céng hoµ x· héi chñ nghÜa ViÖt Nam" (TCVN3)
or "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam" (VNI). The conversion tables are
data: rules/encodings/tcvn3.tsv and vni.tsv.

- `from_tcvn3(s)`, `from_vni(s)` convert such text (already decoded as
  Windows-1252 characters) to Unicode; `to_tcvn3`, `to_vni` go the other way
  (for tests and fixtures).
- `detect_legacy(s)` says whether a text is better read as TCVN3 or VNI, by how
  Vietnamese each conversion looks; `convert_legacy(s, name)` applies it.
- `font_encoding(font_name)` maps a font name to its encoding (rules/encodings/fonts.yaml).

Nothing here reads bytes from files (see `encodings.py`).
"""
from __future__ import annotations

import functools
import re

import regex

from ..rules import load_tsv, load_yaml
from .looks_vietnamese import score

TCVN3 = "TCVN3 (ABC)"
VNI = "VNI"

# The characters Windows-1252 puts on bytes 0x80-0x9F (beyond Latin-1).
CP1252_EXTRA = frozenset(
    bytes([b]).decode("cp1252") for b in range(0x80, 0xA0) if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D))
# A character neither Latin-1 nor one of those (stdlib `re`: one scan in C).
_NOT_CP1252 = re.compile("[^\x00-\xff" + "".join(sorted(CP1252_EXTRA)) + "]")


# --- tables -----------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _tcvn3() -> tuple[dict[int, str], dict[str, str]]:
    dec: dict[int, str] = {}
    for row in load_tsv("encodings/tcvn3.tsv"):
        b = int(row["byte"], 16)
        src = bytes([b]).decode("latin-1") if b == 0xAD else bytes([b]).decode("cp1252")
        dec[ord(src)] = row["unicode"]
    enc = {u: chr(k) for k, u in dec.items()}
    return dec, enc


@functools.lru_cache(maxsize=1)
def _vni() -> tuple[dict[str, str], regex.Pattern, dict[str, str]]:
    dec: dict[str, str] = {}
    for row in load_tsv("encodings/vni.tsv"):
        seq, uni = row["vni"], row["unicode"]
        dec[seq] = uni
        if len(seq) == 2 and seq[0].isalpha():
            # Title-cased words ("Aùnh" for "Ánh"): base case decides the letter's case.
            dec.setdefault(seq[0].upper() + seq[1].lower(), uni.upper())
            dec.setdefault(seq[0].lower() + seq[1].upper(), uni.lower())
    enc: dict[str, str] = {}
    for seq, uni in dec.items():
        if seq in (seq.lower(), seq.upper()):  # not the title-case variants added above
            enc.setdefault(uni, seq)
    pat = regex.compile("|".join(regex.escape(k) for k in sorted(dec, key=len, reverse=True)))
    return dec, pat, enc


# --- conversion -----------------------------------------------------------------

def from_tcvn3(text: str, capitals: bool = True) -> str:
    """TCVN3 text (as Windows-1252 characters) -> Unicode; `capitals`: restore the
    capital toned letters TCVN3 cannot store (see `restore_capitals`)."""
    dec, _ = _tcvn3()
    out = text.translate(dec)
    return restore_capitals(out) if capitals else out


def restore_capitals(text: str) -> str:
    """Line by line `_restore_capitals` of TCVN3-converted text."""
    out = []
    prev = ""
    for line in text.split("\n"):
        out.append(_restore_capitals(line, _opens_sentence(prev)))
        if line.strip():
            prev = line
    return "\n".join(out)


def _opens_sentence(prev_line: str) -> bool:
    """Does a line following `prev_line` start a sentence (not a wrapped continuation)?"""
    p = prev_line.strip()
    return not p or p.endswith((".", "!", "?", "…", ":", ";")) or len(p) < 60


def _restore_capitals(line: str, at_sentence_start: bool = True) -> str:
    """Upper-case letters that TCVN3 could only store in lower case.

    TCVN3 has no codes for capital toned vowels (.Vn*H fonts draw the lower-case
    codes as capitals), so "KẾ HOẠCH" comes back as "Kế HOạCH" and "Ảnh" as "ảnh".
    A line typed in capitals (every word's ASCII letters are capitals, two words
    with two or more) is upper-cased whole. Elsewhere a word is upper-cased when its
    ASCII letters are capitals and it, or a neighbour, is clearly a capitals word
    with a Vietnamese letter ("HOạCH"); a word opening a sentence gets a capital.
    Acronyms (BHYT, TP) alone are no evidence. Some capitals stay lost ("Anh Lý").
    """
    if line.isascii() or not _LOWER_NON_ASCII.search(line):
        return line
    words = [[m.start(), m.group(0)] for m in _WORD.finditer(line)]
    if not _LOWER_ASCII.search(line):
        lettered = [w for _, w in words if any(c.isalpha() for c in w)]
        if all(_ascii_caps(w) or not _ascii_letters(w) for w in lettered) \
                and sum(len(_ascii_letters(w)) >= 2 and not _has_digit(w) for w in lettered) >= 2:
            return line.upper()

    def strong(j: int) -> bool:
        w = words[j][1]
        return _converted(w) and _ascii_caps(w) and len(_ascii_letters(w)) >= 2

    for i, (_, w) in enumerate(words):
        if not _converted(w):
            continue
        if _ascii_caps(w) and (strong(i) or (i > 0 and strong(i - 1))
                               or (i + 1 < len(words) and strong(i + 1))):
            words[i][1] = w.upper()
            continue
        first = next((j for j, c in enumerate(w) if c.isalpha()), None)
        if first is not None and w[first].islower() and not w[first].isascii() \
                and not w[:first].strip("\"'“‘([") \
                and _sentence_start(words, i, at_sentence_start):
            words[i][1] = w[:first] + w[first].upper() + w[first + 1:]
    out, pos = [], 0
    for start, w in words:
        out.append(line[pos:start])
        out.append(w)
        pos = start + len(w)
    out.append(line[pos:])
    return "".join(out)


_WORD = regex.compile(r"\S+")
_LOWER_ASCII = regex.compile(r"[a-z]")
_ASCII_LETTER = regex.compile(r"[A-Za-z]")
_LOWER_NON_ASCII = regex.compile(r"[^\x00-\x7f\P{Ll}]")
_BULLET = regex.compile(r"^(?:[-+*•–]|\d{1,2}[.)\-]?|[a-zđ]\)|[IVX]{1,4}\.)$")


def _ascii_letters(word: str) -> list[str]:
    return _ASCII_LETTER.findall(word)


def _ascii_caps(word: str) -> bool:
    """Has ASCII letters, all of them capitals."""
    return not _LOWER_ASCII.search(word) and bool(_ASCII_LETTER.search(word))


def _has_digit(word: str) -> bool:
    return any(c.isdigit() for c in word)


def _converted(word: str) -> bool:
    """Holds a lower-case non-ASCII letter (one TCVN3 could only store in lower case)."""
    return bool(_LOWER_NON_ASCII.search(word))


def _sentence_start(words: list, i: int, at_line_start: bool) -> bool:
    before = [w for _, w in words[:i]]
    while before and _BULLET.match(before[-1]):
        before.pop()
    if not before:
        return at_line_start
    return before[-1].endswith((".", "!", "?", "…"))


def to_tcvn3(text: str) -> str:
    """Unicode -> TCVN3 (as Windows-1252 characters); capitals without a code use the
    lower-case code, as the .Vn*H fonts do."""
    _, enc = _tcvn3()
    out = []
    for ch in text:
        if ch in enc:
            out.append(enc[ch])
        elif ch.lower() in enc and ch not in enc:
            out.append(enc[ch.lower()])
        else:
            out.append(ch)
    return "".join(out)


def from_vni(text: str) -> str:
    """VNI text (as Windows-1252 characters) -> Unicode."""
    dec, pat, _ = _vni()
    return pat.sub(lambda m: dec[m.group(0)], text)


def to_vni(text: str) -> str:
    """Unicode -> VNI (as Windows-1252 characters)."""
    _, _, enc = _vni()
    return "".join(enc.get(ch, ch) for ch in text)


CONVERTERS = {TCVN3: from_tcvn3, VNI: from_vni}


def convert_legacy(text: str, name: str | None) -> str:
    """Apply the converter `name` (TCVN3 or VNI) to the Windows-1252-only parts of `text`."""
    if not name:
        return text
    conv = CONVERTERS[name]
    if is_cp1252_only(text):
        return conv(text)
    # Mixed text (a Unicode heading, a legacy body): convert line by line.
    return "\n".join(conv(ln) if is_cp1252_only(ln) else ln for ln in text.split("\n"))


# --- detection ------------------------------------------------------------------

def is_cp1252_only(text: str) -> bool:
    """True if every character is one Windows-1252 (or Latin-1) can hold."""
    return _NOT_CP1252.search(text) is None


def detect_legacy(text: str, margin: float = 0.15) -> str | None:
    """TCVN3 or VNI if converting `text` makes it clearly more Vietnamese, else None.

    Text holding any Unicode Vietnamese letter (ạ, ư, đ...) is never legacy; pure
    ASCII never needs converting.
    """
    sample = text[:20000]
    if sample.isascii():
        return None
    legacy_lines = [ln for ln in sample.split("\n") if not ln.isascii() and is_cp1252_only(ln)]
    if not legacy_lines:
        return None
    probe = "\n".join(legacy_lines)
    base = score(probe)
    best, best_score = None, base + margin
    for name, conv in CONVERTERS.items():
        s = score(conv(probe))
        if s > best_score:
            best, best_score = name, s
    return best


@functools.lru_cache(maxsize=1)
def _font_rules():
    cfg = load_yaml("encodings/fonts.yaml")
    comp = lambda pats: [regex.compile(p, regex.I) for p in pats]  # noqa: E731
    return comp(cfg["tcvn3"]), comp(cfg["vni"]), regex.compile(cfg["tcvn3_capitals"], regex.I)


def font_encoding(font_name: str | None) -> str | None:
    """TCVN3 or VNI for a legacy font name (".VnTime", "VNI-Times"), else None."""
    if not font_name:
        return None
    tcvn, vni, _ = _font_rules()
    name = font_name.strip()
    if any(p.search(name) for p in tcvn):
        return TCVN3
    if any(p.search(name) for p in vni):
        return VNI
    return None


def font_draws_capitals(font_name: str | None) -> bool:
    """True for TCVN3 capital fonts (.VnTimeH, .VnArialH)."""
    return bool(font_name) and bool(_font_rules()[2].search(font_name.strip()))
