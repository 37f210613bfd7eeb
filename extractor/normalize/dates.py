"""Vietnamese dates, periods and relative time expressions -> ISO strings.

`normalize_date(text, reference=None)` reads one date expression and returns:

- a day "2017-10-03", a month "2024-06" or a year "2023", at the precision the
  text gives; a date with a time of day "2022-11-24T22:04" (seconds if written);
- a period as "START..END" with full ISO days: "Quý III/2022" ->
  "2022-07-01..2022-09-30", "6 tháng đầu năm 2024" -> "2024-01-01..2024-06-30",
  "giai đoạn 2023-2025" -> "2023-01-01..2025-12-31" (always this full form),
  "năm học 2018-2019" -> "2018-09-01..2019-05-31" (school year bounds in
  rules/dates.yaml), "từ 1/11 - 30/11/2022" -> "2022-11-01..2022-11-30";
- an as-of day for "hết"/"cuối"/"đầu": "hết tháng 6/2024" -> "2024-06-30",
  "cuối năm 2022" -> "2022-12-31";
- expressions relative to the publication date `reference`: "ngày 24/10",
  "tháng 6", "hết tháng 6" (a month after the reference month belongs to the
  year before), "hiện nay" (the reference day), "năm nay", "năm ngoái",
  "cùng kỳ năm trước" (the reference day a year earlier). Without a
  reference these give None.

`scan_dates(text, reference)` finds every such expression in running text and
returns `DateMention`s (see spans.py); it joins a time of day to its date and
two dates around "-"/"đến" into a range, and records the cue before a date
("tính đến hết" makes it an as-of date, "so với" a comparison).

Only the text's own forms are read by rules (rules/dates.yaml, patterns in
date_grammar.py). dateparser is used, lazily, only by `normalize_date` for a
span none of the rules could read (e.g. English "November 24, 2022"); it never
searches running text. Neither public function raises.
"""
from __future__ import annotations

import calendar
import datetime as dt
import functools
import unicodedata
from dataclasses import dataclass, field

import regex

from .date_grammar import grammar
from .masks import Blocked, url_spans
from .spans import DateMention, date_mention
from .vocab import lowered
from .spelled import spelled_value

_WHITESPACE = regex.compile(r"\s+")
_DIGIT = regex.compile(r"[0-9]")


# --------------------------------------------------------------------------- atoms

@dataclass
class Atom:
    form: str
    start: int
    end: int
    g: dict
    cue: str | None = None
    cue_start: int | None = None


@functools.lru_cache(maxsize=16)
def scan_atoms(text: str) -> tuple[Atom, ...]:
    """Every date atom (and time of day) in the text, left to right, with its cue."""
    out: list[Atom] = []
    last_end = 0
    urls = Blocked(url_spans(text))
    for pos in _candidates(text):
        if pos < last_end or urls.end_of(pos) is not None:
            continue
        atom = _atom_at(text, pos)
        if atom is not None:
            out.append(atom)
            last_end = atom.end
    return tuple(out)


_LETTERS = regex.compile(r"\p{L}+")
_PUNCT = "()[]{}\"'“”‘’,.;:!?/-–—|*"


def _lower(text: str) -> str:
    """Lower case with the same length (a few characters grow when lowered)."""
    return lowered(text)[1]


def _lookback(low: str, p: int, leads: frozenset, found: set) -> None:
    """Add the start of every lead word among the five words (runs of non-blanks)
    in the 40 characters before `p`, punctuation around a word ignored."""
    lo = p - 40 if p > 40 else 0
    seg = low[lo:p]
    parts = seg.rsplit(None, 5)  # the last five words, after what is left before them
    if len(parts) == 6:
        del parts[0]
    # where parts[located] starts (the words after it located too): found by
    # walking back only as far as a lead word needs, most have none
    located, idx = len(parts), len(seg)
    for i in range(len(parts) - 1, -1, -1):
        part = parts[i]
        word = part.strip(_PUNCT)
        if word in leads:
            while located > i:
                located -= 1
                idx = seg.rfind(parts[located], 0, idx)
            found.add(lo + idx + part.find(word))


def _candidates(text: str) -> list[int]:
    """Positions where an atom may start: figures that may be part of a date, lead
    words a few words before them, and the anchors of atoms without figures."""
    gr = grammar()
    low = _lower(text)
    found: set[int] = set()
    for m in gr.dateish.finditer(low):
        found.add(m.start())
        _lookback(low, m.start(), gr.lookback_leads, found)
    for m in gr.anchors.finditer(low):
        p, e = m.start(), m.end()
        if (p and low[p - 1].isalnum()) or (e < len(low) and low[e].isalnum()):
            continue
        found.add(p)
        first = m.group().split(" ", 1)[0]
        if first in gr.after_number and p >= 2:
            words = low[max(0, p - 12):p].split()
            if words and words[-1] in gr.number_leads and low[p - 1] == " ":
                found.add(p - 1 - len(words[-1]))
                if len(words) > 1 and f"{words[-2]} {words[-1]}" in gr.number_leads:
                    found.add(p - 2 - len(words[-1]) - len(words[-2]))
    return sorted(found)


def _atom_at(text: str, pos: int) -> Atom | None:
    gr = grammar()
    if text[pos].isdigit():
        lead = "#"
    else:
        wm = _LETTERS.match(text, pos)
        lead = wm.group().lower() if wm else ""
    pat = gr.by_lead.get(lead)
    if pat is None:
        return None
    m = pat.match(text, pos)
    if m is None or m.end() <= m.start():
        return None
    form, g = _form_and_groups(m.groups(), gr.by_lead_groups[lead])
    atom = Atom(form, m.start(), m.end(), g)
    if not _keep(atom, text):
        return None
    cm = _cue_before(text, atom.start, gr)
    if cm:
        atom.cue = " ".join(cm.group("cue").lower().split())
        atom.cue_start = cm.start("cue")
    if form == "now" and not (atom.cue and (gr.cues[atom.cue]["asof"]
                                            or gr.cues[atom.cue]["relation"] == "since")):
        return None
    return atom


def _cue_before(text: str, start: int, gr) -> regex.Match | None:
    """The cue ending, blanks after it, right before `start` (within 30 characters).

    The pattern is searched only when the letters before the blanks are the last
    word of some cue (compared case-folded, as the pattern ignores case)."""
    lo = start - 30 if start > 30 else 0
    k = start
    while k > lo and text[k - 1].isspace():
        k -= 1
    if k == start:
        return None  # a cue is followed by blanks
    j = k
    while j > lo and text[j - 1].isalpha():
        j -= 1
    if text[j:k].casefold() not in gr.cue_last_words:
        return None
    return gr.cue_before.search(text, lo, start)


def _form_and_groups(values: tuple, branches: tuple) -> tuple[str, dict]:
    """The form of the branch that matched and its groups that took part, from
    `match.groups()` and the branch table of date_grammar (`by_lead_groups`)."""
    for form, marker, names in branches:
        if values[marker - 1] is not None:
            return form, {n: values[i - 1] for n, i in names if values[i - 1] is not None}
    raise AssertionError("no form marker matched")  # every branch has one


def _keep(a: Atom, text: str) -> bool:
    """Checks that need the text around the atom or arithmetic."""
    gr = grammar()
    g, f = a.g, a.form
    lo_y, hi_y = gr.year_range
    for key in ("y", "y2"):
        if key in g and len(g[key]) == 4 and not lo_y <= int(g[key]) <= hi_y:
            return False
    b0 = max(0, a.start - 40)
    if f in ("dmy", "iso", "iso_ymd", "long") and "d" in g and "y" in g:
        if not _valid_day(int(g["y"]), _month(g), int(g["d"])):
            return False
    if f == "long":
        if "dw" not in g and ("y" not in g or g.get("mn", "").lower() in gr.year_words):
            return False
        if not _valid_day(2000, _month(g), int(g["d"])):
            return False
    if f == "dm":
        if not _valid_day(2000, int(g["m"]), int(g["d"])):
            return False
        if "dw" not in g:
            cue = gr.dm_cue_before.search(text, b0, a.start)
            if g["sep"] != "/" or not (cue or gr.dm_after.match(text, a.end)):
                return False
            cue = cue or gr.dm_after.match(text, a.end)
            if gr.unit_after.match(text, a.end) and not any(c.isalpha() for c in cue.group()):
                return False  # "(5/12 xã)" is a ratio, "trước 05/11 tổ chức" a date
    if f in ("month_only", "month_year", "position", "long") and "mn" in g:
        name = g["mn"]
        if "y" not in g and "yrel" not in g and not name[:1].isupper() and "dw" not in g:
            return False
    if f == "month_only" and gr.unit_after.match(text, a.end):
        return False
    if f in ("my_bare", "month_year", "dmy", "dm") and gr.document_before.search(text, b0, a.start):
        return False
    if f in ("nmonths", "nmonths_bare", "ago"):
        n = _count(g["n"])
        if n is None or not 1 <= n <= 12 or (f == "nmonths_bare" and n < 2):
            return False
        if f == "nmonths_bare" and not gr.nmonths_bare_before.search(text, b0, a.start):
            return False
    if f in ("year_range", "period"):
        y1, y2 = int(g["y"]), int(g["y2"])
        if not 0 < y2 - y1 <= 50:
            return False
    if f == "school":
        y1 = int(g["y"])
        y2 = _school_end_year(y1, g["y2"])
        if y2 != y1 + 1:
            return False
    if f == "bare_year" and not gr.bare_year_cue_before.search(text, b0, a.start):
        return False
    return True


def _valid_day(y: int, m: int, d: int) -> bool:
    try:
        dt.date(y, m, d)
        return True
    except ValueError:
        return False


def _month(g: dict) -> int:
    if "m" in g:
        return int(g["m"])
    return grammar().month_names[" ".join(g["mn"].lower().split())]


def _count(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    v = spelled_value(word.lower().split())
    return int(v) if v is not None and v == v.to_integral_value() else None


def _school_end_year(y1: int, y2: str) -> int:
    return int(y2) if len(y2) == 4 else (y1 // 100) * 100 + int(y2)


# --------------------------------------------------------------------------- meaning

@dataclass
class When:
    """What an atom (or a merged expression) means once resolved. Never changed
    once made (`resolve` hands the same one out again for the same atom)."""
    kind: str                      # mention kind
    precision: str                 # day | month | year | period | datetime | time
    lo: dt.date | None = None
    hi: dt.date | None = None
    time: str | None = None
    needs_ref: bool = False
    year_known: bool = True        # the text wrote the year (for range merging)

    @functools.cached_property
    def value(self) -> str | None:
        if self.lo is None or self.hi is None:
            return None
        if self.precision == "day":
            return self.lo.isoformat()
        if self.precision == "month":
            return f"{self.lo.year:04d}-{self.lo.month:02d}"
        if self.precision == "year":
            return f"{self.lo.year:04d}"
        if self.precision == "datetime":
            return f"{self.lo.isoformat()}T{self.time}"
        if self.precision == "period":
            return f"{self.lo.isoformat()}..{self.hi.isoformat()}"
        return None


def _month_bounds(y: int, m: int) -> tuple[dt.date, dt.date]:
    return dt.date(y, m, 1), dt.date(y, m, calendar.monthrange(y, m)[1])


def _months_bounds(y: int, m1: int, m2: int) -> tuple[dt.date, dt.date]:
    return dt.date(y, m1, 1), _month_bounds(y, m2)[1]


def _shift_month(y: int, m: int, k: int) -> tuple[int, int]:
    idx = y * 12 + (m - 1) + k
    return idx // 12, idx % 12 + 1


def _safe_replace_year(d: dt.date, y: int) -> dt.date:
    try:
        return d.replace(year=y)
    except ValueError:  # 29 February
        return d.replace(year=y, day=28)


def _year(g: dict, ref: dt.date | None, month_rule: int | None = None) -> tuple[int | None, bool]:
    """(year, needs_reference) from the atom's own year, "năm nay"-words or the reference.

    With `month_rule`, a month after the reference month belongs to the year before.
    """
    gr = grammar()
    if "y" in g:
        return int(g["y"]), False
    if "yrel" in g:
        if ref is None:
            return None, True
        return ref.year + gr.year_relative[" ".join(g["yrel"].lower().split())], True
    if ref is None:
        return None, True
    if month_rule is not None and month_rule > ref.month:
        return ref.year - 1, True
    return ref.year, True


def _time(g: dict) -> str:
    gr = grammar()
    h, mi = int(g["H"]), int(g.get("M", 0))
    ap = g.get("ampm", "").lower()
    if ap in gr.pm and h < 12:
        h += 12
    elif ap in gr.twelve_is_midnight and h == 12:
        h = 0
    out = f"{h:02d}:{mi:02d}"
    if "S" in g:
        out += f":{int(g['S']):02d}"
    return out


def resolve(a: Atom, ref: dt.date | None, year_hint: int | None = None) -> When:
    """The meaning of one atom. `year_hint` supplies a missing year (range merging)."""
    return _meaning(a.form, tuple(a.g.items()), ref, year_hint)


@functools.lru_cache(maxsize=4096)  # "năm 2022", "cùng kỳ" come back in every document
def _meaning(f: str, groups: tuple, ref: dt.date | None, year_hint: int | None) -> When:
    """`resolve` for an atom of form `f` with these (group name, text) pairs."""
    gr = grammar()
    g = dict(groups)
    if year_hint is not None and "y" not in g and "yrel" not in g:
        g["y"] = str(year_hint)
    if f == "time":
        return When("time", "time", time=_time(g))
    if f in ("iso", "iso_ymd", "dmy", "long", "dm"):
        mo = _month(g)
        y, need = _year(g, ref, month_rule=mo)
        if y is None:
            return When("day", "day", needs_ref=True, year_known=False)
        if "d" not in g:  # ISO "2024-12"
            lo, hi = _month_bounds(y, mo)
            return When("month", "month", lo, hi, needs_ref=need)
        if not _valid_day(y, mo, int(g["d"])):  # 29/2 in a year the reference gave
            return When("day", "day", needs_ref=need, year_known=not need)
        day = dt.date(y, mo, int(g["d"]))
        if "H" in g:
            return When("datetime", "datetime", day, day, time=_time(g))
        return When("day", "day", day, day, needs_ref=need, year_known=not need)
    if f in ("month_year", "month_abbr", "my_bare", "month_only"):
        mo = _month(g)
        y, need = _year(g, ref, month_rule=mo)
        if y is None:
            return When("month", "month", needs_ref=True, year_known=False)
        lo, hi = _month_bounds(y, mo)
        return When("month", "month", lo, hi, needs_ref=need, year_known=not need)
    if f in ("year", "bare_year"):
        y = int(g["y"])
        return When("year", "year", dt.date(y, 1, 1), dt.date(y, 12, 31))
    if f in ("year_range", "period"):
        lo, hi = dt.date(int(g["y"]), 1, 1), dt.date(int(g["y2"]), 12, 31)
        return When("range" if f == "year_range" else "period", "period", lo, hi)
    if f == "school":
        y1 = int(g["y"])
        y2 = _school_end_year(y1, g["y2"])
        lo = dt.date(y1, *gr.school_start)
        hi = dt.date(y2, *gr.school_end)
        return When("school_year", "period", lo, hi)
    if f in ("quarter", "quarter_abbr"):
        qn = gr.quarter_numbers[g["q"].lower()]
        y, need = _year(g, ref, month_rule=3 * qn - 2)
        if y is None:
            return When("period", "period", needs_ref=True, year_known=False)
        lo, hi = _months_bounds(y, 3 * qn - 2, 3 * qn)
        return When("period", "period", lo, hi, needs_ref=need, year_known=not need)
    if f == "moy":
        m1, m2 = gr.months_of_year[" ".join(g["moy"].lower().split())]
        y, need = _year(g, ref)
        if y is None:
            return When("period", "period", needs_ref=True, year_known=False)
        lo, hi = _months_bounds(y, m1, m2)
        return When("period", "period", lo, hi, needs_ref=need, year_known=not need)
    if f in ("nmonths", "nmonths_bare"):
        n = _count(g["n"]) or 1
        last = f == "nmonths" and " ".join(g["nm"].lower().split()) in gr.n_last
        m1, m2 = (13 - n, 12) if last else (1, n)
        if "y" in g or "yrel" in g or ref is None:
            y, need = _year(g, ref)
        else:
            y, need = (ref.year if last or ref.month >= n - 1 else ref.year - 1), True
        if y is None:
            return When("period", "period", needs_ref=True, year_known=False)
        lo, hi = _months_bounds(y, m1, m2)
        return When("period", "period", lo, hi, needs_ref=need, year_known=not need)
    if f == "position":
        return _position(g, ref)
    if f in ("same", "ago", "relative", "now", "hien"):
        return _relative(f, g, ref)
    raise ValueError(f"unknown form {f}")


def _position(g: dict, ref: dt.date | None) -> When:
    gr = grammar()
    pos = gr.positions[" ".join(g["pos"].lower().split())]
    if "p_quarter" in g:
        qn = gr.quarter_numbers[g["q"].lower()]
        y, need = _year(g, ref, month_rule=3 * qn - 2)
        if y is None:
            return When("day", "day", needs_ref=True, year_known=False)
        lo, hi = _months_bounds(y, 3 * qn - 2, 3 * qn)
        mid = dt.date(y, 3 * qn - 1, 15)
    elif "p_month" in g:
        mo = _month(g)
        y, need = _year(g, ref, month_rule=mo)
        if y is None:
            return When("day", "day", needs_ref=True, year_known=False)
        lo, hi = _month_bounds(y, mo)
        mid = dt.date(y, mo, 15)
    else:
        y, need = _year(g, ref)
        if y is None:
            return When("day", "day", needs_ref=True, year_known=False)
        lo, hi = dt.date(y, 1, 1), dt.date(y, 12, 31)
        mid = dt.date(y, 6, 30)
    day = {"end": hi, "start": lo}.get(pos, mid)
    return When("day", "day", day, day, needs_ref=need, year_known=not need)


def _relative(f: str, g: dict, ref: dt.date | None) -> When:
    gr = grammar()
    if ref is None:
        return When("relative", "day", needs_ref=True, year_known=False)
    if f in ("now", "hien"):
        return When("relative", "day", ref, ref, needs_ref=True)
    if f == "same":
        if "y" in g:
            day = _safe_replace_year(ref, int(g["y"]))
        elif "yrel" in g:
            off = gr.year_relative[" ".join(g["yrel"].lower().split())]
            day = _safe_replace_year(ref, ref.year + (off if off < 0 else -1))
        else:
            day = _safe_replace_year(ref, ref.year - 1)
        return When("relative", "day", day, day, needs_ref=True)
    if f == "ago":
        unit, n = gr.ago_units[" ".join(g["agou"].lower().split())], -(_count(g["n"]) or 0)
    else:
        spec = gr.relative[" ".join(g["rel"].lower().split())]
        unit, n = spec["unit"], int(spec["offset"])
    if unit in ("hour", "minute"):  # "2 giờ trước": the day it was, by the reference
        day = ref + dt.timedelta(days=-((-n) // 24) if unit == "hour" else 0)
        return When("relative", "day", day, day, needs_ref=True)
    if unit == "day":
        day = ref + dt.timedelta(days=n)
        return When("relative", "day", day, day, needs_ref=True)
    if unit == "week":
        monday = ref - dt.timedelta(days=ref.weekday()) + dt.timedelta(weeks=n)
        return When("relative", "period", monday, monday + dt.timedelta(days=6), needs_ref=True)
    if unit == "month":
        y, mo = _shift_month(ref.year, ref.month, n)
        lo, hi = _month_bounds(y, mo)
        return When("relative", "month", lo, hi, needs_ref=True)
    if unit == "quarter":
        y, mo = _shift_month(ref.year, (ref.month - 1) // 3 * 3 + 1, 3 * n)
        return When("relative", "period", dt.date(y, mo, 1), _month_bounds(y, mo + 2)[1], needs_ref=True)
    y = ref.year + n
    return When("relative", "year", dt.date(y, 1, 1), dt.date(y, 12, 31), needs_ref=True)


# --------------------------------------------------------------------------- scanning

@dataclass
class _Item:
    start: int
    end: int
    when: When
    atoms: list = field(default_factory=list)
    cue: str | None = None
    cue_start: int | None = None


_BLANK = regex.compile(r"^\s*$")


def scan_dates(text: str, reference: dt.date | None = None) -> list[DateMention]:
    """Date mentions in running text (times of day alone are not reported)."""
    items = _items(text, reference)
    return [_mention(text, it) for it in items if it.when.precision != "time"]


def time_spans(text: str) -> list[tuple[int, int]]:
    """Spans of every date atom and time of day (what number finders must skip)."""
    return [(a.start, a.end) for a in scan_atoms(text)]


def _items(text: str, ref: dt.date | None) -> list[_Item]:
    atoms = scan_atoms(text)
    items = [_Item(a.start, a.end, resolve(a, ref), [a], a.cue, a.cue_start) for a in atoms]
    items = _merge_datetimes(text, items)
    items = _merge_ranges(text, items, ref)
    return items


def _merge_datetimes(text: str, items: list[_Item]) -> list[_Item]:
    out: list[_Item] = []
    i = 0
    while i < len(items):
        cur = items[i]
        nxt = items[i + 1] if i + 1 < len(items) else None
        if nxt is not None:
            pair = (cur, nxt) if cur.when.precision == "time" else (nxt, cur)
            t, d = pair
            if (t.when.precision == "time" and d.when.precision == "day" and d.when.kind == "day"
                    and d.when.lo is not None and grammar().datetime_gap.match(text[cur.end:nxt.start])):
                w = When("datetime", "datetime", d.when.lo, d.when.hi, time=t.when.time,
                         needs_ref=d.when.needs_ref)
                first = cur
                out.append(_Item(cur.start, nxt.end, w, cur.atoms + nxt.atoms, first.cue, first.cue_start))
                i += 2
                continue
        out.append(cur)
        i += 1
    return out


def _merge_ranges(text: str, items: list[_Item], ref: dt.date | None) -> list[_Item]:
    gr = grammar()
    out: list[_Item] = []
    i = 0
    while i < len(items):
        a = items[i]
        b = items[i + 1] if i + 1 < len(items) else None
        if b is not None and a.when.precision != "time" and b.when.precision != "time":
            since = a.cue is not None and gr.cues.get(a.cue, {}).get("relation") == "since"
            open_start = not a.when.year_known and b.when.year_known
            if (since or open_start) and _joined(text, a, b, gr):
                merged = _range(a, b, ref)
                if merged is not None:
                    out.append(merged)
                    i += 2
                    continue
        out.append(a)
        i += 1
    return out


def _joined(text: str, a: _Item, b: _Item, gr) -> bool:
    """Only blanks between `a` and the range cue of `b` ("đến hết"), or a dash between them."""
    if gr.cues.get(b.cue or "", {}).get("range_end") and b.cue_start is not None \
            and b.cue_start >= a.end:
        return _BLANK.match(text[a.end:b.cue_start]) is not None
    return gr.range_dash.match(text[a.end:b.start]) is not None


def _range(a: _Item, b: _Item, ref: dt.date | None) -> _Item | None:
    wa, wb = a.when, b.when
    if not wa.year_known and wb.hi is not None and len(a.atoms) == 1:
        wa = resolve(a.atoms[0], ref, year_hint=wb.hi.year)
        if wa.lo is not None and wa.lo > wb.hi:
            wa = resolve(a.atoms[0], ref, year_hint=wb.hi.year - 1)
    need = wa.needs_ref or wb.needs_ref
    if wa.lo is None or wb.hi is None:
        w = When("range", "period", needs_ref=True, year_known=False)
    elif wa.lo > wb.hi:
        return None
    else:
        w = When("range", "period", wa.lo, wb.hi, needs_ref=need)
    since = a.cue is not None and grammar().cues.get(a.cue, {}).get("relation") == "since"
    start = a.cue_start if since and a.cue_start is not None else a.start
    return _Item(start, b.end, w, a.atoms + b.atoms, None, None)


def _mention(text: str, it: _Item) -> DateMention:
    gr = grammar()
    w = it.when
    start, asof, relation = it.start, False, None
    if it.cue is not None:
        spec = gr.cues.get(it.cue, {})
        if spec.get("asof"):
            asof, start = True, it.cue_start if it.cue_start is not None else it.start
            if spec.get("to_end") and w.hi is not None and w.precision != "datetime":
                w = When("day", "day", w.hi, w.hi, needs_ref=w.needs_ref)
        else:
            relation = spec.get("relation")
    lo = w.lo.isoformat() if w.lo else None
    hi = w.hi.isoformat() if w.hi else None
    value = w.value
    kind = "relative" if value is None and w.needs_ref else w.kind  # no reference to resolve it
    return date_mention(start, it.end, text[start:it.end], value, lo, hi, kind, asof,
                        w.needs_ref, relation)


# --------------------------------------------------------------------------- one span

_DMY2 = regex.compile(r"(?<![0-9])([0-9]{1,2})([/.\-])([0-9]{1,2})\2([0-9]{2})(?![0-9])")
_BARE = regex.compile(r"\(?(?:[0-9]{1,2}[/\-][0-9]{1,2}|[0-9]{4})\)?[.,;:]?")


def read_date(text: str, reference: dt.date | None = None) -> DateMention | None:
    """The one date expression the text holds (cue words and a place or weekday
    around it allowed), or None. Raises nothing for any string.

    A lone span may say less than running text needs: a bare "30/6" or "2022"
    is read as "ngày 30/6" / "năm 2022", and "31/12/22" has its century added.
    """
    if not isinstance(text, str):
        return None
    reference = as_date(reference)
    t = _WHITESPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()
    if not t or len(t) > 300:
        return None
    t = _DMY2.sub(lambda m: _four_digit_year(m, reference), t, count=1)
    found = _one_mention(t, reference)
    if found is None and _BARE.fullmatch(t):
        gr = grammar()
        for prefix in (gr.day_words[0] + " ", sorted(gr.year_words)[0] + " "):
            got = _one_mention(prefix + t, reference)
            if got is not None and got.start <= len(prefix) <= got.end:
                return got
    if found is not None:
        return found
    return _dateparser_fallback(t, reference)


def _one_mention(t: str, reference: dt.date | None) -> DateMention | None:
    found = scan_dates(t, reference)
    if not found:
        return None
    best = max(found, key=lambda m: (m.end - m.start, -m.start))
    rest = t[:best.start] + " " + t[best.end:]
    if _DIGIT.search(rest) and not grammar().filler.match(rest):
        return None
    return best if best.value is not None else None


def _four_digit_year(m: regex.Match, reference: dt.date | None) -> str:
    yy = int(m.group(4))
    pivot = (reference.year % 100) + 1 if reference else 50
    century = 2000 if yy <= pivot else 1900
    return f"{m.group(1)}{m.group(2)}{m.group(3)}{m.group(2)}{century + yy}"


def normalize_date(text: str, reference: dt.date | None = None) -> str | None:
    """ISO string for a Vietnamese date expression (see the module doc), else None."""
    try:
        m = read_date(text, as_date(reference))
        return m.value if m is not None else None
    except Exception:  # noqa: BLE001 - the contract: never raise, None when unreadable
        return None


def as_date(reference) -> dt.date | None:
    """A date from a date, a datetime or an ISO string; None for anything else."""
    if isinstance(reference, dt.datetime):
        return reference.date()
    if isinstance(reference, dt.date):
        return reference
    if isinstance(reference, str):
        try:
            return dt.date.fromisoformat(reference[:10])
        except ValueError:
            return None
    return None


# dateparser only sees spans with a month written in letters the rules do not
# know (English "November 24, 2022", "24 Nov 2022"); numeric shapes are all
# read by the rules, and what they reject ("22/22", "tháng 13/2022") is no date.
_DATEPARSER_SHAPE = regex.compile(
    r"(?<![\p{L}])(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?(?![\p{L}])",
    regex.IGNORECASE)
_SENTINEL = dt.datetime(1904, 2, 29, 12, 0)


def _dateparser_fallback(t: str, reference: dt.date | None) -> DateMention | None:
    """dateparser for a span our rules could not read; only for date-shaped text."""
    if "%" in t or not _DATEPARSER_SHAPE.search(t) or not _DIGIT.search(t):
        return None
    try:
        parser = _parser()
    except ImportError:  # pragma: no cover - dateparser is a declared dependency
        return None
    data = parser.get_date_data(t)
    d, period = data.date_obj, data.period
    if d is None:
        return None
    day = d.date()
    if d.year == _SENTINEL.year:
        if reference is None:
            return None
        y = reference.year if d.month <= reference.month else reference.year - 1
        day = _safe_replace_year(day, y)
    if period == "year":
        w = When("year", "year", dt.date(day.year, 1, 1), dt.date(day.year, 12, 31))
    elif period == "month":
        w = When("month", "month", *_month_bounds(day.year, day.month))
    elif period == "time" and (d.hour or d.minute):
        w = When("datetime", "datetime", day, day, time=f"{d.hour:02d}:{d.minute:02d}")
    else:
        w = When("day", "day", day, day)
    return DateMention(0, len(t), t, w.value, w.lo.isoformat(), w.hi.isoformat(), w.kind)


@functools.lru_cache(maxsize=1)
def _parser():
    from dateparser.date import DateDataParser
    return DateDataParser(languages=["vi", "en"], settings={
        "DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first", "RELATIVE_BASE": _SENTINEL,
        "RETURN_TIME_AS_PERIOD": True})
