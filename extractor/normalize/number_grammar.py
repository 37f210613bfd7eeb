"""Compiled patterns and word tables for number expressions (rules/numbers.yaml).

A number expression is read in pieces around a core: a figure such as
"1.741.540" (`figure_scan` / `figure_at`) or a run of number words such as
"hai mươi lăm nghìn" (`spelled_run`, found from `spelled_start`, a phrase
finder for lower-cased text). The words after the core (scale word, percent
word, unit, "trở lên", "đến") and before it (qualifier, "từ", a label word
such as "thứ", a document word such as "Quyết định số") are looked up in the
tables here. `grammar()` returns all of them, built once. Reading the pieces is
the job of number_tail.py and numbers.py.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import regex

from ..rules import load_yaml
from .spelled import number_words
from .vocab import FLAGS, PhraseTable, alternation, phrase_finder, word_map

# A figure: digits with "." or "," groups. It may not touch a letter, and may not
# start right after "digit + separator" nor end before "separator + digit".
FIGURE = r"[0-9]+(?:[.,][0-9]+)*"
_FIG_BEFORE = r"(?<![0-9\p{L}])(?<![0-9][.,:/])(?<!\p{L}-)(?<![+])"
_FIG_AFTER = r"(?![0-9])(?![.,:][0-9])"
# The same in plain `re`, the look-behinds placed after the first digit.
_FIG_SCAN = (r"(?P<fig>[0-9](?<![^\W_][0-9])(?<![0-9][.,:/][0-9])(?<![^\W\d_]-[0-9])(?<!\+[0-9])"
             r"[0-9]*(?:[.,][0-9]+)*)(?![0-9])(?![.,:][0-9])")


def _phrases(words) -> frozenset[str]:
    return frozenset(" ".join(str(w).lower().split()) for w in words or [] if str(w).strip())


def _initials(words) -> frozenset[str]:
    firsts = {str(w).strip()[:1] for w in words if str(w).strip()}
    return frozenset(firsts | {c.upper() for c in firsts} | {c.lower() for c in firsts})


@dataclass(frozen=True)
class NumberGrammar:
    figure_at: regex.Pattern      # one figure, anchored with .match
    figure_scan: re.Pattern       # the same figures, plain `re` (fast over a whole text)
    spelled_start: object         # lower-cased text: a word that may begin a spelled number
    spelled_any_start: object     # ... any number word (a lone expression: "không");
                                  # both vocab.phrase_finder: finditer gives (start, end)
    spelled_run: regex.Pattern    # a run of number words, anchored with .match
    figure_multiplier_at: regex.Pattern  # " 500 nghìn" inside "2 triệu 500 nghìn"
    multipliers: dict             # scale word -> int
    multiplier_initials: frozenset  # first letters (both cases) of the words of a table,
    percent_initials: frozenset     # to skip look-ups that cannot succeed
    closer_initials: frozenset
    half_words: frozenset         # "rưỡi"
    percent_words: frozenset      # "phần trăm"
    percent_symbols: tuple        # "%", "％"
    range_words: frozenset        # "đến", "tới" between two figures
    range_dashes: str             # "-–—~" between two figures
    range_initials: frozenset
    units: dict                   # unit phrase -> (unit, kind)
    unit_phrases: frozenset       # its keys
    max_unit_words: int
    unit_first_words: frozenset   # first words of the unit phrases
    attached_units: frozenset     # units glued to a figure: "đ", "km"
    closers: dict                 # "trở lên" -> at_least ...
    closer_phrases: frozenset     # its keys
    qualifiers: dict              # phrase -> over | under | about | at_least
    qualifier_table: PhraseTable
    qualifier_symbols: dict       # ">" -> over ...
    qualifier_symbol_ends: frozenset  # their last characters
    openers: PhraseTable          # "từ", "trong khoảng" ...
    labels: PhraseTable           # "thứ", "khu vực", "số" ...
    label_not_after: dict         # "số" -> {"tổng", "dân"}
    documents: PhraseTable        # "quyết định", "nghị quyết" ... (a figure may follow at once)
    documents_any: PhraseTable    # the above and "kế hoạch", "văn bản" ... (before "số")
    negatives: frozenset
    comparative_heads: frozenset
    spelled_start_stop: frozenset  # number words that never start a spelled number in text
    spelled_alone_stop: frozenset  # ... nor a lone expression
    count_context: tuple
    percent_context: tuple
    max_phrase: int
    near_words: frozenset         # last words of every table looked up before a figure, and "số"


@functools.lru_cache(maxsize=None)
def grammar() -> NumberGrammar:
    y = load_yaml("numbers.yaml")
    mults = {k: int(v) for k, v in word_map(y["multipliers"]).items()}
    quals = {k: str(v) for k, v in word_map(y["qualifiers"]).items()}
    closers = {k: str(v) for k, v in word_map(y["open_range"]["closers"]).items()}
    units: dict[str, tuple[str | None, str]] = {}
    for group in y["units"].values():
        for w in group["words"]:
            units[" ".join(str(w).lower().split())] = (group.get("unit"), group.get("kind", "number"))
    pct_words = [s for s in (str(s) for s in y["percent_signs"]) if any(c.isalpha() for c in s)]
    words = number_words()
    stop = {str(w).lower() for w in y["spelled"].get("never_first", [])}
    starters = sorted(words - stop, key=lambda w: (-len(w), w))
    every = sorted(words, key=lambda w: (-len(w), w))
    word_alt = alternation(words)
    mult_alt = alternation(mults)
    connectors = [str(c) for c in y["range_connectors"]]
    tables = [quals, y["range_opener"], y["label_before"], y["document_words"],
              y["document_words_with_so"]]
    max_phrase = max(len(str(p).split()) for t in tables for p in t) + 1
    before_tables = {
        "qualifier_table": PhraseTable(quals), "openers": PhraseTable(y["range_opener"]),
        "labels": PhraseTable(y["label_before"]), "documents": PhraseTable(y["document_words"]),
        "documents_any": PhraseTable(list(y["document_words"]) + list(y["document_words_with_so"]))}
    near = frozenset({"số"}).union(*(t.last_words for t in before_tables.values()))
    return NumberGrammar(
        figure_at=regex.compile(_FIG_BEFORE + "(?P<fig>" + FIGURE + ")" + _FIG_AFTER, FLAGS),
        figure_scan=re.compile(_FIG_SCAN),
        spelled_start=phrase_finder(starters),
        spelled_any_start=phrase_finder(every),
        spelled_run=regex.compile(r"(?P<sp>" + word_alt + r"(?:\s+" + word_alt + r")*)(?![\p{L}0-9])", FLAGS),
        figure_multiplier_at=regex.compile(
            r"\s+(?P<fig>[0-9]{1,3})\s+(?P<mult>" + mult_alt + r")(?![\p{L}0-9])", FLAGS),
        multipliers=mults,
        multiplier_initials=_initials(mults),
        percent_initials=_initials(pct_words),
        closer_initials=_initials(closers),
        half_words=_phrases(y["spelled"]["half_word"]),
        percent_words=_phrases(pct_words),
        percent_symbols=tuple(s for s in (str(s) for s in y["percent_signs"]) if not any(c.isalpha() for c in s)),
        range_words=_phrases(c for c in connectors if any(ch.isalpha() for ch in c)),
        range_dashes="".join(c for c in connectors if len(c) == 1 and not c.isalpha()),
        range_initials=_initials(c for c in connectors if any(ch.isalpha() for ch in c)),
        units=units,
        unit_phrases=frozenset(units),
        max_unit_words=max(len(u.split()) for u in units),
        unit_first_words=frozenset(u.split()[0] for u in units),
        attached_units=_phrases(y.get("attached_units", [])),
        closers=closers,
        closer_phrases=frozenset(closers),
        qualifiers=quals,
        qualifier_table=before_tables["qualifier_table"],
        qualifier_symbols={str(k): str(v) for k, v in (y.get("qualifier_symbols") or {}).items()},
        qualifier_symbol_ends=frozenset(str(k)[-1:] for k in (y.get("qualifier_symbols") or {}) if str(k)),
        openers=before_tables["openers"],
        labels=before_tables["labels"],
        label_not_after={str(k).lower(): _phrases(v) for k, v in (y.get("label_not_after") or {}).items()},
        documents=before_tables["documents"],
        documents_any=before_tables["documents_any"],
        negatives=_phrases(y.get("negative_words", [])),
        comparative_heads=_phrases(y["comparative_heads"]),
        spelled_start_stop=frozenset(stop),
        spelled_alone_stop=frozenset(str(w).lower() for w in y["spelled"].get("never_first_alone", [])),
        count_context=tuple(str(w).lower() for w in y["count_context"]),
        percent_context=tuple(str(w).lower() for w in y["percent_context"]),
        max_phrase=max_phrase,
        near_words=near,
    )
