"""`for_last_text`: remember a function's answer for the last text it was asked about.

Several stages ask the same question about one document in turn: its sentences
(officials, records), its lines, its lower case (numbers, dates, masks, phrase
searches), its web addresses, its source provinces. A function decorated with
`for_last_text()` computes its answer once per text object and hands it out again
while the same object is asked about. Texts are compared by identity, not equality
(cheap, and the kept text cannot be collected, so its id is never reused). Only one
text is kept: this is not a cache of many documents, and it never grows.

`copy` is applied to the kept answer each time (`list`, `dict`) so that a caller
who changes what it got does not change what the next caller gets; leave it out for
answers that cannot be changed (tuples, strings).
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any


def for_last_text(copy: Callable[[Any], Any] | None = None):
    """Decorator for a function of one argument, the text (see the module docstring)."""
    def decorate(fn):
        last: tuple = (None, None)          # (text, answer): replaced whole, read whole

        @functools.wraps(fn)
        def remembered(text):
            nonlocal last
            seen = last
            if seen[0] is not text:
                seen = last = (text, fn(text))
            return seen[1] if copy is None else copy(seen[1])
        return remembered
    return decorate
