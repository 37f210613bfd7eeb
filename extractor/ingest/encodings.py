"""Bytes of a text file -> Unicode text, and the name of the encoding it was in.

`decode(data, declared=None)` tries, in order:

1. a byte order mark (UTF-8, UTF-16 LE/BE, UTF-32);
2. UTF-16 without a BOM (zero bytes on every other position);
3. refuses binary data (NUL or many control bytes) -> "binary file (not text)";
4. strict UTF-8;
5. the charset the file declares (HTML <meta charset>), if it decodes;
6. Windows-1258 (then NFC: it writes tones as combining marks), TCVN3 (ABC) and
   VNI: each candidate is scored by how Vietnamese it looks
   (`looks_vietnamese.score`) and the best wins, if it looks Vietnamese at all;
   else "unknown text encoding (...)".

Text that decodes as UTF-8 (or Windows-1258) but is TCVN3/VNI mojibake (typed in
a legacy font, then saved as Unicode) is converted too. Every conversion is
noted in the warnings ("converted from TCVN3 (ABC)"). Raises
`EncodingProblem(reason)`; the caller adds the path. Nothing here parses HTML
or knows about files.
"""
from __future__ import annotations

import codecs
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from .errors import EncodingProblem
from .legacy_fonts import TCVN3, VNI, convert_legacy, detect_legacy, from_tcvn3, from_vni
from .looks_vietnamese import min_score, score

UNKNOWN = "unknown text encoding (not UTF-8, UTF-16, Windows-1258, TCVN3 or VNI)"
BINARY = "binary file (not text)"

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Windows-1252 for bytes 0x80-0x9F (the five undefined ones kept as Latin-1), as a
# translate() table over a Latin-1 decoding: the form legacy-font text was stored in.
_CP1252_HIGH = {b: bytes([b]).decode("cp1252") for b in range(0x80, 0xA0)
                if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}
# Control bytes that do not occur in text files (tab, line feeds, form feed and ESC do).
_CONTROL = frozenset(range(0, 32)) - {9, 10, 11, 12, 13, 27} | {127}
_CONTROL_BYTES = bytes(sorted(_CONTROL))
_SAMPLE = 64 * 1024


@dataclass
class Decoded:
    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


def cp1252_chars(data: bytes) -> str:
    """Bytes as Windows-1252 characters (never fails): what legacy-font text is converted from."""
    return data.decode("latin-1").translate(_CP1252_HIGH)


def decode(data: bytes, declared: str | None = None,
           probe: Callable[[str], str] | None = None) -> Decoded:
    """Decode the bytes of a text file (see the module docstring).

    `probe` picks what to score from a candidate text (HTML: the text without its tags).
    """
    if not data.strip():
        raise EncodingProblem("empty file")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(enc)
            except UnicodeDecodeError as e:
                raise EncodingProblem(f"invalid {enc} after its byte order mark ({e.reason})") \
                    from None
            return _finish(text, f"{enc} (BOM)")
    utf16 = _utf16_without_bom(data)
    if utf16:
        try:
            text = data.decode(utf16)
        except UnicodeDecodeError:
            text = ""
        if _plausible(text):
            return _finish(text, utf16)
    if _looks_binary(data):
        raise EncodingProblem(BINARY)
    try:
        return _finish(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    if declared:
        enc = _codec_name(declared)
        if enc and enc not in ("utf-8", "cp1252", "latin-1", "iso8859-1", "ascii"):
            try:
                return _finish(_nfc(data.decode(enc)), enc)
            except UnicodeDecodeError:
                pass
    return _single_byte(data, probe)


def _finish(text: str, encoding: str) -> Decoded:
    """Convert legacy-font mojibake inside otherwise decoded text."""
    if not text.strip():
        raise EncodingProblem("empty file")
    legacy = detect_legacy(text)
    if legacy:
        return Decoded(convert_legacy(text, legacy), encoding,
                       [f"converted from {legacy} (legacy font text stored as {encoding})"])
    return Decoded(text, encoding)


def _single_byte(data: bytes, probe: Callable[[str], str] | None = None) -> Decoded:
    head = data[:_SAMPLE]
    if probe is not None:  # bytes <-> Latin-1 is one to one, so markup can be cut on str
        head = probe(data[: 16 * _SAMPLE].decode("latin-1")).encode("latin-1")[:_SAMPLE]
    chars = cp1252_chars(head)
    candidates = {
        "cp1258": lambda b: _nfc(b.decode("cp1258", errors="replace")),
        TCVN3: lambda b: from_tcvn3(cp1252_chars(b)),
        VNI: lambda b: from_vni(cp1252_chars(b)),
    }
    scored = {name: score(conv(head)) for name, conv in candidates.items()}
    best = max(scored, key=scored.get)
    if scored[best] < min_score() or scored[best] <= score(chars) + 0.05:
        raise EncodingProblem(UNKNOWN)
    if best == "cp1258":
        try:
            text = _nfc(data.decode("cp1258"))
        except UnicodeDecodeError:
            text = candidates["cp1258"](data)
        return Decoded(text, "cp1258", ["decoded as Windows-1258"])
    return Decoded(candidates[best](data), best, [f"converted from {best}"])


def _utf16_without_bom(data: bytes) -> str | None:
    head = data[:4096]
    if len(head) < 4 or len(head) % 2:
        head = head[: len(head) // 2 * 2]
    if len(head) < 4:
        return None
    even = head[0::2].count(0) / (len(head) / 2)
    odd = head[1::2].count(0) / (len(head) / 2)
    if odd > 0.2 and even < 0.02:
        return "utf-16-le"
    if even > 0.2 and odd < 0.02:
        return "utf-16-be"
    return None


def _plausible(text: str) -> bool:
    """Decoded text without a telling share of control, private or unassigned characters."""
    sample = text[:_SAMPLE // 2]
    if not sample.strip():
        return False
    bad = sum(1 for c in sample
              if c not in "\t\n\r\f\v" and unicodedata.category(c) in ("Cc", "Co", "Cn", "Cs"))
    return bad <= len(sample) // 100


def _looks_binary(data: bytes) -> bool:
    head = data[:_SAMPLE]
    if b"\x00" in head:
        return True
    bad = len(head) - len(head.translate(None, _CONTROL_BYTES))  # how many control bytes
    return bad > max(8, len(head) // 100)


def _codec_name(label: str) -> str | None:
    try:
        return codecs.lookup(label.strip().lower()).name
    except LookupError:
        return None


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)
