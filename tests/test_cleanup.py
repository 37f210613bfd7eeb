"""Text cleanup: NFC, tone marks, re-joined lines, and offsets that map back."""
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from extractor.ingest.cleanup import canonical_tones, clean

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus-dev" / "seeds"


def test_tone_marks_move_to_traditional_place():
    assert canonical_tones("Thanh Hoá, Giao Thuỷ, khoẻ, Bình Hoà") == "Thanh Hóa, Giao Thủy, khỏe, Bình Hòa"
    assert canonical_tones("HOÀ") == "HÒA"


def test_tone_marks_left_alone_where_placement_is_fixed():
    # closed syllables and "qu" keep their mark
    assert canonical_tones("hoàng quý huỳnh thuyền") == "hoàng quý huỳnh thuyền"


def test_nfd_input_becomes_nfc_with_offsets_into_the_original():
    original = unicodedata.normalize("NFD", "Bắc Giang có 1.741.540 người")
    view = clean(original)
    assert view.text == "Bắc Giang có 1.741.540 người"
    i = view.text.index("1.741.540")
    s, e = view.orig_span(i, i + len("1.741.540"))
    assert original[s:e] == "1.741.540"


def test_lines_broken_mid_sentence_are_joined():
    text = ("Theo báo cáo, toàn tỉnh có 1.741.540 người tham\n\ngia BHYT, đạt 100,1% kế hoạch.\n"
            "Tiêu đề mới\n")
    view = clean(text)
    assert "người tham gia BHYT" in view.text
    assert "kế hoạch.\nTiêu đề mới" in view.text


def test_bullets_and_terminal_punctuation_keep_their_line_breaks():
    text = "Kính gửi:\n- Ủy ban nhân dân tỉnh;\n- Bảo hiểm Xã hội tỉnh;\nNơi nhận:\n- Lưu VT."
    assert clean(text).text.split("\n") == [
        "Kính gửi:", "- Ủy ban nhân dân tỉnh;", "- Bảo hiểm Xã hội tỉnh;", "Nơi nhận:", "- Lưu VT."]


def test_table_cells_one_per_line_stay_apart():
    text = "Số đối tượng\n\n590.126\n\n483.120\n\n81,60%\n"
    assert clean(text).text == "Số đối tượng\n590.126\n483.120\n81,60%"


def test_spaces_collapse_and_zero_width_characters_go():
    view = clean("Tỷ lệ\u00a0 bao\u200b phủ\t 95%")
    assert view.text == "Tỷ lệ bao phủ 95%"


@pytest.mark.skipif(not SEEDS.exists(), reason="shared corpus not present")
def test_seed_with_hard_wrapped_lines_reads_as_paragraphs():
    original = (SEEDS / "000_6af9397d78602231.txt").read_text(encoding="utf-8")
    view = clean(original)
    assert "toàn tỉnh có 1.741.540 người tham gia BHYT, đạt 100,1% kế hoạch" in view.text
    assert "Sơn Động (99.9%)" in view.text
    i = view.text.index("Sơn Động")
    s, e = view.orig_span(i, i + len("Sơn Động"))
    assert original[s:e].replace("\n", "") == "SơnĐộng"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aăâeêoôơuưyđ oàáảãạòóọủúùỳ\n\t.,;:-•0123456789%\u0301\u0300\u00a0")), max_size=200))
def test_offsets_always_map_into_the_original(text):
    view = clean(text)
    assert len(view.to_orig) == len(view.text)
    prev = -1
    for i, p in enumerate(view.to_orig):
        assert 0 <= p < max(1, len(text))
        assert p >= prev
        prev = p
        ch = view.text[i]
        if ch.isdigit() or ch in "bcdghklmnpqrstvx%.,;:-":
            assert text[p] == ch  # digits, consonants, punctuation map onto themselves
