"""Vietnamese number expressions -> values, with unit, qualifier and kind.

`normalize_number(text, context=None)` reads one figure as written in
Vietnamese reports and returns an int/float, a (lo, hi) tuple for a range, or
None: "1.741.540" -> 1741540, "100,1%" -> 100.1, "84,746 triệu" -> 84746000,
"hai mươi lăm nghìn" -> 25000, "97-98%" -> (97.0, 98.0), "trên 92%" -> 92
(the qualifier is not folded into the value), "ba phần tư" -> 0.75. The
optional context (the surrounding phrase) settles separators: in "727,215 người"
the figure is a count, so the comma groups thousands.

`read_number(text, context)` returns the whole reading as a `NumberMention`
(unit, qualifier, kind, and `ambiguous` when the separators stay doubtful).
`scan_numbers(text, blocked)` finds every number expression in running text,
skipping spans the caller blocks (dates, document numbers: see mentions.py).

The separator rules are in figures.py, spelled numbers in spelled.py, the
vocabulary in rules/numbers.yaml. Nothing here decides what a figure measures
(participants, coverage...): that is the records stage's job.
"""
from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata
from decimal import Decimal

import regex

from . import masks
from .dates import time_spans
from .figures import read_figure_readings
from .number_grammar import grammar
from .number_tail import (Piece, _scale_after, closer_after, figure_chain, percent_after, phrase_in,
                          range_end, unit_after, words_after)
from .spans import NumberMention, number_mention
from .spelled import spelled_value, vocabulary
from .vocab import lowered, words_before_if

_WS = regex.compile(r"\s+")
_WORD = regex.compile(r"\S+")
_SPACED = regex.compile(r"(?<![0-9.,])[0-9]{1,3}(?: [0-9]{3})+(?![0-9]|[.,][0-9])")
_SIGN = regex.compile(r"^(?:(?P<neg>[\-−‒–]\s?(?=[0-9]))|\+\s?(?=[0-9]))")
_WRAP = regex.compile(r"^[\s(\[“\"']+|[\s)\]”\"'.,;:!?]+$")
_VULGAR = {"½": Decimal("0.5"), "¼": Decimal("0.25"), "¾": Decimal("0.75"),
           "⅓": Decimal(1) / 3, "⅔": Decimal(2) / 3}
_DIGITS = frozenset("0123456789")
_COUNT_UNITS = {"person": "count", "card": "count", "unit": "count", "vnd": "money"}


def _as_number(d: Decimal) -> int | float:
    if d == d.to_integral_value():
        return int(d)
    return float(d)


def _lower(text: str) -> str:
    """Lower case with the same length (a few characters grow when lowered)."""
    return lowered(text)[1]


# --------------------------------------------------------------------------- scanning

def _cores(text: str, spelled_anywhere: bool) -> list[tuple[int, str, regex.Match]]:
    """Where a number may start: every figure, and runs of number words."""
    gr = grammar()
    cores = [(m.start(1), "fig", m) for m in gr.figure_scan.finditer(text)]  # group 1: "fig"
    spelled = []
    low = _lower(text)
    n = len(low)
    starts = gr.spelled_any_start if spelled_anywhere else gr.spelled_start
    for p, e in starts.finditer(low):
        if (p and low[p - 1].isalnum()) or (e < n and low[e].isalnum()):
            continue
        if not spelled_anywhere and low[e:e + 1] == " " and low[e + 1:e + 2] in _DIGITS \
                and low[p:e] not in gr.multipliers:
            continue  # "năm 2022": the run is this word alone, with no unit nor percent after
        run = gr.spelled_run.match(text, p)
        if run is None:
            continue
        if " " not in run.group("sp"):
            word = run.group("sp").lower()
            alone = spelled_anywhere and p == 0 and run.end() == n
            if not alone and word not in gr.multipliers and not (
                    unit_after(text, run.end()) or percent_after(text, run.end())):
                continue  # a lone "năm", "một", "không" with no unit after it
        spelled.append((p, "sp", run))
    if spelled:  # (the figures are in order already)
        cores += spelled
        cores.sort(key=lambda c: c[0])
    return cores


def scan_numbers(text: str, blocked: list[tuple[int, int]] | None = None, *,
                 spelled_anywhere: bool = False, role_hint: str | None = None) -> list[NumberMention]:
    """Number expressions in running text, left to right, none inside `blocked`.

    Spelled numbers count only before a unit, percent or scale word unless
    `spelled_anywhere` (used for a lone expression). `role_hint` is the role
    the caller's context gives a figure that has no unit of its own.
    """
    gr = grammar()
    bl = masks.Blocked(blocked)
    spans, k = bl.spans, 0  # spans[k]: the first blocked span not ended before the core
    near = gr.near_words
    out: list[NumberMention] = []
    pos = 0
    for start, kind, m in _cores(text, spelled_anywhere):  # in order
        if start < pos:
            continue
        while k < len(spans) and spans[k][1] <= start:
            k += 1
        if k < len(spans) and spans[k][0] <= start:
            continue  # inside a blocked span
        # all the words a phrase table may want, or just the nearest one when
        # no table can end with it
        words = words_before_if(text, start, gr.max_phrase, near)
        if words and words[0][1] in near and _is_document(words):
            pos = m.end()  # "Quyết định số 861", "Nghị quyết 21"
            continue
        mention = _GENERAL
        if kind == "fig":
            mention = _read_plain(text, m, bl, words, role_hint, gr)
        if mention is _GENERAL:
            mention = _read_at(text, kind, m, bl, words, spelled_anywhere, role_hint)
        if mention is not None:
            out.append(mention)
            pos = mention.end
    return out


def _is_document(words: list[tuple[int, str]]) -> bool:
    gr = grammar()
    if not words or words[0][1] not in gr.near_words:
        return False  # no table's phrase ends with the nearest word
    if words[0][1] == "số":
        return gr.documents_any.before(words[1:]) is not None
    return gr.documents.before(words) is not None


def _free(bl: masks.Blocked, piece: Piece | None) -> Piece | None:
    return piece if piece is not None and not bl.hit(piece.start, piece.end) else None


_GENERAL = object()  # what _read_plain gives for a figure it leaves to _read_at


def _read_plain(text: str, m: re.Match, bl: masks.Blocked, words: list[tuple[int, str]],
                role_hint: str | None, gr) -> NumberMention | None | object:
    """`_read_at` for the common figure, without its chain dicts: a figure with at
    most a percent sign or a unit after it. Anything more (a ratio, a scale
    word, a range, "trở lên") gives `_GENERAL`, and the general reader then
    reads the figure afresh. The words after the figure are matched once and
    looked up in each table (what `_scale_after`, `percent_after`, `range_end`,
    `unit_after` and `closer_after` would each read again)."""
    s, e = m.span(1)
    raw = m.group(1)
    c0 = text[e:e + 1]
    hit = bl.hit
    pct = unit_p = None
    if c0 == " ":
        c1 = text[e + 1:e + 2]
        after = words_after(text, e)
        word = after.group(1).lower() if after is not None else None
        if c1 in gr.multiplier_initials and word in gr.multipliers:
            return _GENERAL  # a scale word ("1,2 triệu")
        if c1 in gr.percent_symbols:
            pct = Piece(e + 1, e + 2, c1)
        elif c1 in gr.percent_initials and after is not None:
            pct = phrase_in(text, after, gr.percent_words, 2)
        if pct is not None and hit(pct.start, pct.end):
            pct = None
        if pct is None:
            # what range_end looks for first: a dash or a range word ("đến")
            if (c1 and c1 in gr.range_dashes) or (c1 in gr.range_initials and word in gr.range_words):
                if range_end(text, e, None) is not None:
                    return _GENERAL  # perhaps a range ("1 - 2 người")
            if word in gr.unit_first_words:
                unit_p = phrase_in(text, after, gr.unit_phrases, gr.max_unit_words)
                if unit_p is not None and hit(unit_p.start, unit_p.end):
                    unit_p = None
        elif range_end(text, pct.end, pct) is not None:
            return _GENERAL
    else:
        if c0 == "/" and raw.isdigit():
            return _GENERAL  # perhaps a ratio ("22/22")
        if c0 in gr.percent_symbols:
            pct = Piece(e, e + 1, c0)
            if hit(e, e + 1):
                pct = None
        elif c0.isalpha():
            if _scale_after(text, e) is not None:
                return _GENERAL  # a scale word glued to the figure ("5tr")
            unit_p = unit_after(text, e)
            if unit_p is not None and hit(unit_p.start, unit_p.end):
                unit_p = None
        if range_end(text, e if pct is None else pct.end, pct) is not None:
            return _GENERAL  # perhaps a range ("97-98%")
    value_end = e if pct is None else pct.end
    unit, ukind = _unit_of(unit_p)
    # the role, as _role gives it for a figure with no scale word
    if pct is not None:
        role = "percent"
    elif unit in ("person", "card", "unit"):
        role = "count"
    elif unit == "vnd":
        role = "money"
    else:
        role = role_hint
    got = _figure_number(raw, role)
    if got is None:
        return None
    value, ambiguous, alternative = got
    if unit_p is not None:
        end = unit_p.end
        closer = closer_after(text, end)
    else:
        end = value_end
        if end == e and c0 == " ":  # the words after the figure are read already
            closer = phrase_in(text, after, gr.closer_phrases, 2) \
                if after is not None and c1 in gr.closer_initials else None
        else:
            closer = closer_after(text, end)
    if closer is not None:
        return _GENERAL  # "trở lên"
    if not words or words[0][1] not in gr.near_words:  # no phrase before it (_before's test)
        qualifier, start = _symbol_before(text, s, None, gr.qualifier_symbols)
        label = False
    else:
        start, qualifier, label = _before(text, s, words, False, None, pct is None)
    if pct is not None:
        kind, unit, unit_text = "percent", "percent", pct.text
    else:
        kind = "ordinal" if label else "money" if unit == "vnd" else ukind
        unit_text = unit_p.text if unit_p else None
    return number_mention(start, end, text[start:end], value, s, value_end, unit, unit_text,
                          qualifier, ambiguous, kind, None, alternative)


@functools.lru_cache(maxsize=8192)  # the same figures come back again and again
def _figure_number(raw: str, role: str | None):
    """(value, ambiguous, alternative) of a bare figure as the mention holds them, or None."""
    got = read_figure_readings(raw, role)
    if got is None:
        return None
    v, amb, other = got
    return _as_number(v), bool(amb), (_as_number(other) if other is not None else None)


def _read_at(text: str, core_kind: str, m: regex.Match, bl: masks.Blocked,
             words: list[tuple[int, str]], spelled_anywhere: bool,
             role_hint: str | None) -> NumberMention | None:
    """The number expression whose core is `m`, extended both ways."""
    hit = bl.hit
    if core_kind == "fig":
        s, e = m.span(1)  # the group "fig"
        first = figure_chain(text, s, e)
        # its ratio or scale word is part of a date (a bare figure is kept as it is)
        if first["end"] != e and hit(s, first["end"]):
            first = {"kind": "figure", "raw": m.group(1), "start": s, "end": e,
                     "tokens": [], "scale": None}
        pct = None
    else:
        first = _spelled_chain(text, m, spelled_anywhere)
        if first is None:
            return None
        pct = first["percent"]
    core_start = first["start"]
    value_end = first["end"]
    if not pct:
        pct = percent_after(text, value_end)
        if pct is not None and hit(pct.start, pct.end):
            pct = None
    if pct is not None:
        value_end = max(value_end, pct.end)
    # a range: "97-98%", "từ 97 đến 98%", "1-2 triệu"
    second = None
    if first["kind"] == "figure" and first.get("ratio") is None:
        second = range_end(text, value_end, pct)
        if second is not None and hit(second[0]["start"], second[2]):
            second = None
    unit_p, alternative = None, None
    if second is not None:
        sec, sec_pct, sec_end = second
        pct_r = pct or sec_pct
        unit_p = _free(bl, unit_after(text, sec_end)) if pct_r is None else None
        unit, ukind = _unit_of(unit_p)
        role1 = "multiplier" if sec.get("scale") else _role(first, pct_r, unit, role_hint)
        v1, a1, _ = _value(first, role1)
        v2, a2, _ = _value(sec, _role(sec, pct_r, unit, role_hint))
        if v1 is not None and sec.get("scale") and not first.get("scale"):
            v1 = v1 * sec["scale"]
        if v1 is not None and v2 is not None and v1 < v2:
            value: int | float | tuple = (float(v1), float(v2))
            ambiguous = a1 or a2
            pct, value_end = pct_r, sec_end
        else:
            second, unit_p = None, None
    if second is None:
        if pct is None:
            unit_p = unit_after(text, value_end)
            if unit_p is not None and hit(unit_p.start, unit_p.end):
                unit_p = None
        unit, ukind = _unit_of(unit_p)
        v, ambiguous, other = _value(first, _role(first, pct, unit, role_hint))
        if v is None:
            return None
        value = _as_number(v)
        alternative = _as_number(other) if other is not None else None
    end = unit_p.end if unit_p else value_end
    closer = closer_after(text, end)
    if closer:
        end = closer.end
    # in running text a spelled number must stand before a unit, percent or scale word
    if first["kind"] == "spelled" and not spelled_anywhere:
        if not (unit_p or pct or first.get("scaled") or first.get("fraction")):
            return None
    qualifier = grammar().closers[closer.text.lower()] if closer else None
    start, qualifier, label = _before(text, core_start, words, second is not None or closer is not None,
                                      qualifier, pct is None)
    kind = _kind(first, pct, unit, ukind, label)
    unit_text = None
    if pct is not None:
        unit, unit_text = "percent", pct.text
    elif unit_p:
        unit_text = unit_p.text
        if unit == "vnd" and first.get("mult_start") is not None and second is None:
            unit_text = text[first["mult_start"]:unit_p.end]
    return number_mention(start, end, text[start:end], value, core_start, value_end, unit,
                          unit_text, qualifier, bool(ambiguous), kind, first.get("ratio"),
                          alternative)


def _before(text: str, core_start: int, words: list[tuple[int, str]], opened: bool,
            qualifier: str | None, may_be_label: bool) -> tuple[int, str | None, bool]:
    """What the words before the figure add: (mention start, qualifier, is a label).

    "từ" opens a range or an open range (`opened`) and joins the mention; a
    qualifier ("trên", "khoảng", "> ") joins it unless it ends a comparison
    ("cao hơn 0,15%"); a label word ("thứ", "khu vực") makes it an ordinal.
    """
    gr = grammar()
    if not words or words[0][1] not in gr.near_words:  # no table's phrase can end here
        if qualifier is None:
            qualifier, core_start = _symbol_before(text, core_start, qualifier, gr.qualifier_symbols)
        return core_start, qualifier, False
    start, used = core_start, 0
    if opened:
        hit = gr.openers.before(words)
        if hit:
            used = hit[0]
            start = words[used - 1][0]
    if qualifier is None:
        hit = gr.qualifier_table.before(words[used:])
        if hit:
            n, phrase = hit
            head = words[used + n][1] if len(words) > used + n else None
            if head not in gr.comparative_heads:
                qualifier = gr.qualifiers[phrase]
                start = words[used + n - 1][0]
    if qualifier is None and used == 0:
        qualifier, start = _symbol_before(text, start, qualifier, gr.qualifier_symbols)
    label = False
    if may_be_label:
        hit = gr.labels.before(words)
        if hit:
            n, phrase = hit
            prev = words[n][1] if len(words) > n else None
            label = prev not in gr.label_not_after.get(phrase, ())
    return start, qualifier, label


def _symbol_before(text: str, start: int, qualifier, symbols: dict):
    """A qualifier sign right before the figure ("> 90%", "≥95%")."""
    j = start - 1 if text[start - 1:start] == " " else start
    if text[j - 1:j] not in grammar().qualifier_symbol_ends:
        return qualifier, start
    for width in (2, 1):
        sign = text[max(0, j - width):j]
        if len(sign) == width and sign in symbols and not text[j - width - 1:j - width].isalnum():
            return symbols[sign], j - width
    return qualifier, start


def _unit_of(unit_p: Piece | None) -> tuple[str | None, str]:
    if unit_p is None:
        return None, "number"
    gr = grammar()
    return gr.units.get(" ".join(unit_p.text.lower().split()), (None, "measure"))


def _spelled_chain(text: str, m: regex.Match, anywhere: bool) -> dict | None:
    """The longest run of number words that reads as a number."""
    gr = grammar()
    run = m.group("sp")
    base = m.start("sp")
    words = [(w.group().lower(), base + w.start(), base + w.end()) for w in _WORD.finditer(run)]
    if not words or words[0][0] in gr.spelled_alone_stop:
        return None
    whole = m.start("sp") == 0 and m.end("sp") == len(text)
    if words[0][0] in gr.spelled_start_stop and not (
            anywhere and (whole or words[0][0] not in gr.multipliers)):
        return None  # "tỷ lệ", "hàng nghìn người": no figure; "không" only alone
    percent = None
    for pw in gr.percent_words:
        k = len(pw.split())
        if len(words) > k and " ".join(w for w, _, _ in words[-k:]) == pw:
            percent = Piece(words[-k][1], words[-1][2], text[words[-k][1]:words[-1][2]])
            words = words[:-k]
            break
    sv = vocabulary()
    for k in range(len(words), 0, -1):
        toks = [w for w, _, _ in words[:k]]
        v = spelled_value(toks)
        if v is None:
            continue
        if percent and k != len(words):
            percent = None
        end = percent.end if percent else words[k - 1][2]
        return {"kind": "spelled", "value": v, "start": words[0][1], "end": end,
                "percent": percent,
                "scaled": toks[-1] in gr.multipliers or toks[-1] in sv["half_word"],
                "fraction": any(t in sv["fraction"] or t in sv["half_alone"] for t in toks)}
    return None


def _role(part: dict, pct, unit: str | None, hint: str | None) -> str | None:
    if part.get("scale"):
        return "multiplier"
    if pct is not None:
        return "percent"
    if unit in ("person", "card", "unit"):
        return "count"
    if unit == "vnd":
        return "money"
    return hint


def _value(part: dict, role: str | None) -> tuple[Decimal | None, bool, Decimal | None]:
    """(value, ambiguous, the other reading) of a figure with its scale words."""
    if part["kind"] == "spelled":
        return part["value"], False, None
    got = read_figure_readings(part["raw"], role)
    if got is None:
        return None, False, None
    v, amb, other = got
    if part.get("ratio") is not None:
        return v, False, None
    if part["tokens"]:
        total = spelled_value([v] + part["tokens"])
        if total is None:
            return None, False, None
        other = spelled_value([other] + part["tokens"]) if other is not None else None
        return total, amb, other
    return v, amb, other


def _kind(first: dict, pct, unit: str | None, ukind: str, label: bool) -> str:
    if pct is not None:
        return "percent"
    if first.get("ratio") is not None:
        return "ratio"
    if label:
        return "ordinal"
    if unit == "vnd":
        return "money"
    if ukind != "number":
        return ukind
    if first["kind"] == "spelled" and first.get("fraction"):
        return "fraction"
    return "number"


# --------------------------------------------------------------------------- one expression

def _context_role(t: str, context: str | None) -> str | None:
    """The role the surrounding phrase gives a figure that has no unit of its own."""
    if not context or not isinstance(context, str):
        return None
    gr = grammar()
    c = _WS.sub(" ", unicodedata.normalize("NFC", context))
    i = c.find(t)
    if i >= 0:
        after = i + len(t)
        chain = figure_chain(c, after, after)
        if chain.get("scale"):
            return "multiplier"
        if percent_after(c, after):
            return "percent"
        unit, _ = _unit_of(unit_after(c, after))
        if unit in _COUNT_UNITS:
            return _COUNT_UNITS[unit]
    low = c.lower()
    counts = any(regex.search(r"(?<![\p{L}])" + regex.escape(w) + r"(?![\p{L}])", low)
                 for w in gr.count_context)
    pcts = any(regex.search(r"(?<![\p{L}])" + regex.escape(w) + r"(?![\p{L}])", low) if w[0].isalpha()
               else w in low for w in gr.percent_context)
    if counts and not pcts:
        return "count"
    if pcts and not counts:
        return "percent"
    return None


def read_number(text: str, context: str | None = None) -> NumberMention | None:
    """The one number expression in `text` (words around it allowed), or None when
    there is none or more than one."""
    if not isinstance(text, str):
        return None
    t = _WS.sub(" ", unicodedata.normalize("NFC", text)).strip()
    if not t or len(t) > 500:
        return None
    t = _WRAP.sub("", t)
    if t in _VULGAR:
        return NumberMention(0, len(t), t, float(_VULGAR[t]), 0, len(t), None, None, None,
                             kind="fraction")
    negative = False
    sm = _SIGN.match(t)
    if sm:
        negative, t = sm.group("neg") is not None, t[sm.end():]
    else:
        first, _, rest = t.partition(" ")
        if rest and first.lower() in grammar().negatives:  # "âm 5"
            negative, t = True, rest
    t = _SPACED.sub(lambda m: m.group().replace(" ", ""), t)  # "1 741 540"
    blocked = time_spans(t) + [s for s in masks.mask_spans(t) if not _is_list_marker_only(t, s)]
    found = scan_numbers(t, blocked, spelled_anywhere=True, role_hint=_context_role(t, context))
    if len(found) != 1 or found[0].kind == "ratio":
        return None  # nothing, or several figures ("5-3", "1,2 triệu, 5%"): no silent guess
    first = found[0]
    if negative:
        v, alt = first.value, first.alternative
        first = dataclasses.replace(first, value=(-v[1], -v[0]) if isinstance(v, tuple) else -v,
                                    alternative=-alt if alt is not None else None)
    return first


def _is_list_marker_only(t: str, span: tuple[int, int]) -> bool:
    """A lone "1." or "2-" is a figure when it is all the caller gave us."""
    return span[0] == 0 and regex.fullmatch(r"\s*[0-9]{1,2}\s*[.)\-–]?\s*", t[span[0]:span[1]]) is not None


def normalize_number(text, context: str | None = None):
    """Value of a Vietnamese number expression: int/float, (lo, hi) or None. Never raises."""
    if isinstance(text, bool):
        return None
    if isinstance(text, (int, float)):
        return text
    try:
        m = read_number(text, context)
        return m.value if m is not None else None
    except Exception:  # noqa: BLE001 - the contract: never raise, None when unreadable
        return None
