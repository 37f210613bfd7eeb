"""Compiled patterns for date "atoms", built once from rules/dates.yaml.

An atom is the smallest date expression: "30/09/2022", "ngày 24/10",
"tháng 6/2024", "năm 2021", "Quý III/2022", "6 tháng đầu năm 2024", "cuối năm
2022", "giai đoạn 2023-2025", "năm học 2018-2019", "hiện nay", "cùng kỳ năm
2023", a time of day "22:04"... Each form is one branch; the branch that
matched is told by an empty marker group named `f_<form>`.

Scanning a whole text with one big alternation is slow, so the branches are
grouped by the word they can start with (`by_lead`: "ngày", "tháng", "năm",
..., and "#" for a figure) and only tried where such a word or a figure stands.
`anchors` (a plain `re` pattern on lower-cased text, tried where the first
word of one of its phrases stands) finds the places where an atom without any
figure may start ("hiện nay", "cùng kỳ", "Quý III"); atoms
with a figure are found from the figure, looking back a few words for their
lead word. Cue words before an atom ("tính đến hết", "so với") have their own
pattern (`cue_before`), looked for just before each atom.

What an atom means, and how atoms combine into ranges and date-times, is
`dates.py`'s job; nothing here resolves anything.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import regex

from ..rules import load_yaml
from .vocab import FLAGS, LiteralStarts, alternation, word_map

FORMS = ("iso", "iso_ymd", "dmy", "nmonths", "long", "school", "quarter", "quarter_abbr", "moy",
         "nmonths_bare", "position", "period", "year_range", "month_year", "month_abbr",
         "my_bare", "dm", "month_only", "year", "same", "ago", "relative", "now", "hien",
         "bare_year", "time")

_B = r"(?<![\p{L}0-9])"                               # a word or figure starts here
_BD = r"(?<![\p{L}0-9])(?<![0-9][.,/:])"               # a figure starts here
_E = r"(?![\p{L}0-9])(?![.,/:\-][0-9])(?![/\-]\p{L})"  # and ends here
_EW = r"(?![\p{L}0-9])"                                # a word ends here


@dataclass(frozen=True)
class DateGrammar:
    by_lead: dict         # lead word (lower case) or "#" -> pattern of the branches it can start
    by_lead_groups: dict  # lead -> ((form, marker group number, ((name, number), ...)), ...)
    anchors: LiteralStarts  # lower-cased text: where a figure-less atom may start
    lookback_leads: frozenset   # lead words worth trying a few words before a figure
    number_leads: frozenset     # spelled 1..12 that may stand before "tháng", "năm"...
    after_number: frozenset     # anchor words that a spelled number may precede
    dateish: re.Pattern   # lower-cased text: a figure that may take part in a date or time
    filler: regex.Pattern  # what may surround a lone date (punctuation, a weekday)
    datetime_gap: regex.Pattern  # between a date and its time of day
    range_dash: regex.Pattern    # between the two ends of a date range
    cue_before: regex.Pattern
    cue_last_words: frozenset  # the last word of each cue, case-folded (to skip the search)
    dm_cue_before: regex.Pattern
    dm_after: regex.Pattern
    bare_year_cue_before: regex.Pattern
    nmonths_bare_before: regex.Pattern
    document_before: regex.Pattern
    unit_after: regex.Pattern
    cues: dict            # cue text -> {"asof", "to_end", "range_end": bool, "relation": str|None}
    day_words: tuple
    year_words: frozenset
    month_names: dict
    quarter_numbers: dict
    positions: dict
    months_of_year: dict
    n_first: frozenset
    n_last: frozenset
    relative: dict
    year_relative: dict   # "nay" -> 0, "ngoái" -> -1 ... (after "năm")
    ago_units: dict
    school_start: tuple
    school_end: tuple
    year_range: tuple
    am: frozenset
    pm: frozenset
    twelve_is_midnight: frozenset


def _small_numbers() -> set[str]:
    """Spelled 1..12 ("sáu tháng đầu năm")."""
    y = load_yaml("numbers.yaml")
    never = {str(w).lower() for w in y["spelled"].get("never_first_alone", [])}
    values = {k: int(v) for k, v in word_map(y["spelled"]["digits"]).items() if k not in never}
    digits = {k for k, v in values.items() if 1 <= v <= 9}
    tens = [str(w) for w in y["spelled"]["ten"]]
    return digits | set(tens) | {f"{t} {k}" for t in tens for k, v in values.items() if v in (1, 2)}


def _factored(phrases) -> str:
    """One `re` alternation for many phrases, grouped by first word (faster to scan)."""
    groups: dict[str, set[str]] = {}
    for p in phrases:
        first, _, rest = " ".join(str(p).lower().split()).partition(" ")
        groups.setdefault(first, set()).add(rest)
    firsts = sorted(groups, key=lambda w: (-len(w), w))
    parts, by_char = [], {}
    for first in firsts:
        rests = sorted((r for r in groups[first] if r), key=lambda w: (-len(w), w))
        tail = ""
        if rests:
            tail = "(?: (?:" + "|".join(re.escape(r) for r in rests) + "))"
            tail += "?" if "" in groups[first] else ""
        parts.append(re.escape(first) + tail)
        by_char.setdefault(first[0], []).append(re.escape(first[1:]) + tail)
    if any(a != b and b.startswith(a) for a in firsts for b in firsts):
        return "|".join(parts)
    # No first word begins another, so at most one can match at a place: grouped
    # by their first letter as well (the same matches, found faster).
    return "|".join(re.escape(c) + "(?:" + "|".join(ps) + ")" for c, ps in by_char.items())


def _firsts(words) -> set[str]:
    return {str(w).lower().split()[0] for w in words if str(w).strip()}


_GROUP_DEF = re.compile(r"(?<!\\)\(\?P<(\w+)>")  # where a pattern defines a named group


def _branch_groups(pattern: regex.Pattern, forms: list[str], branches: dict) -> tuple:
    """For each branch of `pattern`: its form, the number of its `f_<form>` marker
    group and the (name, number) of its own named groups. Reading these few from
    `match.groups()` is much cheaper than `match.groupdict()` over every branch
    (a name used in several branches is one group in `regex`)."""
    index = pattern.groupindex
    out = []
    for form in forms:
        names = sorted(set(_GROUP_DEF.findall(branches[form])), key=index.__getitem__)
        out.append((form, index[f"f_{form}"], tuple((n, index[n]) for n in names)))
    return tuple(out)


@functools.lru_cache(maxsize=None)
def grammar() -> DateGrammar:
    y = load_yaml("dates.yaml")
    alt = alternation
    dayw = alt(y["day_words"])
    monw = alt(y["month_words"])
    yearw = alt(y["year_words"])
    qw = alt(y["quarter_words"])
    month_names = {k: int(v) for k, v in word_map(y["month_names"]).items()}
    quarter_numbers = {str(k).lower(): int(v) for k, v in y["quarter_numbers"].items()}
    relative = word_map(y["relative"])
    year_rel = {}
    for phrase, spec in relative.items():
        words = phrase.split()
        if len(words) == 2 and words[0] in [w.lower() for w in y["year_words"]] and spec["unit"] == "year":
            year_rel[words[1]] = int(spec["offset"])
    year_rel[str(y["now_word"]).lower()] = 0

    d = r"(?P<d>0?[1-9]|[12][0-9]|3[01])"
    m = r"(?P<m>0?[1-9]|1[0-2])"
    mn = r"(?P<mn>" + alt(month_names) + r")" + _EW
    yr = r"(?P<y>(?:1[89]|2[01])[0-9]{2})"
    yr2 = r"(?P<y2>(?:1[89]|2[01])[0-9]{2})"
    yrel = r"(?P<yrel>" + alt(year_rel) + r")" + _EW
    q = r"(?P<q>" + alt(quarter_numbers) + r")" + _EW
    small = _small_numbers()
    n = r"(?P<n>[0-9]{1,2}|" + alt(small) + r")"
    year_tail = r"(?:\s*[/\-.]\s*" + yr + r"|\s*,?\s+(?:" + yearw + r"\s+)?" + yr + r"|\s+" + yearw + r"\s+" + yrel + r")"
    dash = r"\s*" + alternation(load_yaml("numbers.yaml")["range_connectors"]) + r"\s*"
    t = y["time"]

    branches = {
        "iso": _BD + yr + r"-(?P<m>0[1-9]|1[0-2])(?:-(?P<d>0[1-9]|[12][0-9]|3[01])"
               r"(?:[T ](?P<H>[01][0-9]|2[0-3]):(?P<M>[0-5][0-9])(?::(?P<S>[0-5][0-9]))?"
               r"(?:Z|[+\-][01][0-9]:?[0-5][0-9])?)?)?" + _E,
        "iso_ymd": _BD + yr + r"(?P<sep>[/.])(?P<m>0?[1-9]|1[0-2])(?P=sep)(?P<d>0?[1-9]|[12][0-9]|3[01])" + _E,
        "dmy": r"(?:(?P<dw>" + dayw + r")\s+)?" + _BD + d + r" ?(?P<sep>[/.\-]) ?" + m + r" ?(?P=sep) ?" + yr + _E,
        "nmonths": _BD + n + r"\s+" + monw + r"\s+(?P<nm>" + alt(list(y["n_months"]["first"]) + list(y["n_months"]["last"]))
                   + r")(?:\s+" + yr + r"|\s+" + yrel + r")?" + _E,
        "long": r"(?:(?P<dw>" + dayw + r")\s+)?" + _BD + d + r"\s+" + monw + r"\s+(?:" + m + "|" + mn + r")"
                r"(?:\s*,?\s*(?:" + yearw + r"\s+)?" + yr + r"|\s*[/\-]\s*" + yr + r")?" + _E,
        "school": _B + alt(y["school_year"]["words"]) + r"\s+" + yr + r"\s*[\-–—/]\s*"
                  r"(?P<y2>(?:1[89]|2[01])[0-9]{2}|[0-9]{2})" + _E,
        "quarter": _B + qw + r"\s*" + q + r"(?:" + year_tail + r")?" + _E,
        "quarter_abbr": _B + alt(y["quarter_abbreviations"]) + r"(?P<q>[1-4])\s*[/\-]\s*" + yr + _E,
        "moy": _B + r"(?P<moy>" + alt(word_map(y["months_of_year"])) + r")(?:\s+" + yr + r"|\s+" + yrel + r")?" + _E,
        "nmonths_bare": _BD + n + r"\s+" + monw + r"(?:\s+(?P<nq>" + alt(y["n_months"]["bare_then"]) + r"))?"
                        r"(?=\s*[,;:]|\s*$|(?<=" + alt(y["n_months"]["bare_then"]) + r")" + _EW + r")",
        "position": _B + r"(?P<pos>" + alt(word_map(y["positions"])) + r")\s+(?:"
                    r"(?P<p_quarter>)" + qw + r"\s*" + q + r"(?:" + year_tail + r")?"
                    r"|(?P<p_month>)" + monw + r"\s+(?:" + m + "|" + mn + r")(?:" + year_tail + r")?"
                    r"|(?P<p_year>)(?:" + yearw + r"\s+)?" + yr +
                    r"|(?P<p_year>)" + yearw + r"(?:\s+" + yrel + r")?"
                    r")" + _E,
        "period": _B + r"(?P<pw>" + alt(y["period_words"]) + r")\s+(?:từ\s+)?(?:" + yearw + r"\s+)?" + yr
                  + dash + r"(?:" + yearw + r"\s+)?" + yr2 + _E,
        "year_range": r"(?:" + yearw + r"\s+)?" + _BD + yr + r"\s*[\-–—]\s*" + yr2 + _E,
        "month_year": _B + monw + r"\s*(?:" + m + "|" + mn + r")" + year_tail + _E,
        "month_abbr": _B + alt(y["month_abbreviations"]) + r"\.?\s?" + m + r"\s*/\s*" + yr + _E,
        "my_bare": _BD + m + r"/" + yr + _E,
        "dm": r"(?:(?P<dw>" + dayw + r")\s+)?" + _BD + d + r"(?P<sep>[/.\-])" + m + _E,
        "month_only": _B + monw + r"\s+(?:" + m + "|" + mn + r")" + _E + r"(?!\s*[/\-]\s*[0-9])",
        "year": _B + yearw + r"\s+" + yr + _E,
        "same": _B + r"(?P<same>" + alt(y["same_period"]["words"]) + r")(?:\s+" + yearw + r"\s+(?:" + yr
                + r"|" + yrel + r"))?" + _EW,
        "ago": _BD + n + r"\s+(?P<agou>" + alt(word_map(y["ago"]["units"])) + r")\s+(?:"
               + alt(y["ago"]["words"]) + r")" + _EW + r"(?!\s+(?:khi|đó|đây|nữa))",
        "relative": _B + r"(?P<rel>" + alt(relative) + r")" + _EW + r"(?!\s*[0-9])",
        "now": _B + r"(?P<now>" + alt([y["now_word"]]) + r")" + _EW,
        "hien": r"(?:(?<=^|[.,;:!?(\[\-–—\"“\n]\s{0,3})|(?<=" + _B + alt(y["hien"]["after_words"]) + r"\s)"
                r"|(?<!" + _B + alt(y["hien"]["not_after"]) + r"\s)(?=\S+\s+" + alt(y["hien"]["before_words"]) + _EW + r"))"
                r"(?P<hien>" + alt([y["hien"]["word"]]) + r")" + _EW
                + r"(?!\s+" + alt(y["hien"]["not_before"]) + _EW + r")",
        "bare_year": _BD + yr + _E,
        "time": _BD + r"(?P<H>[01]?[0-9]|2[0-3])(?:(?:\s*:\s*|" + alt(t["hour_glued"]) + r")(?P<M>[0-5][0-9])"
                r"(?:\s*:\s*(?P<S>[0-5][0-9]))?"
                r"|\s*" + alt(t["hour_words"]) + r"(?:\s*(?P<M>[0-5]?[0-9])(?:\s*" + alt(t["minute_words"])
                + r")?)?)(?:\s*(?P<ampm>" + alt(list(t["am"]) + list(t["pm"])) + r")" + _EW + r")?"
                r"(?:\s*(?:GMT|UTC)\s*[+\-−]\s*[0-9]{1,2}(?::?[0-9]{2})?)?" + _EW + r"(?![.,:][0-9])",
    }
    assert tuple(branches) == FORMS
    digit = {"#"}
    day_leads = _firsts(y["day_words"])
    num_leads = _firsts(small)
    leads = {
        "iso": digit, "iso_ymd": digit, "dmy": digit | day_leads, "nmonths": digit | num_leads,
        "long": digit | day_leads, "school": _firsts(y["school_year"]["words"]),
        "quarter": _firsts(y["quarter_words"]), "quarter_abbr": _firsts(y["quarter_abbreviations"]),
        "moy": _firsts(y["months_of_year"]), "nmonths_bare": digit | num_leads,
        "position": _firsts(y["positions"]), "period": _firsts(y["period_words"]),
        "year_range": digit | _firsts(y["year_words"]), "month_year": _firsts(y["month_words"]),
        "month_abbr": _firsts(y["month_abbreviations"]), "my_bare": digit, "dm": digit | day_leads,
        "month_only": _firsts(y["month_words"]), "year": _firsts(y["year_words"]),
        "same": _firsts(y["same_period"]["words"]), "ago": digit | num_leads,
        "relative": _firsts(relative), "now": _firsts([y["now_word"]]),
        "hien": _firsts([y["hien"]["word"]]), "bare_year": digit, "time": digit,
    }
    by_lead_forms: dict[str, list[str]] = {}
    for form in FORMS:
        for lead in leads[form]:
            by_lead_forms.setdefault(lead, []).append(form)
    by_lead = {lead: regex.compile("|".join(f"(?P<f_{k}>){branches[k]}" for k in forms), FLAGS)
               for lead, forms in by_lead_forms.items()}
    by_lead_groups = {lead: _branch_groups(by_lead[lead], forms, branches)
                      for lead, forms in by_lead_forms.items()}
    # Places where an atom with no figure may start (plain lower-case phrases).
    pos_words = list(word_map(y["positions"]))
    unit_words = list(y["year_words"]) + list(y["month_words"]) + list(y["quarter_words"])
    ago_combos = [f"{u} {w}" for u in word_map(y["ago"]["units"]) for w in y["ago"]["words"]]
    anchor_phrases = (set(word_map(y["months_of_year"])) | set(relative)
                      | set(word_map({w: 1 for w in y["same_period"]["words"]}))
                      | {f"{p} {u}" for p in pos_words for u in unit_words}
                      | set(_firsts(y["quarter_words"])) | set(_firsts(y["month_words"]))
                      | {str(y["now_word"]).lower(), str(y["hien"]["word"]).lower()}
                      | {c.lower() for c in ago_combos})
    anchors = LiteralStarts(re.compile(_factored(anchor_phrases)),
                            {" ".join(str(p).lower().split()).partition(" ")[0] for p in anchor_phrases})
    lookback = set()
    for form, ls in leads.items():
        if form not in ("relative", "same", "now", "hien", "moy"):
            lookback |= ls - digit
    lookback |= _firsts(y["months_of_year"])
    after_number = _firsts(y["month_words"]) | set(word_map(y["ago"]["units"]))
    cues = {}
    for k, spec in word_map(y["cues"]).items():
        spec = spec or {}
        cues[k] = {"asof": bool(spec.get("asof")), "to_end": bool(spec.get("to_end")),
                   "range_end": bool(spec.get("range_end")), "relation": spec.get("relation")}
    num = load_yaml("numbers.yaml")
    unit_words = []
    for group in num["units"].values():
        if group.get("kind") != "duration":
            unit_words += [str(w) for w in group["words"]]
    school = y["school_year"]
    then = "|".join(re.escape(w) for w in sorted(_firsts(y["figure_then"]), key=len, reverse=True))
    # Plain `re`, with the look-behind after the first digit: many times faster
    # over a whole text than a pattern that opens with a look-behind.
    dateish = re.compile(
        r"[0-9](?<![0-9][0-9])(?=[0-9]{0,3} ?[:/\-] ?[0-9]|[0-9]{3}(?![0-9])|[0-9]?\.[0-9]{1,2}\.[0-9]{4}"
        r"|[0-9]?\.[0-9]{1,2}(?![0-9.,])|[0-9]?[hg][0-9]"
        r"|[0-9]?(?= (?:" + then + r")(?![^\W\d_])))")
    punct = r"[\s,.;:|()\-–—/]*"
    filler = regex.compile(r"^" + punct + r"(?:" + alt(y["weekdays"]) + punct + r")?$", FLAGS)
    seps = "".join(regex.escape(c) for c in t["separators"])
    cue_t = r"(?:" + alt(t["cue"]) + r"\s+)?"
    datetime_gap = regex.compile(r"^\s*(?:[" + seps + r"]\s*)?" + cue_t + r"(?:" + alt(y["weekdays"])
                                 + r"\s*(?:[" + seps + r"]\s*)?)?" + cue_t + r"$", FLAGS)
    dashes = "".join(regex.escape(str(c)) for c in num["range_connectors"] if not any(ch.isalpha() for ch in str(c)))
    return DateGrammar(
        dateish=dateish,
        filler=filler,
        datetime_gap=datetime_gap,
        range_dash=regex.compile(r"^\s*[" + dashes + r"]\s*$"),
        by_lead=by_lead,
        by_lead_groups=by_lead_groups,
        anchors=anchors,
        lookback_leads=frozenset(lookback),
        number_leads=frozenset(num_leads),
        after_number=frozenset(after_number),
        cue_before=regex.compile(r"(?r)(?<![\p{L}])(?P<cue>" + alt(cues) + r")\s+$", FLAGS),
        dm_after=regex.compile(r"\s+" + alt(y.get("dm_after", [])) + _EW, FLAGS),
        dm_cue_before=regex.compile(r"(?r)(?:(?<![\p{L}])" + alt(y["dm_cues"]) + r"|[(\-–,])\s*$", FLAGS),
        bare_year_cue_before=regex.compile(r"(?r)(?<![\p{L}])" + alt(y["bare_year_cues"]) + r"\s+$", FLAGS),
        nmonths_bare_before=regex.compile(
            r"(?r)(?:^|[.;:!?\n]\s*|(?<![\p{L}])" + alt(y["n_months"]["bare_after"]) + r"\s+)$", FLAGS),
        document_before=regex.compile(
            r"(?r)(?<![\p{L}])(?:số|" + alt(list(num["document_words"]) + list(num["document_words_with_so"]))[3:-1]
            + r")\s*$", FLAGS),
        unit_after=regex.compile(r"\s+" + alt(unit_words) + _EW, FLAGS),
        cues=cues,
        cue_last_words=frozenset(k.split()[-1].casefold() for k in cues),
        day_words=tuple(" ".join(str(w).lower().split()) for w in y["day_words"]),
        year_words=frozenset(" ".join(str(w).lower().split()) for w in y["year_words"]),
        month_names=month_names,
        quarter_numbers=quarter_numbers,
        positions={k: str(v) for k, v in word_map(y["positions"]).items()},
        months_of_year={k: (int(v[0]), int(v[1])) for k, v in word_map(y["months_of_year"]).items()},
        n_first=frozenset(" ".join(str(w).lower().split()) for w in y["n_months"]["first"]),
        n_last=frozenset(" ".join(str(w).lower().split()) for w in y["n_months"]["last"]),
        relative=relative,
        year_relative=year_rel,
        ago_units={k: str(v) for k, v in word_map(y["ago"]["units"]).items()},
        school_start=tuple(int(x) for x in str(school["start"]).split("-")),
        school_end=tuple(int(x) for x in str(school["end"]).split("-")),
        year_range=(int(y["year_range"][0]), int(y["year_range"][1])),
        am=frozenset(str(w).lower() for w in t["am"]),
        pm=frozenset(str(w).lower() for w in t["pm"]),
        twelve_is_midnight=frozenset(str(w).lower() for w in t.get("twelve_is_midnight", [])),
    )
