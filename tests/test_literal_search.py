"""LiteralSearch gives exactly the matches of its plain regex pattern, only faster."""
from __future__ import annotations

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.entities.literal_search import LiteralSearch, is_usual, usual_class

PHRASES = ["Giám đốc", "Phó Giám đốc", "Chủ tịch", "Phó Chủ tịch", "Bí thư", "Trưởng ban",
           "Trưởng", "BHXH", "Bảo hiểm xã hội", "UBND", "Sở Y tế", "Ông", "Bà", "đồng chí"]

# each with its anchors found by str.find one by one and by one trie of them all
SEARCHES = [search for by_find in (False, True) for search in (
    LiteralSearch(PHRASES, not_after=r"[\p{L}]", after=r"(?![\p{L}])", flags=regex.I, by_find=by_find),
    LiteralSearch(PHRASES, not_after=r"[\p{L}\d/\-]", after=r"(?![\p{L}\d]|[/\-]\p{Lu})", by_find=by_find),
    LiteralSearch(["ông", "bà", "anh", "chị"], not_after=r"[\p{L}]", after=r"[ ]+(?=\p{Lu})", flags=regex.I,
                  by_find=by_find),
)]

# pieces of the phrases, their case variants, and troublesome characters (ſ, K, İ, ß)
_PIECES = PHRASES + [p.upper() for p in PHRASES] + [p.lower() for p in PHRASES] + [
    " ", "  ", ",", "-", "/", "\n", "1", "a", "A", "x", "ư", "Ư", "ſ", "\u212a", "İ", "ß", "ưởn", "Giám", "đốc"]
texts = st.lists(st.sampled_from(_PIECES), max_size=30).map("".join) | st.text(max_size=60)


def _spans(it):
    return [(m.start(), m.end(), m.group()) for m in it]


@settings(max_examples=400, deadline=None)
@given(texts)
def test_same_matches_as_the_plain_pattern(text):
    for s in SEARCHES:
        assert _spans(s.finditer(text)) == _spans(s.pattern.finditer(text))


def test_finds_phrases_in_running_text():
    for s in SEARCHES[::3]:
        text = "Ông Nguyễn Văn A, PHÓ GIÁM ĐỐC BHXH tỉnh, và bà B, Trưởng ban Tuyên giáo."
        found = [m.group() for m in s.finditer(text)]
        assert found == ["Ông", "PHÓ GIÁM ĐỐC", "BHXH", "bà", "Trưởng ban"]
        # not inside a word: "Bàn" is no "Bà", "Trưởngx" is no "Trưởng"
        assert [m.group() for m in s.finditer("Bàn bạc; Trưởngx")] == []


def test_case_sensitive_search_keeps_document_numbers_out():
    for s in SEARCHES[1::3]:
        assert _spans(s.finditer("Công văn 122/UBND-YT của UBND tỉnh")) == [(25, 29, "UBND")]


def test_usual_class_spells_out_a_regex_class():
    cls = regex.compile(r"[^\W\p{Ll}]")
    spelled = regex.compile(usual_class(r"[^\W\p{Ll}]"))
    for ch in "AĐƯẮ1a đư,-_":
        assert bool(cls.fullmatch(ch)) == bool(spelled.fullmatch(ch)), ch
    assert is_usual("Hà Nội, 95,2%") and not is_usual("Hà Nội 東京")
