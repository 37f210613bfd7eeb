"""Spelled-out Vietnamese numbers: "một trăm linh năm" -> 105, "ba phần tư" -> 0.75.

`spelled_value(tokens)` reads a run of number words (lower case, NFC), possibly
mixed with figures already read as `Decimal` ("1,2 triệu" -> [1.2, "triệu"]),
and returns a `Decimal`, or None when the tokens do not form a number a
Vietnamese writer would use. It handles the tens ("hai mươi mốt", "mười lăm",
"năm mươi tư"), zero tens ("linh"/"lẻ"), scales (trăm, nghìn/ngàn, vạn, triệu,
tỷ/tỉ, also combined as in "nghìn tỷ"), "rưỡi", "nửa", decimals with "phẩy",
fractions with "phần" and the short spoken forms ("một trăm hai" = 120).

The words come from rules/numbers.yaml. Nothing here looks for numbers in
running text (see `grammar.py`), reads digit separators (see `figures.py`) or
handles percent words (the caller strips them).
"""
from __future__ import annotations

import functools
from decimal import Decimal, InvalidOperation
from typing import Sequence, Union

from ..rules import load_yaml

Token = Union[str, Decimal]


@functools.lru_cache(maxsize=None)
def vocabulary() -> dict:
    """The spelled-number words, grouped by role (cached)."""
    y = load_yaml("numbers.yaml")
    sp = y["spelled"]
    scales = {str(k).lower(): Decimal(v) for k, v in y["multipliers"].items() if int(v) >= 1000}
    return {
        "digits": {str(k).lower(): int(v) for k, v in sp["digits"].items()},
        "ten": frozenset(sp["ten"]),
        "tens": frozenset(sp["tens_marker"]),
        "zero": frozenset(sp["zero_tens"]),
        "hundred": frozenset(sp["hundred"]),
        "dozen": frozenset(sp["dozen"]),
        "half_word": frozenset(sp["half_word"]),
        "half_alone": frozenset(sp["half_alone"]),
        "point": frozenset(sp["decimal_point"]),
        "fraction": frozenset(sp["fraction_of"]),
        "scales": scales,
    }


def number_words() -> frozenset[str]:
    """Every word that may appear inside a spelled number."""
    v = vocabulary()
    words: set[str] = set(v["digits"]) | set(v["scales"])
    for key in ("ten", "tens", "zero", "hundred", "dozen", "half_word", "half_alone",
                "point", "fraction"):
        words |= set(v[key])
    return frozenset(words)


def spelled_value(tokens: Sequence[Token]) -> Decimal | None:
    """The value of a spelled (or figure + scale word) number, or None."""
    toks = [t if isinstance(t, Decimal) else str(t).lower() for t in tokens if t != ""]
    if not toks:
        return None
    v = vocabulary()
    try:
        frac_at = _index(toks, v["fraction"])
        if frac_at is not None:
            num = _integer(toks[:frac_at], v)
            den = _integer(toks[frac_at + 1:], v)
            if num is None or den is None or den == 0:
                return None
            return num / den
        point_at = _index(toks, v["point"])
        if point_at is not None:
            return _decimal(toks, point_at, v)
        if toks[0] in v["half_alone"] or (len(toks) >= 2 and toks[0] == "một"
                                          and toks[1] in v["half_alone"]):
            rest = toks[1:] if toks[0] in v["half_alone"] else toks[2:]
            scale = _scale_product(rest, v)
            return None if scale is None else Decimal("0.5") * scale
        return _integer(toks, v)
    except (InvalidOperation, ArithmeticError, ValueError):
        return None


def _index(toks: list[Token], words: frozenset[str]) -> int | None:
    for i, t in enumerate(toks):
        if isinstance(t, str) and t in words:
            return i
    return None


def _scale_product(toks: list[Token], v: dict) -> Decimal | None:
    out = Decimal(1)
    for t in toks:
        if isinstance(t, str) and t in v["scales"]:
            out *= v["scales"][t]
        elif isinstance(t, str) and t in v["hundred"]:
            out *= 100
        else:
            return None
    return out


def _decimal(toks: list[Token], at: int, v: dict) -> Decimal | None:
    whole = _integer(toks[:at], v)
    rest = toks[at + 1:]
    if whole is None or not rest:
        return None
    cut = len(rest)
    for i, t in enumerate(rest):
        if isinstance(t, str) and t in v["scales"]:
            cut = i
            break
    frac_toks, scale_toks = rest[:cut], rest[cut:]
    if not frac_toks:
        return None
    if all(isinstance(t, str) and t in v["digits"] for t in frac_toks):
        frac = "".join(str(v["digits"][t]) for t in frac_toks)
    else:
        f = _integer(frac_toks, v)
        if f is None or f != f.to_integral_value():
            return None
        frac = str(int(f))
    scale = _scale_product(scale_toks, v)
    if scale is None or whole != whole.to_integral_value():
        return None
    return Decimal(f"{int(whole)}.{frac}") * scale


def _integer(toks: list[Token], v: dict) -> Decimal | None:
    """Whole numbers (and "rưỡi" halves) from words and scale words."""
    if not toks:
        return None
    digits, scales = v["digits"], v["scales"]
    # Short spoken form: "một trăm hai" = 120, "hai nghìn ba" = 2300.
    if (len(toks) >= 3 and isinstance(toks[-1], str) and toks[-1] in digits
            and digits[toks[-1]] > 0 and isinstance(toks[-2], str)
            and (toks[-2] in scales or toks[-2] in v["hundred"])):
        base = _integer(toks[:-1], v)
        unit = Decimal(10) if toks[-2] in v["hundred"] else scales[toks[-2]] / 10
        return None if base is None else base + digits[toks[-1]] * unit

    total = Decimal(0)
    group = Decimal(0)
    pend: Decimal | None = None
    pend_is_figure = False
    largest = Decimal(1)
    last_scale: Decimal | None = None
    last = "start"
    for i, tok in enumerate(toks):
        if isinstance(tok, Decimal):
            if pend is not None or last not in ("start", "scale"):
                return None
            pend, pend_is_figure, last = tok, True, "pending"
            continue
        if tok in digits:
            d = digits[tok]
            if last in ("ten", "tens", "zero"):
                if d == 0:
                    return None
                group += d
                last = "added"
            elif last in ("pending", "added"):
                return None
            else:
                pend, pend_is_figure, last = Decimal(d), False, "pending"
            if tok == "mốt" and last == "added" and toks[i - 1] not in v["tens"]:
                return None
            if tok in ("mốt", "lăm", "nhăm") and last == "pending":
                return None
        elif tok in v["ten"]:
            if last in ("pending", "added", "ten", "tens"):
                return None
            group += 10
            last = "ten"
        elif tok in v["tens"]:
            if last != "pending" or pend_is_figure or pend is None or not 2 <= pend <= 9:
                return None
            group += pend * 10
            pend, last = None, "tens"
        elif tok in v["zero"]:
            if last not in ("hundred", "scale"):
                return None
            last = "zero"
        elif tok in v["hundred"]:
            if group != 0:
                return None
            group = (pend if pend is not None else Decimal(1)) * 100
            pend, last, last_scale = None, "hundred", Decimal(100)
        elif tok in v["dozen"]:
            if group != 0:
                return None
            group = (pend if pend is not None else Decimal(1)) * 10
            pend, last = None, "added"
        elif tok in scales:
            s = scales[tok]
            if pend is not None:
                group += pend
                pend = None
            if group == 0 and total == 0:
                group = Decimal(1)
            if s > largest:
                total = (total + group) * s
                largest = s
            elif group == 0:
                return None
            else:
                total += group * s
            group = Decimal(0)
            last, last_scale = "scale", s
        elif tok in v["half_word"]:
            if i != len(toks) - 1 or last not in ("scale", "hundred") or last_scale is None:
                return None
            group += last_scale / 2
            last = "added"
        else:
            return None
    if last == "zero":
        return None
    if pend is not None:
        group += pend
    return total + group
