"""normalize: Vietnamese numerals and dates, and their mentions in running text.

    normalize_number(text, context=None) -> int | float | (lo, hi) | None
    normalize_date(text, reference=None) -> ISO string | None
    find_numbers(text) -> list[NumberMention]
    find_dates(text, reference=None) -> list[DateMention]
    read_number(text, context=None) -> NumberMention | None   (value + unit, qualifier, flags)
    read_date(text, reference=None) -> DateMention | None     (value + bounds, kind)
    reload_rules()   forget compiled rules after rules/ changed

Modules: numbers.py / figures.py / spelled.py read numbers, dates.py reads
dates, mentions.py finds both in text; the vocabulary is rules/numbers.yaml and
rules/dates.yaml. This stage says what a figure or a date *is*, never what it
measures (that is the records stage).
"""
from __future__ import annotations

from .dates import normalize_date, read_date
from .mentions import find_dates, find_numbers
from .numbers import normalize_number, read_number
from .spans import DateMention, NumberMention

__all__ = ["normalize_number", "normalize_date", "find_numbers", "find_dates",
           "read_number", "read_date", "NumberMention", "DateMention", "reload_rules"]


def reload_rules() -> None:
    """Forget the compiled rules, so edited files under rules/ (or a new
    $EXTRACTOR_RULES) take effect in a running process."""
    from .. import rules
    from . import date_grammar, dates, masks, number_grammar, spelled
    for fn in (rules.load_yaml, rules.load_tsv, rules.load_list, spelled.vocabulary,
               number_grammar.grammar, date_grammar.grammar, masks._patterns, dates.scan_atoms,
               dates._meaning):
        fn.cache_clear()
