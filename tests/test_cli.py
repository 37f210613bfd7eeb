"""The command line, run as a user runs it (a subprocess), on the team corpus."""
import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"


def run(*args, cwd=None, timeout=300):
    return subprocess.run([sys.executable, "-m", "extractor", *args], capture_output=True, text=True,
                          cwd=cwd or ROOT, timeout=timeout, env={**os.environ, "PYTHONIOENCODING": "utf-8"})


def test_help_lists_the_commands():
    out = run("--help").stdout
    for cmd in ("extract", "entities", "ingest", "search", "export", "audit", "serve", "eval"):
        assert cmd in out


def test_extract_folder_to_jsonl_and_score_it(tmp_path):
    out = tmp_path / "records.jsonl"
    res = run("extract", "corpus", "-o", str(out), "--quiet")
    assert res.returncode == 0, res.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) > 200
    assert {r["source"].split("/")[0] for r in records} == {"corpus"}
    score = run("eval", "--gold", "corpus/gold-corpus.jsonl", "--pred", str(out))
    strict = score.stdout.splitlines()[0].split()
    assert strict[0] == "strict" and float(strict[strict.index("F1") + 1]) >= 0.9


def test_csv_and_json_formats(tmp_path):
    one = "corpus/hagiang-tin-2020.txt"
    rows = list(csv.DictReader(io.StringIO(run("extract", one, "--format", "csv", "-q").stdout)))
    data = json.loads(run("extract", one, "--format", "json", "-q").stdout)
    assert len(rows) == len(data) > 3
    assert rows[0]["region_name"] == data[0]["region"]["name"]


def test_bad_files_are_reported_and_the_rest_processed(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 20)
    (tmp_path / "good.txt").write_text((CORPUS / "hagiang-tin-2020.txt").read_text(encoding="utf-8"),
                                       encoding="utf-8")
    res = run("extract", str(tmp_path), "-o", str(tmp_path / "o.jsonl"))
    assert res.returncode == 0
    errors = [l for l in res.stderr.splitlines() if l.startswith("error:")]
    assert len(errors) == 2 and any("empty.txt" in l for l in errors) and any("binary.txt" in l for l in errors)
    assert "Traceback" not in res.stderr
    assert (tmp_path / "o.jsonl").read_text(encoding="utf-8").count("\n") > 3


def test_exit_status_is_1_when_nothing_could_be_read(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    res = run("extract", str(tmp_path / "empty.txt"))
    assert res.returncode == 1 and "empty file" in res.stderr
    res = run("extract", str(tmp_path / "missing.txt"))
    assert res.returncode == 1 and "missing.txt" in res.stderr


def test_entities_and_text_commands():
    ents = [json.loads(l) for l in run("entities", "corpus/hagiang-tin-2020.txt", "--no-ner", "-q").stdout.splitlines()]
    assert any(e["type"] == "PROVINCE" and e["normalized"]["name"] == "Hà Giang" for e in ents)
    table = run("entities", "corpus/hagiang-tin-2020.txt", "--format", "table", "--types", "PROVINCE", "-q").stdout
    assert "Hà Giang" in table
    text = run("text", "corpus/hagiang-tin-2020.txt").stdout
    assert text == (CORPUS / "hagiang-tin-2020.txt").read_text(encoding="utf-8")


def test_ingest_search_export_audit(tmp_path):
    db = tmp_path / "i.db"
    assert run("ingest", "corpus", "--db", str(db), "-q").returncode == 0
    found = json.loads(run("search", "nghe an", "--db", str(db), "--format", "json").stdout)
    assert found and any("Nghệ An" in json.dumps(r, ensure_ascii=False) for r in found)
    assert run("export", "--db", str(db), "--format", "csv", "-o", str(tmp_path / "r.csv")).returncode == 0
    assert (tmp_path / "r.csv").stat().st_size > 1000
    audit = run("audit", "--db", str(db), "--format", "csv")
    assert audit.returncode == 0
    assert "3236507" in audit.stdout.replace(".", "") or "3.236.507" in audit.stdout  # the planted conflict
    res = run("search", "x", "--db", str(tmp_path / "none.db"))
    assert res.returncode == 2 and "not found" in res.stderr
