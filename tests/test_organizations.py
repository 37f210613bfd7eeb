"""Organizations: recognised forms, expansion with the place, plural and generic mentions."""
from __future__ import annotations

import pytest

from extractor.entities import find_entities


def orgs(text, **kw):
    return [(e.text, e.normalized["name"], e.normalized["kind"], e.normalized["place"], e.normalized["plural"])
            for e in find_entities(text, use_ner=False, **kw) if e.type == "ORG"]


def test_ubnd_with_explicit_province():
    assert orgs("Ngày 24/10, UBND tỉnh Bắc Giang tổ chức Hội nghị.") == [
        ("UBND tỉnh Bắc Giang", "UBND tỉnh Bắc Giang", "UBND", "Bắc Giang", False)]


def test_level_word_alone_takes_the_documents_province():
    text = "Tiền Giang có hơn 74% người dân tham gia BHYT. Ông Lê Văn Hưởng, Chủ tịch UBND tỉnh phát biểu."
    got = orgs(text)
    assert ("UBND tỉnh", "UBND tỉnh Tiền Giang", "UBND", "Tiền Giang", False) in got


def test_province_hint_expands_when_the_text_names_none():
    got = orgs("Bảo hiểm xã hội tỉnh cho biết số người tham gia tăng.", province_hint="Đồng Nai")
    assert got == [("Bảo hiểm xã hội tỉnh", "Bảo hiểm xã hội tỉnh Đồng Nai", "BHXH", "Đồng Nai", False)]


def test_bhxh_needs_a_place_to_be_an_organization():
    text = "Tỉnh Thanh Hóa: người tham gia BHXH, BHYT tăng; BHXH Việt Nam giao chỉ tiêu cho BHXH huyện."
    got = orgs(text)
    assert [g[1] for g in got] == ["BHXH Việt Nam", "BHXH huyện"]
    assert got[0][3] == "Việt Nam"


@pytest.mark.parametrize("text,name,place", [
    ("Theo ông Đỗ Việt Hùng, Giám đốc BHXH huyện Giao Thủy, kết quả tốt.", "BHXH huyện Giao Thủy", "Giao Thủy"),
    ("theo Chủ tịch UBND xã Giao Tân (huyện Giao Thủy, Nam Định)", "UBND xã Giao Tân", "Giao Tân"),
    ("Báo cáo của Bảo hiểm xã hội thành phố Hà Nội cho biết", "Bảo hiểm xã hội thành phố Hà Nội", "Hà Nội"),
    ("Báo Bắc Giang đẩy mạnh tuyên truyền", "Báo Bắc Giang", "Bắc Giang"),
])
def test_organizations_linked_to_their_place(text, name, place):
    got = orgs(text)
    assert (name, place) in [(g[1], g[3]) for g in got]


def test_capital_letterhead_across_lines():
    got = orgs("ỦY BAN NHÂN DÂN\nTỈNH PHÚ YÊN\n--------\nSố: 122/KH-UBND")
    assert [(g[1], g[3]) for g in got] == [("UBND tỉnh Phú Yên", "Phú Yên")]


def test_document_numbers_are_not_organizations():
    assert orgs("Văn bản số 4111/UBND-YT ngày 11/10/2023") == []


@pytest.mark.parametrize("text", [
    "UBND các xã, thị trấn khẩn trương thực hiện",
    "Chủ tịch UBND huyện, thị xã, thành phố chủ động phối hợp",
])
def test_plural_mentions_are_marked(text):
    got = orgs(text)
    assert got and got[0][4] is True and got[0][3] is None


def test_national_bodies_and_committees():
    text = ("Thủ tướng Chính phủ phê duyệt; Nghị quyết số 21-NQ/TW của Bộ Chính trị; "
            "Ban Thường vụ Tỉnh ủy Bắc Giang; Sở Y tế tỉnh Bắc Giang; Ủy ban MTTQ tỉnh.")
    got = {g[1]: (g[2], g[3]) for g in orgs(text)}
    assert got["Chính phủ"] == ("GOVERNMENT", "Việt Nam")
    assert got["Bộ Chính trị"][0] == "PARTY_CENTRAL"
    assert got["Ban Thường vụ Tỉnh ủy Bắc Giang"] == ("PARTY_BOARD", "Bắc Giang")
    assert got["Sở Y tế tỉnh Bắc Giang"] == ("DEPARTMENT", "Bắc Giang")
    assert got["Ủy ban MTTQ tỉnh Bắc Giang"] == ("MTTQ", "Bắc Giang")


def test_steering_committee_name_stops_at_the_verb():
    got = orgs("Tỉnh Bắc Giang: Ban Chỉ đạo thực hiện chính sách BHXH, BHYT của tỉnh họp.")
    assert ("Ban Chỉ đạo thực hiện chính sách BHXH", "STEERING_COMMITTEE") in [(g[1], g[2]) for g in got]
