"""The administrative units of Vietnam, before and after the 2025 reform, with codes.

Loads the generated tables under `rules/gazetteer/` (see scripts/build_gazetteer.py)
and the hand-kept aliases in `rules/place_aliases.tsv`, and answers look-ups:

    g = gazetteer()
    g.province("TP.HCM")            -> Unit(name="Hồ Chí Minh", code="79", ...)
    g.lookup("Châu Thành", level="district", province="Hậu Giang")
    g.region("Giao Thủy", "district", "Nam Định")  -> the record's region dict

Old units (63 provinces, their districts and communes) carry `current_province`,
the 2025 province their province joined; 2025 wards carry their new province.
Look-ups fold case, diacritics and both tone-mark placements, and find a name of
several words also written as one ("Đakrông", "Ayunpa", "Sapa"). Finding places in
running text is `places.py`'s job, not this module's.
"""
from __future__ import annotations

import functools
import re
from collections import defaultdict
from dataclasses import asdict, dataclass, replace

import regex

from ..ingest.cleanup import canonical_tones
from ..normalize.text import fold
from ..rules import load_tsv, load_yaml

LEVELS = ("province", "district", "commune")


@dataclass(frozen=True)
class Unit:
    """One administrative unit. `era` is "old" (pre-2025 map) or "2025"."""
    name: str
    level: str                     # province | district | commune
    type: str                      # tỉnh, thành phố, huyện, quận, thị xã, xã, phường, thị trấn, đặc khu
    code: str
    province: str                  # the province containing it (itself for a province)
    province_code: str
    current_province: str          # the 2025 province it belongs to
    current_code: str
    district: str | None = None
    district_code: str | None = None
    era: str = "old"
    dissolved: bool = False        # gone from the map before the 2025 reform
    former_district_codes: tuple[str, ...] = ()   # districts a commune belonged to earlier
    former_types: tuple[str, ...] = ()            # "thị xã" for a town made a city later

    def in_district(self, code: str | None) -> bool:
        return code is not None and (self.district_code == code or code in self.former_district_codes)

    def region(self) -> dict:
        return {"name": self.name, "level": self.level, "province": self.province,
                "code": self.code, "current_province": self.current_province}

    def to_dict(self) -> dict:
        return asdict(self)


_WORDS = regex.compile(r"\w+(?:['’]\w+)*")
# a run of characters for which str.isalnum() holds: re's \w is exactly those and "_"
_ALNUM_RUN = re.compile(r"[^\W_]+")


def exact_key(name: str) -> str:
    """Lower-case words with their diacritics: tells "Tỉnh Hải" from "Tĩnh Hải"."""
    return canonical_tones(" ".join(_WORDS.findall(name.lower())))


def name_key(name: str) -> tuple[str, ...]:
    """Folded word tuple of a name: "Bà Rịa - Vũng Tàu" -> ("ba", "ria", "vung", "tau").
    (The runs of alphanumeric characters of the folded name.)"""
    return tuple(_ALNUM_RUN.findall(fold(name)))


def _written_forms(name: str) -> list[tuple[tuple[str, ...], str]]:
    """(folded key, exact key) of the ways a name is written in running text: as it is;
    as one word ("Đakrông", "Kontum", "Ayunpa", "Sapa" for Đa Krông, Kon Tum, Ayun Pa,
    Sa Pa); and, for a name with an apostrophe, with its apostrophe inside a word, as
    places.py reads words, straight or curly ("Ea H'leo", "Cư M’gar", "Ia H'Drai")."""
    key, exact = name_key(name), exact_key(name)
    forms = [(key, exact)]
    if len(key) > 1:
        forms.append((("".join(key),), exact.replace(" ", "")))
    if "'" in name or "’" in name:
        for quote in ("'", "’"):
            written = _APOSTROPHE.sub(quote, name)
            forms.append((tuple(fold(w) for w in _WORDS.findall(written)), exact_key(written)))
    return forms


_APOSTROPHE = re.compile(r"\s*['’]\s*")


def _former_names(name: str, former: str) -> tuple[list[str], list[str]]:
    """A unit's former names split into other spellings of its name ("Qui Nhơn" for Quy
    Nhơn: y and i folded together) and names of their own ("Đạ Tẻh" for Đạ Huoai)."""
    spelled = "".join(name_key(name)).replace("y", "i")
    spellings, renamed = [], []
    for n in filter(None, former.split("|")):
        (spellings if "".join(name_key(n)).replace("y", "i") == spelled else renamed).append(n)
    return spellings, renamed


def _holds(units: list[Unit], unit: Unit) -> bool:
    """`unit in units`, with the whole units compared only where the codes agree (equal
    units have equal codes; comparing all fields of every unit of a common name is slow)."""
    code = unit.code
    for u in units:
        if u is unit or (u.code == code and u == unit):
            return True
    return False


class Gazetteer:
    """Indexes of all units by folded name (and alias), by code and by parent."""

    def __init__(self) -> None:
        self.units: list[Unit] = []
        self.by_key: dict[tuple[str, ...], list[Unit]] = defaultdict(list)
        self.by_exact: dict[str, list[Unit]] = defaultdict(list)   # exact_key -> units
        self.by_code: dict[tuple[str, str, str], Unit] = {}     # (era, level, code)
        self.provinces_old: dict[str, Unit] = {}               # code -> Unit
        self.provinces_2025: dict[str, Unit] = {}
        self.children: dict[str, list[Unit]] = defaultdict(list)  # parent code -> units
        self._load()

    # -- building --------------------------------------------------------------
    def _add(self, unit: Unit, names: list[str]) -> None:
        self.units.append(unit)
        self.by_code[(unit.era, unit.level, unit.code)] = unit
        for n in dict.fromkeys([unit.name, *names]):
            if n:
                self._index(n, unit)

    def _index(self, name: str, unit: Unit) -> None:
        for key, exact in _written_forms(name):
            if key and not _holds(self.by_key[key], unit):
                self.by_key[key].append(unit)
            if exact and not _holds(self.by_exact[exact], unit):
                self.by_exact[exact].append(unit)

    def _load(self) -> None:
        new_names = {}
        for r in load_tsv("gazetteer/provinces_2025.tsv"):
            new_names[r["code"]] = r["name"]
            u = Unit(r["name"], "province", r["type"], r["code"], r["name"], r["code"],
                     r["name"], r["code"], era="2025")
            self.provinces_2025[r["code"]] = u
            self.by_code[("2025", "province", r["code"])] = u
        for r in load_tsv("gazetteer/provinces_old.tsv"):
            u = Unit(r["name"], "province", r["type"], r["code"], r["name"], r["code"],
                     r["current_name"], r["current_code"])
            self.provinces_old[r["code"]] = u
            self._add(u, r["former_names"].split("|"))
        # A 2025 province without an old namesake (none today) is still findable.
        old_keys = {name_key(u.name) for u in self.provinces_old.values()}
        for u in self.provinces_2025.values():
            if name_key(u.name) not in old_keys:
                self._add(u, [])
        districts = {}
        for r in load_tsv("gazetteer/districts.tsv"):
            p = self.provinces_old[r["province_code"]]
            u = Unit(r["name"], "district", r["type"], r["code"], p.name, p.code,
                     p.current_province, p.current_code, dissolved=r["dissolved"] == "1",
                     former_types=tuple(t for t in r["former_types"].split("|") if t))
            districts[r["code"]] = u
            self.children[p.code].append(u)
            spellings, renamed = _former_names(u.name, r["former_names"])
            self._add(u, spellings)
            for name in renamed:
                # the unit under the name it bore before a merger or a renaming: a 2022 text's
                # "huyện Đạ Tẻh" is Đạ Tẻh, not the Đạ Huoai it became (same code, same place)
                was = replace(u, name=name, type=(u.former_types or (u.type,))[0])
                self.units.append(was)
                self._index(name, was)
        for r in load_tsv("gazetteer/communes.tsv"):
            p = self.provinces_old[r["province_code"]]
            d = districts.get(r["district_code"])
            u = Unit(r["name"], "commune", r["type"], r["code"], p.name, p.code,
                     p.current_province, p.current_code,
                     district=d.name if d else None, district_code=r["district_code"],
                     dissolved=r["dissolved"] == "1",
                     former_district_codes=tuple(c for c in r["former_district_codes"].split("|") if c))
            for dcode in (u.district_code, *u.former_district_codes):
                self.children[dcode].append(u)
            self._add(u, [])
        for r in load_tsv("gazetteer/wards_2025.tsv"):
            p = self.provinces_2025[r["province_code"]]
            u = Unit(r["name"], "commune", r["type"], r["code"], p.name, p.code, p.name, p.code,
                     era="2025")
            self._add(u, [])
        for r in load_tsv("place_aliases.tsv"):
            for target in self.lookup(r["name"], level=r["level"] or None,
                                      province=r.get("province") or None):
                if target.era == "old" or target.level != "province":
                    self._index(r["alias"], target)

    # -- look-ups --------------------------------------------------------------
    def lookup(self, name: str, level: str | None = None, province: str | None = None,
               era: str | None = None) -> list[Unit]:
        """Units named `name` (or with that alias), optionally of one level / in one province.

        `province` may be an old or a 2025 province, by name, alias or code.
        """
        units = self.by_key.get(name_key(_strip_level(name)), [])
        if level:
            units = [u for u in units if u.level == level]
        if not units:   # a name that starts like a level word: "Tĩnh Gia" (folded, "tỉnh")
            units = [u for u in self.by_key.get(name_key(name), []) if not level or u.level == level]
        if era:
            units = [u for u in units if u.era == era]
        if province:
            codes = self._province_codes(province)
            units = [u for u in units
                     if (u.era == "old" and u.province_code in codes["old"])
                     or (u.era == "2025" and u.province_code in codes["2025"])]
        return list(units)

    def _province_codes(self, province: str) -> dict[str, set[str]]:
        if province.isdigit():
            old = {province} if province in self.provinces_old else set()
            new = {province} if province in self.provinces_2025 else set()
            return {"old": old, "2025": new}
        old = {u.code for u in self.lookup(province, level="province") if u.era == "old"}
        key = name_key(_strip_level(province))
        new = {c for c, u in self.provinces_2025.items() if name_key(u.name) == key}
        # an old province name also selects the 2025 province it joined, and vice versa
        new |= {self.provinces_old[c].current_code for c in old}
        old |= {c for c, u in self.provinces_old.items() if u.current_code in new and not old}
        return {"old": old, "2025": new}

    def province(self, name_or_alias: str) -> Unit | None:
        """The pre-reform province (or, failing that, 2025 province) of that name or alias."""
        if not name_or_alias:
            return None
        s = name_or_alias.strip()
        if s.isdigit():
            return self.provinces_old.get(s.zfill(2)) or self.provinces_2025.get(s.zfill(2))
        units = [u for u in self.lookup(s, level="province")]
        old = [u for u in units if u.era == "old"]
        return (old or units or [None])[0]

    def province_2025(self, name_or_code: str) -> Unit | None:
        s = (name_or_code or "").strip()
        if s.isdigit():
            return self.provinces_2025.get(s.zfill(2))
        key = name_key(_strip_level(s))
        for u in self.provinces_2025.values():
            if name_key(u.name) == key:
                return u
        p = self.province(s)
        return self.provinces_2025.get(p.current_code) if p else None

    def unit(self, level: str, code: str, era: str = "old") -> Unit | None:
        return self.by_code.get((era, level, code))

    def district_of(self, unit: Unit) -> Unit | None:
        if unit.level == "commune" and unit.district_code:
            return self.by_code.get(("old", "district", unit.district_code))
        return unit if unit.level == "district" else None

    def region(self, name: str, level: str, province: str | None = None) -> dict:
        """The record's `region` dict for a place; unknown fields are None.

        A national region is {"name": "Việt Nam", "level": "national", rest None}. When
        several units fit (and `province` does not settle it), fields they disagree on
        are None.
        """
        if level == "national":
            return {"name": "Việt Nam", "level": "national", "province": None, "code": None,
                    "current_province": None}
        units = self.lookup(name, level=level, province=province)
        if len(units) > 1:
            old = [u for u in units if u.era == "old" and not u.dissolved] or \
                  [u for u in units if u.era == "old"]
            units = old or units
        if not units:
            p = self.province(province) if province else None
            return {"name": _strip_level(name), "level": level,
                    "province": p.name if p else (province if level != "province" else None),
                    "code": None, "current_province": p.current_province if p else None}
        first = units[0]
        out = first.region()
        for f in ("province", "code", "current_province"):
            if any(u.region()[f] != out[f] for u in units[1:]):
                out[f] = None
        return out


@functools.lru_cache(maxsize=1)
def level_words() -> dict:
    """rules/places.yaml `level_words`: {level: [words]} (folded on use)."""
    return load_yaml("places.yaml")["level_words"]


@functools.lru_cache(maxsize=1)
def _folded_level_words() -> list[str]:
    """The level words folded, longest first."""
    return sorted({fold(w) for ws in level_words().values() for w in ws}, key=len, reverse=True)


def _strip_level(name: str) -> str:
    """'huyện Giao Thủy' -> 'Giao Thủy'; 'TP. Hồ Chí Minh' -> 'Hồ Chí Minh'. Keeps 'Quận 1'."""
    s = " ".join(name.split())
    f = fold(s)
    for w in _folded_level_words():
        if f.startswith(w) and len(s) > len(w):
            rest = s[len(w):].lstrip(" .")
            if rest and len(rest) < len(s) and (s[len(w)] in " ." ) and not rest[0].isdigit():
                return rest
    return s


@functools.lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The shared gazetteer, built once per process."""
    return Gazetteer()


__all__ = ["Gazetteer", "Unit", "gazetteer", "name_key", "exact_key", "level_words", "LEVELS"]
