"""Where a file came from, read off a list of sources kept beside the documents.

A crawl or a download usually leaves a table of its files with their web addresses
(`sources.tsv`: file, url, published, ...). `listed_source(path)` finds such a list in
the file's folder or in a folder above it and returns what it says of the file:
{"url": ..., "published": ...} (only the keys it gives), or {} when no list names the
file. A list names a file by its path relative to the list's folder ("docs/d012.txt")
or by its bare name ("d012.txt") when no other row of the list has that name.

The file names, how far up to look and the column names are data
(rules/metadata.yaml, `sources_list`). A list that cannot be used (unreadable, no
file or address column) names no file, and {"warning": why} is returned instead.
Lists are read once per process and read again when they change.

What the address means (the publisher's province, a date in its path) is decided
elsewhere (`entities/context.py`, `metadata.py`); nothing here reads documents.
"""
from __future__ import annotations

import csv
import functools
import io
import os
from typing import NamedTuple

from ..rules import load_yaml


@functools.lru_cache(maxsize=1)
def _cfg() -> dict:
    return load_yaml("metadata.yaml")["sources_list"]


def listed_source(path: str) -> dict:
    """What the nearest list of sources that names `path` says of it (see the module);
    {"warning": why} when the nearest list above `path` cannot be used."""
    target = os.path.abspath(path)
    name = os.path.basename(target)
    warning = None
    for list_path in _lists_above(target):
        entries = _read_list(list_path)
        if entries.problem:
            warning = warning or f"list of sources {list_path} not used: {entries.problem}"
            continue
        rel = os.path.relpath(target, os.path.dirname(list_path)).replace(os.sep, "/")
        found = entries.by_path.get(rel) or entries.by_name.get(name)
        if found is not None:
            return dict(found)
    return {"warning": warning} if warning else {}


def _lists_above(target: str):
    """The lists of sources in the folder of `target` and the folders above it, nearest first."""
    here = os.path.dirname(target)
    for _ in range(int(_cfg()["levels_up"]) + 1):
        for n in _cfg()["file_names"]:
            p = os.path.join(here, n)
            if os.path.isfile(p):
                yield p
        parent = os.path.dirname(here)
        if parent == here:
            return
        here = parent


class _Entries(NamedTuple):
    by_path: dict          # path relative to the list's folder -> {"url", "published"}
    by_name: dict          # bare name -> the same, for names only one row has
    problem: str | None = None


def _read_list(list_path: str) -> _Entries:
    try:
        st = os.stat(list_path)
    except OSError as e:
        return _Entries({}, {}, f"cannot read: {e.strerror or e}")
    return _parse(list_path, st.st_mtime_ns, st.st_size)


@functools.lru_cache(maxsize=32)
def _parse(list_path: str, mtime_ns: int, size: int) -> _Entries:
    """The rows of one list, by path and by bare name (`mtime_ns` and `size` key the
    cache, so a list edited during a long run is read again)."""
    try:
        with open(list_path, "rb") as f:
            raw = f.read(64 * 1024 * 1024)
        text = raw.decode("utf-8-sig")
    except OSError as e:
        return _Entries({}, {}, f"cannot read: {e.strerror or e}")
    except UnicodeDecodeError:
        return _Entries({}, {}, "not UTF-8 text")
    delimiter = "," if list_path.lower().endswith(".csv") else "\t"
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(rows, None)
    if not header:
        return _Entries({}, {}, "empty")
    cfg = _cfg()
    cols = {h.strip().lower().replace(" ", "_"): i for i, h in reversed(list(enumerate(header)))}

    def column(names) -> int | None:
        return next((cols[n] for n in names if n in cols), None)

    file_col, url_col = column(cfg["file_columns"]), column(cfg["url_columns"])
    published_col = column(cfg["published_columns"])
    if file_col is None:
        return _Entries({}, {}, f"no file column (one of: {', '.join(cfg['file_columns'])})")
    if url_col is None and published_col is None:
        return _Entries({}, {}, f"no address column (one of: {', '.join(cfg['url_columns'])})")
    folder = os.path.dirname(list_path)
    by_path: dict[str, dict] = {}
    names: dict[str, list[dict]] = {}
    for row in rows:
        cell = lambda i: row[i].strip() if i is not None and i < len(row) else ""  # noqa: E731
        file = cell(file_col).replace("\\", "/")
        if not file:
            continue
        entry = {k: v for k, v in (("url", cell(url_col)), ("published", cell(published_col))) if v}
        if not entry:
            continue
        rel = os.path.relpath(os.path.normpath(os.path.join(folder, file)), folder).replace(os.sep, "/")
        by_path.setdefault(rel, entry)
        names.setdefault(rel.rsplit("/", 1)[-1], []).append(entry)
    by_name = {n: es[0] for n, es in names.items() if len(es) == 1}
    return _Entries(by_path, by_name)


__all__ = ["listed_source"]
