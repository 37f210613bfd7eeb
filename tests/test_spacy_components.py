"""spaCy frame: tokenizer, the registered component, spans and ents, the rules ruler."""
from __future__ import annotations

import spacy

from extractor.entities.spacy_components import SPANS_KEY, WordTokenizer, make_nlp, ruler_patterns

TEXT = "Theo bà Hồ Thu Ánh, Phó Chủ tịch UBND tỉnh Hậu Giang, huyện Long Mỹ đạt 53,24%."


def test_tokenizer_keeps_the_text_and_splits_punctuation():
    nlp = spacy.blank("xx")
    tok = WordTokenizer(nlp.vocab)
    for text in (TEXT, "  a  b\n\nc ", "", "Đạ M'ri"):
        assert tok(text).text == text
    assert [t.text for t in tok("Ánh, Phó")] == ["Ánh", ",", "Phó"]
    assert [t.text for t in tok("Đạ M'ri")] == ["Đạ", "M'ri"]


def test_make_nlp_puts_entities_on_the_doc():
    nlp = make_nlp()
    doc = nlp(TEXT)
    spans = {(s.label_, s.text) for s in doc.spans[SPANS_KEY]}
    assert ("OFFICIAL", "bà Hồ Thu Ánh, Phó Chủ tịch UBND tỉnh Hậu Giang") in spans
    assert ("PERSON", "Hồ Thu Ánh") in spans
    assert ("ORG", "UBND tỉnh Hậu Giang") in spans
    assert ("DISTRICT", "huyện Long Mỹ") in spans
    ents = {(e.label_, e.text) for e in doc.ents}
    assert ("PERSON", "Hồ Thu Ánh") in ents and ("DISTRICT", "huyện Long Mỹ") in ents
    assert all(e.label_ != "OFFICIAL" for e in doc.ents)
    district = next(s for s in doc.spans[SPANS_KEY] if s.label_ == "DISTRICT")
    assert district._.normalized["code"] == "936" and district._.normalized["province"] == "Hậu Giang"
    assert any(d["type"] == "OFFICIAL" for d in doc._.entities)


def test_component_can_be_added_to_a_users_pipeline():
    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"@tokenizers": "extractor.word_tokenizer.v1"}}})
    nlp.add_pipe("extractor_entities", config={"use_ner": False, "province_hint": "Hậu Giang"})
    doc = nlp("Huyện Châu Thành đạt 80,66%.")
    span = doc.spans[SPANS_KEY][0]
    assert span.label_ == "DISTRICT" and span._.normalized["code"] == "933"
    assert nlp.pipe_names == ["extractor_entities"]


def test_province_hint_per_document():
    nlp = make_nlp()
    doc = nlp.make_doc("Huyện Châu Thành đạt 80,66%.")
    doc.user_data["province_hint"] = "Tiền Giang"
    doc = nlp.get_pipe("extractor_entities")(doc)
    assert doc.spans[SPANS_KEY][0]._.normalized["province"] == "Tiền Giang"


def test_entity_ruler_patterns_come_from_rules():
    patterns = ruler_patterns()
    assert {"label": "ORG", "pattern": "UBND", "id": "UBND"} in patterns
    assert any(p["label"] == "TITLE" and p["pattern"] == "Phó Chủ tịch" for p in patterns)
    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"@tokenizers": "extractor.word_tokenizer.v1"}}})
    nlp.add_pipe("extractor_entity_ruler")
    doc = nlp("Phó Chủ tịch UBND tỉnh phát biểu.")
    assert {(e.label_, e.text) for e in doc.ents} == {("TITLE", "Phó Chủ tịch"), ("ORG", "UBND")}
