"""Officials: the orders texts use, generic mentions, bylines, linking, and an F1 scorer
on the development corpus (officials-dev.jsonl), the seeds and the team corpus."""
from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from extractor.entities import find_entities, unique_officials
from extractor.entities.organizations import org_key
from extractor.ingest.cleanup import clean
from extractor.normalize.text import fold_key

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "corpus-dev"
TEAM = ROOT / "corpus"


def officials(text, **kw):
    return [(o["name"], o["title"], o["organization"], o["honorific"])
            for o in unique_officials(find_entities(text, use_ner=False, **kw))]


@pytest.mark.parametrize("text,expected", [
    ("Theo bà Hồ Thu Ánh, Phó Chủ tịch UBND tỉnh Hậu Giang, kết quả khả quan.",
     ("Hồ Thu Ánh", "Phó Chủ tịch", "UBND tỉnh Hậu Giang", "bà")),
    ("Ông Nguyễn Văn Mạnh - Giám đốc Sở Y tế tỉnh Bắc Giang phát biểu.",
     ("Nguyễn Văn Mạnh", "Giám đốc", "Sở Y tế tỉnh Bắc Giang", "ông")),
    ("Phó Thủ tướng Chính phủ Vương Đình Huệ đã ký quyết định.",
     ("Vương Đình Huệ", "Phó Thủ tướng", "Chính phủ", None)),
    ("Phó Giám đốc BHXH tỉnh Thừa Thiên Huế Nguyễn Văn Mạnh cho biết, toàn tỉnh đạt 94%.",
     ("Nguyễn Văn Mạnh", "Phó Giám đốc", "BHXH tỉnh Thừa Thiên Huế", None)),
    ("Hội nghị có sự tham dự của ông Trần Văn Nam (Chủ tịch UBND huyện Lục Nam, tỉnh Bắc Giang).",
     ("Trần Văn Nam", "Chủ tịch", "UBND huyện Lục Nam", "ông")),
    ("Ông TẨN A SỬ - Phó Chủ tịch UBND xã Huổi Luông, huyện Phong Thổ, tỉnh Lai Châu cho biết.",
     ("TẨN A SỬ", "Phó Chủ tịch", "UBND xã Huổi Luông", "ông")),
    ("Căn cứ Quyết định số 538/QĐ-TTg của Thủ tướng Chính phủ.",
     (None, "Thủ tướng", "Chính phủ", None)),
    ("Theo Chủ tịch UBND xã Giao Tân (huyện Giao Thủy, Nam Định), tỷ lệ bao phủ đạt 98%.",
     (None, "Chủ tịch", "UBND xã Giao Tân", None)),
    ("Trưởng Ban Tuyên giáo Tỉnh ủy Bắc Giang Nguyễn Văn Lâm phát biểu.",
     ("Nguyễn Văn Lâm", "Trưởng ban", "Ban Tuyên giáo Tỉnh ủy Bắc Giang", None)),
    # a department between the title and its organization belongs to the title
    ("Theo ông Lê Văn Tám - Trưởng phòng Quản lý thu BHXH tỉnh Nghệ An, năm nay khó khăn.",
     ("Lê Văn Tám", "Trưởng phòng Quản lý thu", "BHXH tỉnh Nghệ An", "ông")),
    ("Bà Hà Thị Lan, Phó Trưởng phòng Khai thác và thu nợ BHXH huyện Yên Thành cho biết.",
     ("Hà Thị Lan", "Phó Trưởng phòng Khai thác và thu nợ", "BHXH huyện Yên Thành", "bà")),
    # ... or is the organization, with the place after it
    ("Ông Bùi Văn Bình, Trưởng phòng Y tế huyện Can Lộc, nói.",
     ("Bùi Văn Bình", "Trưởng phòng", "Phòng Y tế huyện Can Lộc", "ông")),
    # academic titles written without their last dot; a hospital is an organization
    ("PGS.TS Nguyễn Văn Bình, Phó Giám đốc Sở Y tế tỉnh Hà Nam nhấn mạnh.",
     ("Nguyễn Văn Bình", "Phó Giám đốc", "Sở Y tế tỉnh Hà Nam", "PGS.TS")),
    ("Theo TS.BS Lê Thị Hoa, Giám đốc Bệnh viện Đa khoa tỉnh Hà Nam, số ca bệnh tăng.",
     ("Lê Thị Hoa", "Giám đốc", "Bệnh viện Đa khoa tỉnh Hà Nam", "TS.BS")),
])
def test_orders_of_name_title_and_organization(text, expected):
    assert officials(text) == [expected]


def test_province_of_the_document_completes_the_organization():
    text = ("Bắc Giang: Vận động nhân dân tham gia BHYT\n"
            "Ngày 24/10, UBND tỉnh Bắc Giang tổ chức Hội nghị, đồng chí Mai Sơn - Phó Chủ tịch Thường trực "
            "UBND tỉnh chủ trì Hội nghị.\nĐồng chí Mai Sơn - Phó Chủ tịch UBND tỉnh phát biểu tại Hội nghị.")
    # both mentions are one person: the fuller title is kept for both
    assert officials(text) == [("Mai Sơn", "Phó Chủ tịch Thường trực", "UBND tỉnh Bắc Giang", "đồng chí")]


@pytest.mark.parametrize("text", [
    "Chủ tịch UBND các huyện, thị xã, thành phố chỉ đạo các cấp ủy Đảng.",
    "Chủ tịch UBND huyện, thị xã, thành phố chủ động phối hợp.",
    "lãnh đạo gửi báo cáo tới Chủ tịch các xã, thị trấn.",
    "Giám đốc BHXH các huyện chủ động tham mưu.",
])
def test_generic_mentions_are_not_officials(text):
    assert officials(text) == []


def test_bylines_are_persons_not_officials():
    text = ("Xã Điền Trung đạt chuẩn Nông thôn mới\nTác giả: Bá Nam\n"
            "Tỷ lệ bao phủ BHYT trên địa bàn xã đạt 92.21%.\n\nLê Văn Quyết, BHXH huyện Bá Thước")
    ents = find_entities(text, use_ner=False)
    assert not [e for e in ents if e.type == "OFFICIAL"]
    persons = {(e.text, e.normalized["role"]) for e in ents if e.type == "PERSON"}
    assert {("Bá Nam", "byline"), ("Lê Văn Quyết", "byline")} <= persons


def test_a_name_alone_on_the_first_line_is_no_byline():
    text = "Phú Yên\nNăm 2023, toàn tỉnh có 787.540 người tham gia BHYT.\nMinh Anh"
    persons = [(e.text, e.normalized["role"]) for e in find_entities(text, use_ner=False)
               if e.type == "PERSON"]
    assert persons == [("Minh Anh", "byline")]


def test_unnamed_repeat_takes_the_holders_name():
    text = ("Theo ông Đỗ Việt Hùng, Giám đốc BHXH huyện Giao Thủy, kết quả tốt. "
            "Về phía cơ quan BHXH huyện, Giám đốc BHXH huyện Giao Thủy cho biết, đã phân công cán bộ.")
    ents = [e for e in find_entities(text, use_ner=False) if e.type == "OFFICIAL"]
    assert len(ents) == 2 and all(e.normalized["name"] == "Đỗ Việt Hùng" for e in ents)
    assert ents[1].normalized.get("coreferent") is True


def test_signature_block_of_a_letter():
    text = ("ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nTỈNH LÀO CAI Độc lập - Tự do - Hạnh phúc\n"
            "Số: 3852/UBND-VX Lào Cai, ngày 25 tháng 9 năm 2017\nKính gửi: Các sở, ngành.\n"
            "Chủ tịch UBND tỉnh yêu cầu thực hiện nghiêm.\nNơi nhận:\n- Lưu: VT, VX.\n"
            "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n(Đã ký)\nHoàng Quốc Bảo")
    got = officials(text)
    assert ("Hoàng Quốc Bảo", "Phó Chủ tịch", "UBND tỉnh Lào Cai", None) in got
    assert (None, "Chủ tịch", "UBND tỉnh Lào Cai", None) in got


def test_entity_offsets_point_into_the_text():
    text = "Theo bà Hồ Thu Ánh, Phó Chủ tịch UBND tỉnh Hậu Giang, kết quả khả quan."
    for e in find_entities(text, use_ner=False):
        assert text[e.start:e.end] == e.text
    off = [e for e in find_entities(text, use_ner=False) if e.type == "OFFICIAL"][0]
    assert off.text == "bà Hồ Thu Ánh, Phó Chủ tịch UBND tỉnh Hậu Giang"


# --------------------------------------------------------------------------- scorer
# Officials the seeds name, read from their text by hand (the examples).
SEED_OFFICIALS = {
    "000_6af9397d78602231": [("Mai Sơn", "Phó Chủ tịch Thường trực", "UBND tỉnh Bắc Giang")],
    "001_f1e6a6c537f86bb3": [],
    "002_d825fc6d1469cdd5": [],
    "003_c40dcd86d3c958a7": [("Đỗ Việt Hùng", "Giám đốc", "BHXH huyện Giao Thủy"),
                             (None, "Chủ tịch", "UBND huyện Giao Thủy"),
                             (None, "Phó Chủ tịch", "UBND huyện Giao Thủy"),
                             (None, "Chủ tịch", "UBND xã Giao Tân")],
    "004_380ce61544afcc59": [("Hồ Thu Ánh", "Phó Chủ tịch", "UBND tỉnh Hậu Giang")],
}


def _key(name, title, org):
    """Compare folded; an organization's abbreviation equals its full form (BHXH = Bảo hiểm xã hội)."""
    return fold_key(name or ""), fold_key(title), org_key(org)


def _read(path: Path) -> str:
    if path.suffix in (".txt", ".md"):
        return path.read_text(encoding="utf-8")
    from extractor.ingest import read_path
    return read_path(str(path)).text


def score(docs: dict[str, Path], gold: dict[str, list[tuple]], use_ner: bool) -> tuple[float, list]:
    tp = fp = fn = 0
    errors = []
    for doc, path in sorted(docs.items()):
        text = clean(_read(path)).text
        pred = {_key(o["name"], o["title"], o["organization"])
                for o in unique_officials(find_entities(text, use_ner=use_ner))}
        want = {_key(*g) for g in gold.get(doc, [])}
        tp += len(pred & want)
        fp += len(pred - want)
        fn += len(want - pred)
        errors += [(doc, "spurious", k) for k in pred - want] + [(doc, "missed", k) for k in want - pred]
    f1 = 2 * tp / (2 * tp + fp + fn) if tp else (1.0 if not (fp or fn) else 0.0)
    return f1, errors


def _gold_file(path: Path) -> dict[str, list[tuple]]:
    gold = defaultdict(list)
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            g = json.loads(line)
            if g.get("type", "official") == "official" and "title" in g:
                gold[g["doc"]].append((g["name"], g["title"], g["organization"]))
    return gold


@pytest.mark.skipif(not DEV.is_dir(), reason="shared corpus not present")
@pytest.mark.parametrize("use_ner", [False, True])
def test_officials_f1_on_dev_and_seeds(use_ner):
    gold = _gold_file(DEV / "officials-dev.jsonl")
    docs = {p.stem: p for p in (DEV / "docs").glob("*.txt")}
    f1_dev, errors = score(docs, gold, use_ner)
    assert f1_dev >= 0.9, errors
    seeds = {p.stem: p for p in (DEV / "seeds").glob("*.txt")}
    f1_seeds, errors = score(seeds, SEED_OFFICIALS, use_ner)
    assert f1_seeds >= 0.9, errors


@pytest.mark.skipif(not (TEAM / "gold-entities.jsonl").is_file(), reason="team corpus not present")
def test_officials_f1_on_team_corpus():
    gold = _gold_file(TEAM / "gold-entities.jsonl")
    docs = {p.stem: p for p in TEAM.iterdir() if p.stem in gold or p.suffix in (".txt", ".md")}
    docs = {k: v for k, v in docs.items() if v.suffix in (".txt", ".md", ".pdf", ".docx", ".html")}
    f1, errors = score(docs, gold, use_ner=False)
    assert f1 >= 0.9, errors


# --------------------------------------------------------------------------- shortcuts
def _sample_texts() -> list[str]:
    """Clean texts with officials, honorifics and bylines: the team corpus's and a few made up."""
    texts = [clean(_read(p)).text for p in sorted(TEAM.glob("*")) if p.suffix in (".txt", ".md")]
    texts += [
        "Ông Kiên cho biết.\nBà\nHà Nội là thủ đô. Theo ông  Nam, anh\tLý A Dá và chị Hoa.",
        "không Hà Nội, công Ty, bà Nguyễn Thị Hà. Đồng chí Mai Sơn - Phó Chủ tịch UBND tỉnh.",
        "  \n Câu một. Câu hai của ông Nam!  Câu ba…\n\nTP. Hồ Chí Minh, ông V. A nói.",
    ]
    return texts


def test_sentence_of_an_offset_is_that_of_its_lines_own_split():
    """_Sentences reads the whole text's split: the same sentence as splitting the line alone."""
    from extractor.entities.officials import _Sentences
    from extractor.entities.places import line_spans
    from extractor.ingest.sentences import sentences

    for text in _sample_texts():
        sents = _Sentences(text)
        for s, e in line_spans(text):
            spans = [(s + x.start, s + x.end) for x in sentences(text[s:e])]
            for i in range(s, e + 1):
                want = next(((a, b) for a, b in spans if a <= i < b), (0, 0))
                assert sents.of(i) == want, (text[s:e], i)


def test_whole_text_cue_check_finds_every_sentence_cue():
    """_ner_persons asks the whole text first: a sentence with a free cue is never missed."""
    from extractor.entities.officials import _free_cue, _ner_cue, _Sentences

    cue = _ner_cue().pattern
    for text in _sample_texts():
        spans = _Sentences(text).all()
        ends = {m.end() for m in cue.finditer(text)}
        for s, e in spans:
            assert {m.end() for m in cue.finditer(text, s, e)} <= ends
        for taken in ([], [(m.start(), m.end() + 3) for m in cue.finditer(text)]):
            per_sentence = any(all(m.end() < x or m.end() >= y for x, y in taken)
                               for s, e in spans for m in cue.finditer(text, s, e))
            assert not per_sentence or _free_cue(text, taken)


def test_ner_cue_is_the_plain_pattern():
    """The honorific cue before a name, searched fast, finds what the plain pattern finds."""
    import regex

    from extractor.entities.officials import _ner_cue

    plain = regex.compile(r"(?<![\p{L}])(?:[ôÔ]ng|[bB]à|[aA]nh|[cC]hị|[đĐ]ồng chí)\s+(?=\p{Lu})")
    texts = _sample_texts() + ["ÔNG Nam, Ông\nNam, xông Hà, (bà Hoa) anh\u00a0Ba, chị\u2003Tư, đồng  chí Năm",
                               "Ông Ａnh, ông Ⅻ, ông İ, bà\u0130, ông\u1e9e"]
    for text in texts:
        assert [m.span() for m in _ner_cue().finditer(text)] == [m.span() for m in plain.finditer(text)]
        assert [m.span() for m in _ner_cue().pattern.finditer(text)] == [m.span() for m in plain.finditer(text)]
