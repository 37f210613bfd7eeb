"""underthesea NER behind the rules: offsets back into the original text, PER filtering,
and its use for names the rules cannot vouch for."""
from __future__ import annotations

import pytest

from extractor.entities import find_entities, ner, unique_officials

pytestmark = pytest.mark.skipif(not ner.available(), reason="underthesea not importable")


def test_align_maps_respaced_tokens_back():
    sentence = "Theo  bà Hồ Thu Ánh,Phó Chủ tịch (TTXVN)"
    tokens = ["Theo", "bà", "Hồ Thu Ánh", ",", "Phó", "Chủ tịch", "(", "TTXVN", ")"]
    spans = ner.align(sentence, tokens)
    assert [sentence[a:b] for a, b in spans] == ["Theo", "bà", "Hồ Thu Ánh", ",", "Phó", "Chủ tịch", "(",
                                                 "TTXVN", ")"]


def test_align_skips_a_token_the_tagger_invented():
    spans = ner.align("Hòa Bình tăng", ["Hòa Bình", "@@", "tăng"])
    assert spans[0] == (0, 8) and spans[1] is None and spans[2] == (9, 13)


def test_tag_offsets_point_into_the_sentence():
    s = "Theo bà Hồ Thu Ánh, Phó Chủ tịch UBND tỉnh Hậu Giang, kết quả tốt."
    spans = ner.tag(s)
    assert spans and all(s[x.start:x.end] == x.text for x in spans)
    assert ("PER", "Hồ Thu Ánh") in {(x.label, x.text) for x in spans}


def test_person_spans_keep_capitalised_names_only():
    s = "Theo bà Hồ Thu Ánh, Phó Chủ tịch UBND tỉnh Hậu Giang, kết quả tốt."
    assert [x.text for x in ner.person_spans(s)] == ["Hồ Thu Ánh"]
    assert ner.tag("") == ()


def test_ner_supplies_a_name_the_rules_cannot_vouch_for():
    # "Chẩu" is not in the family-name list; the tagger's PER span (which also swallows
    # "Tuyên Quang") is cut to the words after the organization.
    text = "Bí thư Tỉnh ủy Tuyên Quang Chẩu Văn Lâm phát biểu tại hội nghị."
    with_ner = unique_officials(find_entities(text, use_ner=True))
    rules_only = unique_officials(find_entities(text, use_ner=False))
    assert with_ner == [{"name": "Chẩu Văn Lâm", "title": "Bí thư", "organization": "Tỉnh ủy Tuyên Quang",
                         "honorific": None}]
    assert rules_only[0]["name"] is None


def test_ner_mislabels_are_not_taken():
    # the tagger calls "Hậu Giang" a person and "bao phủ BHYT" a place; neither becomes one
    text = "Theo bà Hồ Thu Ánh, Phó Chủ tịch UBND tỉnh Hậu Giang, tỷ lệ bao phủ BHYT tăng."
    ents = find_entities(text, use_ner=True)
    persons = [e.text for e in ents if e.type == "PERSON"]
    assert persons == ["Hồ Thu Ánh"]
    assert [e.text for e in ents if e.type == "PROVINCE"] == ["tỉnh Hậu Giang"]


def test_asking_whether_ner_is_available_does_not_import_underthesea():
    import subprocess
    import sys
    code = ("import sys\nfrom extractor.entities import ner\nassert ner.available()\n"
            "assert 'underthesea' not in sys.modules, 'underthesea was imported'\n"
            "from extractor.pipeline import extract_text\n"
            "extract_text('Năm 2023, toàn tỉnh có 1.000 người tham gia BHYT.')\n"
            "assert 'underthesea' not in sys.modules, 'underthesea was imported by a text without a name'\n")
    subprocess.run([sys.executable, "-c", code], check=True)
