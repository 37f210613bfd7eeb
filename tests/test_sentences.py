"""Sentence splitting of clean text."""
from extractor.ingest.sentences import paragraphs, sentences


def split(text):
    return [text[s.start:s.end] for s in sentences(text)]


def test_splits_at_period_before_capital():
    assert split("Toàn tỉnh có 1.000 người. Tỷ lệ đạt 90%.") == ["Toàn tỉnh có 1.000 người.", "Tỷ lệ đạt 90%."]


def test_numbers_with_dots_do_not_split():
    assert len(split("Đến 30.6.2017, toàn tỉnh có 1.741.540 người tham gia BHYT.")) == 1


def test_abbreviations_do_not_split():
    assert len(split("Người dân tại TP. Hồ Chí Minh tham gia BHYT đạt 92%.")) == 1


def test_ellipsis_before_capital_splits():
    parts = split("Sơn Động (99.9%); Lục Nam (99.7%),… Tỷ lệ bao phủ BHYT đạt trên 99% dân số.")
    assert parts[-1] == "Tỷ lệ bao phủ BHYT đạt trên 99% dân số."


def test_each_line_is_a_paragraph():
    text = "Tiêu đề\nCâu một. Câu hai.\nCâu ba."
    assert [p.paragraph for p in sentences(text)] == [0, 1, 1, 2]
    assert len(paragraphs(text)) == 3


def test_the_same_text_asked_again_gets_the_same_sentences_in_a_list_of_its_own():
    text = "Năm 2023, toàn tỉnh có 1.000 người. Tỷ lệ bao phủ đạt 95%.\nDòng hai."
    first = sentences(text)
    first.append("not a span")              # a caller's change does not leak into the cache
    again = sentences(text)
    assert again == first[:-1] and again is not first
    assert [text[s.start:s.end] for s in again] == [
        "Năm 2023, toàn tỉnh có 1.000 người.", "Tỷ lệ bao phủ đạt 95%.", "Dòng hai."]
    other = "Một câu. Hai câu."
    assert [other[s.start:s.end] for s in sentences(other)] == ["Một câu.", "Hai câu."]
