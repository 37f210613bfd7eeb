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

_TONE_RE = regex.compile(
    r"(?<![qQ])(?:" + "|".join(regex.escape(k) for k in _TONE_SWAP) + r")(?!\p{L})"
)

_SPACE_CHARS = {"\t", "\u00a0", "\u2007", "\u202f", "\u2002", "\u2003", "\u2009", "\u3000", "\f", "\v"}
_DROP_CHARS = {"\u200b", "\u200c", "\u200d", "\ufeff", "\u00ad", "\r"}

_TERMINAL = regex.compile(r"[.!?…:;]['\"”’)\]»*_]*$")
_BULLET = regex.compile(r"^(?:[-–—•●▪◦+*]|\d{1,2}[.)\-]\s|[IVXLC]{1,5}[.)]\s|[a-zđ][)]\s)")
_STARTS_LOWER = regex.compile(r"^[\p{Ll}]")


def canonical_tones(text: str) -> str:
    """Move tone marks of open oa/oe/uy syllables to the traditional place (same length)."""
    if not _TONE_RE.search(text):
        return text
    return _TONE_RE.sub(lambda m: "".join(_TONE_SWAP[m.group(0)]), text)


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


def _nfc_aligned(text: str) -> tuple[str, list[int]]:
    if unicodedata.is_normalized("NFC", text):
        return text, list(range(len(text)))
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


def clean(text: str) -> TextView:
    """Build the clean, aligned working text of `text` (see the module docstring)."""
    nfc, pos = _nfc_aligned(text)
    nfc = canonical_tones(nfc)

    # Split into lines, keeping for each character its original offset.
    lines: list[tuple[str, list[int], bool]] = []  # (line text, offsets, had trailing space)
    cur: list[str] = []
    cur_pos: list[int] = []
    for ch, p in zip(nfc, pos):
        if ch == "\n" or ch == "\u2028" or ch == "\u2029":
            lines.append(_tidy_line(cur, cur_pos))
            cur, cur_pos = [], []
        elif ch in _DROP_CHARS:
            continue
        else:
            cur.append(" " if ch in _SPACE_CHARS else ch)
            cur_pos.append(p)
    lines.append(_tidy_line(cur, cur_pos))

    wrap = _wrap_width([len(t) for t, _, _ in lines if t])

    out: list[str] = []
    out_pos: list[int] = []
    prev: tuple[str, list[int], bool] | None = None
    pending_break_pos: int | None = None
    for line_text, line_pos, trailing in lines:
        if not line_text:
            continue
        if prev is not None:
            sep = " " if _joins(prev, line_text, wrap) else "\n"
            out.append(sep)
            out_pos.append(pending_break_pos if pending_break_pos is not None else line_pos[0])
        out.extend(line_text)
        out_pos.extend(line_pos)
        prev = (line_text, line_pos, trailing)
        pending_break_pos = line_pos[-1] + 1
    clean_text = "".join(out)
    return TextView(clean_text, out_pos, text)


def _tidy_line(chars: list[str], positions: list[int]) -> tuple[str, list[int], bool]:
    """Strip a line and collapse its runs of spaces, keeping offsets aligned."""
    trailing = bool(chars) and chars[-1] == " "
    out: list[str] = []
    out_pos: list[int] = []
    for ch, p in zip(chars, positions):
        if ch == " " and (not out or out[-1] == " "):
            continue
        out.append(ch)
        out_pos.append(p)
    while out and out[-1] == " ":
        out.pop()
        out_pos.pop()
    return "".join(out), out_pos, trailing


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


def _joins(prev: tuple[str, list[int], bool], nxt: str, wrap: int | None) -> bool:
    """Should the line break between `prev` and `nxt` be read as a space?"""
    text, _, trailing = prev
    if " | " in text or " | " in nxt:  # rows of a table rendered as text
        return False
    if _TERMINAL.search(text) or _BULLET.match(nxt):
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
