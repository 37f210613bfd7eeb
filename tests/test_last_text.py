"""for_last_text: one answer kept, for the very text object last asked about."""
from extractor.last_text import for_last_text


def test_the_answer_is_computed_once_per_text_object_and_copied_out():
    calls = []

    @for_last_text(copy=list)
    def words(text):
        calls.append(text)
        return text.split()

    a = "một hai ba"
    first = words(a)
    first.append("bốn")                       # the caller's change stays with the caller
    assert words(a) == ["một", "hai", "ba"] and len(calls) == 1
    b = "".join(["một", " hai", " ba"])       # equal, but another object: asked afresh
    assert b == a and b is not a
    assert words(b) == ["một", "hai", "ba"] and len(calls) == 2
    assert words(a) == ["một", "hai", "ba"] and len(calls) == 3   # only the last text is kept


def test_without_copy_the_kept_answer_itself_is_given():
    @for_last_text()
    def pair(text):
        return text.lower(), len(text)

    t = "Toàn Tỉnh"
    assert pair(t) is pair(t) == ("toàn tỉnh", 9)
    assert pair.__name__ == "pair"
