"""Robustness end to end (issue 8): the `extractor` command on a folder of broken files.

One folder, built by tests/badfiles.py, mixes good corpus documents (some under
Vietnamese names with spaces, in nested folders, one NFD-named) with every kind of bad
input: empty files, binary files named .txt, truncated, encrypted and scanned PDFs,
DOCX files that are not zips or are zip bombs, HTML with megabytes of markup, a 50 MB
text file, mixed encodings, TCVN3 and VNI text, symlink loops. `extractor extract` and
`extractor ingest` run on it as subprocesses, and the tests check: exit status 0, no
traceback, exactly one stderr line per bad file naming it and the reason, every good
file's records (the same as reading it alone), a database that passes its integrity
checks, survives being killed mid-ingest, serves readers meanwhile, and gains nothing
from a second ingest. The CLI's --debug, --timeout and --max-size flags are tested
when the command offers them. Runs use --no-ner to stay fast (the statistical NER is
exercised by the slow test at the end and by the fuzz tests).
"""
from __future__ import annotations

import functools
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import badfiles  # noqa: E402
from badfiles import FIGURE_SENTENCE, FIGURE_VALUE, MB  # noqa: E402

BIN = Path(sys.executable).parent
EXE = str(BIN / "extractor")
HANG = 240            # seconds: a run taking longer than this has hung
FAST = ["--no-ner"]
SUMMARY = re.compile(r"^\d+ documents read, \d+ failed, \d+ records$")
INGEST_SUMMARY = re.compile(r": \d+ added, \d+ replaced, \d+ unchanged.* \d+ failed; "
                            r"\d+ records, \d+ entities stored$")


def run(args: list[str], *, timeout: float = HANG, env: dict | None = None,
        cwd: str | None = None) -> subprocess.CompletedProcess:
    """Run a command; a run over `timeout` seconds fails the test as a hang."""
    try:
        return subprocess.run(args, capture_output=True, text=True, timeout=timeout,
                              env=env, cwd=cwd, errors="backslashreplace")
    except subprocess.TimeoutExpired:
        pytest.fail(f"hung: {' '.join(map(str, args))} ran over {timeout:g} s")


def refused(stderr: str, path: str) -> bool:
    return any(ln.startswith("error: ") for ln in lines_naming(stderr, path))


def expected_read(mixed, stderr: str) -> list[str]:
    """Paths a run must have read: the sure ones, and the `either` inputs it did not refuse."""
    return sorted([mixed.path(rel) for rel in mixed.processed]
                  + [mixed.path(e.rel) for e in mixed.either
                     if not refused(stderr, mixed.path(e.rel))])


def lines_naming(stderr: str, path: str) -> list[str]:
    return [ln for ln in stderr.splitlines() if ln.startswith(("error: " + path + ": ",
                                                               "warning: " + path + ": "))]


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(ln) for ln in path.read_text(encoding="utf-8").splitlines() if ln]


def without_source(recs: list[dict]) -> list[str]:
    return sorted(json.dumps({k: v for k, v in r.items() if k != "source"}, sort_keys=True,
                             ensure_ascii=False) for r in recs)


@functools.lru_cache(maxsize=None)
def help_text(command: str) -> str:
    out = run([EXE, command, "--help"], timeout=60, env=dict(os.environ, COLUMNS="200"))
    return out.stdout + out.stderr


def has_flag(command: str, flag: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(flag)}(?![\w-])", help_text(command)) is not None


def need_flag(command: str, flag: str) -> None:
    if not has_flag(command, flag):
        pytest.skip(f"`extractor {command}` has no {flag} option yet")


def ocr_installed() -> bool:
    from extractor.ingest.ocr import ocr_available
    ocr_available.cache_clear()
    return ocr_available()


# ---- one mixed folder, one extract run and two ingest runs, shared by the tests ------

@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    return badfiles.build_mixed_folder(tmp_path_factory.mktemp("robust") / "hồ sơ lẫn lộn",
                                       scanned_ocr=ocr_installed())


@pytest.fixture(scope="module")
def runs(mixed, tmp_path_factory):
    """On the mixed folder, as several users would: `extract` with 2 worker processes runs
    while an `ingest` is killed mid-way (a reader polling and `extractor search` querying
    the database meanwhile); then an `ingest` completes the database ("ingest1") and one
    more must add nothing ("ingest2")."""
    out_dir = tmp_path_factory.mktemp("runs")
    out, db = out_dir / "out.jsonl", out_dir / "chỉ số.db"
    ext = subprocess.Popen([EXE, "extract", str(mixed.root), "-o", str(out), "-j", "2", *FAST],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           errors="backslashreplace", start_new_session=True)
    try:
        killed = kill_ingest_midway(mixed.root, db)
        ing1 = run([EXE, "ingest", str(mixed.root), "--db", str(db), "-j", "1", *FAST])
        ext_out, ext_err = ext.communicate(timeout=HANG)
    except subprocess.TimeoutExpired:
        pytest.fail(f"`extractor extract` hung on {mixed.root}")
    finally:
        if ext.poll() is None:
            os.killpg(ext.pid, signal.SIGKILL)
            ext.communicate()
    ing2 = run([EXE, "ingest", str(mixed.root), "--db", str(db), "-j", "1", *FAST])
    return {"extract": subprocess.CompletedProcess(ext.args, ext.returncode, ext_out, ext_err),
            "ingest1": ing1, "ingest2": ing2, "out": out, "db": db, "killed": killed}


def kill_ingest_midway(root: Path, db: Path) -> dict:
    """Start `extractor ingest`, SIGKILL it once 3 documents are stored; meanwhile read the
    database every 10 ms and run `extractor search` on it. Returns what was seen, with the
    database state just after the kill."""
    proc = subprocess.Popen([EXE, "ingest", str(root), "--db", str(db), "-j", "1", *FAST],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    seen = {"killed": False, "reads": 0, "blocked": None, "search": None}
    search = None
    deadline = time.monotonic() + HANG
    try:
        while proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
            if not db.exists():
                continue
            try:
                conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
                try:
                    done = conn.execute("SELECT count(*) FROM documents WHERE status = 'done'"
                                        ).fetchone()[0]
                    conn.execute("SELECT count(*) FROM records").fetchone()
                finally:
                    conn.close()
                seen["reads"] += 1
            except sqlite3.OperationalError as e:
                if "no such table" in str(e):       # the schema is not there yet
                    continue
                seen["blocked"] = str(e)
                break
            if done >= 1 and search is None:
                search = subprocess.Popen([EXE, "search", "bảo hiểm", "--db", str(db),
                                           "--format", "json"], stdout=subprocess.PIPE,
                                          stderr=subprocess.PIPE, text=True)
            if done >= 3:
                os.killpg(proc.pid, signal.SIGKILL)
                seen["killed"] = True
                break
    finally:
        if proc.poll() is None and not seen["killed"]:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    if search is not None:
        s_out, s_err = search.communicate(timeout=HANG)
        seen["search"] = subprocess.CompletedProcess(search.args, search.returncode, s_out, s_err)
    if db.exists():
        seen["state"] = db_state(db)
        try:
            fts_integrity(db)
            seen["fts"] = "ok"
        except sqlite3.DatabaseError as e:
            seen["fts"] = str(e)
    return seen


@pytest.fixture(scope="module")
def records(runs):
    return read_jsonl(runs["out"])


@pytest.fixture(scope="module")
def by_source(records):
    out: dict[str, list[dict]] = {}
    for r in records:
        out.setdefault(r["source"], []).append(r)
    return out


@pytest.fixture(scope="module")
def alone():
    """Records of each good corpus document read on its own (library, same options)."""
    from extractor.pipeline import Options, extract_file
    names = set(badfiles.SMALL_GOOD) | set(badfiles.LEGACY_SOURCES)
    return {n: extract_file(str(badfiles.CORPUS / n), options=Options(use_ner=False)).records
            for n in names}


@pytest.mark.parametrize("which", ["extract", "ingest1", "ingest2"])
def test_runs_exit_0_without_a_traceback(runs, which):
    res = runs[which]
    assert res.returncode == 0, res.stderr[-3000:]
    assert "Traceback" not in res.stderr and "Traceback" not in res.stdout


@pytest.mark.parametrize("which", ["extract", "ingest1", "ingest2"])
def test_every_bad_file_is_reported_once_with_its_reason(mixed, runs, which):
    stderr = runs[which].stderr
    problems = []
    for bad in mixed.bad:
        if which != "extract" and bad.kind == "empty file":
            continue  # see test_ingest_reports_every_empty_file
        lines = lines_naming(stderr, mixed.path(bad.rel))
        if len(lines) != 1:
            problems.append(f"{bad.kind} {bad.rel}: {len(lines)} lines {lines}")
        elif not lines[0].startswith("error: ") or not re.search(bad.reason, lines[0]):
            problems.append(f"{bad.kind} {bad.rel}: unexpected line {lines[0]!r}")
    assert not problems, "\n".join(problems)


def test_ingest_reports_every_empty_file(mixed, runs):
    for bad in (b for b in mixed.bad if b.kind == "empty file"):
        lines = lines_naming(runs["ingest1"].stderr, mixed.path(bad.rel))
        assert len(lines) == 1 and "empty file" in lines[0], (bad.rel, lines)


def test_stderr_has_nothing_but_lines_about_inputs_and_the_summary(mixed, runs):
    """No stray output: every line names an input, or is the run's summary."""
    known = {mixed.path(e.rel) for e in mixed.bad + mixed.warned + mixed.either}
    for which in ("extract", "ingest1"):
        stray = [ln for ln in runs[which].stderr.splitlines()
                 if not SUMMARY.match(ln) and not INGEST_SUMMARY.search(ln)
                 and not any(ln.startswith((f"error: {p}: ", f"warning: {p}: ")) for p in known)]
        if stray and set(stray) == {"discarding data: None"}:
            pytest.xfail("bug reported: trafilatura's logger prints 'discarding data: None' "
                         "from worker processes")
        assert not stray, f"{which}: {stray}"


def test_default_options_print_no_stray_line_for_html_without_content(tmp_path):
    """With NER on and worker processes, trafilatura's logger once printed 'discarding
    data: None' on stderr for this page."""
    page = tmp_path / "trang trống.html"
    page.write_text("<html><body>" + "<div>" * 300 + "<p>" + FIGURE_SENTENCE + "</p>"
                    + "</div>" * 300 + "</body></html>", encoding="utf-8")
    res = run([EXE, "extract", str(page), "-j", "2", "-o", str(tmp_path / "o.jsonl")])
    stray = [ln for ln in res.stderr.splitlines()
             if not SUMMARY.match(ln) and not ln.startswith(f"error: {page}: ")]
    assert not stray and "Traceback" not in res.stderr, stray


def test_summary_counts_every_input(mixed, runs, records):
    stderr = runs["extract"].stderr
    n_read = len(expected_read(mixed, stderr))
    n_inputs = len(mixed.processed) + len(mixed.bad) + len(mixed.either)
    assert stderr.strip().splitlines()[-1] == (
        f"{n_read} documents read, {n_inputs - n_read} failed, {len(records)} records")


@pytest.mark.parametrize("which", ["extract", "ingest1"])
def test_inputs_that_may_be_read_or_refused_get_at_most_one_clear_line(mixed, runs, by_source,
                                                                       which):
    """Mixed encodings, pathological nesting: read (then the figure is found) or refused
    in one line with a reason; "line" inputs must be named either way."""
    for e in mixed.either:
        lines = lines_naming(runs[which].stderr, mixed.path(e.rel))
        assert len(lines) <= 1 and all(re.search(e.reason, ln) for ln in lines), (e.rel, lines)
        if e.level == "line":
            assert len(lines) == 1, (e.rel, "must be named: it is not plain UTF-8")
        if which == "extract" and e.figure and not refused(runs[which].stderr,
                                                           mixed.path(e.rel)):
            assert FIGURE_VALUE in [r["value"] for r in by_source.get(mixed.path(e.rel), [])]


def test_good_files_give_the_records_they_give_alone(mixed, by_source, alone):
    for rel, name in mixed.good.items():
        got = by_source.get(mixed.path(rel), [])
        assert got, f"no records for good file {rel}"
        assert without_source(got) == without_source(alone[name]), rel


def test_records_name_their_file_as_given(mixed, runs, by_source):
    assert set(by_source) <= set(expected_read(mixed, runs["extract"].stderr))
    assert {mixed.path(rel) for rel in mixed.good} <= set(by_source)


def test_tcvn3_and_vni_files_are_converted_with_a_warning(mixed, runs, by_source, alone):
    for w in mixed.warned:
        if w.kind == "scanned PDF":
            continue
        lines = lines_naming(runs["extract"].stderr, mixed.path(w.rel))
        assert lines and all(ln.startswith("warning: ") for ln in lines), lines
        assert any(re.search(w.reason, ln) for ln in lines), lines
        original = w.rel.split(" - ", 1)[1]
        assert without_source(by_source[mixed.path(w.rel)]) == without_source(alone[original])


def test_megabytes_of_markup_still_yield_the_article(mixed, by_source):
    rel = "web/trang nặng 3MB.html"
    values = [r["value"] for r in by_source.get(mixed.path(rel), [])]
    assert FIGURE_VALUE in values and 92.5 in values


@pytest.mark.parametrize("rel", ["web/lồng sâu.htm", "web/thẻ không đóng.html"])
def test_deeply_nested_html_keeps_its_text(mixed, by_source, rel):
    """HTML nested deeper than 255 elements (unclosed <font> tags) once lost the text
    below that depth."""
    values = [r["value"] for r in by_source.get(mixed.path(rel), [])]
    assert FIGURE_VALUE in values


def test_output_records_keep_the_contract_against_the_stored_text(runs, records):
    """Every record of the extract output keeps the contract; its evidence offsets point
    into the document text the ingest stored for the same file."""
    conn = sqlite3.connect(runs["db"])
    texts = dict(conn.execute("SELECT source, text FROM documents WHERE status = 'done'"))
    conn.close()
    problems = []
    for r in records:
        assert r["source"] in texts, r["source"]
        problems += [f"{r['source']}: {p}" for p in
                     badfiles.record_problems(r, texts[r["source"]], r["source"])]
    assert not problems, "\n".join(problems[:20])


# ---- the database ------------------------------------------------------------------

def db_state(db: Path) -> dict:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        q = lambda sql: conn.execute(sql).fetchall()  # noqa: E731
        return {
            "integrity": q("PRAGMA integrity_check"),
            "foreign_keys": q("PRAGMA foreign_key_check"),
            "done": sorted(r[0] for r in q("SELECT source FROM documents WHERE status = 'done'")),
            "errors": sorted(r[0] for r in q("SELECT source FROM documents WHERE status = 'error'")),
            "records": sorted(r[0] for r in q("SELECT record FROM records")),
            "n_records_ok": q("SELECT count(*) FROM documents d WHERE n_records != "
                              "(SELECT count(*) FROM records r WHERE r.doc_id = d.id)")[0][0] == 0,
            "records_fts": q("SELECT count(*) FROM records_fts")[0][0],
            "documents_fts": q("SELECT count(*) FROM documents_fts")[0][0],
        }
    finally:
        conn.close()


def fts_integrity(db: Path) -> None:
    conn = sqlite3.connect(db)
    try:
        for table in ("records_fts", "documents_fts"):
            conn.execute(f"INSERT INTO {table}({table}) VALUES ('integrity-check')")
    finally:
        conn.close()


def test_database_is_intact_and_holds_what_extract_found(mixed, runs, records):
    state = db_state(runs["db"])
    assert state["integrity"] == [("ok",)] and state["foreign_keys"] == []
    fts_integrity(runs["db"])
    assert state["done"] == expected_read(mixed, runs["ingest1"].stderr)
    assert state["n_records_ok"] and state["records_fts"] == len(state["records"])
    assert state["documents_fts"] >= len(state["done"])
    stored = Counter(json.dumps(json.loads(r), sort_keys=True) for r in state["records"])
    assert stored == Counter(json.dumps(r, sort_keys=True) for r in records)


def test_second_ingest_adds_nothing(mixed, runs):
    summary = runs["ingest2"].stderr.strip().splitlines()[-1]
    n = len(expected_read(mixed, runs["ingest1"].stderr))
    assert re.search(rf": 0 added, 0 replaced, {n} unchanged", summary), summary
    assert re.search(r"; 0 records, 0 entities stored$", summary), summary


def test_ingest_killed_midway_is_consistent_then_completed(mixed, runs):
    """The ingest SIGKILLed after 3 documents left a consistent database (every stored
    document whole, indexes in step); the next run added exactly the rest."""
    k = runs["killed"]
    assert k["killed"], "the ingest ended before it could be killed"
    state = k.get("state")
    assert state is not None, "no database after the kill"
    assert state["integrity"] == [("ok",)] and state["foreign_keys"] == [] and k["fts"] == "ok"
    assert state["n_records_ok"] and state["records_fts"] == len(state["records"])
    n_read = len(expected_read(mixed, runs["ingest1"].stderr))
    assert 3 <= len(state["done"]) < n_read
    summary = runs["ingest1"].stderr.strip().splitlines()[-1]
    assert re.search(rf": {n_read - len(state['done'])} added, 0 replaced, "
                     rf"{len(state['done'])} unchanged", summary), summary


def test_readers_query_while_an_ingest_runs(runs):
    k = runs["killed"]
    assert k["blocked"] is None, f"a reader was blocked by the ingest: {k['blocked']}"
    assert k["reads"] > 0
    search = k["search"]
    assert search is not None and search.returncode == 0, search and search.stderr
    assert "Traceback" not in search.stderr and isinstance(json.loads(search.stdout), list)


# ---- limits and --debug --------------------------------------------------------------

def small_folder(root: Path, *extra: tuple[str, bytes | str]) -> Path:
    """A folder with one good corpus document and the given extra files."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "tốt.txt").write_bytes((badfiles.CORPUS / "hagiang-tin-2020.txt").read_bytes())
    for name, data in extra:
        (root / name).write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return root


def long_text(n_bytes: int) -> str:
    """Real Vietnamese report text repeated to about `n_bytes` (UTF-8)."""
    unit = "\n\n".join((badfiles.CORPUS / n).read_text(encoding="utf-8")
                       for n in ("nghean-tin-2023.txt", "quangnam-kh-2021.txt")) + "\n\n"
    return unit * (n_bytes // len(unit.encode("utf-8")) + 1)


def good_was_read(res, root: Path, out: Path | None = None) -> None:
    assert res.returncode == 0, res.stderr[-2000:]
    assert "Traceback" not in res.stderr
    assert not lines_naming(res.stderr, str(root / "tốt.txt"))
    if out is not None:
        assert any(r["source"] == str(root / "tốt.txt") for r in read_jsonl(out))


@pytest.mark.parametrize("command,jobs", [("extract", "2"), ("ingest", "1")])
def test_max_size_and_timeout_flags_bound_each_file(tmp_path, command, jobs):
    """--max-size 10: a 12 MB text file (sparse) is refused before it is read. --timeout 5:
    8 MB of real report text, under the size limit but far too long to extract in 5 s, is
    cut off. One line each; the good file is read; the run does not wait for either."""
    need_flag(command, "--max-size")
    need_flag(command, "--timeout")
    root = small_folder(tmp_path / "dữ liệu", ("rất dài.txt", long_text(8 * MB)))
    with open(root / "to quá.txt", "wb") as f:
        f.write(FIGURE_SENTENCE.encode("utf-8"))
        f.truncate(12 * MB)
    out = tmp_path / "o.jsonl"
    where = ["-o", str(out)] if command == "extract" else ["--db", str(tmp_path / "t.db")]
    res = run([EXE, command, str(root), *where, "--max-size", "10", "--timeout", "5",
               "-j", jobs, *FAST], timeout=120)
    good_was_read(res, root, out if command == "extract" else None)
    big = lines_naming(res.stderr, str(root / "to quá.txt"))
    assert len(big) == 1 and re.match(r"error: .*: file too large \(12\.0 MB > 10 MB limit\)$",
                                      big[0]), big
    slow = lines_naming(res.stderr, str(root / "rất dài.txt"))
    assert len(slow) == 1 and re.search(r"took longer than 5 s \(time limit\)$", slow[0]), slow


def test_a_short_timeout_does_not_count_loading_the_rules(tmp_path):
    need_flag("extract", "--timeout")
    root = small_folder(tmp_path / "dữ liệu")
    out = tmp_path / "o.jsonl"
    res = run([EXE, "extract", str(root), "-o", str(out), "--timeout", "0.5", "-j", "1", *FAST])
    good_was_read(res, root, out)


# Runs the CLI with the records stage broken for one file, as a bug would break it.
BROKEN_STAGE = """
import sys
import extractor.records as stage
real = stage.build_records
def build_records(**kw):
    if "hỏng" in kw["doc"].source:
        raise ZeroDivisionError("injected")
    return real(**kw)
stage.build_records = build_records
sys.argv[0] = "extractor"
from extractor.cli import main
main()
"""


@pytest.mark.parametrize("command,debug", [("extract", False), ("extract", True),
                                           ("ingest", True)])
def test_an_internal_error_is_one_line_and_a_traceback_only_with_debug(tmp_path, command, debug):
    if debug:
        need_flag(command, "--debug")
    root = small_folder(tmp_path / "dữ liệu", ("hỏng.txt", FIGURE_SENTENCE))
    out = tmp_path / "o.jsonl"
    where = ["-o", str(out)] if command == "extract" else ["--db", str(tmp_path / "d.db")]
    res = run([sys.executable, "-c", BROKEN_STAGE, command, str(root), *where, "-j", "1", *FAST,
               *(["--debug"] if debug else [])])
    assert res.returncode == 0, res.stderr[-2000:]
    bad = str(root / "hỏng.txt")
    lines = lines_naming(res.stderr, bad)
    assert len(lines) == 1 and lines[0] == (f"error: {bad}: internal error while extracting: "
                                            "ZeroDivisionError: injected"), lines
    assert not lines_naming(res.stderr, str(root / "tốt.txt"))
    if debug:
        tb = res.stderr[res.stderr.index("Traceback (most recent call last)"):]
        assert "in build_records\nZeroDivisionError: injected\n" in tb
    else:
        assert "Traceback" not in res.stderr and len(res.stderr.strip().splitlines()) == 2


# ---- OCR -------------------------------------------------------------------------------

STAND_IN_TESSERACT = """#!/bin/sh
if [ "$1" = "--list-langs" ]; then printf "List of languages:\\neng\\nvie\\n"; exit 0; fi
[ -s "$1" ] && [ "$2" = "stdout" ] && [ "$3" = "-l" ] && [ "$4" = "vie" ] || exit 2
echo "{text}"
"""


def test_scanned_pdf_is_read_by_ocr_when_tesseract_is_there(tmp_path):
    """With a `tesseract` on PATH that knows `vie` (a stand-in script here), a scanned PDF
    is read by OCR, named in one warning line, and its figures extracted."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    fake = bindir / "tesseract"
    fake.write_text(STAND_IN_TESSERACT.format(text=FIGURE_SENTENCE), encoding="utf-8")
    fake.chmod(0o755)
    root = small_folder(tmp_path / "dữ liệu", ("bản scan.pdf", badfiles._scanned_pdf()))
    out = tmp_path / "o.jsonl"
    env = dict(os.environ, PATH=f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}")
    res = run([EXE, "extract", str(root), "-o", str(out), "-j", "1", *FAST], env=env)
    good_was_read(res, root, out)
    scan = str(root / "bản scan.pdf")
    lines = lines_naming(res.stderr, scan)
    assert lines == [f"warning: {scan}: text of page(s) 1 read by OCR (tesseract, vie)"]
    assert FIGURE_VALUE in [r["value"] for r in read_jsonl(out) if r["source"] == scan]


@pytest.mark.skipif(not ocr_installed(), reason="covered by the mixed-folder run, where "
                    "tesseract is absent too")
def test_scanned_pdf_without_tesseract_says_how_to_enable_ocr(tmp_path):
    root = small_folder(tmp_path / "dữ liệu", ("bản scan.pdf", badfiles._scanned_pdf()))
    env = dict(os.environ, PATH=str(BIN))      # no tesseract on this PATH
    res = run([EXE, "extract", str(root), "-o", str(tmp_path / "o.jsonl"), "-j", "1", *FAST],
              env=env)
    good_was_read(res, root)
    scan = str(root / "bản scan.pdf")
    assert lines_naming(res.stderr, scan) == [
        f"error: {scan}: scanned PDF without a text layer: install tesseract-ocr and "
        "tesseract-ocr-vie to OCR it"]


@pytest.mark.skipif(not ocr_installed(), reason="Tesseract with its Vietnamese model is not "
                    "installed (apt-get install tesseract-ocr tesseract-ocr-vie)")
def test_scanned_pdf_with_the_real_tesseract(tmp_path):
    from PIL import Image, ImageDraw, ImageFont
    from reportlab.pdfgen import canvas
    import matplotlib
    font = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    im = Image.new("RGB", (2400, 200), "white")
    ImageDraw.Draw(im).text((20, 60), FIGURE_SENTENCE[:80], fill="black",
                            font=ImageFont.truetype(str(font), 44))
    png = tmp_path / "page.png"
    im.save(png)
    pdf = tmp_path / "dữ liệu" / "bản scan.pdf"
    small_folder(pdf.parent)
    c = canvas.Canvas(str(pdf))
    c.drawImage(str(png), 20, 600, 560, 47)
    c.save()
    res = run([EXE, "extract", str(pdf.parent), "-o", str(tmp_path / "o.jsonl"), "-j", "1", *FAST])
    good_was_read(res, pdf.parent)
    assert any("read by OCR" in ln for ln in lines_naming(res.stderr, str(pdf)))


# ---- inputs that crashed the tool (some still do: reported) ---------------------

def test_a_file_name_that_is_not_utf8_does_not_stop_the_run(tmp_path):
    """Latin-1 bytes in a file name once crashed extract (writing the output) and ingest
    (SQLite): the file is read and named with its odd bytes written as \\xNN."""
    root = small_folder(tmp_path / "dữ liệu")
    odd = os.fsencode(str(root)) + b"/b\xe1o-c\xe1o-2020.txt"
    with open(odd, "wb") as f:
        f.write((badfiles.CORPUS / "nghean-tin-2023.txt").read_bytes())
    out = tmp_path / "o.jsonl"
    for where in (["-o", str(out)], ["--db", str(tmp_path / "u.db")]):
        res = run([EXE, "extract" if where[0] == "-o" else "ingest", str(root), *where,
                   "-j", "1", *FAST])
        good_was_read(res, root, out if where[0] == "-o" else None)
        assert not [ln for ln in res.stderr.splitlines() if "-2020.txt" in ln], res.stderr
    printed = str(root) + "/b\\xe1o-c\\xe1o-2020.txt"
    assert any(r["source"] == printed for r in read_jsonl(out))
    assert printed in db_state(tmp_path / "u.db")["done"]


def test_ingest_survives_a_figure_too_large_for_a_double(tmp_path):
    """A 400-digit figure once made `extractor ingest` die with OverflowError."""
    root = small_folder(tmp_path / "dữ liệu", (
        "số khổng lồ.txt", "Năm 2023, toàn tỉnh Nghệ An có " + "9" * 400 + " người tham gia bảo "
        "hiểm y tế, đạt 95% kế hoạch.\n"))
    db = tmp_path / "h.db"
    res = run([EXE, "ingest", str(root), "--db", str(db), "-j", "1", *FAST])
    good_was_read(res, root)
    assert db_state(db)["integrity"] == [("ok",)]
    assert str(root / "tốt.txt") in db_state(db)["done"]


# ---- slow: the whole corpus, default options (NER on, all cores) ---------------------------

@pytest.mark.slow
def test_whole_corpus_among_bad_files_with_default_options(tmp_path):
    lay = badfiles.build_mixed_folder(tmp_path / "tất cả", good=badfiles.corpus_documents(),
                                      scanned_ocr=ocr_installed())
    alone_out, out, db = tmp_path / "alone.jsonl", tmp_path / "out.jsonl", tmp_path / "all.db"
    alone = run([EXE, "extract", *[str(badfiles.CORPUS / n) for n in sorted(set(lay.good.values()))],
                 "-o", str(alone_out), "-q"])
    assert alone.returncode == 0, alone.stderr
    res = run([EXE, "extract", str(lay.root), "-o", str(out)])
    assert res.returncode == 0 and "Traceback" not in res.stderr, res.stderr[-3000:]
    for bad in lay.bad:
        lines = lines_naming(res.stderr, lay.path(bad.rel))
        assert len(lines) == 1 and re.search(bad.reason, lines[0]), (bad.rel, lines)
    expected: dict[str, list[dict]] = {}
    for r in read_jsonl(alone_out):
        expected.setdefault(Path(r["source"]).name, []).append(r)
    got: dict[str, list[dict]] = {}
    for r in read_jsonl(out):
        got.setdefault(r["source"], []).append(r)
    for rel, name in lay.good.items():
        assert without_source(got.get(lay.path(rel), [])) == without_source(expected.get(name, [])), rel

    first = run([EXE, "ingest", str(lay.root), "--db", str(db)])
    second = run([EXE, "ingest", str(lay.root), "--db", str(db)])
    for r in (first, second):
        assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr[-3000:]
    state = db_state(db)
    assert state["integrity"] == [("ok",)] and state["n_records_ok"]
    fts_integrity(db)
    assert state["done"] == expected_read(lay, first.stderr)
    assert len(state["records"]) == len(read_jsonl(out))
    assert re.search(rf": 0 added, 0 replaced, {len(state['done'])} unchanged",
                     second.stderr.strip().splitlines()[-1])


@pytest.mark.slow
def test_default_time_limit_stops_a_huge_text_file(tmp_path):
    """No flags: 8 MB of report text (under the 16 MB text limit) must not hang the run;
    the default per-file time limit (120 s) cuts it off."""
    root = small_folder(tmp_path / "dữ liệu", ("rất dài.txt", long_text(8 * MB)))
    out = tmp_path / "o.jsonl"
    res = run([EXE, "extract", str(root), "-o", str(out), "-j", "2", *FAST], timeout=HANG)
    good_was_read(res, root, out)
    lines = lines_naming(res.stderr, str(root / "rất dài.txt"))
    assert len(lines) == 1 and "(time limit)" in lines[0], lines
