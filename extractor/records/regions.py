"""Turn place mentions and "toàn tỉnh"-style phrases into the contract's `region` objects.

The document's own places (its province, district, commune, or the nation)
come from `extractor.entities.document_places`; the gazetteer fills codes and
the province each unit belongs to after the 2025 merger. This module only
resolves; it does not decide which place a figure is about (see `linker.py`).
"""
from __future__ import annotations

import functools

import regex

NATIONAL = {"name": "Việt Nam", "level": "national", "province": None, "code": None,
            "current_province": None}

_NATIONAL_DOC = regex.compile(r"(?<!\p{L})(?:cả nước|toàn quốc|BHXH Việt Nam|Bảo hiểm xã hội Việt Nam)(?!\p{L})",
                              regex.IGNORECASE)


class RegionResolver:
    def __init__(self, gazetteer, context: dict, text: str, title: str | None, default_scheme: str | None):
        self.gaz = gazetteer
        self.context = context or {}
        self.province = self.context.get("province")
        self.district = self.context.get("district")
        self.commune = self.context.get("commune")
        self.title = title or ""
        self.default_scheme = default_scheme
        self.national_doc = not self.province and bool(_NATIONAL_DOC.search(text))

    def region(self, name: str, level: str, province: str | None = None) -> dict | None:
        if level == "national":
            return dict(NATIONAL)
        # a copy each time, as a fresh look-up would give
        return dict(_gazetteer_region(self.gaz, name, level, province))

    def from_entity(self, entity) -> dict | None:
        n = entity.normalized or {}
        if not n.get("name") or n.get("level") not in ("province", "district", "commune", "national"):
            return None
        if n["level"] == "national":
            return dict(NATIONAL)
        return {"name": n["name"], "level": n["level"], "province": n.get("province"),
                "code": n.get("code"), "current_province": n.get("current_province")}

    def collective(self, level: str) -> dict | None:
        if level == "national":
            return dict(NATIONAL)
        if level == "province" and self.province:
            return self.region(self.province, "province")
        if level == "district" and self.district:
            return self.region(self.district, "district", self.province)
        if level == "commune" and self.commune:
            return self.region(self.commune, "commune", self.province)
        return None

    def default(self) -> dict | None:
        """The document's own place: its district when the title is about one, else its province."""
        if self.district and self.district in self.title:
            return self.region(self.district, "district", self.province)
        if self.province:
            return self.region(self.province, "province")
        if self.district:
            return self.region(self.district, "district", self.province)
        if self.national_doc:
            return dict(NATIONAL)
        return None


@functools.lru_cache(maxsize=4096)
def _gazetteer_region(gaz, name: str, level: str, province: str | None) -> dict:
    """The gazetteer's region for a place, or one made of the name alone; kept across
    documents (the gazetteer does not change). Callers only ever get copies of it."""
    try:
        r = gaz.region(name, level, province)
    except Exception:
        r = None
    if r:
        return r
    return {"name": name, "level": level, "province": province if level != "province" else name,
            "code": None, "current_province": None}
