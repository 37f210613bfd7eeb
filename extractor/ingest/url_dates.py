"""`date_in_url(url)`: the publication date a web address carries in its path, or None.

News sites put the date of an article in its address: "/tintuc/201108/..." (2011-08),
"/2024/06/15/..." (2024-06-15), "...-20201103015419953.htm" (2020-11-03, a time stamp).
The patterns are data (rules/metadata.yaml, `url_dates`), tried in order; each
matches whole path segments or a long run of digits, never a short article number.
Returns an ISO day or month ("2024-06-15", "2011-08"). The host name is not looked at.
"""
from __future__ import annotations

import functools
from urllib.parse import urlsplit

import regex

from ..rules import load_yaml
from .header_dates import iso_date


@functools.lru_cache(maxsize=1)
def _patterns() -> list:
    return [regex.compile(p) for p in load_yaml("metadata.yaml")["url_dates"]]


def date_in_url(url: str | None) -> str | None:
    if not url:
        return None
    try:
        path = urlsplit(url.strip()).path
    except ValueError:
        return None
    for pattern in _patterns():
        m = pattern.search(path)
        if m is None:
            continue
        d = m.groupdict().get("d")
        iso = iso_date(int(m["y"]), int(m["m"]), None if d is None else int(d))
        if iso:                   # not 31 June
            return iso
    return None


__all__ = ["date_in_url"]
