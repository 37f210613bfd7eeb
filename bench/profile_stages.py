"""Profile serial extraction of generated documents: time by stage, then by function.

Runs `extractor.pipeline.extract_file` on the first N documents of a folder in
this process under cProfile (after one warm-up document, so model loading is not
counted), then prints:

- time per stage: the cumulative time of each call made by `extract_document`
  (clean, extract_metadata, find_numbers, find_dates, find_entities, ...) and of
  `read_path`, as a share of the total;
- the top functions by cumulative time and by own time, in extractor/ and in
  the libraries it calls (underthesea, spaCy, regex, ...).

It only observes; it changes nothing in the pipeline.

    python bench/profile_stages.py /tmp/bench [-n 300] [--top 40] [--no-ner] [--save out.prof]
"""
from __future__ import annotations

import argparse
import cProfile
import io
import itertools
import pstats
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def _label(func: tuple) -> str:
    file, line, name = func
    p = file.replace("\\", "/")
    for marker in ("/site-packages/", "/work/main/", "/lib/python3"):
        if marker in p:
            p = p.split(marker, 1)[1]
            break
    return f"{p}:{line}({name})" if line else name


def _in(func: tuple, *files: str) -> bool:
    path = func[0].replace("\\", "/")
    return any(path.endswith(f) for f in files)


def stage_times(stats: pstats.Stats) -> list:
    """(stage function, seconds, calls) for every call the pipeline module makes to a stage.

    A stage is any function outside extractor/pipeline.py (and the read timeout
    wrapper) called directly from a function of extractor/pipeline.py.
    """
    driver = ("extractor/pipeline.py",)
    wrappers = driver + ("extractor/ingest/timeout.py",)
    out: dict[tuple, tuple[float, int]] = {}
    for func, (_cc, _nc, _tt, _ct, callers) in stats.stats.items():
        if _in(func, *wrappers) or func[0] == "~":
            continue
        for caller, (cc, nc, tt, ct) in callers.items():
            if _in(caller, *driver):
                s, n = out.get(func, (0.0, 0))
                out[func] = (s + ct, n + nc)
    rows = [(_label(func), s, n) for func, (s, n) in out.items()]
    return sorted(rows, key=lambda r: -r[1])


def package_times(stats: pstats.Stats) -> list:
    """Own time (tottime) summed by top-level package or extractor subpackage."""
    acc: dict[str, float] = {}
    for (file, _line, _name), (_cc, _nc, tt, _ct, _callers) in stats.stats.items():
        p = file.replace("\\", "/")
        if "/extractor/" in p:
            parts = p.split("/extractor/", 1)[1].split("/")
            key = "extractor." + (parts[0] if len(parts) > 1 else parts[0].removesuffix(".py"))
        elif "/site-packages/" in p:
            key = p.split("/site-packages/", 1)[1].split("/")[0].removesuffix(".py")
        elif file == "~":
            key = "builtins (C)"
        else:
            key = "stdlib"
        acc[key] = acc.get(key, 0.0) + tt
    return sorted(acc.items(), key=lambda kv: -kv[1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", help="folder of documents (OUT/text of bench/generate.py)")
    ap.add_argument("-n", type=int, default=300, help="documents to profile")
    ap.add_argument("--top", type=int, default=40)
    ap.add_argument("--no-ner", action="store_true")
    ap.add_argument("--save", help="write the raw profile here (for snakeviz, pstats)")
    a = ap.parse_args(argv)

    from extractor.ingest import iter_inputs
    from extractor.pipeline import Options, extract_file, extract_text
    folder = Path(a.folder)
    folder = folder / "text" if (folder / "text").is_dir() else folder
    paths = list(itertools.islice((p for p, e in iter_inputs([str(folder)]) if e is None), a.n))
    options = Options(use_ner=not a.no_ner)
    extract_text("Năm 2023, toàn tỉnh có 1.000 người tham gia BHYT.", use_ner=options.use_ner)

    prof = cProfile.Profile()
    chars = 0
    t0 = time.perf_counter()
    prof.enable()
    for p in paths:
        chars += len(extract_file(p, options=options).text)
    prof.disable()
    wall = time.perf_counter() - t0
    if a.save:
        prof.dump_stats(a.save)

    stats = pstats.Stats(prof)
    total = stats.total_tt
    print(f"{len(paths)} documents, {chars:,} chars in {wall:.2f} s under the profiler "
          f"({chars / wall:,.0f} chars/s, {len(paths) / wall:.1f} docs/s, one core)")
    print("\n== time by stage (cumulative time of each call made from extractor/pipeline.py)")
    for name, s, n in stage_times(stats):
        if s >= 0.002 * total:
            print(f"{100 * s / total:6.1f}%  {s:8.2f} s  {n:7d} calls  {name}")
    print("\n== own time by package")
    for name, s in package_times(stats)[:15]:
        print(f"{100 * s / total:6.1f}%  {s:8.2f} s  {name}")
    for key, title in (("cumulative", "cumulative"), ("tottime", "own time")):
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats(key).print_stats(a.top)
        print(f"\n== top {a.top} functions by {title}")
        lines = buf.getvalue().splitlines()
        start = next((i for i, ln in enumerate(lines) if ln.lstrip().startswith("ncalls")), 0)
        for ln in lines[start:]:
            if ln.strip():
                print(_shorten(ln))
    return 0


def _shorten(line: str) -> str:
    for marker in ("/work/main/.venv/lib/python3.11/site-packages/", "/work/main/",
                   "/usr/lib/python3.11/", "/usr/local/lib/python3.11/"):
        line = line.replace(marker, "")
    return line


if __name__ == "__main__":
    sys.exit(main())
