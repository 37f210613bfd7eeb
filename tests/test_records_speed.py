"""The records stage's shortcuts give what the plain way gives."""
import itertools
from pathlib import Path

import regex

from extractor import extract_text
from extractor.records import linker, periods
from extractor.records.cues import _W, CueSet, _alternation, _forms, metric_cues
from extractor.records.schemes import scheme_finder

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def _phrase_lists():
    """Every phrase list the records stage writes as an alternation."""
    data = metric_cues().data
    lists = [v for v in data.values() if isinstance(v, list) and all(isinstance(p, str) for p in v)]
    lists += list(data.get("collective", {}).values())
    lists.append([p for ps in scheme_finder()._phrases.phrases for p in [ps]])
    return lists


def _texts(phrases):
    """Texts holding the forms of `phrases` at a start, after a word, before a word,
    after a full stop, with runs of whitespace, and two forms in a row."""
    forms = sorted(_forms(phrases))
    out = []
    for f in forms:
        for a, b in itertools.product(["", "x", " ", "Ở ", ". ", "\n", "3 ", "("],
                                      ["", "a", " ", ".", ": ", " BHYT", ")", "  x"]):
            out.append(a + f + b)
        out.append(f.replace(" ", " \n\t "))
    out += [a + " " + b for a, b in zip(forms, forms[1:] + forms[:1])]
    out += [a + b for a, b in zip(forms, forms[2:] + forms[:2])]
    return out


def test_a_trie_alternation_matches_what_the_plain_one_matches():
    fill = _alternation(metric_cues().data.get("fillers", []))
    fill_trie = _alternation(metric_cues().data.get("fillers", []), trie=True)
    for phrases in _phrase_lists():
        plain, trie = _alternation(phrases), _alternation(phrases, trie=True)
        if not plain:
            continue
        shapes = [r"(?<!{W})(?:{A})(?!{W})", r"^[\s):,]*(?:{A})(?!{W})", r"^\s*(?:{A})(?!{W})",
                  r"(?<!{W})(?:{A})(?!{W})(?:\s*(?:{F})(?!{W}))*[\s(:,\-–]*$"]
        for shape in shapes:
            a = regex.compile(shape.format(W=_W, A=plain, F=fill))
            b = regex.compile(shape.format(W=_W, A=trie, F=fill_trie))
            for text in _texts(phrases):
                for q in range(len(text) + 1):
                    ma, mb = a.match(text, q), b.match(text, q)
                    assert (ma and ma.span()) == (mb and mb.span()), (shape, text, q)
                assert [m.span() for m in a.finditer(text)] == [m.span() for m in b.finditer(text)]


def test_a_cue_set_answers_with_its_trie_as_with_the_plain_alternation():
    cues = metric_cues()
    for name in ("coverage_before", "difference_lead", "plan_after", "percent_exclude_after"):
        cue_set = getattr(cues, name)
        plain = CueSet(cue_set.phrases)
        plain._fwd = plain._alt
        plain._fill = rf"(?:\s*(?:{_alternation(cues.data['fillers'])})(?!{_W}))*"
        for text in _texts(cue_set.phrases):
            for ask in ("any", "lead", "after", "next_word"):
                x, y = getattr(cue_set, ask)(text), getattr(plain, ask)(text)
                if not isinstance(x, bool):
                    x, y = x and x.span(), y and y.span()
                assert x == y, (name, ask, text)
    clause = regex.compile(cues.clause_break_re.pattern.replace(
        _alternation(cues.data["clause_breaks"], trie=True), _alternation(cues.data["clause_breaks"])))
    for text in _texts(cues.data["clause_breaks"]):
        text = "a, " + text + "; b"
        assert [m.span() for m in clause.finditer(text)] == \
            [m.span() for m in cues.clause_break_re.finditer(text)]


def _tails(n):
    """The last `n` characters before each space of the corpus's plain-text files."""
    out = []
    for path in sorted(CORPUS.glob("*.txt")) + sorted(CORPUS.glob("*.md")):
        text = path.read_text(encoding="utf-8", errors="replace")
        out += [text[max(0, i - n):i + 1] for i, c in enumerate(text) if c == " "]
    return out


def test_patterns_searched_backwards_match_where_they_match_forwards():
    finder = scheme_finder()
    extra = ["so với ", "cao hơn cùng kỳ ", "Các xã ", "12 huyện ", "cơ quan BHXH ", "Giám đốc  ",
             "so với cùng kỳ thời điểm  ", "xso với ", "nhiều\n"]
    for pattern, n in ((periods._COMPARISON_BEFORE, 25), (linker._PLURAL_BEFORE, 12),
                       (finder._org_before, 40)):
        assert pattern.flags & regex.REVERSE
        forward = regex.compile(pattern.pattern.replace("(?r)", "", 1), pattern.flags & ~regex.REVERSE)
        for text in _tails(n) + extra:
            assert bool(pattern.search(text)) == bool(forward.search(text)), text


def _records(text, published=None):
    x = extract_text(text, published=published) if published else extract_text(text)
    return [(r["region"]["name"], r["metric"], r["value"], r["period"]["end"]) for r in x.records]


def test_respective_places_still_pair_with_their_figures():
    got = _records("Năm 2023, ở các huyện A Lưới, Nam Đông lần lượt đạt 99,6% và 99,2% "
                   "dân số tham gia BHYT.")
    assert [(r[0], r[2]) for r in got] == [("A Lưới", 99.6), ("Nam Đông", 99.2)]


def test_a_sentence_without_dates_takes_the_date_carried_so_far():
    got = _records("Tính đến ngày 30/6/2023, tỉnh Nam Định có 1.650.000 người tham gia BHYT. "
                   "Tỷ lệ bao phủ BHYT đạt 93,5% dân số.")
    assert {r[3] for r in got} == {"2023-06-30"}
