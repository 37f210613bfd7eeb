"""Fuzzing (issue 8): the normalizers and the whole pipeline never crash on random,
Vietnamese-like or mutated real text, and every record they return keeps the contract.

Inputs are hypothesis-generated: arbitrary Unicode (lone surrogates included),
text assembled from the corpus's own words, figures and dates, and corpus documents
mutated by deletions, duplications, random separators, combining marks, huge numbers,
nested or unbalanced brackets, stripped diacritics, case changes and inserted junk.
Each test has a bounded budget (EXTRACTOR_FUZZ_EXAMPLES, default 150 examples, no
per-example deadline) so the file runs in well under a minute; raise the variable for
a longer local hunt. The contract check is `badfiles.extraction_problems`.
"""
from __future__ import annotations

import datetime as dt
import functools
import os
import sys
import unicodedata
from pathlib import Path

import regex
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))
import badfiles  # noqa: E402

from extractor import extract_text, normalize_date, normalize_number  # noqa: E402
from extractor.ingest.cleanup import clean  # noqa: E402
from extractor.ingest.sentences import sentences  # noqa: E402
from extractor.normalize import find_dates, find_numbers  # noqa: E402

N = int(os.environ.get("EXTRACTOR_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=N, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much])
SMALL = settings(FUZZ, max_examples=max(10, N // 4))


# ---- material from the corpus ---------------------------------------------------------

@functools.lru_cache(maxsize=1)
def corpus_texts() -> tuple[str, ...]:
    """The extracted text of every corpus document (all formats), read once."""
    from extractor.ingest import read_path
    return tuple(read_path(str(badfiles.CORPUS / name)).text
                 for name in badfiles.corpus_documents())


_NUMBER = regex.compile(r"\d+(?:[.,]\d+)*")


@functools.lru_cache(maxsize=1)
def corpus_sentences() -> tuple[str, ...]:
    out = []
    for text in corpus_texts():
        view = clean(text)
        out += [view.text[s.start:s.end] for s in sentences(view.text)]
    return tuple(s for s in out if _NUMBER.search(s))


@functools.lru_cache(maxsize=1)
def corpus_words() -> tuple[str, ...]:
    words = set()
    for text in corpus_texts():
        toks = text.split()
        words.update(toks)
        words.update(" ".join(p) for p in zip(toks, toks[1:]))   # "Nghệ An", "tham gia"
    return tuple(sorted(words))


def _dots(n: int) -> str:
    return f"{n:,}".replace(",", ".")


numbers = st.one_of(
    st.integers(0, 10**13).map(_dots),
    st.integers(0, 10**9).map(str),
    st.integers(0, 10**9).map(lambda n: f"{n:,}"),                    # 1,783,212
    st.tuples(st.integers(0, 999), st.integers(0, 999)).map(lambda t: f"{t[0]},{t[1]}"),
    st.tuples(st.integers(0, 120), st.integers(0, 99)).map(lambda t: f"{t[0]},{t[1]:02d}%"),
    st.tuples(st.integers(0, 120), st.integers(0, 9)).map(lambda t: f"{t[0]}.{t[1]}%"),
    st.tuples(st.integers(0, 99), st.integers(0, 99)).map(lambda t: f"{t[0]}-{t[1]}%"),
    st.tuples(st.integers(0, 999), st.sampled_from(["triệu", "nghìn", "ngàn", "tỷ", "vạn"]))
      .map(lambda t: f"{t[0]} {t[1]}"),
    st.sampled_from(["hai mươi lăm nghìn", "một trăm", "mười", "ba triệu rưỡi", "nửa",
                     "một phần ba", "gấp đôi", "0", "00", "0,0", "1e9", "½"]),
)
dates = st.tuples(st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)),
                  st.integers(0, 9), st.integers(1, 4)).map(
    lambda t: [f"ngày {t[0].day:02d} tháng {t[0].month:02d} năm {t[0].year}",
               f"tháng {t[0].month}/{t[0].year}", f"năm {t[0].year}",
               f"{t[0].day}/{t[0].month}/{t[0].year}", f"Quý {'I' * t[2]}/{t[0].year}",
               f"6 tháng đầu năm {t[0].year}", f"hết tháng {t[0].month}",
               f"ngày {t[0].day}/{t[0].month}", f"22:04 {t[0].day}/{t[0].month}/{t[0].year}",
               f"cuối năm {t[0].year}", f"{t[0].year}-{t[0].year + 5}",
               f"{t[0].isoformat()}"][t[1] % 12])
cues = st.sampled_from([
    "toàn tỉnh", "cả nước", "huyện", "xã", "thị xã", "thành phố", "có", "đạt", "người",
    "tham gia BHYT", "tham gia BHXH tự nguyện", "BHXH bắt buộc", "bảo hiểm thất nghiệp",
    "tỷ lệ bao phủ", "dân số", "kế hoạch", "so với", "cùng kỳ", "tăng", "giảm", "chưa tham gia",
    "thẻ BHYT", "phấn đấu", "chỉ tiêu", "lần lượt là", "trên", "hơn", "khoảng", "từ", "trở lên",
    "tính đến", "đến nay", "hiện nay", "(", ")", ";", ",", ":", "-", "%", "và", "trong đó"])


@st.composite
def number_swapped_sentence(draw) -> str:
    """A real corpus sentence whose figures are replaced by generated ones."""
    s = draw(st.sampled_from(corpus_sentences()))
    return _NUMBER.sub(lambda m: draw(numbers), s)


word_soup = st.lists(st.one_of(st.sampled_from(corpus_words()), numbers, dates, cues),
                     min_size=1, max_size=40).map(" ".join)
vietnamese_like = st.lists(
    st.tuples(st.one_of(number_swapped_sentence(), word_soup),
              st.sampled_from([". ", ".\n", "\n\n", " ", "; ", "\n", ".\r\n", " | "])),
    min_size=1, max_size=12).map(lambda parts: "".join(s + sep for s, sep in parts))

any_text = st.text(alphabet=st.characters(blacklist_categories=()), max_size=300)
junk_text = st.one_of(any_text, st.text(max_size=50), st.sampled_from(
    ["\x00", "\ufeff", "\u200b", "\u00ad", "\r", "\x0c", "\u2028", "�", "𝟙𝟚𝟛", "١٢٣",
     "¹²³", "Ⅻ", "ﬁ", "\U0001F600", "<p>", "&nbsp;", "|---|", "**", "\\", "'\"", "%%%"]))


# ---- mutations of real documents ------------------------------------------------------

COMBINING = [chr(c) for c in range(0x300, 0x370)] + ["\u0323", "\u0309", "\u031b", "\u20dd"]
SEPARATORS = ["\n", "\n\n\n", "\t", " | ", ";", "...", "\u00a0", "\u200b", "\r\n", "\x0c",
              "—", "•", " . ", ". ", "\u2028", "   ", ",", "%", "/", ":"]
# Figures of 309+ digits overflow a double (they once crashed the records stage).
HUGE_DIGITS = 400
HUGE = st.one_of(st.integers(20, HUGE_DIGITS).map(lambda k: "9" * k),
                 st.integers(5, HUGE_DIGITS // 3).map(lambda k: "1" + ".000" * k),
                 st.integers(5, 80).map(lambda k: "9" * k + ",5%"),
                 st.integers(5, 80).map(lambda k: "0," + "0" * k + "1"),
                 st.integers(3, 60).map(lambda k: "9" * k + " triệu người"),
                 st.sampled_from(["1e308", "1.7976931348623157e308", "inf", "NaN",
                                  "999.999.999.999.999.999,99%", "-0", "−1.000"]))
BRACKETS = "()[]{}<>“”«»"

pos = st.floats(0, 1, allow_nan=False)
mutation = st.one_of(
    st.tuples(st.just("delete"), pos, pos),
    st.tuples(st.just("duplicate"), pos, pos),
    st.tuples(st.just("separator"), pos, st.sampled_from(SEPARATORS)),
    st.tuples(st.just("combining"), pos, st.lists(st.sampled_from(COMBINING), min_size=1,
                                                   max_size=6).map("".join)),
    st.tuples(st.just("huge"), pos, HUGE),
    st.tuples(st.just("brackets"), pos, pos, st.integers(1, 60), st.booleans()),
    st.tuples(st.just("insert"), pos, junk_text),
    st.tuples(st.just("upper"), pos, pos),
    st.tuples(st.just("strip_marks"), pos, pos),
    st.tuples(st.just("number"), pos, numbers),
    st.tuples(st.just("date"), pos, dates),
)


def _strip_marks(s: str) -> str:
    d = unicodedata.normalize("NFD", s)
    return unicodedata.normalize("NFC", "".join(c for c in d if not unicodedata.combining(c))
                                 ).replace("đ", "d").replace("Đ", "D")


def mutate(text: str, op: tuple) -> str:
    kind, *args = op
    n = len(text)
    at = lambda f: int(f * n)  # noqa: E731
    if kind in ("delete", "duplicate", "upper", "strip_marks", "brackets"):
        a, b = sorted((at(args[0]), at(args[1])))
        part = text[a:b]
        if kind == "delete":
            return text[:a] + text[b:]
        if kind == "duplicate":
            return text[:b] + part + text[b:]
        if kind == "upper":
            return text[:a] + part.upper() + text[b:]
        if kind == "strip_marks":
            return text[:a] + _strip_marks(part) + text[b:]
        depth, balanced = args[2], args[3]
        opens = "".join(BRACKETS[2 * (i % 6)] for i in range(depth))
        closes = "".join(BRACKETS[2 * (i % 6) + 1] for i in reversed(range(depth)))
        return text[:a] + opens + part + (closes if balanced else closes[: depth // 2]) + text[b:]
    if kind == "combining":
        i = at(args[0])
        return text[:i] + args[1] + text[i:]
    i = at(args[0])
    return text[:i] + args[1] + text[i:]


mutated_documents = st.tuples(st.integers(0, 10**6), st.lists(mutation, min_size=1, max_size=8)
                              ).map(lambda t: _apply(t[0], t[1]))


def _apply(doc_index: int, ops: list) -> str:
    texts = corpus_texts()
    text = texts[doc_index % len(texts)]
    for op in ops:
        text = mutate(text, op)
    return text


# ---- the pipeline ---------------------------------------------------------------------

def check_pipeline(text: str, use_ner: bool = False) -> None:
    ex = extract_text(text, source="fuzz.txt", use_ner=use_ner)
    problems = badfiles.extraction_problems(ex, text, source="fuzz.txt")
    assert not problems, "\n".join(problems[:10])


@FUZZ
@given(any_text)
@example("")
@example("\ud800 Năm 2023 có 1.000 người tham gia BHYT \udfff")
@example("\u0301" * 50 + "1.000" + "\u0323" * 50)
def test_pipeline_survives_arbitrary_unicode(text):
    check_pipeline(text)


@FUZZ
@given(vietnamese_like)
def test_pipeline_survives_vietnamese_like_text(text):
    check_pipeline(text)


@FUZZ
@given(mutated_documents)
def test_pipeline_survives_mutated_corpus_documents(text):
    check_pipeline(text)


@SMALL
@given(st.one_of(mutated_documents, vietnamese_like))
def test_pipeline_with_ner_survives_mutated_text(text):
    check_pipeline(text, use_ner=True)


def test_a_count_too_large_for_a_double_is_not_a_record():
    """Found by this file: a 400-digit count became a record no double (SQLite) can hold."""
    check_pipeline("Năm 2023, toàn tỉnh Nghệ An có " + "9" * 400 + " người tham gia bảo hiểm "
                   "y tế, đạt 95% kế hoạch.")


def test_a_rate_too_large_for_a_double_does_not_crash():
    """Found by this file: float() of a 309-digit int raised OverflowError in the linker."""
    check_pipeline("Năm 2023, tỷ lệ bao phủ BHYT đạt " + "9" * 309 + ".")
    check_pipeline("9" * 129 + "9" * 180 + "\nNăm 2023, toàn tỉnh Nghệ An có 1.000 người "
                   "tham gia BHYT.")


def test_mutations_really_change_the_documents():
    """The mutation operators do what they say (else the fuzzing above is toothless)."""
    t = "Năm 2023, toàn tỉnh có 1.000 người (đạt 95%)."
    assert mutate(t, ("delete", 0.0, 0.5)) == t[len(t) // 2:]
    assert mutate(t, ("duplicate", 0.0, 0.25)).startswith(t[: len(t) // 4] * 2)
    assert mutate(t, ("brackets", 0.0, 1.0, 3, True)).startswith("([{")
    assert mutate(t, ("brackets", 0.0, 1.0, 4, False)).count("<") == 1
    assert "9" * 50 in mutate(t, ("huge", 0.5, "9" * 50))
    assert _strip_marks("Năm toàn tỉnh đạt") == "Nam toan tinh dat"
    assert mutate(t, ("combining", 0.0, "\u0301")).startswith("\u0301N")
    assert _apply(0, [("upper", 0.0, 1.0)]) == corpus_texts()[0].upper()


def test_mutated_documents_still_yield_records():
    """Light mutations keep most figures: the fuzzed inputs reach the records stage."""
    base = corpus_texts()
    hit = 0
    for i, text in enumerate(base):
        noisy = mutate(mutate(text, ("separator", 0.5, "\n\n")), ("combining", 0.3, "\u0300"))
        hit += bool(extract_text(noisy, use_ner=False).records)
    assert hit >= len(base) * 0.8


# ---- the normalizers (what tests/test_normalize_fuzz.py does not feed them) -------------
# That file fuzzes them with short random pieces; here they get huge figures, dates with
# references from year 1 to 9999, and whole real documents mutated, as the pipeline does.

def _check_number(v) -> None:
    """None, a number or a (lo, hi) pair; never NaN. Huge figures may come back as big
    ints or inf here: whether they become records is the pipeline's business (checked
    there by the contract: finite as a double)."""
    def num(x):
        return isinstance(x, (int, float)) and not isinstance(x, bool) and x == x
    assert v is None or num(v) or (isinstance(v, tuple) and len(v) == 2
                                   and all(num(x) for x in v) and v[0] <= v[1]), repr(v)


def _check_iso(value) -> None:
    assert value is None or isinstance(value, str) and all(
        badfiles._ISO.match(p) for p in value.split("..")), value


@SMALL
@given(st.lists(st.one_of(numbers, cues, HUGE), min_size=1, max_size=4).map(" ".join),
       st.one_of(st.none(), vietnamese_like),
       st.lists(st.one_of(dates, numbers, cues), min_size=1, max_size=5).map(" ".join),
       st.one_of(st.none(), st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31))))
def test_normalizers_survive_huge_figures_and_extreme_references(number, context, date, ref):
    _check_number(normalize_number(number, context))
    _check_iso(normalize_date(date, ref))


@FUZZ
@given(st.one_of(vietnamese_like, any_text, mutated_documents),
       st.one_of(st.none(), st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31))))
def test_mentions_point_at_their_text(text, reference):
    view = clean(text)
    t = view.text
    for m in find_numbers(t):
        assert 0 <= m.start <= m.value_start <= m.value_end <= m.end <= len(t)
        assert t[m.start:m.end] == m.text
        _check_number(m.value)
    for d in find_dates(t, reference):
        assert 0 <= d.start <= d.end <= len(t) and t[d.start:d.end] == d.text


@FUZZ
@given(st.one_of(any_text, vietnamese_like, mutated_documents))
def test_cleanup_and_sentences_stay_aligned(text):
    view = clean(text)
    assert unicodedata.is_normalized("NFC", view.text)
    last = 0
    for s in sentences(view.text):
        assert last <= s.start <= s.end <= len(view.text)
        last = s.end
        a, b = view.orig_span(s.start, s.end)
        assert 0 <= a <= b <= len(text)
    assume(view.text)
    a, b = view.orig_span(0, len(view.text))
    assert 0 <= a <= b <= len(text)
