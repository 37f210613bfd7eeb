"""The team corpus (corpus/): gold files, generated documents and their build script.

Checks that the gold parses and uses only the contract's vocabularies, that every
gold document exists and every figure/place/official in the gold is really in its
document's text, that the PDF/DOCX/HTML files have the structure the pipeline is
meant to meet (ruled PDF tables, Word tables, page chrome), that rebuilding gives
the same text, and that the corpus still covers what it was written to cover.
Text is extracted here with pdfplumber / python-docx / lxml directly, so these
tests do not depend on the pipeline's own readers.
"""
from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from extractor.model import LEVELS, METRICS, QUALIFIERS, SCHEMES

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
GOLD = CORPUS / "gold-corpus.jsonl"
GOLD_ENTITIES = CORPUS / "gold-entities.jsonl"
SCORER = ROOT.parent / "shared" / "eval" / "score.py"
DOC_EXTS = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")
GOLD_KEYS = {"doc", "region", "level", "scheme", "metric", "value", "period_end", "qualifier",
             "compared_to_end", "optional"}
OFFICIAL_KEYS = {"doc", "name", "title", "organization", "honorific"}
PLACE_KEYS = {"doc", "type", "name", "level", "province"}
ISO_PARTIAL = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
# The one spelled-out figure of the corpus (hagiang-tin-2020); digits everywhere else.
SPELLED = {"hai mươi lăm nghìn": 25000}


# --------------------------------------------------------------------------- helpers

def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def fold(s: str) -> str:
    s = unicodedata.normalize("NFD", s).replace("đ", "d").replace("Đ", "D")
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    return " ".join("".join(c if c.isalnum() else " " for c in s).split())


def extract_text(path: Path) -> str:
    """Plain text of a corpus file, format by extension."""
    if path.suffix == ".pdf":
        import pdfplumber
        with pdfplumber.open(path) as pdf:
            return "\n".join(page.extract_text() or "" for page in pdf.pages)
    if path.suffix == ".docx":
        import docx
        d = docx.Document(str(path))
        parts = [p.text for p in d.paragraphs]
        for t in d.tables:
            parts += ["\t".join(c.text for c in row.cells) for row in t.rows]
        return "\n".join(parts)
    if path.suffix in (".html", ".htm"):
        import lxml.html
        return " ".join(lxml.html.fromstring(path.read_bytes()).itertext())
    return path.read_text(encoding="utf-8")


def article_text(path: Path) -> str:
    """Like extract_text, but for HTML only the <article> (page chrome left out)."""
    if path.suffix in (".html", ".htm"):
        import lxml.html
        tree = lxml.html.fromstring(path.read_bytes())
        return "\n".join(" ".join(a.itertext()) for a in tree.iter("article"))
    return extract_text(path)


_NUM = re.compile(r"\d+(?:[.,]\d+)*(?:\s*(triệu|nghìn|ngàn))?")


def numbers_in(text: str) -> set[float]:
    """Every value a written number could mean, under both separator conventions."""
    out: set[float] = set()
    for m in _NUM.finditer(text):
        raw = m.group(0)
        scale = {"triệu": 1e6, "nghìn": 1e3, "ngàn": 1e3}.get(m.group(1) or "", 1)
        digits = re.match(r"[\d.,]+", raw).group(0)
        cands = {float(re.sub(r"[.,]", "", digits))}
        seps = [i for i, c in enumerate(digits) if c in ".,"]
        if seps:
            i = seps[-1]
            cands.add(float(re.sub(r"[.,]", "", digits[:i]) + "." + digits[i + 1:]))
        out |= {round(c * scale, 6) for c in cands}
    low = text.lower()
    out |= {float(v) for phrase, v in SPELLED.items() if phrase in low}
    return out


def corpus_docs() -> dict[str, Path]:
    return {p.stem: p for p in sorted(CORPUS.iterdir())
            if p.is_file() and p.suffix in DOC_EXTS and p.name != "README.md"}


def load_build_script():
    spec = importlib.util.spec_from_file_location("build_corpus", ROOT / "scripts" / "build_corpus.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def gold() -> list[dict]:
    return read_jsonl(GOLD)


@pytest.fixture(scope="module")
def entities() -> list[dict]:
    return read_jsonl(GOLD_ENTITIES)


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    return {stem: extract_text(p) for stem, p in corpus_docs().items()}


# --------------------------------------------------------------------------- gold records

def test_gold_records_use_the_contract_vocabularies(gold):
    assert gold, "gold-corpus.jsonl is empty"
    for n, g in enumerate(gold, 1):
        where = f"gold line {n}: {g}"
        assert set(g) == GOLD_KEYS, where
        assert g["scheme"] in SCHEMES, where
        assert g["metric"] in METRICS, where
        assert g["level"] in LEVELS, where
        assert g["qualifier"] in QUALIFIERS or g["qualifier"] is None, where
        assert isinstance(g["optional"], bool), where
        assert isinstance(g["region"], str) and g["region"].strip() == g["region"] != "", where
        v = g["value"]
        if isinstance(v, list):
            assert len(v) == 2 and all(isinstance(x, (int, float)) for x in v) and v[0] < v[1], where
        else:
            assert isinstance(v, (int, float)) and not isinstance(v, bool), where
        for key in ("period_end", "compared_to_end"):
            assert g[key] is None or ISO_PARTIAL.match(g[key]), where
        # A change is always measured against something; nothing else has a comparison.
        if g["metric"] == "participants_change":
            assert g["compared_to_end"] is not None and g["compared_to_end"] < (g["period_end"] or "9"), where
        else:
            assert g["compared_to_end"] is None, where
        assert (g["level"] == "national") == (g["region"] == "Việt Nam"), where
        if g["metric"] in ("participants", "target_participants", "non_participants",
                           "participants_to_target", "cards_issued"):
            assert isinstance(v, int) and v > 0, where
        if g["metric"] in ("coverage_rate", "target_coverage_rate") and not isinstance(v, list):
            assert 0 < v <= 100, where


def test_gold_has_no_duplicate_lines(gold):
    keys = Counter(json.dumps(g, sort_keys=True, ensure_ascii=False) for g in gold)
    assert [k for k, n in keys.items() if n > 1] == []


def test_every_gold_doc_exists_once_and_every_doc_has_gold(gold, entities):
    docs = corpus_docs()
    stems = [p.stem for p in CORPUS.iterdir() if p.is_file() and p.suffix in DOC_EXTS]
    dupes = [s for s, n in Counter(stems).items() if n > 1]
    assert dupes == [], f"stems must be unique across formats: {dupes}"
    gold_docs = {g["doc"] for g in gold}
    assert gold_docs - set(docs) == set(), "gold names documents that are not in corpus/"
    assert set(docs) - gold_docs == set(), "documents without gold"
    assert {e["doc"] for e in entities} <= set(docs)


def test_gold_values_are_written_in_their_documents(gold, texts):
    """Every gold figure (both ends of a range) is a number the document writes."""
    missing = []
    for g in gold:
        found = numbers_in(texts[g["doc"]])
        values = g["value"] if isinstance(g["value"], list) else [g["value"]]
        for v in values:
            if round(abs(float(v)), 6) not in found:
                missing.append((g["doc"], g["region"], g["metric"], v))
    assert missing == []


def test_gold_regions_and_years_are_in_their_documents(gold, texts):
    problems = []
    for g in gold:
        body = fold(texts[g["doc"]])
        if g["level"] == "national":
            ok = "ca nuoc" in body or "toan quoc" in body
        else:
            ok = f" {fold(g['region'])} " in f" {body} "
        if not ok:
            problems.append((g["doc"], "region", g["region"]))
        if g["period_end"] and g["period_end"][:4] not in texts[g["doc"]]:
            problems.append((g["doc"], "year", g["period_end"]))
    assert problems == []


def test_planted_errors_are_in_the_gold(gold):
    """The audit demo's planted conflict and arithmetic error (see corpus/README.md)."""
    # Conflict: same province/scheme/metric/as-of date, two documents, two values.
    by_key = defaultdict(set)
    for g in gold:
        if not g["optional"] and g["metric"] == "participants":
            by_key[(g["region"], g["scheme"], g["period_end"])].add((g["doc"], g["value"]))
    conflicts = {k: v for k, v in by_key.items()
                 if len({d for d, _ in v}) > 1 and len({x for _, x in v}) > 1}
    assert ("Nghệ An", "BHYT", "2023-09-30") in conflicts
    # Arithmetic: the stated change is not the difference of the stated totals.
    kg = [g for g in gold if g["doc"] == "kiengiang-bc-2022" and g["region"] == "Kiên Giang"
          and g["scheme"] == "BHYT"]
    total = {g["period_end"]: g["value"] for g in kg if g["metric"] == "participants"}
    change = next(g["value"] for g in kg if g["metric"] == "participants_change")
    assert total["2022-12-31"] - total["2021-12-31"] != change
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    for doc in ("nghean-tin-2023", "nghean-ttxvn-2023", "kiengiang-bc-2022"):
        assert doc in readme


def test_corpus_covers_what_it_was_written_for(gold):
    docs = corpus_docs()
    fmts = Counter(p.suffix for p in docs.values())
    assert len(docs) >= 16
    assert fmts[".pdf"] >= 3 and fmts[".docx"] >= 3 and fmts[".html"] >= 3
    required = [g for g in gold if not g["optional"]]
    assert 120 <= len(required) <= 600
    assert {g["scheme"] for g in required} == set(SCHEMES)
    assert {g["metric"] for g in required} == set(METRICS)
    assert {g["qualifier"] for g in required} - {None} == set(QUALIFIERS)
    assert {g["level"] for g in required} == set(LEVELS)
    provinces = {g["region"] for g in required if g["level"] == "province"}
    assert len(provinces) >= 10
    years = {int(g["period_end"][:4]) for g in required if g["period_end"]}
    assert set(range(2016, 2025)) <= years
    assert any(isinstance(g["value"], list) for g in gold)
    assert any(g["value"] < 0 for g in gold if g["metric"] == "participants_change")


def test_readme_describes_every_document():
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    for name in (p.name for p in corpus_docs().values()):
        assert f"`{name}`" in readme, name


def test_scorer_reads_the_gold_and_gives_full_marks_to_it(gold, tmp_path):
    """The shared scorer accepts this gold: predictions made from it score F1 = 1."""
    if not SCORER.exists():
        pytest.skip("shared/eval/score.py not found beside the repository")
    pred = tmp_path / "pred.jsonl"
    with open(pred, "w", encoding="utf-8") as f:
        for n, g in enumerate(gold):
            rec = {"source": f"corpus/{g['doc']}.txt",
                   "region": {"name": g["region"], "level": g["level"]},
                   "scheme": g["scheme"], "metric": g["metric"], "value": g["value"],
                   "period": {"start": None, "end": g["period_end"]},
                   "evidence": {"text": "", "start": n, "end": n}}
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    out = subprocess.run([sys.executable, str(SCORER), "--gold", str(GOLD), "--pred", str(pred),
                          "--json"], capture_output=True, text=True, check=True).stdout
    totals = json.loads(out.strip().splitlines()[-1])
    assert totals["strict"]["f1"] == 1.0 and totals["strict"]["fn"] == 0
    assert totals["contract_problems"] == 0


# --------------------------------------------------------------------------- entity gold

def test_entity_gold_parses_and_names_are_in_the_text(entities, texts):
    assert entities
    officials = [e for e in entities if e.get("type") != "place"]
    places = [e for e in entities if e.get("type") == "place"]
    assert officials and places
    problems = []
    for e in officials:
        assert set(e) == OFFICIAL_KEYS, e
        assert e["title"] and e["organization"], e
        assert e["honorific"] in (None, "ông", "bà", "đồng chí"), e
        if e["name"] and fold(e["name"]) not in fold(texts[e["doc"]]):
            problems.append(("official", e["doc"], e["name"]))
        if fold(e["title"]) not in fold(texts[e["doc"]]):
            problems.append(("title", e["doc"], e["title"]))
    docs = corpus_docs()
    bodies = {doc: fold(article_text(docs[doc])) for doc in {e["doc"] for e in places}}
    for e in places:
        assert set(e) == PLACE_KEYS, e
        assert e["level"] in ("province", "district", "commune"), e
        assert e["province"], e
        if f" {fold(e['name'])} " not in f" {bodies[e['doc']]} ":
            problems.append(("place", e["doc"], e["name"]))
    assert problems == []
    keys = Counter(json.dumps(e, sort_keys=True, ensure_ascii=False) for e in entities)
    assert [k for k, n in keys.items() if n > 1] == []


def test_entity_gold_places_cover_the_record_regions(gold, entities):
    """Every non-national region of the record gold is listed as a place of its document."""
    listed = {(e["doc"], e["name"], e["level"]) for e in entities if e.get("type") == "place"}
    missing = {(g["doc"], g["region"], g["level"]) for g in gold if g["level"] != "national"} - listed
    assert missing == set()


# --------------------------------------------------------------------------- generated files

def test_pdf_tables_are_found_by_pdfplumber():
    import pdfplumber
    with pdfplumber.open(CORPUS / "bentre-bc-6t-2022.pdf") as pdf:
        assert len(pdf.pages) == 2
        tables = [t for page in pdf.pages for t in page.extract_tables()]
    assert len(tables) == 1
    rows = {r[1]: r for r in tables[0]}
    assert rows["Ba Tri"][2:] == ["166.903", "90,67"]
    assert rows["Toàn tỉnh"][2:] == ["1.168.214", "90,34"]
    assert len(tables[0]) == 11   # header + 9 districts + total
    with pdfplumber.open(CORPUS / "haiduong-kh-2024.pdf") as pdf:
        tables = [t for page in pdf.pages for t in page.extract_tables()]
    assert tables and tables[0][0] == ["Chỉ tiêu", "Thực hiện năm 2023", "Kế hoạch năm 2024"]


def test_pdf_text_layer_is_unicode_vietnamese():
    text = extract_text(CORPUS / "laocai-cv-2017.pdf")
    assert "Lào Cai, ngày 25 tháng 9 năm 2017" in text
    assert unicodedata.normalize("NFC", text) == text


def test_docx_has_a_word_table_of_districts():
    import docx
    d = docx.Document(str(CORPUS / "quangbinh-bc-2023.docx"))
    data = [t for t in d.tables if "Tỷ lệ bao phủ (%)" in [c.text for c in t.rows[0].cells]]
    assert len(data) == 1
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in data[0].rows}
    assert rows["Minh Hóa"] == ["Minh Hóa", "53.480", "52.761", "98,66"]
    assert len(rows) == 10   # header + 8 districts + total
    assert d.core_properties.created.year == 2024


def test_html_pages_have_chrome_around_the_article_and_a_table():
    import lxml.html
    page = lxml.html.fromstring((CORPUS / "angiang-tin-2024.html").read_bytes())
    for tag in ("nav", "aside", "footer", "script", "style", "article"):
        assert page.findall(f".//{tag}"), tag
    assert "lượt truy cập" in page.find(".//aside").text_content().lower()
    assert "Tri Tôn" not in page.find(".//aside").text_content()
    hcm = lxml.html.fromstring((CORPUS / "hcm-bhxhtn-q3-2022.html").read_bytes())
    cells = [[c.text_content() for c in tr] for tr in hcm.iter("tr")]
    assert ["Bình Chánh", "9.812", "82,4"] in cells


def test_build_script_rebuilds_the_same_documents(tmp_path):
    build = load_build_script()
    written = build.build_all(build.SRC_DIR, tmp_path)
    sources = sorted(p.stem for p in build.SRC_DIR.glob("*.yaml"))
    assert sorted(p.stem for p in written) == sources
    for new in written:
        committed = CORPUS / new.name
        assert committed.exists(), f"{new.name} is not committed in corpus/"
        assert extract_text(new) == extract_text(committed), f"{new.name} differs from its rebuild"


def test_build_script_rejects_a_bad_source(tmp_path):
    build = load_build_script()
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: pdf\nmeta: {date: 2020-01-01}\nbody:\n  - paragraph: x\n", encoding="utf-8")
    with pytest.raises(ValueError, match="body block 0"):
        build.load_source(bad)
    bad.write_text("format: rtf\nmeta: {date: 2020-01-01}\nbody: []\n", encoding="utf-8")
    with pytest.raises(ValueError, match="format"):
        build.load_source(bad)
    bad.write_text("format: html\nbody: []\n", encoding="utf-8")
    with pytest.raises(ValueError, match="meta.date"):
        build.load_source(bad)
