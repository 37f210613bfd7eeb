"""Benchmark batch extraction: throughput, peak memory, baseline ratio, serial equality.

Runs `extractor.pipeline.iter_extract` over the text documents of a folder made
by bench/generate.py (generating it first if asked), with `--jobs` workers
(default all cores) on the "processes" or "dask" engine, and prints:

- documents/s and characters/s (of extracted text), wall time, time to first result;
- peak memory of the whole process tree (this process + workers), sampled;
- underthesea `ner` throughput on a sample of the same text (one core, sentence by
  sentence, on the clean text) and the ratio pipeline chars/s per core / ner chars/s;
- whether the records of the first `--check` documents equal a serial run's;
- PDF pages/s on its own line, when the folder has PDFs.

It measures; it does not tune or change the pipeline. Targets (2-core machine):
>= 1,000,000 chars/s, ratio >= 40 per core, peak < 1 GB for 10,000 documents,
same records as serial.

    python bench/run.py /tmp/bench [--generate 10000 --pdfs 20] [--jobs N] [--engine dask]
                        [--baseline-docs 100] [--check 300] [--no-ner] [--json]
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

TARGETS = {"chars_per_s": 1_000_000, "ratio_per_core": 40.0, "peak_mb": 1024.0}


# --- memory of the process tree --------------------------------------------------------

class TreeMonitor:
    """Samples this process and all its descendants in a thread: summed RSS and CPU time.

    RSS counts shared pages once per process, so the summed peak is an upper bound
    on the memory the run really holds. CPU time (user + system, last value seen
    per process) does not depend on what else the machine is running, so
    characters per CPU-second is the figure to compare between runs on a busy box.
    """

    def __init__(self, interval: float = 0.1):
        import psutil
        self._psutil = psutil
        self.me = psutil.Process(os.getpid())
        self.interval = interval
        self.peak = 0
        self.peak_processes = 0
        self._cpu: dict[tuple[int, float], float] = {}
        self._cpu0 = self._cpu_of(self.me)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _cpu_of(self, p) -> float:
        t = p.cpu_times()
        return t.user + t.system

    def sample(self) -> int:
        total, n = 0, 0
        procs = [self.me]
        try:
            procs += self.me.children(recursive=True)
        except self._psutil.Error:
            pass
        for p in procs:
            try:
                total += p.memory_info().rss
                self._cpu[(p.pid, p.create_time())] = self._cpu_of(p)
                n += 1
            except self._psutil.Error:
                pass
        if total > self.peak:
            self.peak, self.peak_processes = total, n
        return total

    @property
    def cpu_parent_s(self) -> float:
        """CPU seconds of this process alone (receiving results, bookkeeping)."""
        return self._cpu_of(self.me) - self._cpu0

    @property
    def cpu_s(self) -> float:
        """CPU seconds used since start by this process and every descendant seen."""
        return sum(self._cpu.values()) - self._cpu0

    def _run(self):
        while not self._stop.wait(self.interval):
            self.sample()

    def __enter__(self):
        self.sample()
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.sample()


# --- the runs --------------------------------------------------------------------------

def list_inputs(folder: Path, limit: int | None = None) -> list[str]:
    from extractor.ingest import iter_inputs
    paths = (p for p, err in iter_inputs([str(folder)]) if err is None)
    return list(itertools.islice(paths, limit)) if limit else list(paths)


def run_pipeline(inputs, *, jobs: int, engine: str, scheduler: str | None, use_ner: bool,
                 keep: int = 0) -> dict:
    """Extract everything, streaming; keep the records of the first `keep` documents."""
    from extractor.pipeline import Options, iter_extract
    docs = chars = errors = records = 0
    kept: list[tuple[str, list]] = []
    first = None
    t0 = time.perf_counter()
    with TreeMonitor() as mem:
        for path, res in iter_extract(inputs, jobs=jobs, options=Options(use_ner=use_ner),
                                      engine=engine, scheduler=scheduler):
            if first is None:
                first = time.perf_counter() - t0
            if isinstance(res, Exception):
                errors += 1
                if errors <= 5:
                    print(f"  error: {res}", file=sys.stderr)
                continue
            docs += 1
            chars += len(res.text)
            records += len(res.records)
            if len(kept) < keep:
                kept.append((path, res.records))
    wall = time.perf_counter() - t0
    return {"documents": docs, "errors": errors, "characters": chars, "records": records,
            "wall_s": wall, "first_result_s": first, "peak_tree_mb": mem.peak / 2**20,
            "peak_processes": mem.peak_processes, "cpu_s": mem.cpu_s,
            "cpu_parent_s": mem.cpu_parent_s, "_kept": kept}


def source_fingerprint() -> str:
    """A hash of the extractor's code and rules: tells whether they changed during a run."""
    import hashlib
    h = hashlib.sha256()
    for top in (REPO / "extractor", REPO / "rules"):
        for p in sorted(top.rglob("*")):
            if p.is_file() and p.suffix in (".py", ".yaml", ".tsv", ".txt", ".json", ".sql"):
                h.update(str(p.relative_to(REPO)).encode())
                h.update(p.read_bytes())
    return h.hexdigest()


def serial_equal(kept: list[tuple[str, list]], use_ner: bool) -> dict:
    """Re-extract the kept documents in this process, one by one; compare records."""
    from extractor.pipeline import Options, iter_extract
    paths = [p for p, _ in kept]
    serial = [(p, r.records if not isinstance(r, Exception) else None)
              for p, r in iter_extract(paths, jobs=1, options=Options(use_ner=use_ner))]
    order_ok = [p for p, _ in serial] == paths
    differ = [(p, a, b) for (p, a), (_, b) in zip(kept, serial) if a != b]
    out = {"checked": len(paths), "same_order": order_ok, "differing": len(differ),
           "first_differing": [p for p, _, _ in differ[:3]], "equal": order_ok and not differ}
    if differ:
        out["first_difference"] = _first_difference(*differ[0])
    return out


def _first_difference(path: str, parallel: list | None, serial: list | None) -> str:
    """Where the records of one document differ, in a line (to tell a bug from an edit)."""
    if parallel is None or serial is None:
        return f"{path}: failed in {'parallel' if parallel is None else 'serial'} run"
    if len(parallel) != len(serial):
        return f"{path}: {len(parallel)} records in parallel, {len(serial)} serial"
    for i, (a, b) in enumerate(zip(parallel, serial)):
        keys = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
        if keys:
            k = keys[0]
            return (f"{path}: record {i} differs in {keys}: parallel {a.get(k)!r:.120} "
                    f"serial {b.get(k)!r:.120}")
    return f"{path}: records differ"


def ner_baseline(paths: list[str], docs: int) -> dict:
    """underthesea `ner` on the clean text of an even sample of `docs` documents."""
    from underthesea import ner

    from extractor.ingest.cleanup import clean
    from extractor.ingest.sentences import sentences
    step = max(1, len(paths) // max(1, docs))
    sample = paths[::step][:docs]
    ner("Ông Nguyễn Văn An, Giám đốc Bảo hiểm xã hội tỉnh Nghệ An.")   # load the model
    chars, busy, cpu = 0, 0.0, 0.0
    for p in sample:
        text = clean(Path(p).read_text(encoding="utf-8")).text
        for sp in sentences(text):
            s = text[sp.start:sp.end]
            if not s.strip():
                continue
            t, c = time.perf_counter(), time.thread_time()
            ner(s)
            busy += time.perf_counter() - t
            cpu += time.thread_time() - c
            chars += len(s)
    return {"documents": len(sample), "characters": chars, "seconds": busy, "cpu_s": cpu,
            "chars_per_s": chars / busy if busy else 0.0,
            "chars_per_cpu_s": chars / cpu if cpu else 0.0}


def pdf_pages(paths: list[str]) -> int:
    import pypdfium2
    total = 0
    for p in paths:
        doc = pypdfium2.PdfDocument(p)
        total += len(doc)
        doc.close()
    return total


# --- report ----------------------------------------------------------------------------

def summarize(args, cores: int, main: dict, base: dict | None, check: dict | None,
              pdf: dict | None) -> dict:
    wall = main["wall_s"]
    out = {
        "engine": args.engine, "jobs": args.jobs, "cores_used": cores, "use_ner": not args.no_ner,
        "documents": main["documents"], "errors": main["errors"], "records": main["records"],
        "characters": main["characters"], "wall_s": round(wall, 2),
        "first_result_s": round(main["first_result_s"] or 0.0, 2),
        "docs_per_s": round(main["documents"] / wall, 1) if wall else 0.0,
        "chars_per_s": round(main["characters"] / wall) if wall else 0,
        "peak_tree_mb": round(main["peak_tree_mb"], 1),
        "peak_processes": main["peak_processes"],
        "cpu_s": round(main["cpu_s"], 1),
        "cpu_parent_s": round(main["cpu_parent_s"], 1),
        "chars_per_cpu_s": round(main["characters"] / main["cpu_s"]) if main["cpu_s"] else 0,
        "load_average_at_start": args.load_at_start,
    }
    out["chars_per_s_per_core"] = round(out["chars_per_s"] / cores)
    steady = wall - (main["first_result_s"] or 0.0)
    out["steady_chars_per_s"] = round(main["characters"] / steady) if steady > 0 else 0
    out["maxrss_self_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    if base:
        out["ner_baseline"] = {k: round(v, 2) if isinstance(v, float) else v for k, v in base.items()}
        out["ratio_per_core_wall"] = (round(out["chars_per_s_per_core"] / base["chars_per_s"], 1)
                                      if base["chars_per_s"] else None)
        # CPU time does not depend on what else runs on the machine: the figure to trust
        out["ratio_per_core"] = (round(out["chars_per_cpu_s"] / base["chars_per_cpu_s"], 1)
                                 if base["chars_per_cpu_s"] else None)
    if check:
        out["serial_check"] = check
    if pdf:
        out["pdf"] = pdf
    out["targets"] = {
        "chars_per_s>=1e6": out["chars_per_s"] >= TARGETS["chars_per_s"],
        "ratio_per_core>=40": (out.get("ratio_per_core") or 0) >= TARGETS["ratio_per_core"]
        if base else None,
        "peak<1GB": out["peak_tree_mb"] < TARGETS["peak_mb"],
        "same_as_serial": check["equal"] if check else None,
    }
    return out


def print_summary(s: dict) -> None:
    def mark(v):
        return "n/a" if v is None else ("ok" if v else "MISSED")
    print(f"engine {s['engine']}, {s['cores_used']} worker(s), NER {'on' if s['use_ner'] else 'off'}")
    print(f"documents   {s['documents']:,} ({s['errors']} errors), {s['records']:,} records, "
          f"{s['characters']:,} chars in {s['wall_s']:.1f} s (first result after "
          f"{s['first_result_s']:.1f} s)")
    print(f"throughput  {s['docs_per_s']:,.1f} docs/s, {s['chars_per_s']:,} chars/s "
          f"({s['chars_per_s_per_core']:,} per core; {s['steady_chars_per_s']:,} chars/s after "
          "the first result)")
    print(f"cpu         {s['cpu_s']:,.1f} CPU-s for the process tree ({s['cpu_parent_s']:,.1f} in this "
          f"process), {s['chars_per_cpu_s']:,} chars "
          f"per CPU-second (load average at start {s['load_average_at_start']})")
    print(f"peak memory {s['peak_tree_mb']:,.0f} MB summed RSS of {s['peak_processes']} processes "
          f"(kernel max RSS of this process {s['maxrss_self_mb']:,.0f} MB)")
    if "ner_baseline" in s:
        b = s["ner_baseline"]
        print(f"baseline    underthesea ner {b['chars_per_s']:,.0f} chars/s ({b['chars_per_cpu_s']:,.0f} "
              f"per CPU-s) on {b['characters']:,} chars of {b['documents']} docs")
        print(f"ratio       per core {s['ratio_per_core']}x underthesea ner (CPU time; "
              f"{s['ratio_per_core_wall']}x by wall time)")
    if "serial_check" in s:
        c = s["serial_check"]
        print(f"serial      first {c['checked']} docs: "
              + ("same records, same order" if c["equal"] else
                 f"{c['differing']} differ, order {'same' if c['same_order'] else 'DIFFERENT'} "
                 f"{c['first_differing']}\n            {c.get('first_difference', '')}"))
    if "pdf" in s:
        p = s["pdf"]
        print(f"pdf         {p['pages_per_s']:,.1f} pages/s ({p['files']} files, {p['pages']} pages "
              f"in {p['wall_s']:.1f} s, {p['errors']} errors)")
    print("targets     " + ", ".join(f"{k} {mark(v)}" for k, v in s["targets"].items()))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", help="a folder made by bench/generate.py (OUT/text, OUT/pdf)")
    ap.add_argument("--generate", type=int, metavar="N", help="first generate N documents there")
    ap.add_argument("--pdfs", type=int, default=0, help="with --generate: PDFs to add")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--limit", type=int, help="only the first N documents")
    ap.add_argument("-j", "--jobs", type=int, help="workers (default: all cores)")
    ap.add_argument("--engine", choices=("processes", "dask"), default="processes")
    ap.add_argument("--scheduler", help="Dask scheduler address (default: a local cluster)")
    ap.add_argument("--no-ner", action="store_true", help="run the pipeline without NER")
    ap.add_argument("--baseline-docs", type=int, default=100,
                    help="documents for the underthesea ner baseline (0: skip)")
    ap.add_argument("--check", type=int, default=300,
                    help="compare the first N documents with a serial run (0: skip)")
    ap.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = ap.parse_args(argv)

    from extractor.pipeline import default_jobs
    args.load_at_start = round(os.getloadavg()[0], 2)
    folder = Path(args.folder)
    if args.generate:
        from bench.generate import generate
        m = generate(folder, args.generate, pdfs=args.pdfs, seed=args.seed)
        print(f"generated {m['documents']:,} documents ({m['characters']:,} chars), "
              f"{m['pdfs']} PDFs in {folder}", file=sys.stderr)
    text_dir = folder / "text" if (folder / "text").is_dir() else folder
    args.jobs = args.jobs or default_jobs()
    cores = min(args.jobs, default_jobs()) if args.engine == "processes" else args.jobs

    inputs = list_inputs(text_dir, args.limit) if args.limit else [str(text_dir)]
    print(f"extracting {text_dir} with {args.jobs} {args.engine} worker(s)...", file=sys.stderr)
    before = source_fingerprint()
    main_run = run_pipeline(inputs, jobs=args.jobs, engine=args.engine, scheduler=args.scheduler,
                            use_ner=not args.no_ner, keep=args.check)
    kept = main_run.pop("_kept")

    check = None
    if args.check:
        rerun = source_fingerprint() != before
        if rerun:
            # someone edited the code meanwhile: compare like with like
            print("extractor code changed during the run: re-running the checked documents",
                  file=sys.stderr)
            kept = run_pipeline([p for p, _ in kept], jobs=args.jobs, engine=args.engine,
                                scheduler=args.scheduler, use_ner=not args.no_ner,
                                keep=len(kept))["_kept"]
        print(f"serial check on {len(kept)} documents...", file=sys.stderr)
        check = serial_equal(kept, use_ner=not args.no_ner)
        check["code_changed_during_run"] = rerun

    base = None
    if args.baseline_docs:
        print(f"underthesea ner baseline on {args.baseline_docs} documents...", file=sys.stderr)
        paths = inputs if args.limit else list_inputs(text_dir)
        base = ner_baseline(paths, args.baseline_docs)

    pdf = None
    pdf_dir = folder / "pdf"
    if pdf_dir.is_dir() and any(pdf_dir.iterdir()):
        pdf_paths = list_inputs(pdf_dir)
        pages = pdf_pages(pdf_paths)
        print(f"PDFs: {len(pdf_paths)} files, {pages} pages...", file=sys.stderr)
        r = run_pipeline([str(pdf_dir)], jobs=args.jobs, engine=args.engine,
                         scheduler=args.scheduler, use_ner=not args.no_ner)
        pdf = {"files": len(pdf_paths), "pages": pages, "errors": r["errors"],
               "wall_s": round(r["wall_s"], 2),
               "pages_per_s": round(pages / r["wall_s"], 1) if r["wall_s"] else 0.0}

    summary = summarize(args, cores, main_run, base, check, pdf)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=1))
    else:
        print_summary(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
