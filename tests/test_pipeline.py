"""The pipeline end to end: every format of the team corpus, the contract of every record."""
import datetime
import json
from pathlib import Path

import pytest

import extractor
from extractor.model import LEVELS, METRICS, QUALIFIERS, SCHEMES, UNITS
from extractor.pipeline import extract_file, extract_text, iter_extract

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
FILES = sorted(p for p in CORPUS.iterdir() if p.suffix in (".txt", ".md", ".html", ".pdf", ".docx")
               and p.name != "README.md")


def check_contract(rec: dict, text: str) -> None:
    assert set(rec) >= {"source", "region", "scheme", "metric", "value", "unit", "qualifier",
                        "period", "compared_to", "evidence", "confidence", "method"}
    reg = rec["region"]
    assert set(reg) == {"name", "level", "province", "code", "current_province"}
    assert reg["name"] and reg["level"] in LEVELS
    assert rec["scheme"] in SCHEMES and rec["metric"] in METRICS and rec["unit"] in UNITS
    assert rec["qualifier"] in QUALIFIERS + (None,)
    v = rec["value"]
    assert isinstance(v, (int, float)) or (isinstance(v, list) and len(v) == 2)
    assert set(rec["period"]) == {"start", "end"} and rec["period"]["end"]
    ev = rec["evidence"]
    assert text[ev["start"]:ev["end"]] == ev["text"]
    assert text[ev["value_start"]:ev["value_end"]] == ev["value_text"]
    assert 0 <= rec["confidence"] <= 1
    json.dumps(rec, ensure_ascii=False)


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_corpus_file_gives_valid_records(path):
    ex = extract_file(str(path))
    assert ex.records, f"no records from {path.name}"
    for rec in ex.records:
        check_contract(rec, ex.text)
        assert rec["source"] == str(path)
    doc = ex.document
    assert doc["sha256"] and doc["n_chars"] == len(ex.text) and doc["doc_type"] in (
        "news", "official_letter", "plan", "report", "other")
    for e in ex.entities:
        assert ex.text[e["start"]:e["end"]] == e["text"]


def test_extract_text_api_matches_the_contract_example():
    text = ("Thanh Hóa: Nỗ lực hoàn thành chỉ tiêu bảo hiểm y tế\n19:03 08/12/2022\n"
            "Năm 2021, toàn tỉnh Thanh Hóa có 3.242.690 người tham gia, tăng 41.886 người so với năm 2020, "
            "đạt tỷ lệ bao phủ 88% dân số.")
    ex = extractor.extract_text(text, source="corpus/thanh-hoa.txt")
    change = next(r for r in ex.records if r["metric"] == "participants_change")
    assert change["value"] == 41886 and change["unit"] == "person"
    assert change["region"]["code"] == "38" and change["region"]["current_province"] == "Thanh Hóa"
    assert change["period"] == {"start": "2021-01-01", "end": "2021-12-31"}
    assert change["compared_to"]["end"] == "2020-12-31"
    assert change["evidence"]["value_text"] == "41.886"
    assert ex.document["published"].startswith("2022-12-08")
    assert ex.document["title"] == "Thanh Hóa: Nỗ lực hoàn thành chỉ tiêu bảo hiểm y tế"


def test_published_argument_resolves_relative_dates():
    ex = extractor.extract_text("Tin Cà Mau\nHiện nay toàn tỉnh Cà Mau có 1.050.000 người tham gia BHYT.",
                                published=datetime.date(2024, 12, 5))
    assert ex.records[0]["period"]["end"] == "2024-12-05"


def test_parallel_run_gives_the_serial_records_in_input_order():
    paths = [str(p) for p in FILES[:6]]
    serial = [(p, r.records) for p, r in iter_extract(paths, jobs=1)]
    parallel = [(p, r.records) for p, r in iter_extract(paths, jobs=2)]
    assert [p for p, _ in parallel] == paths
    assert serial == parallel


def test_a_bad_file_is_reported_in_place(tmp_path):
    bad = tmp_path / "b.pdf"
    bad.write_bytes(b"%PDF-1.4 broken")
    paths = [str(FILES[0]), str(bad), str(FILES[1])]
    out = list(iter_extract(paths, jobs=1))
    assert [p for p, _ in out] == paths
    from extractor.ingest import ReadError
    assert isinstance(out[1][1], ReadError) and "b.pdf" in str(out[1][1])


def test_an_extraction_survives_pickling_with_its_entities_packed():
    """Worker processes send Extractions to the parent: the entities travel packed and
    come back equal when read; a repeated trip keeps them."""
    import pickle
    ex = extract_text("Đến 31/12/2023, BHXH tỉnh Nghệ An cho biết toàn tỉnh có 3.236.507 người "
                      "tham gia BHYT, đạt 95,1% dân số.")
    assert ex.records and ex.entities
    back = pickle.loads(pickle.dumps(ex))
    assert back._entities is None and back._packed              # not unpacked yet
    assert back.records == ex.records and back.text == ex.text
    again = pickle.loads(pickle.dumps(back))                    # still packed: passed on as it is
    assert again.entities == ex.entities and back == ex and again.to_dict() == ex.to_dict()
    back.entities = []
    assert back.entities == [] and back != ex


def test_entity_rows_give_the_same_dicts_as_the_plain_way():
    """extract_document hands its entities over as rows and makes their dicts only when
    asked: they must be `Entity.to_dict` with the original offsets and text, keys in the
    same order, also after a trip through pickle before or after they were read."""
    import pickle

    from extractor.entities import find_entities
    from extractor.entities.figures import figure_entities
    from extractor.ingest.cleanup import clean
    from extractor.normalize import find_dates, find_numbers
    # decomposed marks and a wrapped line: the clean text's offsets differ from the original's
    text = ("BHXH tỉnh Thanh Hoa\u0301  cho biết\nđến 31/12/2023 toàn tỉnh có 3.236.507 người "
            "tham gia BHYT,\u00a0đạt 95,1% dân số.")
    ex = extract_text(text, use_ner=False)
    view = clean(text)
    numbers, dates = find_numbers(view.text), find_dates(view.text, None)
    plain = []
    for e in sorted(find_entities(view.text, use_ner=False) + figure_entities(numbers, dates),
                    key=lambda e: (e.start, e.end)):
        d = e.to_dict()
        d["start"], d["end"] = view.orig_span(e.start, e.end)
        d["text"] = text[d["start"]:d["end"]]
        plain.append(d)
    assert len(plain) > 3
    sent = pickle.loads(pickle.dumps(ex))                 # rows packed, never read yet
    for got in (ex.entities, sent.entities, pickle.loads(pickle.dumps(ex)).entities):
        assert got == plain
        assert [list(d) for d in got] == [list(d) for d in plain]


def test_warm_up_keeps_the_loaded_rules_out_of_the_garbage_collector():
    """Workers warm up before their first file: rules and gazetteer loaded, then frozen
    so that the collector does not scan them again and again."""
    import gc
    from extractor.pipeline import Options, _warm
    try:
        _warm(Options(use_ner=False))
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
