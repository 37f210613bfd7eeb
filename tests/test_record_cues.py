"""The records stage's cue helpers give what the patterns they stand for give."""
from extractor.records.cues import metric_cues

TEXTS = [
    "Toàn tỉnh có 1.000 người tham gia; toàn huyện Giao Thủy đạt 95%, cả nước đạt 92%.",
    "Trên địa bàn tỉnh, xã đã có 98% dân số tham gia BHYT. Cả xã đạt 99%; toàn quốc 93%.",
    "Bảo hiểm xã hội tỉnh cho biết: TOÀN TỈNH có 12 xã có tỷ lệ trên 95%, huyện có 3 xã.",
    "trên toàn thành phố, toàn thành, của thành phố và của tỉnh ta; nước ta, Việt Nam",
    "",
]


def test_collective_phrases_are_each_levels_own_matches():
    cues = metric_cues()
    for text in TEXTS:
        expected = sorted((m.start(), m.end(), level) for level, cue_set in cues.collective.items()
                          for m in cue_set.finditer(text))
        assert cues.collective_phrases(text) == expected


def test_a_cue_set_compiles_a_pattern_only_when_first_asked_and_answers_as_before():
    from extractor.records.cues import CueSet
    cues = CueSet(["tham gia", "đóng"], fillers=["BHYT"])
    assert not {"_any", "_last", "_lead", "_strict_lead", "_after", "_next_word"} & set(vars(cues))
    assert cues.lead("số người tham gia BHYT: ").group() == "tham gia BHYT: "
    assert cues.lead("không tham gia BHYT", strict=True) is None
    assert cues.after(") đóng tiền").group() == ") đóng"
    assert cues.next_word(" tham  gia").group() == " tham  gia"
    assert cues.last("tham gia rồi đóng, tham gia").start() == 19
    assert not cues.any("thamgia") and cues.any("Đã tham gia")
    assert {"_lead", "_strict_lead", "_after", "_next_word", "_last", "_any"} <= set(vars(cues))
