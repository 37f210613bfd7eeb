"""The gazetteer: generated tables, codes, the 2025 merger, aliases, look-ups, folding."""
from __future__ import annotations

import pytest

from extractor.entities.gazetteer import gazetteer, name_key
from extractor.normalize.text import fold, fold_key
from extractor.rules import load_tsv

# Which province each old province joined in 2025 (Resolution 202/2025/QH15), as the
# brief lists it: the generated data must agree.
MERGER = {
    "Bắc Giang": "Bắc Ninh", "Hậu Giang": "Cần Thơ", "Sóc Trăng": "Cần Thơ", "Nam Định": "Ninh Bình",
    "Hà Nam": "Ninh Bình", "Bà Rịa - Vũng Tàu": "Hồ Chí Minh", "Tiền Giang": "Đồng Tháp",
    "Đồng Tháp": "Đồng Tháp", "Phú Yên": "Đắk Lắk", "Lạng Sơn": "Lạng Sơn", "Thanh Hóa": "Thanh Hóa",
    "Hà Nội": "Hà Nội", "Tuyên Quang": "Tuyên Quang", "Hà Giang": "Tuyên Quang", "Lai Châu": "Lai Châu",
    "Cà Mau": "Cà Mau", "Bạc Liêu": "Cà Mau", "Đồng Nai": "Đồng Nai", "Bình Phước": "Đồng Nai",
}
CODES = {"Hà Nội": "01", "Bắc Giang": "24", "Thanh Hóa": "38", "Nam Định": "36", "Hậu Giang": "93",
         "Hồ Chí Minh": "79", "Cà Mau": "96", "Lai Châu": "12", "Đồng Nai": "75"}


def test_generated_tables_have_the_whole_map():
    assert len(load_tsv("gazetteer/provinces_old.tsv")) == 63
    assert len(load_tsv("gazetteer/provinces_2025.tsv")) == 34
    assert len(load_tsv("gazetteer/districts.tsv")) >= 696
    assert len(load_tsv("gazetteer/communes.tsv")) >= 10000
    assert len(load_tsv("gazetteer/wards_2025.tsv")) >= 3300
    old = load_tsv("gazetteer/provinces_old.tsv")
    new_names = {r["name"] for r in load_tsv("gazetteer/provinces_2025.tsv")}
    assert {r["current_name"] for r in old} == new_names      # every 2025 province receives some


@pytest.mark.parametrize("old,new", sorted(MERGER.items()))
def test_merger_matches_resolution_202(old, new):
    p = gazetteer().province(old)
    assert p is not None and p.current_province == new


@pytest.mark.parametrize("name,code", sorted(CODES.items()))
def test_official_province_codes(name, code):
    assert gazetteer().province(name).code == code


@pytest.mark.parametrize("alias,name", [
    ("TP.HCM", "Hồ Chí Minh"), ("TP. Hồ Chí Minh", "Hồ Chí Minh"), ("Thành phố Hồ Chí Minh", "Hồ Chí Minh"),
    ("tphcm", "Hồ Chí Minh"), ("Thừa Thiên Huế", "Thừa Thiên Huế"), ("Huế", "Thừa Thiên Huế"),
    ("Thanh Hoá", "Thanh Hóa"), ("Khánh Hoà", "Khánh Hòa"), ("tỉnh Hòa Bình", "Hòa Bình"),
    ("Bà Rịa–Vũng Tàu", "Bà Rịa - Vũng Tàu"), ("BR-VT", "Bà Rịa - Vũng Tàu"), ("ĐẮK LẮK", "Đắk Lắk"),
])
def test_province_aliases_and_spellings(alias, name):
    assert gazetteer().province(alias).name == name


@pytest.mark.parametrize("written,name,level,province", [
    ("Đakrông", "Đa Krông", "district", "Quảng Trị"), ("Ayunpa", "Ayun Pa", "district", "Gia Lai"),
    ("Kontum", "Kon Tum", "province", "Kon Tum"), ("Sapa", "Sa Pa", "district", "Lào Cai"),
])
def test_a_name_written_as_one_word_finds_its_unit(written, name, level, province):
    units = gazetteer().lookup(written, level=level)
    assert [(u.name, u.province) for u in units] == [(name, province)]


@pytest.mark.parametrize("written,name,province", [
    ("huyện Ea H'leo", "Ea H'leo", "Đắk Lắk"), ("huyện Cư M’gar", "Cư M'gar", "Đắk Lắk"),
    ("huyện Đắk R'Lấp", "Đắk R'Lấp", "Đắk Nông"), ("xã Nâm N'Jang", "Nâm N'Jang", "Đắk Nông"),
    ("huyện Ia H'Drai", "Ia H' Drai", "Kon Tum"),
])
def test_a_name_with_an_apostrophe_is_found_in_running_text(written, name, province):
    from extractor.entities import find_entities
    found = [e for e in find_entities(f"Năm 2020, {written} có 3.875 người tham gia BHYT.")
             if e.type in ("DISTRICT", "COMMUNE")]
    assert [(e.text, e.normalized["name"], e.normalized["province"]) for e in found] == [
        (written, name, province)]


def test_unknown_province_is_none():
    assert gazetteer().province("Atlantis") is None
    assert gazetteer().province("") is None


def test_both_tone_placements_find_the_same_district():
    g = gazetteer()
    a = g.lookup("Giao Thuỷ", level="district")
    b = g.lookup("Giao Thủy", level="district")
    assert a and a == b and a[0].province == "Nam Định" and a[0].code == "365"


def test_ambiguous_names_and_province_filter():
    g = gazetteer()
    chau_thanh = g.lookup("Châu Thành", level="district")
    assert len({u.province for u in chau_thanh}) >= 8
    hg = g.lookup("huyện Châu Thành", level="district", province="Hậu Giang")
    assert [(u.name, u.province, u.code) for u in hg] == [("Châu Thành", "Hậu Giang", "933")]
    long_my = g.lookup("Long Mỹ", level="district", province="Hậu Giang")
    assert {u.type for u in long_my} == {"huyện", "thị xã"}
    giao_tan = g.lookup("Giao Tân", level="commune")
    assert [(u.province, u.district) for u in giao_tan if u.era == "old"] == [("Nam Định", "Giao Thủy")]


def test_units_dissolved_before_2025_are_kept():
    my_loc = gazetteer().lookup("Mỹ Lộc", level="district")
    assert my_loc and my_loc[0].dissolved and my_loc[0].province == "Nam Định"


def test_2025_wards_belong_to_the_new_province():
    wards = gazetteer().lookup("Ba Đình", level="commune", era="2025")
    assert any(u.province == "Hà Nội" and u.current_province == "Hà Nội" for u in wards)


def test_region_dicts():
    g = gazetteer()
    assert g.region("Bắc Giang", "province") == {
        "name": "Bắc Giang", "level": "province", "province": "Bắc Giang", "code": "24",
        "current_province": "Bắc Ninh"}
    assert g.region("huyện Giao Thủy", "district", "Nam Định") == {
        "name": "Giao Thủy", "level": "district", "province": "Nam Định", "code": "365",
        "current_province": "Ninh Bình"}
    assert g.region("Việt Nam", "national") == {
        "name": "Việt Nam", "level": "national", "province": None, "code": None, "current_province": None}
    amb = g.region("Châu Thành", "district")
    assert amb["name"] == "Châu Thành" and amb["code"] is None and amb["province"] is None
    unknown = g.region("Xyz", "district", "Nam Định")
    assert unknown["code"] is None and unknown["province"] == "Nam Định"


def test_fold_is_length_preserving_and_tone_blind():
    for s in ("Đồng Tháp", "Thừa Thiên Huế", "Hoà Bình", "Hòa Bình", "ĐẮK LẮK"):
        assert len(fold(s)) == len(s)
    assert fold("Hoà") == fold("Hòa") == "hoa"
    assert fold("Thuỷ") == fold("Thủy") == "thuy"
    assert fold("Đà Nẵng") == "da nang"
    assert fold_key("Bà Rịa - Vũng Tàu") == "bariavungtau"
    assert name_key("TP.HCM") == ("tp", "hcm")


# --------------------------------------------------------------------------- shortcuts
def test_name_key_is_the_alphanumeric_runs_of_the_folded_name():
    """name_key reads runs with re: the same words as splitting where str.isalnum() fails."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from extractor.entities.gazetteer import name_key
    from extractor.normalize.text import fold

    def plain(name):
        return tuple("".join(c if c.isalnum() else " " for c in fold(name)).split())

    names = ["Bà Rịa - Vũng Tàu", "Quận 1", "Thừa Thiên_Huế", "Ea H'Leo", "½ x²", "٣ Ⅻ 東京", ""]
    for n in names:
        assert name_key(n) == plain(n), n

    @settings(max_examples=300, deadline=None)
    @given(st.text(max_size=30))
    def same(n):
        assert name_key(n) == plain(n)
    same()


def test_holds_is_membership():
    from dataclasses import replace

    from extractor.entities.gazetteer import _holds

    g = gazetteer()
    units = g.lookup("Châu Thành")
    assert len(units) > 3
    for u in units + g.units[:50]:
        twin = replace(u)                       # equal, not the same object
        for pool in (units, units[1:], [twin], []):
            assert _holds(pool, u) == (u in pool)


def test_a_district_is_found_under_a_former_name_of_its_own():
    g = gazetteer()
    # merged or renamed: the former name is a unit of its own, same code and province
    (was,) = g.lookup("Đạ Tẻh", level="district")
    assert (was.name, was.code, was.province) == ("Đạ Tẻh", "682", "Lâm Đồng")
    (nghi_son,) = g.lookup("Tĩnh Gia", level="district")
    assert (nghi_son.name, nghi_son.type, nghi_son.code) == ("Tĩnh Gia", "huyện", "407")
    assert {u.name for u in g.lookup("Đạ Huoai", level="district")} == {"Đạ Huoai"}
    assert g.unit("district", "682").name == "Đạ Huoai"            # the code is the current unit's
    # another spelling of the same name stays the unit's own name
    assert [u.name for u in g.lookup("Qui Nhơn", level="district")] == ["Quy Nhơn"]
