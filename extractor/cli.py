"""The `extractor` command line: a thin layer over the pipeline, store and audit.

Each command parses its options, calls one library function and prints. Bad
input files are reported on stderr, one line each, and never stop a run.
"""
from __future__ import annotations

import csv
import json
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

app = typer.Typer(
    name="extractor",
    help="Coverage figures (BHYT, BHXH, BHTN) from Vietnamese press releases, news and "
         "official letters: extract them, store them in a searchable database, search, "
         "export and audit them.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)

DEFAULT_DB = "indicators.db"


class OutFormat(str, Enum):
    jsonl = "jsonl"
    json = "json"
    csv = "csv"


class EntityFormat(str, Enum):
    jsonl = "jsonl"
    table = "table"


class TableFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


class ExportFormat(str, Enum):
    csv = "csv"
    parquet = "parquet"
    xlsx = "xlsx"


class AuditFormat(str, Enum):
    table = "table"
    csv = "csv"
    html = "html"


def _err(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _collect_inputs(paths: list[str]) -> tuple[list[str], list[tuple[str, object]]]:
    from .ingest import iter_inputs
    good, bad = [], []
    for path, err in iter_inputs(paths):
        (bad.append((path, err)) if err is not None else good.append(path))
    return good, bad


class _Progress:
    """A progress bar on stderr, only when stderr is a terminal and there is enough to show."""

    def __init__(self, total: int, quiet: bool, what: str = "files"):
        self.bar = None
        self.count = 0          # advanced so far, bar or no bar
        if quiet or total <= 5 or not sys.stderr.isatty():
            return
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                                   TimeRemainingColumn)
        self.bar = Progress(TextColumn("[bold]extracting"), BarColumn(), MofNCompleteColumn(),
                            TextColumn("{task.fields[rate]}"), TimeRemainingColumn(),
                            console=Console(stderr=True), transient=False)
        self.task = self.bar.add_task(what, total=total, rate="")
        self.bar.start()
        import time
        self._t0 = time.monotonic()

    def advance(self) -> None:
        self.count += 1
        if self.bar is None:
            return
        import time
        dt = max(1e-6, time.monotonic() - self._t0)
        self.bar.update(self.task, advance=1, rate=f"{self.count / dt:.1f} docs/s")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


class Engine(str, Enum):
    processes = "processes"
    dask = "dask"


def _options(use_ner: bool, timeout: float, max_size: float, debug: bool):
    from .ingest.limits import MB, Limits
    from .pipeline import Options
    limits = Limits(max_bytes=int(max_size * MB), max_text_bytes=int(min(max_size, 16) * MB),
                    timeout_s=timeout or None)
    return Options(use_ner=use_ner, limits=limits, debug=debug)


def _report(err, debug: bool) -> None:
    _err(f"error: {err}")
    if debug and getattr(err, "detail", None):
        _err(err.detail.rstrip())


class _ExtractionRun:
    """Extract many inputs, reporting bad files on stderr; counts what happened."""

    def __init__(self, paths: list[str], jobs: Optional[int], quiet: bool, use_ner: bool,
                 engine: str = "processes", scheduler: Optional[str] = None, options=None):
        self.paths, self.jobs, self.quiet, self.use_ner = paths, jobs, quiet, use_ner
        self.engine, self.scheduler = engine, scheduler
        self.options = options or _options(use_ner, 120, 64, False)
        self.ok = 0
        self.failed = 0
        self.total = 0              # supported files given
        self.done = 0               # of those, extracted or failed so far

    def __iter__(self):
        from .pipeline import iter_extract
        good, bad = _collect_inputs(self.paths)
        for _, err in bad:
            _err(f"error: {err}")
        self.failed += len(bad)
        self.total = len(good)
        progress = _Progress(len(good), self.quiet)
        try:
            for path, res in iter_extract(good, jobs=self.jobs, options=self.options,
                                          engine=self.engine, scheduler=self.scheduler):
                progress.advance()
                self.done += 1
                if isinstance(res, Exception):
                    self.failed += 1
                    _report(res, self.options.debug)
                    continue
                self.ok += 1
                if not self.quiet:
                    for w in res.document.get("warnings") or []:
                        _err(f"warning: {path}: {w}")
                yield res
        finally:
            progress.close()


@app.command()
def extract(
    paths: list[str] = typer.Argument(..., help="Files or folders (walked recursively): "
                                      ".txt .md .html .htm .pdf .docx"),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write here instead of stdout."),
    fmt: OutFormat = typer.Option(OutFormat.jsonl, "--format", "-f", help="jsonl (one record per line), json or csv."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", help="Worker processes (default: all cores)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar, no warnings."),
    no_ner: bool = typer.Option(False, "--no-ner", help="Rules only: skip the statistical NER."),
    engine: Engine = typer.Option(Engine.processes, "--engine", help="processes (this machine) or dask."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Dask scheduler address (default: a local cluster)."),
    timeout: float = typer.Option(120, "--timeout", help="Seconds one file may take (0: no limit)."),
    max_size: float = typer.Option(64, "--max-size", help="Largest file to read, in MB (text files: at most 16)."),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks of unexpected errors."),
):
    """Extract coverage records from documents (one JSON object per record)."""
    from .interrupts import put_off_interrupts
    from .records.flatten import CSV_COLUMNS, flatten_record
    out = open(output, "w", encoding="utf-8", newline="") if output else sys.stdout
    run = _ExtractionRun(paths, jobs, quiet, not no_ner, engine.value, scheduler,
                         _options(not no_ner, timeout, max_size, debug))
    n_records = 0
    written = 0          # files whose records are all in the output
    interrupted = False
    try:
        if fmt is OutFormat.csv:
            writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore")
            writer.writeheader()
        elif fmt is OutFormat.json:
            out.write("[")
        try:
            for ex in run:
                with put_off_interrupts():   # a document's records all written, and counted
                    for rec in ex.records:
                        if fmt is OutFormat.jsonl:
                            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
                        elif fmt is OutFormat.json:
                            out.write(("," if n_records else "") + "\n" + json.dumps(rec, ensure_ascii=False))
                        else:
                            writer.writerow(flatten_record(rec))
                        n_records += 1
                    out.flush()
                    written = run.done
        except KeyboardInterrupt:       # here or in `run` (whose pool stops its workers)
            interrupted = True
        if fmt is OutFormat.json:
            out.write("\n]\n")
    finally:
        if output:
            out.close()
    if not quiet:
        _err(f"{run.ok} documents read, {run.failed} failed, {n_records} records")
    if interrupted:
        _err(f"interrupted after {written} of {run.total} files: "
             f"{output or 'the output'} holds their records, whole and in input order")
        raise typer.Exit(130)
    if run.ok == 0:
        if run.failed == 0:
            _err("error: no supported input files found (.txt .md .html .htm .pdf .docx)")
        raise typer.Exit(1)


@app.command()
def entities(
    paths: list[str] = typer.Argument(..., help="Files or folders."),
    fmt: EntityFormat = typer.Option(EntityFormat.jsonl, "--format", "-f", help="jsonl or a readable table."),
    types: Optional[str] = typer.Option(None, "--types", help="Comma-separated entity types to keep, e.g. OFFICIAL,PROVINCE."),
    no_ner: bool = typer.Option(False, "--no-ner", help="Rules only: skip the statistical NER."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar, no warnings."),
):
    """Print the entities found in documents: places, organizations, officials, figures, dates."""
    keep = {t.strip().upper() for t in types.split(",")} if types else None
    rows = []
    run = _ExtractionRun(paths, 1, quiet, not no_ner)
    for ex in run:
        for e in ex.entities:
            if keep and e["type"] not in keep:
                continue
            row = {"source": ex.document.get("source"), **e}
            if fmt is EntityFormat.jsonl:
                print(json.dumps(row, ensure_ascii=False))
            else:
                rows.append(row)
    if fmt is EntityFormat.table:
        from rich.console import Console
        from .entities import format_entities_table
        Console().print(format_entities_table(rows))
    if run.ok == 0:
        raise typer.Exit(1)


@app.command()
def text(path: str = typer.Argument(..., help="One file."),
         clean: bool = typer.Option(False, "--clean", help="Show the cleaned working text instead.")):
    """Print the text extracted from a file (evidence offsets point into it)."""
    from .ingest import ReadError, read_path
    from .ingest.cleanup import clean as clean_text
    try:
        doc = read_path(path)
    except ReadError as e:
        _err(f"error: {e}")
        raise typer.Exit(1)
    sys.stdout.write(clean_text(doc.text).text + "\n" if clean else doc.text)


@app.command()
def ingest(
    paths: list[str] = typer.Argument(..., help="Files or folders to add to the database."),
    db: Path = typer.Option(DEFAULT_DB, "--db", help="SQLite database file (created if missing)."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", help="Worker processes (default: all cores)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar, no summary."),
    no_ner: bool = typer.Option(False, "--no-ner", help="Rules only: skip the statistical NER."),
    engine: Engine = typer.Option(Engine.processes, "--engine", help="processes (this machine) or dask."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Dask scheduler address (default: a local cluster)."),
    timeout: float = typer.Option(120, "--timeout", help="Seconds one file may take (0: no limit)."),
    max_size: float = typer.Option(64, "--max-size", help="Largest file to read, in MB (text files: at most 16)."),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks of unexpected errors."),
):
    """Extract documents and store documents, entities and records in the database.

    An unchanged file (same content hash) is skipped; a changed one replaces its old records in one transaction; an interrupted run (Ctrl-C) keeps what it stored, and the next one does the rest."""
    from . import store
    good, bad = _collect_inputs(paths)
    for path, err in bad:
        _err(f"error: {err}")
    progress = _Progress(len(good), quiet)
    try:
        stats = store.ingest(good, str(db), jobs=jobs, use_ner=not no_ner,
                             engine=engine.value, scheduler=scheduler,
                             options=_options(not no_ner, timeout, max_size, debug),
                             progress=progress.advance,
                             on_error=lambda path, err: _report(err, debug))
    except KeyboardInterrupt:
        progress.close()
        _err(f"interrupted after {progress.count} of {len(good)} files: {db} keeps every document "
             "stored so far (each in its own transaction); the same command again does the rest")
        raise typer.Exit(130)
    finally:
        progress.close()
    if not quiet:
        _err(f"{db}: {stats.summary()}")
    if good and not stats.readable:
        raise typer.Exit(1)
    if not good:
        _err("error: no supported input files found")
        raise typer.Exit(1)


def _need_db(db: Path) -> None:
    if not db.exists():
        _err(f"error: database {db} not found (create it with `extractor ingest PATH --db {db}`)")
        raise typer.Exit(2)


@app.command()
def search(
    query: str = typer.Argument("", help="Words to find in evidence and document text; "
                                "diacritics optional ('bac giang' finds 'Bắc Giang')."),
    db: Path = typer.Option(DEFAULT_DB, "--db"),
    province: Optional[str] = typer.Option(None, "--province", "-p"),
    scheme: Optional[str] = typer.Option(None, "--scheme", "-s", help="BHYT, BHXH_TN, BHXH_BB, BHXH, BHTN"),
    metric: Optional[str] = typer.Option(None, "--metric", "-m"),
    date_from: Optional[str] = typer.Option(None, "--from", help="Period end on or after (YYYY[-MM[-DD]])."),
    date_to: Optional[str] = typer.Option(None, "--to", help="Period end on or before."),
    limit: int = typer.Option(50, "--limit", "-n"),
    fmt: TableFormat = typer.Option(TableFormat.table, "--format", "-f"),
):
    """Search the records (and the text of their documents)."""
    from . import store
    _need_db(db)
    try:
        rows = store.search(str(db), query, province=province, scheme=scheme, metric=metric,
                            date_from=date_from, date_to=date_to, limit=limit)
    except store.SearchError as e:
        _err(f"error: {e}")
        raise typer.Exit(2)
    store.print_rows(rows, fmt.value)


@app.command()
def export(
    db: Path = typer.Option(DEFAULT_DB, "--db"),
    fmt: ExportFormat = typer.Option(..., "--format", "-f"),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Default: records.<format>"),
):
    """Export every record, one row each (region and period flattened)."""
    from . import store
    _need_db(db)
    out = output or Path(f"records.{fmt.value}")
    n = store.export(str(db), str(out), fmt.value)
    _err(f"{n} records written to {out}")


@app.command()
def audit(
    db: Path = typer.Option(DEFAULT_DB, "--db"),
    fmt: AuditFormat = typer.Option(AuditFormat.table, "--format", "-f"),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write to a file (default stdout; html: audit.html)."),
):
    """Audit figures across sources: conflicts, arithmetic, suspicious jumps."""
    from . import audit as audit_mod
    _need_db(db)
    report = audit_mod.run_audit(str(db))
    if fmt is AuditFormat.html and output is None:
        output = Path("audit.html")
    rendered = audit_mod.render(report, fmt.value)
    if output:
        Path(output).write_text(rendered, encoding="utf-8") if isinstance(rendered, str) else None
        _err(f"audit written to {output}: {report.summary()}")
    else:
        if isinstance(rendered, str):
            sys.stdout.write(rendered)
        _err(report.summary())


@app.command()
def serve(
    db: Path = typer.Option(DEFAULT_DB, "--db"),
    port: int = typer.Option(8001, "--port"),
    host: str = typer.Option("127.0.0.1", "--host"),
):
    """Browse the database in a local, read-only web view (Datasette)."""
    from . import store
    _need_db(db)
    try:
        store.serve(str(db), port=port, host=host)
    except RuntimeError as e:
        _err(f"error: {e}")
        raise typer.Exit(1)


@app.command(name="eval")
def evaluate(
    gold: list[Path] = typer.Option(..., "--gold", help="Gold JSON Lines (repeatable)."),
    pred: Optional[Path] = typer.Option(None, "--pred", help="Predicted records (JSON Lines)."),
    paths: Optional[list[str]] = typer.Argument(None, help="Or: documents to extract and score."),
    errors: bool = typer.Option(False, "--errors", help="List missed and spurious records."),
):
    """Score records against gold files (strict and lenient precision, recall, F1)."""
    from .evaluate import load_jsonl, score
    if pred is None and not paths:
        _err("error: give --pred FILE or document paths to extract")
        raise typer.Exit(2)
    if pred is not None:
        preds = load_jsonl(pred)
    else:
        preds = [r for ex in _ExtractionRun(paths, None, True, True) for r in ex.records]
    golds = [g for path in gold for g in load_jsonl(path)]
    result = score(golds, preds)
    print(result.render(errors=errors))


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        _err("interrupted")
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)


if __name__ == "__main__":
    main()
