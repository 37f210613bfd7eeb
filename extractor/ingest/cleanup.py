"""Text cleanup: a clean working copy of a document's text, aligned to the original.

`clean(text)` returns a `TextView` whose `.text` is what every later stage reads:

- Unicode NFC;
- one tone-mark placement (the traditional one: "hòa", "thủy", "khỏe") so that
  "hoà" and "hòa" match the same rules and gazetteer entries;
- tabs, no-break and zero-width spaces turned into plain spaces, runs of spaces
  collapsed, lines stripped;
- lines broken in mid-sentence re-joined with one space (PDF copies and pasted
  web pages wrap lines, sometimes with blank lines in between), while line
  breaks that end a paragraph, a heading, a list item or a table cell are kept
  as a single "\\n".

`TextView.orig(i)` maps any offset of the clean text back to the original text,
so evidence offsets always point into the text the reader extracted. Nothing
here splits sentences (see `sentences.py`) or changes what the words say.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import regex

# Open syllables whose tone mark sits, in the traditional placement, on the first
# vowel: oa, oe, uy (not after q, where u belongs to the consonant).
_TONED = {  # base vowel -> {tone: precomposed char}
    "a": "àáảãạ", "e": "èéẻẽẹ", "y": "ỳýỷỹỵ",
    "o": "òóỏõọ", "u": "ùúủũụ",
}
_TONE_SWAP: dict[str, tuple[str, str]] = {}
for first, second in (("o", "a"), ("o", "e"), ("u", "y")):
    for t in range(5):
        for up1, up2 in ((False, False), (True, False), (True, True)):
            f = first.upper() if up1 else first
            s = second.upper() if up2 else second
            new_toned = _TONED[first][t]
            old_toned = _TONED[second][t]
            f_t = new_toned.upper() if up1 else new_toned
            s_t = old_toned.upper() if up2 else old_toned
            _TONE_SWAP[f + s_t] = (f_t, s)  # "oà" -> ("ò", "a")

# Candidates are found with stdlib `re` (a first vowel, then a toned second one);
# the traditional placement applies to the pairs of _TONE_SWAP not after q and not
# followed by a letter (tested in Python: a lookbehind would slow the scan).
_TONE_CANDIDATE = re.compile("[oOuU][" + "".join(sorted({k[1] for k in _TONE_SWAP})) + "]")
_LETTER = regex.compile(r"\p{L}")

_SPACE_CHARS = {"\t", "\u00a0", "\u2007", "\u202f", "\u2002", "\u2003", "\u2009", "\u3000", "\f", "\v"}
_DROP_CHARS = {"\u200b", "\u200c", "\u200d", "\ufeff", "\u00ad", "\r"}

_BULLET = regex.compile(r"^(?:[-–—•●▪◦+*]|\d{1,2}[.)\-]\s|[IVXLC]{1,5}[.)]\s|[a-zđ][)]\s)")
_STARTS_LOWER = regex.compile(r"^[\p{Ll}]")


def canonical_tones(text: str) -> str:
    """Move tone marks of open oa/oe/uy syllables to the traditional place (same length)."""
    parts: list[str] = []
    last = 0
    for m in _TONE_CANDIDATE.finditer(text):
        i = m.start()
        swap = _TONE_SWAP.get(m.group())
        if swap is None or (i and text[i - 1] in "qQ") or _LETTER.match(text, m.end()):
            continue
        parts.append(text[last:i])
        parts.extend(swap)
        last = m.end()
    if not parts:
        return text
    parts.append(text[last:])
    return "".join(parts)


@dataclass
class TextView:
    """Clean text plus the map back to the original (`to_orig[i]` for clean offset i)."""
    text: str
    to_orig: list[int] = field(repr=False)
    original: str = field(repr=False, default="")

    def orig(self, i: int) -> int:
        if i <= 0:
            return self.to_orig[0] if self.to_orig else 0
        if i >= len(self.to_orig):
            return len(self.original)
        return self.to_orig[i]

    def orig_span(self, start: int, end: int) -> tuple[int, int]:
        """Original (start, end) covering clean text[start:end]."""
        if end <= start:
            s = self.orig(start)
            return s, s
        return self.orig(start), self.orig(end - 1) + 1

    def original_text(self, start: int, end: int) -> str:
        s, e = self.orig_span(start, end)
        return self.original[s:e]


def _nfc_aligned(text: str) -> tuple[str, list[int] | None]:
    """NFC text and the original offset of each of its characters (None: the identity)."""
    if unicodedata.is_normalized("NFC", text):
        return text, None
    out: list[str] = []
    pos: list[int] = []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        chunk = unicodedata.normalize("NFC", text[i:j])
        for k, ch in enumerate(chunk):
            out.append(ch)
            pos.append(i + min(k, j - i - 1))
        i = j
    return "".join(out), pos


# Whole-text passes instead of a loop over characters: spaces are mapped with
# one substitution, lines are cut at their breaks, and within a line only the runs
# of two or more spaces need offsets work (see `_tidy_line`).
_SPACE_RE = re.compile("[" + "".join(sorted(_SPACE_CHARS)) + "]")
_LINE_BREAK = re.compile("[\n\u2028\u2029]")
_DROP_RE = re.compile("[" + "".join(sorted(_DROP_CHARS)) + "]")
_SPACE_RUN = re.compile("  +")
_CLOSERS = "'\"”’)]»*_"
_TERMINALS = tuple(".!?…:;")


def clean(text: str) -> TextView:
    """Build the clean, aligned working text of `text` (see the module docstring)."""
    nfc, pos = _nfc_aligned(text)
    nfc = _SPACE_RE.sub(" ", canonical_tones(nfc))  # both keep the length

    # Split into lines, keeping for each character its (NFC) offset: a line is
    # (text, offsets as a list of ranges or lists, had trailing space).
    has_drop = _DROP_RE.search(nfc) is not None
    pieces = nfc.split("\n") if "\u2028" not in nfc and "\u2029" not in nfc \
        else _LINE_BREAK.split(nfc)
    lines: list[tuple[str, list, bool]] = []
    a = 0
    for piece in pieces:
        if has_drop and _DROP_RE.search(piece):
            line = _dropping_line(piece, a)
        else:
            t, spans = _tidy_line(piece)
            line = (t, [range(a + i, a + j) for i, j in spans], piece.endswith(" "))
        if line[0]:
            lines.append(line)
        a += len(piece) + 1  # each line break is one character

    wrap = _wrap_width([len(line[0]) for line in lines])

    out: list[str] = []
    out_idx: list[int] = []
    seps: list[int] = []  # clean offsets of the line breaks (mapped after the last char + 1)
    prev = None
    for line in lines:
        if prev is not None:
            out.append(" " if _joins(prev, line[0], wrap) else "\n")
            seps.append(len(out_idx))
            out_idx.append(prev[1][-1][-1])  # the offset of its last character
        out.append(line[0])
        for part in line[1]:
            out_idx.extend(part)
        prev = line
    to_orig = out_idx if pos is None else [pos[i] for i in out_idx]
    for k in seps:
        to_orig[k] += 1
    return TextView("".join(out), to_orig, text)


def _dropping_line(piece: str, a: int) -> tuple[str, list, bool]:
    """The line `piece` (at NFC offset `a`) without its dropped characters, tidied."""
    idx = [a + k for k, ch in enumerate(piece) if ch not in _DROP_CHARS]
    s = _DROP_RE.sub("", piece)
    t, spans = _tidy_line(s)
    return t, [idx[i:j] for i, j in spans], s.endswith(" ")


def _tidy_line(s: str) -> tuple[str, list[tuple[int, int]]]:
    """Strip a line and collapse its runs of spaces; also the (start, end) spans of
    `s` that make up the result (each run keeps its first space)."""
    body = s.strip(" ")
    if not body:
        return "", []
    start = len(s) - len(s.lstrip(" "))
    if "  " not in body:
        return body, [(start, start + len(body))]
    spans = []
    i = 0
    for m in _SPACE_RUN.finditer(body):
        spans.append((start + i, start + m.start() + 1))
        i = m.end()
    spans.append((start + i, start + len(body)))
    return _SPACE_RUN.sub(" ", body), spans


def _wrap_width(lengths: list[int]) -> int | None:
    """The width a hard-wrapped text was wrapped at, if it looks hard-wrapped."""
    if len(lengths) < 6:
        return None
    longish = sorted(x for x in lengths if x >= 40)
    if len(longish) < 4:
        return None
    width = longish[int(len(longish) * 0.75)]
    near = sum(1 for x in longish if x >= 0.8 * width)
    if near < max(3, len(lengths) // 5) or width > 160:
        return None
    return width


def _joins(prev: tuple[str, list, bool], nxt: str, wrap: int | None) -> bool:
    """Should the line break between `prev` and `nxt` be read as a space?"""
    text, _, trailing = prev
    if " | " in text or " | " in nxt:  # rows of a table rendered as text
        return False
    # The line ends with a terminal mark, maybe followed by closing quotes or
    # brackets (r"[.!?…:;]['\"”’)\]»*_]*$"), tested without a regex scan.
    if text.rstrip(_CLOSERS).endswith(_TERMINALS) or _BULLET.match(nxt):
        return False
    if text.endswith(("./.", "./")):
        return False
    if _STARTS_LOWER.match(nxt):
        # A short all-caps heading followed by lower case is still a heading.
        return len(text) > 25 or not text.isupper()
    if wrap is not None and len(text) >= 0.8 * wrap:
        return True
    if trailing and len(text) >= 60:
        return True
    return False
