"""The pipeline: one document in, an `Extraction` (records, entities, metadata) out.

Stages run in order, data flowing one way:
ingest (read, clean, metadata) -> normalize (numbers, dates) -> entities (places,
organizations, officials) -> records (figures linked to region, scheme, metric,
period). Storage, search and audit read what this module returns; it never
writes anything itself.

`iter_extract` runs many files, in parallel when asked, and yields results in
input order; it owns no progress display (the CLI passes a callback).
"""
from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from .model import Document, Extraction


@dataclass(frozen=True)
class Options:
    """Knobs of one run; picklable so worker processes get the same ones.

    `limits` bounds each file (size, pages, time: see `extractor.ingest.limits`);
    `debug` keeps the traceback of an unexpected error in the error it reports.
    """
    use_ner: bool = True
    limits: object = None
    debug: bool = False


def extract_text(text: str, *, source: str | None = None,
                 published: _dt.date | None = None, use_ner: bool = True,
                 url: str | None = None) -> Extraction:
    """Extract records, entities and metadata from a string (contract section 2).

    `url`, the document's web address if known, can tell its publication date and its
    publisher's province (used when the text names no place)."""
    from .ingest import document_from_text
    doc = document_from_text(text, source=source)
    if url:
        doc.hints["url"] = url
    return extract_document(doc, published=published, options=Options(use_ner=use_ner))


def extract_file(path: str, *, options: Options | None = None) -> Extraction:
    """Read one file and extract from it; raises `extractor.ingest.ReadError` if unreadable.

    The time limit (`options.limits.timeout_s`) covers reading and extraction
    together where a timer can interrupt this thread, the reading alone elsewhere.
    """
    from .ingest import read_path, read_with_timeout
    from .ingest.limits import DEFAULT_LIMITS
    from .ingest.timeout import can_alarm, run_with_alarm
    options = options or Options()
    limits = options.limits or DEFAULT_LIMITS
    from .ingest.source_name import printable_path

    def named(doc: Document) -> Document:      # a name any output can hold (not UTF-8 bytes)
        doc.source = printable_path(doc.source)
        return doc

    if limits.timeout_s and can_alarm():
        return run_with_alarm(path, limits.timeout_s,
                              lambda: extract_document(named(read_path(path, limits)), options=options))
    return extract_document(named(read_with_timeout(path, limits)), options=options)


def extract_document(doc: Document, *, published: _dt.date | None = None,
                     options: Options | None = None) -> Extraction:
    from .entities import document_places, find_entities, publisher_province
    from .entities.figures import figure_entities
    from .ingest import extract_metadata
    from .ingest.cleanup import clean
    from .normalize import find_dates, find_numbers
    from .records import build_records

    options = options or Options()
    view = clean(doc.text)
    meta = extract_metadata(doc, view.text, published_hint=published)
    reference = published or _as_date(meta.get("published"))

    numbers = find_numbers(view.text)
    dates = find_dates(view.text, reference)
    publisher = publisher_province(meta.get("url"))
    entities = find_entities(view.text, province_hint=None, use_ner=options.use_ner,
                             publisher=publisher)
    context = document_places(view.text, entities, publisher=publisher)
    if context.get("province") and any(
            e.normalized and e.normalized.get("ambiguous") for e in entities
            if e.type in ("PROVINCE", "DISTRICT", "COMMUNE")):
        entities = find_entities(view.text, province_hint=context["province"],
                                 use_ner=options.use_ner, publisher=publisher)
    entities = sorted(entities + figure_entities(numbers, dates), key=lambda e: (e.start, e.end))

    records = build_records(doc=doc, view=view, meta=meta, reference=reference,
                            numbers=numbers, dates=dates, entities=entities, context=context)

    # entities as rows with offsets into the original text; their dicts (the same as
    # `Entity.to_dict` with those offsets and text) are made only if someone reads them
    orig_span = view.orig_span
    rows = [(e.type, *orig_span(e.start, e.end), e.normalized, e.method, e.confidence)
            for e in entities]
    return Extraction.from_rows([r.to_dict() for r in records], rows, meta, doc.text)


def _as_date(value) -> _dt.date | None:
    if not value:
        return None
    try:
        return _dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        try:
            return _dt.date.fromisoformat(str(value)[:7] + "-01")
        except ValueError:
            return None


# --- many files ---------------------------------------------------------------------

def _work(args: tuple[str, Options]):
    from .ingest import ReadError
    path, options = args
    try:
        return path, extract_file(path, options=options)
    except ReadError as e:
        return path, e
    except Exception as e:  # a bug must not sink the batch: report it for this file
        err = ReadError(path, f"internal error while extracting: {type(e).__name__}: {e}")
        if options.debug:
            import traceback
            err.detail = traceback.format_exc()
        return path, err


def _warm(options: Options) -> None:
    """Load the rules and the gazetteer once per worker process, not once per document
    (the NER model loads, once, on the first sentence that needs it: most never do)."""
    try:
        extract_text("Năm 2023, toàn tỉnh có 1.000 người tham gia BHYT.", use_ner=options.use_ner)
    except Exception:
        pass
    # what is loaded now (rules, gazetteer, models) lives as long as the process: keep it
    # out of the garbage collector's scans (about 5% of the extraction time otherwise)
    import gc
    gc.freeze()


_stop = None      # in a worker process: the pool's stop event (see `_WorkerPool.close`)


def _worker_init(options: Options, stop) -> None:
    """A worker process's start: Ctrl-C left to the parent, the pool's stop event kept,
    then `_warm`."""
    from .interrupts import ignore_in_workers
    global _stop
    ignore_in_workers()
    _stop = stop
    _warm(options)


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def iter_extract(paths: Iterable[str], *, jobs: int | None = None, options: Options | None = None,
                 engine: str = "processes", scheduler: str | None = None,
                 on_input: Callable[[str], None] | None = None) -> Iterator[tuple[str, object]]:
    """Yield (path, Extraction | ReadError) for every input, in input order.

    `paths` are files or folders (walked recursively). `engine` is "processes"
    (`jobs` worker processes on this machine, default all cores; 1 runs here) or
    "dask" (a Dask cluster at `scheduler`, or a local one with `jobs` workers).
    Memory stays flat: at most a few tasks per worker are in flight, and results
    are yielded as soon as they are next in order.
    """
    from .ingest import iter_inputs
    options = options or Options()
    jobs = default_jobs() if jobs is None else max(1, jobs)

    def tasks():
        for path, err in iter_inputs(paths):
            if on_input:
                on_input(path)
            yield path, err

    if engine == "dask":
        yield from _iter_dask(tasks(), jobs, options, scheduler)
    elif jobs == 1:
        _warm(options)  # load rules and models before any file's time limit starts
        for path, err in tasks():
            yield (path, err) if err is not None else _work((path, options))
    else:
        yield from _iter_pool(tasks(), jobs, options)


def _work_batch(args: tuple[tuple[str, ...], Options]) -> list:
    """Several files in one task: fewer round trips between the parent and the workers."""
    paths, options = args
    out = []
    for path in paths:
        if _stop is not None and _stop.is_set():
            break               # the run was interrupted or abandoned: nobody waits for these
        out.append(_work((path, options)))
    return out


# Files per task sent to a worker. Each task costs the parent about 0.7 ms of CPU
# (queues, pipes, thread wake-ups), whatever its size: 8 files a task took the parent
# from 0.40 to 0.26 ms per document (4 files) on the bench, 16 only to 0.22 ms.
BATCH = 8


def _iter_pool(tasks, jobs: int, options: Options):
    """Worker processes on this machine. A worker that dies (killed, out of memory, a
    crash in C code) breaks the pool: a new pool takes over the unfinished files, and a
    file that breaks a pool twice is reported as an error instead of retried again."""
    pool = _WorkerPool(jobs, options)
    finished = False
    try:
        yield from _ordered(tasks, pool.submit, pool.result, window=2 * jobs, batch=BATCH)
        finished = True
    finally:
        # interrupted (Ctrl-C) or abandoned by the caller: the workers stop after the
        # file they are on instead of finishing their tasks
        pool.close(abandoned=not finished)


class _WorkerPool:
    """A ProcessPoolExecutor (fork server) that survives the death of a worker.

    A task is [paths, future, pool generation]. When a pool breaks, every task in flight
    in it fails; each is submitted again to a fresh pool when its turn comes, and a task
    that breaks a second pool is split into one task per file.
    """

    def __init__(self, jobs: int, options: Options):
        import multiprocessing as mp
        self.jobs, self.options = jobs, options
        self.ctx = mp.get_context("forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn")
        self.broke: dict[tuple[str, ...], int] = {}   # paths -> pools they were in flight in when they broke
        self.generation = 0
        self.stop = self.ctx.Event()                  # set: workers leave their tasks unfinished
        self.executor = self._start()

    def _start(self):
        from concurrent.futures import ProcessPoolExecutor
        return ProcessPoolExecutor(self.jobs, mp_context=self.ctx, initializer=_worker_init,
                                   initargs=(self.options, self.stop))

    def _restart(self, generation: int) -> None:
        if generation == self.generation:         # not restarted since this task's pool broke
            self.executor.shutdown(wait=False, cancel_futures=True)
            self.executor = self._start()
            self.generation += 1

    def submit(self, paths: tuple[str, ...]) -> list:
        from concurrent.futures.process import BrokenProcessPool
        try:
            return [paths, self.executor.submit(_work_batch, (paths, self.options)), self.generation]
        except BrokenProcessPool:                 # broke since the last result: start afresh
            self._restart(self.generation)
            return [paths, self.executor.submit(_work_batch, (paths, self.options)), self.generation]

    def result(self, task: list) -> list:
        from concurrent.futures.process import BrokenProcessPool
        from .ingest import ReadError
        while True:
            paths, fut, generation = task
            try:
                return fut.result()
            except BrokenProcessPool:
                self._restart(generation)
                self.broke[paths] = self.broke.get(paths, 0) + 1
                if self.broke[paths] < 2:
                    task[:] = self.submit(paths)
                elif len(paths) > 1:              # find the file that breaks it
                    return [r for p in paths for r in self.result(self.submit((p,)))]
                else:
                    return [(paths[0], ReadError(paths[0], "a worker process died while extracting "
                                                           "this file (killed, out of memory, or a crash)"))]

    def close(self, abandoned: bool = False) -> None:
        """Shut the pool down. `abandoned`: nobody will read the results in flight, so the
        workers stop after their current file and the tasks not started are cancelled.
        (Killing them instead could leave a result half sent, and the pool's reader
        waiting for the rest forever.)"""
        if abandoned:
            self.stop.set()
        self.executor.shutdown(wait=True, cancel_futures=True)


def _iter_dask(tasks, jobs: int, options: Options, scheduler: str | None):
    from distributed import Client, LocalCluster
    if scheduler:
        client, cluster = Client(scheduler), None
    else:
        from .interrupts import put_off_interrupts
        with put_off_interrupts(drop=True):   # its processes leave Ctrl-C to this one
            # CRITICAL: a worker that loses its scheduler while the run is stopped logs an
            # ERROR with a traceback; the errors of a task reach this process through its result
            cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=50)
        client = Client(cluster)
    try:
        client.run(_warm, options)
        yield from _ordered(tasks, lambda paths: client.submit(_work_batch, (paths, options), pure=False),
                            lambda fut: fut.result(), window=2 * jobs, batch=BATCH)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _ordered(tasks, submit, result, window: int, batch: int = 1):
    """Submit the files of `tasks` ((path, error or None) pairs) `batch` at a time, with at
    most `window` submissions in flight; yield (path, result) in input order.

    `submit(paths)` starts the work on a tuple of paths, `result(handle)` waits for it and
    returns its (path, result) pairs. A path that comes with an error is yielded as it is.
    """
    from collections import deque
    inflight: deque = deque()        # (path, error) to yield as it is, or (None, handle)
    submitted = 0
    pending: list[str] = []

    def flush():
        nonlocal submitted
        if pending:
            inflight.append((None, submit(tuple(pending))))
            pending.clear()
            submitted += 1

    def drain(keep: int):
        nonlocal submitted
        while inflight and (submitted > keep or inflight[0][0] is not None):
            path, item = inflight.popleft()
            if path is not None:
                yield path, item
            else:
                submitted -= 1
                yield from result(item)

    for path, err in tasks:
        if err is not None:
            flush()
            inflight.append((path, err))
        else:
            pending.append(path)
            if len(pending) >= batch:
                flush()
        yield from drain(window - 1)
    flush()
    yield from drain(-1)
