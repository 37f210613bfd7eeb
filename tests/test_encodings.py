"""Decoding text files: UTF-8/16 with and without BOM, Windows-1258, TCVN3 (ABC), VNI."""
from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.ingest import ReadError, read_path
from extractor.ingest.encodings import decode
from extractor.ingest.errors import EncodingProblem
from extractor.ingest.legacy_fonts import (TCVN3, VNI, detect_legacy, font_draws_capitals,
                                           font_encoding, from_tcvn3, from_vni, to_tcvn3, to_vni)
from extractor.ingest.looks_vietnamese import score

SENTENCES = [
    "Năm 2021, toàn tỉnh Thanh Hóa có 3.242.690 người tham gia, tăng 41.886 người so với năm 2020.",
    "Theo báo cáo của Ban Chỉ đạo, tính đến hết ngày 30/09/2022, toàn tỉnh có 1.741.540 người "
    "tham gia BHYT, đạt 100,1% kế hoạch BHXH Việt Nam giao.",
    "Tỷ lệ bao phủ bảo hiểm y tế huyện Phụng Hiệp đạt 75,97%, huyện Châu Thành đạt 80,66%.",
    "Ủy ban nhân dân các xã, thị trấn khẩn trương thực hiện; người dân được khám chữa bệnh ở trạm y tế.",
]
TEXT = "\n".join(SENTENCES) + "\n"

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def to_cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese software wrote it: base letters (with ă, â, ơ...) plus
    combining tone marks where no precomposed character exists."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        d = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in d if c not in _TONES))
        out += base.encode("cp1258")
        out += "".join(c for c in d if c in _TONES).encode("cp1258")
    return bytes(out)


# Real-world mojibake, as legacy documents show when opened without their fonts.
TCVN3_KNOWN = [("Céng hoµ x· héi chñ nghÜa ViÖt Nam", "Cộng hoà xã hội chủ nghĩa Việt Nam"),
               ("§éc lËp - Tù do - H¹nh phóc", "Độc lập - Tự do - Hạnh phúc"),
               ("Ng\xadêi tham gia b¶o hiÓm y tÕ ®\xadîc kh¸m ch÷a bÖnh",
                "Người tham gia bảo hiểm y tế được khám chữa bệnh"),
               ("n¨m 2017 t¨ng d©n sè", "năm 2017 tăng dân số")]
VNI_KNOWN = [("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", "Cộng hòa xã hội chủ nghĩa Việt Nam"),
             ("Ñoäc laäp - Töï do - Haïnh phuùc", "Độc lập - Tự do - Hạnh phúc"),
             ("Ngöôøi tham gia baûo hieåm y teá ñöôïc khaùm chöõa beänh",
              "Người tham gia bảo hiểm y tế được khám chữa bệnh"),
             ("COÄNG HOØA XAÕ HOÄI CHUÛ NGHÓA VIEÄT NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")]


@pytest.mark.parametrize("garbled,expected", TCVN3_KNOWN)
def test_tcvn3_table_matches_real_documents(garbled, expected):
    assert from_tcvn3(garbled) == expected


@pytest.mark.parametrize("garbled,expected", VNI_KNOWN)
def test_vni_table_matches_real_documents(garbled, expected):
    assert from_vni(garbled) == expected


def test_tcvn3_capital_lines_are_restored():
    # .VnTimeH headings use the lower-case codes: the converter restores the capitals.
    assert from_tcvn3("CéNG HßA X· HéI CHñ NGHÜA VIÖT NAM") == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert from_tcvn3("KÕ HO¹CH") == "KẾ HOẠCH"
    # ... but an acronym next to a one-letter word is no reason to shout.
    assert from_tcvn3("Sè: 12/UBND-VX") == "Số: 12/UBND-VX"
    assert from_tcvn3("VÒ BHYT, sè ng\xadêi tham gia t¨ng") == "Về BHYT, số người tham gia tăng"


def _write(tmp_path, name, data: bytes) -> str:
    p = tmp_path / name
    p.write_bytes(data)
    return str(p)


@pytest.mark.parametrize("kind,data,encoding", [
    ("utf8", TEXT.encode("utf-8"), "utf-8"),
    ("utf8-bom", b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8 (BOM)"),
    ("utf16-le-bom", b"\xff\xfe" + TEXT.encode("utf-16-le"), "utf-16-le (BOM)"),
    ("utf16-be-bom", b"\xfe\xff" + TEXT.encode("utf-16-be"), "utf-16-be (BOM)"),
    ("utf16-le", TEXT.encode("utf-16-le"), "utf-16-le"),
    ("utf16-be", TEXT.encode("utf-16-be"), "utf-16-be"),
    ("cp1258", to_cp1258(TEXT), "cp1258"),
])
def test_unicode_and_cp1258_files_round_trip(tmp_path, kind, data, encoding):
    doc = read_path(_write(tmp_path, f"{kind}.txt", data))
    assert doc.text == TEXT
    assert doc.encoding == encoding
    assert not doc.text.startswith("\ufeff")


def test_cp1258_is_decoded_to_nfc_with_a_warning(tmp_path):
    raw = to_cp1258("Việt Nam")
    assert b"\xf2" in raw  # the dot below is a separate combining byte in Windows-1258
    doc = read_path(_write(tmp_path, "a.txt", raw + b" " + to_cp1258(TEXT)))
    assert doc.text.startswith("Việt Nam ")
    assert unicodedata.is_normalized("NFC", doc.text)
    assert any("1258" in w for w in doc.warnings)


@pytest.mark.parametrize("name,encode,decoder", [(TCVN3, to_tcvn3, from_tcvn3), (VNI, to_vni, from_vni)])
def test_legacy_files_are_converted_and_noted(tmp_path, name, encode, decoder):
    raw = encode(TEXT).encode("cp1252")
    doc = read_path(_write(tmp_path, "old.txt", raw))
    assert doc.encoding == name
    assert f"converted from {name}" in doc.warnings
    assert doc.text == TEXT


def test_legacy_text_saved_as_utf8_is_converted_too(tmp_path):
    raw = ("\n".join(g for g, _ in TCVN3_KNOWN) + "\n").encode("utf-8")
    doc = read_path(_write(tmp_path, "moji.txt", raw))
    assert doc.text.splitlines() == [e for _, e in TCVN3_KNOWN]
    assert doc.encoding == "utf-8"
    assert any("TCVN3" in w for w in doc.warnings)


def test_real_unicode_text_is_never_converted():
    for text in SENTENCES + ["Bà Rịa - Vũng Tàu", "café crème brûlée", "Hồ Chí Minh", "Ôn tập"]:
        assert detect_legacy(text) is None
        assert decode(text.encode("utf-8")).text == text


SEEDS = Path(__file__).resolve().parents[2] / "shared" / "corpus-dev" / "seeds"


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared corpus not beside the repository")
def test_seed_documents_decode_unchanged_in_every_encoding():
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        assert decode(text.encode("utf-8")).text == text
        assert decode(to_cp1258(text)).text == text
        assert decode(to_vni(text).encode("cp1252")).text == text
        # TCVN3 cannot store capital toned letters; case aside it must round trip.
        assert decode(to_tcvn3(text).encode("cp1252")).text.lower() == text.lower()


def test_latin1_french_is_an_unknown_encoding(tmp_path):
    raw = "Le garçon a reçu une crème brûlée très française à Noël.".encode("latin-1")
    with pytest.raises(ReadError) as e:
        read_path(_write(tmp_path, "fr.txt", raw))
    assert "unknown text encoding" in e.value.reason
    assert str(e.value).startswith(str(tmp_path / "fr.txt"))


def test_decode_raises_encoding_problem_without_a_path():
    with pytest.raises(EncodingProblem, match="binary"):
        decode(b"\x00\x01\x02\x03" * 100)
    with pytest.raises(EncodingProblem, match="empty"):
        decode(b"\xef\xbb\xbf  \n")


def test_vietnamese_score_separates_right_and_wrong_decodings():
    right = score(TEXT)
    assert right > 0.8
    for wrong in (to_tcvn3(TEXT), to_vni(TEXT), TEXT.encode("utf-8").decode("cp1252", "replace")):
        assert score(wrong) < right - 0.4


def test_font_names():
    assert font_encoding(".VnTime") == TCVN3
    assert font_encoding(".VnArialH") == TCVN3
    assert font_encoding("VNI-Times") == VNI
    assert font_encoding("Times New Roman") is None
    assert font_encoding(None) is None
    assert font_draws_capitals(".VnTimeH") and not font_draws_capitals(".VnTime")


VIET_LETTERS = "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
words = st.text(alphabet=VIET_LETTERS, min_size=1, max_size=7)


@settings(max_examples=200, deadline=None)
@given(st.lists(words, min_size=1, max_size=12), st.booleans())
def test_vni_round_trips_any_vietnamese_text(ws, upper):
    text = " ".join(ws)
    text = text.upper() if upper else text
    assert from_vni(to_vni(text)) == text


@settings(max_examples=200, deadline=None)
@given(st.lists(words, min_size=1, max_size=12))
def test_tcvn3_round_trips_lower_case_text(ws):
    text = " ".join(ws)
    assert from_tcvn3(to_tcvn3(text), capitals=False) == text
