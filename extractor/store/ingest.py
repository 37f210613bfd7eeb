"""Load extracted documents into the indicator database, one transaction per document.

`ingest(paths, db_path)` walks the inputs, hashes each file and skips it BEFORE
extraction when the database already holds that exact content for that path. A new
or changed file is extracted (extractor.pipeline) and written -- document row,
entities, records and both full-text indexes -- in one transaction that first
removes the file's previous version. A killed run therefore leaves each document
either wholly old or wholly new, and the next run simply finishes the rest.
A file that cannot be read gets a row with status 'error' (retried next time);
its earlier good version, if any, is kept.

It does not extract (the pipeline does), write rows (write.py does), search or audit.
"""
from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .db import open_db, transaction
from ..ingest.source_name import printable_path
from .write import now, path_key, store_extraction

SUPPORTED = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")


class IngestError(Exception):
    """Why one input was not stored; str(e) == f"{path}: {reason}" (like ReadError)."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = path, reason


@dataclass
class IngestStats:
    """What one `ingest` run did. `errors` holds (path, reason) pairs."""
    seen: int = 0
    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    moved: int = 0
    duplicates: int = 0
    failed: int = 0
    records: int = 0
    entities: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)

    @property
    def written(self) -> int:
        return self.added + self.replaced

    @property
    def readable(self) -> int:
        """Inputs that are in the database now (written, or already there)."""
        return self.added + self.replaced + self.unchanged + self.moved + self.duplicates

    def summary(self) -> str:
        parts = [f"{self.added} added", f"{self.replaced} replaced",
                 f"{self.unchanged} unchanged"]
        if self.moved:
            parts.append(f"{self.moved} moved")
        if self.duplicates:
            parts.append(f"{self.duplicates} duplicate")
        parts.append(f"{self.failed} failed")
        return ", ".join(parts) + f"; {self.records} records, {self.entities} entities stored"


def sha256_file(path: str | os.PathLike, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def ingest(paths: Iterable[str], db_path: str | os.PathLike = "indicators.db", *,
           jobs: int | None = 1, use_ner: bool = True,
           engine: str = "processes", scheduler: str | None = None, options=None,
           progress: Callable[..., Any] | None = None,
           on_error: Callable[[str, BaseException], Any] | None = None,
           extract: Callable[[str], Any] | None = None) -> IngestStats:
    """Ingest files and folders (walked recursively) into the SQLite database `db_path`.

    - `jobs`: extraction processes (None: all cores), through the pipeline's
      `iter_extract` (or a process pool around `extract`); writing stays in this
      process, one transaction per document. `use_ner`, `engine` ("processes" or
      "dask"), `scheduler` (a Dask address) and `options` (a `pipeline.Options`,
      with the per-file limits) are passed to the pipeline.
    - `progress(path, status)` (or `progress()`, if it takes no argument) is called once
      per input, status one of 'added', 'replaced', 'unchanged', 'moved', 'duplicate',
      'error'.
    - `on_error(path, error)` for each input not stored; `str(error)` is "path: reason".
    - `extract(path) -> Extraction` replaces `extractor.pipeline.extract_file` (tests,
      other front ends). It may raise; the error is recorded and the run goes on.
    Returns an IngestStats. Safe to interrupt at any point; rerun to complete.
    """
    progress = _adapt_progress(progress)
    stats = IngestStats()
    conn = open_db(db_path)
    results = None
    try:
        todo: list[tuple[str, str, str]] = []
        shas_this_run: set[str] = set()

        def fail(path: str, err: BaseException | str) -> None:
            stats.failed += 1
            stats.errors.append((path, _reason(err)))
            if on_error:
                on_error(path, err if isinstance(err, BaseException)
                         else IngestError(path, _reason(err)))
            if progress:
                progress(path, "error")

        for path, err in _iter_inputs(paths):
            stats.seen += 1
            if err is not None:
                fail(path, err)
                continue
            key = path_key(path)
            try:
                sha = sha256_file(path)
            except OSError as e:
                fail(path, f"cannot read file: {e.strerror or e}")
                continue
            status = _classify(conn, printable_path(path), key, sha, shas_this_run)
            counter = _SKIP_COUNTERS.get(status)
            if counter:
                setattr(stats, counter, getattr(stats, counter) + 1)
                if progress:
                    progress(path, status)
                continue
            if sha != _EMPTY_SHA:  # empty files are each reported, not taken for copies
                shas_this_run.add(sha)
            todo.append((path, key, sha))

        by_path = {p: (k, s) for p, k, s in todo}
        results = _extract_all([p for p, _, _ in todo], jobs, extract, use_ner,
                               engine, scheduler, options)
        for path, result in results:
            key, sha = by_path.get(path) or (path_key(path), None)
            if isinstance(result, BaseException):
                _store_error(conn, printable_path(path), key, sha or "", _reason(result))
                fail(path, result)
                continue
            try:
                replaced = store_extraction(conn, printable_path(path), result, sha256=sha, key=key)
            except (sqlite3.InterfaceError, sqlite3.IntegrityError, TypeError, ValueError,
                    AttributeError) as e:
                # malformed extraction output: this document only (rolled back), go on
                reason = f"cannot store the extraction: {type(e).__name__}: {e}"
                _store_error(conn, printable_path(path), key, sha or "", reason)
                fail(path, IngestError(path, reason))
                continue
            stats.replaced += replaced
            stats.added += not replaced
            stats.records += len(result.records or [])
            stats.entities += len(result.entities or [])
            if progress:
                progress(path, "replaced" if replaced else "added")
    finally:
        if results is not None:
            results.close()    # stopped early (Ctrl-C while storing): its workers stop now
        conn.close()   # the last connection to close checkpoints the WAL into the file
    return stats


_SKIP_COUNTERS = {"unchanged": "unchanged", "moved": "moved", "duplicate": "duplicates"}


def _reason(err: BaseException | str) -> str:
    if isinstance(err, str):
        return err
    return str(getattr(err, "reason", "") or err) or type(err).__name__


_EMPTY_SHA = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def _classify(conn, path: str, key: str, sha: str, shas_this_run: set[str]) -> str:
    row = conn.execute("SELECT id, sha256, status FROM documents WHERE path_key = ?",
                       (key,)).fetchone()
    if row is not None and row["sha256"] == sha and row["status"] == "done":
        return "unchanged"
    if row is None:
        if sha in shas_this_run:
            return "duplicate"
        twin = conn.execute("SELECT id, path_key FROM documents WHERE sha256 = ? "
                            "AND status = 'done' AND path_key != ?", (sha, key)).fetchone()
        if twin is not None:
            if os.path.exists(twin["path_key"]):
                return "duplicate"      # same content under another name: kept once
            with transaction(conn):     # the file was moved or renamed
                conn.execute("UPDATE documents SET path_key = ?, source = ? WHERE id = ?",
                             (key, path, twin["id"]))
                conn.execute("UPDATE records SET source = ? WHERE doc_id = ?", (path, twin["id"]))
            return "moved"
    return "new"


def _iter_inputs(paths: Iterable[str]) -> Iterator[tuple[str, BaseException | str | None]]:
    try:
        from ..ingest import iter_inputs  # the readers' own walker, when present
    except ImportError:
        iter_inputs = None
    if iter_inputs is not None:
        yield from iter_inputs(list(paths))
        return
    for p in paths:
        if os.path.isdir(p):
            for root, dirs, files in os.walk(p):
                dirs.sort()
                for name in sorted(files):
                    if name.lower().endswith(SUPPORTED):
                        yield os.path.join(root, name), None
        elif os.path.exists(p):
            yield p, None
        else:
            yield p, "no such file or folder"


def _adapt_progress(progress):
    """Accept a callback taking (path, status) or nothing at all."""
    if progress is None:
        return None
    import inspect
    try:
        params = inspect.signature(progress).parameters.values()
    except (TypeError, ValueError):
        return progress
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if not positional and not any(p.kind == p.VAR_POSITIONAL for p in params):
        return lambda path, status: progress()
    return progress


def _extract_all(paths: list[str], jobs: int | None, extract, use_ner: bool = True,
                 engine: str = "processes", scheduler: str | None = None,
                 options=None) -> Iterator[tuple[str, Any]]:
    if not paths:
        return
    if extract is None:
        from .. import pipeline
        yield from pipeline.iter_extract(paths, jobs=jobs, engine=engine, scheduler=scheduler,
                                         options=options or pipeline.Options(use_ner=use_ner))
        return
    if (jobs or 1) > 1:
        from concurrent.futures import ProcessPoolExecutor, as_completed
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = {pool.submit(extract, p): p for p in paths}
            for fut in as_completed(futures):
                try:
                    yield futures[fut], fut.result()
                except Exception as e:  # noqa: BLE001 -- one bad file never stops the run
                    yield futures[fut], e
        return
    for p in paths:
        try:
            result = extract(p)
        except Exception as e:  # noqa: BLE001
            result = e
        yield p, result


def _store_error(conn, path: str, key: str, sha: str, reason: str) -> None:
    with transaction(conn):
        row = conn.execute("SELECT id, status FROM documents WHERE path_key = ?",
                           (key,)).fetchone()
        if row is not None and row["status"] == "done":
            return          # keep the last good version; the changed file is retried next run
        if row is not None:
            conn.execute("UPDATE documents SET sha256 = ?, error = ?, source = ?, ingested_at = ? "
                         "WHERE id = ?", (sha, reason, path, now(), row["id"]))
        else:
            conn.execute("INSERT INTO documents(path_key, source, sha256, status, error, "
                         "ingested_at) VALUES (?, ?, ?, 'error', ?, ?)",
                         (key, path, sha, reason, now()))


__all__ = ["IngestStats", "IngestError", "ingest", "store_extraction", "sha256_file",
           "path_key"]
