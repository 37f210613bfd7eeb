"""The two mention records the normalize stage hands to later stages.

`NumberMention` is a figure found in running text with what it means (value,
unit, qualifier, kind); `DateMention` is a date, period or relative time
expression with its ISO value and bounds. Offsets are character offsets into
the text that was scanned. Finding them is `mentions.py`'s job (and
`numbers.py` / `dates.py` for one expression); this module only defines them.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NumberMention:
    start: int
    end: int
    text: str                      # whole mention, qualifier and unit words included
    value: float | int | tuple[float, float]
    value_start: int
    value_end: int                 # text of the raw figure: the multiplier and "%" included
    unit: str | None               # 'percent' | 'person' | 'card' | 'vnd' | 'unit' | None
    unit_text: str | None          # the unit word(s) as written
    qualifier: str | None          # 'over' | 'under' | 'about' | 'at_least' | None
    ambiguous: bool = False        # the separator reading was not settled by context
    kind: str = "number"           # number | percent | money | ratio | ordinal | fraction |
                                   # times | age | duration | measure
    denominator: int | None = None  # for kind 'ratio' ("22/22"): the number after "/"
    alternative: float | int | None = None  # when ambiguous: the other separator reading
                                           # ("1.617,981" -> 1617981, "45.400 ngàn" -> 45400)

    @property
    def value_text(self) -> str:
        """Alias kept for readers: the raw figure is text[value_start - start: ...]."""
        return self.text[self.value_start - self.start:self.value_end - self.start]


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    text: str
    value: str | None              # what normalize_date gives for the span
    start_iso: str | None          # first day covered, full ISO date where derivable
    end_iso: str | None            # last day covered / the as-of day
    kind: str                      # datetime | day | month | year | period | relative |
                                   # range | school_year ('relative' also for any mention
                                   # that needs the missing reference: value None)
    asof: bool = False             # introduced by an as-of cue ("tính đến hết"), cue in span
    needs_reference: bool = False  # resolved against the publication date (or could not be)
    relation: str | None = None    # cue before it that is not as-of: since | compare |
                                   # before | after (the cue is not in the span)


# The finders make tens of thousands of mentions per document set; a frozen
# dataclass sets each field through object.__setattr__, which costs more than
# the rest of making one. These build the very same objects (same fields, same
# order, equal and hashed alike) by filling the instance dict directly.
_new = object.__new__


def number_mention(start, end, text, value, value_start, value_end, unit, unit_text,
                   qualifier, ambiguous, kind, denominator, alternative) -> NumberMention:
    """`NumberMention(...)` with every field given, made faster."""
    obj = _new(NumberMention)
    obj.__dict__.update(start=start, end=end, text=text, value=value, value_start=value_start,
                        value_end=value_end, unit=unit, unit_text=unit_text, qualifier=qualifier,
                        ambiguous=ambiguous, kind=kind, denominator=denominator,
                        alternative=alternative)
    return obj


def date_mention(start, end, text, value, start_iso, end_iso, kind, asof, needs_reference,
                 relation) -> DateMention:
    """`DateMention(...)` with every field given, made faster."""
    obj = _new(DateMention)
    obj.__dict__.update(start=start, end=end, text=text, value=value, start_iso=start_iso,
                        end_iso=end_iso, kind=kind, asof=asof, needs_reference=needs_reference,
                        relation=relation)
    return obj
