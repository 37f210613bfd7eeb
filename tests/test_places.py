"""Places in running text: matching, level words, context resolution, ambiguity, speed."""
from __future__ import annotations

from pathlib import Path

import pytest

from extractor.entities import document_places, find_entities
from extractor.entities.places import find_places

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "corpus-dev" / "seeds"


def places(text, **kw):
    return [(e.type, e.text, e.normalized["name"], e.normalized["province"], e.normalized["code"],
             e.normalized["current_province"], e.normalized["ambiguous"]) for e in find_places(text, **kw)]


def test_province_with_and_without_level_word():
    got = places("Năm 2021, toàn tỉnh Thanh Hóa có 3.242.690 người tham gia. Bắc Giang dẫn đầu.")
    assert got == [
        ("PROVINCE", "tỉnh Thanh Hóa", "Thanh Hóa", "Thanh Hóa", "38", "Thanh Hóa", False),
        ("PROVINCE", "Bắc Giang", "Bắc Giang", "Bắc Giang", "24", "Bắc Ninh", False),
    ]


def test_lower_case_words_are_never_places():
    assert places("vùng phú yên và long an không viết hoa") == []


@pytest.mark.parametrize("text,name", [
    ("Người dân TP.HCM tham gia BHYT", "Hồ Chí Minh"),
    ("Tại TP. Hồ Chí Minh, tỷ lệ bao phủ đạt 90%", "Hồ Chí Minh"),
    ("Thành phố Hồ Chí Minh có 9 triệu người", "Hồ Chí Minh"),
    ("Tỉnh Thừa Thiên Huế đạt 95%", "Thừa Thiên Huế"),
    ("tỉnh Hoà Bình đạt 95%", "Hòa Bình"),
    ("tỉnh Bà Rịa – Vũng Tàu đạt 95%", "Bà Rịa - Vũng Tàu"),
])
def test_aliases_in_text(text, name):
    got = places(text)
    assert [g[2] for g in got] == [name]


def test_ho_chi_minh_without_level_word_is_not_a_place():
    assert places("Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh") == []


def test_district_needs_context_or_level_word():
    # a bare district name of another province is not taken
    assert places("Hồng Dân") == []
    got = places("Tại Hậu Giang, huyện Long Mỹ đạt 53,24%, huyện Châu Thành đạt 80,66%, huyện Châu Thành A đạt 82%.")
    assert [(g[2], g[3], g[4]) for g in got[1:]] == [
        ("Long Mỹ", "Hậu Giang", "936"), ("Châu Thành", "Hậu Giang", "933"), ("Châu Thành A", "Hậu Giang", "932")]


def test_bare_districts_listed_in_a_province_document():
    text = ("Bắc Giang: toàn tỉnh đạt 99%. Một số huyện có tỷ lệ bao phủ cao như: "
            "Sơn Động (99.9%); Lục Nam (99.7%).")
    got = places(text)
    assert [(g[0], g[2]) for g in got] == [("PROVINCE", "Bắc Giang"), ("DISTRICT", "Sơn Động"),
                                           ("DISTRICT", "Lục Nam")]


def test_long_my_district_and_town_are_told_apart_by_level_word():
    got = places("Ở Hậu Giang, thị xã Long Mỹ và huyện Long Mỹ đều tăng.")
    assert [(g[2], g[4]) for g in got[1:]] == [("Long Mỹ", "937"), ("Long Mỹ", "936")]
    bare = places("Ở Hậu Giang, Long Mỹ tăng mạnh.")
    assert bare[1][2] == "Long Mỹ" and bare[1][6] is True and bare[1][4] is None


def test_chau_thanh_stays_ambiguous_without_context():
    got = find_places("Huyện Châu Thành đạt 80%.")
    assert len(got) == 1
    n = got[0].normalized
    assert n["ambiguous"] is True and n["candidates"] >= 8 and n["code"] is None


def test_province_hint_resolves_ambiguity():
    got = find_places("Huyện Châu Thành đạt 80%.", province_hint="Hậu Giang")
    assert got[0].normalized["code"] == "933" and got[0].normalized["ambiguous"] is False


def test_giao_tan_resolves_inside_nam_dinh():
    text = ("Giao Tân (huyện Giao Thủy, Nam Định) vẫn là một địa bàn xã thuần nông. "
            "Các xã như Giao Hà, Bạch Long, Giao Hương, Bình Hòa, Giao Tân đạt 97-98%.")
    got = places(text)
    communes = [(g[2], g[3]) for g in got if g[0] == "COMMUNE"]
    assert ("Giao Tân", "Nam Định") in communes and ("Bình Hòa", "Nam Định") in communes
    assert {n for n, _ in communes} == {"Giao Tân", "Giao Hà", "Bạch Long", "Giao Hương", "Bình Hòa"}
    assert all(p == "Nam Định" for _, p in communes)


def test_commune_list_after_plural_level_word():
    text = ("Huyện Giao Thủy (Nam Định) phát triển BHXH. Tiêu biểu có thể kể đến các xã: "
            "Giao Yên (75,17%), Giao Châu (72,59%), Giao Hải (71,04%)...")
    got = find_places(text)
    communes = [e.normalized for e in got if e.type == "COMMUNE"]
    # the text's spelling is kept where the map spells the name differently ("Giao Yến")
    assert [n["name"] for n in communes] == ["Giao Yên", "Giao Châu", "Giao Hải"]
    assert communes[0]["gazetteer_name"] == "Giao Yến" and communes[0]["code"] == "14194"


def test_parent_chain_in_address():
    got = places("anh Dá lên UBND xã Huổi Luông, huyện Phong Thổ, tỉnh Lai Châu làm giấy tờ")
    assert [(g[0], g[2], g[3]) for g in got] == [
        ("COMMUNE", "Huổi Luông", "Lai Châu"), ("DISTRICT", "Phong Thổ", "Lai Châu"),
        ("PROVINCE", "Lai Châu", "Lai Châu")]


def test_city_level_word_makes_a_district():
    got = places("Người dân khám bệnh tại một phòng khám ở TP Cà Mau, tỉnh Cà Mau.")
    assert [(g[0], g[1], g[4]) for g in got] == [("DISTRICT", "TP Cà Mau", "964"),
                                                 ("PROVINCE", "tỉnh Cà Mau", "96")]


def test_people_and_bylines_are_not_places():
    text = ("Tỉnh Hậu Giang đạt 85%. Theo ông Hà Nam, kết quả khả quan. Bà Nguyễn Thị Hà Nam "
            "và ông Trần Thanh Đức dự họp.\n\nHồng Dân")
    got = places(text)
    assert [g[2] for g in got] == ["Hậu Giang"]


@pytest.mark.parametrize("title", ["Phú Yên", "PHÚ YÊN", "Tin Phú Yên"])
def test_a_name_on_the_first_line_of_a_short_text_is_no_byline(title):
    """The last lines may hold an author's name, but the first line is a title or a
    dateline, even when the text has only two or three lines."""
    got = places(title + "\nNăm 2023, toàn tỉnh có 787.540 người tham gia BHYT.\n\nHồng Dân")
    assert [(g[0], g[2]) for g in got] == [("PROVINCE", "Phú Yên")]


def test_unknown_places_are_names_after_a_level_word_that_no_place_covers():
    from extractor.entities import find_entities
    from extractor.entities.places import unknown_places
    text = ("Các huyện: huyện Hướng Hóa đạt 89,2%, huyện Xaphin đạt 90,5%, Xã Abc Def đạt 3%; "
            "xã Ia Tơi, huyện Ia H' Drai có 3.875 người. Tỉnh ủy và Bảo hiểm xã Hội, xã NTM.")
    places = [e for e in find_entities(text) if e.type in ("PROVINCE", "DISTRICT", "COMMUNE")]
    assert [text[a:b] for a, b in unknown_places(text, places)] == ["Xaphin", "Abc Def"]


def test_dissolved_district_and_its_communes():
    text = ("ỦY BAN NHÂN DÂN HUYỆN MỸ LỘC yêu cầu các xã, nhất là xã Mỹ Tân, xã Mỹ Phúc, "
            "xã Mỹ Thắng và Thị trấn Mỹ Lộc.")
    got = places(text)
    assert got[0][:3] == ("DISTRICT", "HUYỆN MỸ LỘC", "Mỹ Lộc") and got[0][3] == "Nam Định"
    assert [(g[2], g[3]) for g in got[1:]] == [("Mỹ Tân", "Nam Định"), ("Mỹ Phúc", "Nam Định"),
                                               ("Mỹ Thắng", "Nam Định"), ("Mỹ Lộc", "Nam Định")]


def test_offsets_cover_the_name_and_level_word():
    text = "Bảo hiểm xã hội huyện Giao Thủy trao thẻ."
    e = find_places(text)[0]
    assert text[e.start:e.end] == e.text == "huyện Giao Thủy"


def test_document_places_from_source_tag_and_places():
    text = "(HG) - Đến cuối tháng 9, toàn tỉnh có 610.930 người tham gia BHYT. Cao nhất là huyện Long Mỹ."
    ents = find_entities(text, use_ner=False)
    ctx = document_places(text, ents)
    assert ctx["province"] == "Hậu Giang" and ctx["province_code"] == "93"
    assert ctx["current_province"] == "Cần Thơ"
    tagged = "Thông tin từ baolangson.vn: chỉ tiêu bao phủ năm 2020 là 92,6%."
    assert document_places(tagged, [])["province"] == "Lạng Sơn"
    assert document_places("Cả nước có 88 triệu người tham gia.", [])["province"] is None


def test_document_district_only_when_dominant():
    text = ("Huyện Giao Thủy (Nam Định): Phát triển bền vững BHYT\n"
            "Toàn huyện Giao Thủy có 170.342 người tham gia BHYT; huyện Giao Thủy đạt 95%.")
    ctx = document_places(text, find_entities(text, use_ner=False))
    assert ctx["province"] == "Nam Định" and ctx["district"] == "Giao Thủy"
    text2 = "Bắc Giang: Sơn Động (99.9%); Lục Nam (99.7%)."
    assert document_places(text2, find_entities(text2, use_ner=False))["district"] is None


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared corpus not present")
def test_places_of_the_seeds():
    from extractor.ingest.cleanup import clean
    expected = {  # (doc, type, name) that must be found, and the document's province
        "000": ({("DISTRICT", "Sơn Động"), ("DISTRICT", "Lục Nam"), ("PROVINCE", "Bắc Giang")}, "Bắc Giang"),
        "003": ({("DISTRICT", "Giao Thủy"), ("COMMUNE", "Giao Tân"), ("COMMUNE", "Bình Hòa"),
                 ("COMMUNE", "Giao Hải")}, "Nam Định"),
        "004": ({("DISTRICT", "Vị Thủy"), ("DISTRICT", "Phụng Hiệp"), ("DISTRICT", "Long Mỹ"),
                 ("DISTRICT", "Châu Thành"), ("DISTRICT", "Châu Thành A")}, "Hậu Giang"),
    }
    for path in sorted(SEEDS.glob("*.txt")):
        key = path.name[:3]
        if key not in expected:
            continue
        text = clean(path.read_text(encoding="utf-8")).text
        ents = find_entities(text, use_ner=False)
        found = {(e.type, e.normalized["name"]) for e in ents if e.type in ("PROVINCE", "DISTRICT", "COMMUNE")}
        want, province = expected[key]
        assert want <= found, (key, want - found)
        assert all(e.normalized["province"] == province for e in ents
                   if e.type in ("DISTRICT", "COMMUNE")), key
        assert document_places(text, ents)["province"] == province


def test_find_entities_asked_again_with_a_hint_gives_what_a_first_ask_gives():
    # the pipeline asks about a document again with its province; the organizations and
    # people of the last text are kept when its places come out the same (see find_entities)
    text = ("Ông Nguyễn Văn An, Giám đốc BHXH huyện Châu Thành, cho biết huyện Châu Thành "
            "có 80% người dân tham gia BHYT.\nUBND tỉnh Hậu Giang chỉ đạo.")
    first = [e.to_dict() for e in find_entities(text, use_ner=False)]
    again = [e.to_dict() for e in find_entities(text, province_hint="Hậu Giang", use_ner=False)]
    fresh = [e.to_dict() for e in find_entities("".join(list(text)), province_hint="Hậu Giang",
                                                use_ner=False)]
    assert again == fresh
    assert first == [e.to_dict() for e in find_entities(text, use_ner=False)]
    # the kept list is not handed out itself: changing one answer leaves the next alone
    got = find_entities(text, use_ner=False)
    got.clear()
    assert [e.to_dict() for e in find_entities(text, use_ner=False)] == first


# --------------------------------------------------------------------------- shortcuts
def _mentions(ms):
    return [(m.start, m.end, m.name_start, m.name_end, [u.code for u in m.candidates], m.level_word,
             m.inexact, m.plural, m.person_cue, m.byline, m.first_token, m.last_token) for m in ms]


def test_scan_of_runs_gives_the_mentions_of_the_scan_of_all_words():
    """`scan` visits the runs of capitalised words (not those that begin with a digit, nor
    lone digits); reading every word (`tokenize`) finds the same mentions."""
    from pathlib import Path

    from extractor.entities.places import scan, tokenize
    from extractor.ingest.cleanup import clean

    texts = [
        "Năm 2024 Giao Thủy có 2 Giao Tân, 3 xã Giao Yến; 12 Hải Dương - 15 Nam Định.",
        "Ông 2 Nguyễn Hà Nam, 2’Giao Thủy, 2-Giao Thủy, 5 - Hải Dương, 95,5 Huyện Giao Thủy.",
        "7 TỈNH HẢI DƯƠNG, 8 tỉnh Hải Dương, các xã 9 Giao Tân, Quận 1 Hà Nội, 2 3 Giao Thủy.",
        "2024 Hà Nội 東京 12 Giao Thủy, 3 Hải Dương",                    # not usual: the regex pattern
    ]
    root = Path(__file__).resolve().parents[1]
    texts += [clean(p.read_text(encoding="utf-8")).text for p in sorted((root / "corpus").glob("*.md"))]
    texts += [clean(p.read_text(encoding="utf-8")).text
              for p in sorted((root.parent / "shared" / "corpus-dev" / "docs").glob("*.txt"))[:40]]
    for text in texts:
        assert _mentions(scan(text)) == _mentions(scan(text, tokenize(text))), text[:60]


def test_a_name_spelled_otherwise_than_the_old_entry_still_finds_the_district():
    # the old data spells the district "Mù Căng Chải"; only a 2025 commune is "Mù Cang Chải"
    got = places("Năm 2021, tỉnh Yên Bái có 700.000 người; huyện Mù Cang Chải có 60.000 người, "
                 "Nà Hang (Tuyên Quang) có 50.000 người.")
    assert [(g[0], g[1], g[3]) for g in got] == [
        ("PROVINCE", "tỉnh Yên Bái", "Yên Bái"), ("DISTRICT", "huyện Mù Cang Chải", "Yên Bái"),
        ("DISTRICT", "Nà Hang", "Tuyên Quang"), ("PROVINCE", "Tuyên Quang", "Tuyên Quang")]
    # where the exact spelling names an old unit, it is still the one chosen
    (tinh_hai,) = [g for g in places("xã Tĩnh Hải, thị xã Nghi Sơn") if g[0] == "COMMUNE"]
    assert tinh_hai[2] == "Tĩnh Hải"
