"""Ctrl-C in the middle of a batch: a clean stop, nothing half written, nothing lost.

`extract` and `ingest` are run as a user runs them, in their own process group, and
interrupted as a terminal does it (SIGINT to the whole group, workers included) once
some output exists. Then: exit status 130, one line saying how far the run got, no
traceback from any process, no process left behind; `extract`'s output holds whole
records of the first files in input order (and stays valid JSON with `-f json`);
`ingest`'s database keeps what it stored and the same command again completes it.
The same with a local Dask cluster. Also the pieces: `put_off_interrupts`, the stop event of the workers, and a pool that
the caller abandons.
"""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

pytestmark = pytest.mark.skipif(not hasattr(os, "killpg"), reason="needs POSIX process groups")

# corpus texts with figures, copied many times (each copy made unique by a last line)
_SOURCES = ["caobang-tin-2019.txt", "canuoc-tongket-2023.txt", "bacninh-kh-2026.txt"]


def _folder(root: Path, n: int) -> list[Path]:
    texts = [(CORPUS / name).read_text(encoding="utf-8") for name in _SOURCES]
    root.mkdir()
    paths = []
    for i in range(n):
        path = root / f"{i:05d}.txt"
        letters = "".join(chr(ord("a") + int(d)) for d in f"{i:05d}")
        path.write_text(texts[i % len(texts)] + f"\nBản sao {letters}.\n", encoding="utf-8")
        paths.append(path)
    return paths


def _start(*args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-m", "extractor", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, start_new_session=True)


def _interrupt_when(proc: subprocess.Popen, ready, timeout: float = 120.0) -> tuple[int, str]:
    """SIGINT to the process group as soon as `ready()`; (exit status, stderr)."""
    deadline = time.monotonic() + timeout
    while not ready():
        assert proc.poll() is None, "the run ended before it could be interrupted"
        assert time.monotonic() < deadline, "no output in time"
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    _assert_group_gone(proc.pid)
    return proc.returncode, err


def _assert_group_gone(pgid: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        assert time.monotonic() < deadline, "a worker process outlived the interrupted run"
        time.sleep(0.05)


def _lines(path: Path) -> int:
    try:
        with open(path, encoding="utf-8") as f:
            return sum(1 for _ in f)
    except FileNotFoundError:
        return 0


@pytest.mark.parametrize("fmt,engine", [("jsonl", "processes"), ("json", "processes"),
                                        ("jsonl", "dask")])
def test_interrupted_extract_keeps_whole_records_of_the_first_files(tmp_path, fmt, engine):
    paths = _folder(tmp_path / "docs", 3000)
    out = tmp_path / f"out.{fmt}"
    proc = _start("extract", str(tmp_path / "docs"), "-o", str(out), "-f", fmt, "-j", "2",
                  "--engine", engine)
    status, err = _interrupt_when(proc, lambda: _lines(out) > 3)

    assert status == 130
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    text = out.read_text(encoding="utf-8")
    records = json.loads(text) if fmt == "json" else [json.loads(line) for line in text.splitlines()]
    assert records
    # the records of the first k files, in input order, each file's records all there
    sources = list(dict.fromkeys(r["source"] for r in records))
    assert sources == [str(p) for p in paths[:len(sources)]]
    assert len(sources) < len(paths)
    per_copy = {}
    for r in records:
        per_copy[r["source"]] = per_copy.get(r["source"], 0) + 1
    for i, src in enumerate(sources):
        assert per_copy[src] == per_copy[sources[i % len(_SOURCES)]]
    done = [line for line in err.splitlines() if line.startswith("interrupted after ")]
    assert done == [f"interrupted after {len(sources)} of {len(paths)} files: {out} holds their "
                    "records, whole and in input order"]


def test_interrupted_ingest_keeps_what_it_stored_and_the_next_run_completes_it(tmp_path):
    paths = _folder(tmp_path / "docs", 400)
    db = tmp_path / "x.db"

    def stored() -> int:
        if not db.exists():
            return 0
        try:
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.1) as conn:
                return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        except sqlite3.Error:
            return 0

    proc = _start("ingest", str(tmp_path / "docs"), "--db", str(db), "-j", "2")
    status, err = _interrupt_when(proc, lambda: stored() > 0)
    assert status == 130
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert f"of {len(paths)} files: {db} keeps every document stored so far" in err

    conn = sqlite3.connect(db)
    kept = conn.execute("SELECT status, count(*) FROM documents GROUP BY status").fetchall()
    assert len(kept) == 1 and kept[0][0] == "done" and 0 < kept[0][1] < len(paths)
    conn.close()

    again = subprocess.run([sys.executable, "-m", "extractor", "ingest", str(tmp_path / "docs"),
                            "--db", str(db), "-j", "2"], capture_output=True, text=True,
                           env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=300)
    assert again.returncode == 0, again.stderr
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM documents WHERE status = 'done'").fetchone()[0] == len(paths)
    # every copy of a text gave the same records as the first copy
    counts = dict(conn.execute("SELECT source, n_records FROM documents").fetchall())
    conn.close()
    for i, p in enumerate(paths):
        assert counts[str(p)] == counts[str(paths[i % len(_SOURCES)])] > 0


def test_put_off_interrupts_delays_ctrl_c_to_the_end_of_the_block():
    """Even with other threads running (as a process pool's are), any of which the
    system may hand the signal to."""
    import threading

    from extractor.interrupts import put_off_interrupts
    done = threading.Event()
    others = [threading.Thread(target=done.wait, daemon=True) for _ in range(3)]
    for t in others:
        t.start()
    steps = []
    try:
        with pytest.raises(KeyboardInterrupt):
            with put_off_interrupts():
                for _ in range(20):
                    os.kill(os.getpid(), signal.SIGINT)
                time.sleep(0.05)            # a signal not held would be raised by now
                steps.append("after the signals")
            steps.append("after the block")  # pragma: no cover - never reached
    finally:
        done.set()
    assert steps == ["after the signals"]
    # and it no longer holds anything back afterwards
    with pytest.raises(KeyboardInterrupt):
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(1)


def test_dropped_interrupts_are_ignored_here_and_in_processes_started_inside():
    from extractor.interrupts import put_off_interrupts
    probe = "import signal; print(signal.getsignal(signal.SIGINT) is signal.SIG_IGN)"
    with put_off_interrupts(drop=True):
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)
        child = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    time.sleep(0.05)                    # nothing raised, then or on leaving
    assert child.stdout.strip() == "True"
    after = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert after.stdout.strip() == "False"
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_worker_leaves_its_task_when_the_pool_is_stopped(monkeypatch):
    import threading

    from extractor import pipeline
    stop = threading.Event()
    monkeypatch.setattr(pipeline, "_stop", stop)
    files = [str(CORPUS / name) for name in _SOURCES]
    opts = pipeline.Options(use_ner=False)
    assert [p for p, _ in pipeline._work_batch((tuple(files), opts))] == files
    stop.set()
    assert pipeline._work_batch((tuple(files), opts)) == []


def test_an_abandoned_run_shuts_its_workers_down(tmp_path):
    """A caller that stops reading (a `break`, an error, Ctrl-C) closes the generator:
    the pool is shut down then and there, with no worker left running."""
    import multiprocessing

    from extractor.pipeline import iter_extract
    paths = [str(p) for p in _folder(tmp_path / "docs", 400)]
    before = set(multiprocessing.active_children())
    run = iter_extract(paths, jobs=2)
    got = [next(run) for _ in range(5)]
    assert [p for p, _ in got] == paths[:5]
    assert set(multiprocessing.active_children()) - before      # the workers
    run.close()
    assert not set(multiprocessing.active_children()) - before
