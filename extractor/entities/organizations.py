"""Organizations: UBND, HĐND, party committees, BHXH, departments, steering committees...

`find_organizations(text, places, doc)` finds the organization names of
rules/organizations.yaml and ties each to its place: the place written after it
("UBND tỉnh Hậu Giang", "BHXH huyện Giao Thủy", "UBND xã Giao Tân"), or, when only
the level word is written ("UBND tỉnh", "Bảo hiểm xã hội tỉnh"), the document's own
province or district (`doc`, from context.document_places). The expanded name is
the name as written plus that place: "UBND tỉnh" in a Tiền Giang article ->
"UBND tỉnh Tiền Giang". Plural mentions ("UBND các xã", "UBND huyện, thị xã, thành
phố") are kept but marked plural and tied to no single place.
Finding the places themselves is places.py's job; people are officials.py's.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import regex

from ..model import Entity
from ..normalize.text import fold_key
from ..rules import load_yaml
from .literal_search import LiteralSearch

_LEVEL_WORD = regex.compile(
    r"[ ]+(?P<plural>(?:các|những)[ ]+)?(?P<lw>thành phố|thị xã|thị trấn|tỉnh|huyện|quận|xã|phường|TP\.?|Tp\.?|TX\.?)"
    r"(?![\p{L}\d])", regex.I)
# a letterhead in capitals breaks the line: "ỦY BAN NHÂN DÂN\nTỈNH PHÚ YÊN"
_LEVEL_WORD_CAPS = regex.compile(_LEVEL_WORD.pattern.replace("[ ]+(?P<plural>", r"\s+(?P<plural>", 1), regex.I)
_LEVEL_OF = {"tỉnh": "province", "thành phố": "province", "tp": "province", "huyện": "district",
             "quận": "district", "thị xã": "district", "tx": "district", "xã": "commune",
             "phường": "commune", "thị trấn": "commune"}
_LIST_OF_LEVELS = regex.compile(r"\s*(?:,|và)\s*(?:thành phố|thị xã|thị trấn|huyện|quận|xã|phường|tỉnh)\b",
                                regex.I)
_NATIONAL = regex.compile(r"[ ]+(?:Việt Nam|VIỆT NAM|Trung ương|TRUNG ƯƠNG)(?![\p{L}])")
# What a match of _LEVEL_WORD (_LEVEL_WORD_CAPS, _NATIONAL) begins with, found fast: no
# match without it. (No other character matches these letters ignoring case, and every
# white space of `regex` is one of `re`.)
_LEVEL_WORD_START = re.compile(r"[ ]+[cCnNtThHqQxXpP]")
_LEVEL_WORD_CAPS_START = re.compile(r"\s+[cCnNtThHqQxXpP]")
_NATIONAL_START = re.compile(r"[ ]+[VT]")


@dataclass(frozen=True)
class OrgSpec:
    kind: str
    canonical: str | None
    place: str
    level: str | None
    tail: bool
    require_place: bool


@functools.lru_cache(maxsize=1)
def _specs() -> tuple[dict[str, OrgSpec], LiteralSearch, regex.Pattern]:
    by_form: dict[str, OrgSpec] = {}
    for entry in load_yaml("organizations.yaml")["organizations"]:
        for form in entry["forms"]:
            spec = OrgSpec(entry["kind"], entry.get("canonical"), entry["place"], entry.get("level"),
                           bool(entry.get("tail")), form in entry.get("require_place_for", ()))
            by_form.setdefault(form, spec)
            by_form.setdefault(form.upper(), spec)
    forms = sorted(by_form, key=len, reverse=True)
    # not inside document numbers ("122/KH-UBND", "4111/UBND-YT")
    search = LiteralSearch(forms, not_after=r"[\p{L}\d/\-]", after=r"(?![\p{L}\d]|[/\-]\p{Lu})")
    stops = load_yaml("organizations.yaml").get("tail_stop_words", [])
    tail_stop = regex.compile(r"[,.;:()\n\"“”]|\s[-–]\s|(?<=\s)(?:" + "|".join(
        regex.escape(w) for w in sorted(stops, key=len, reverse=True)) + r")(?=\s)")
    return by_form, search, tail_stop


@functools.lru_cache(maxsize=1)
def _forms() -> dict[str, tuple[OrgSpec, str, bool, bool]]:
    """form -> (spec, head: the name's beginning as reported, written in capitals?,
    a name in capitals longer than an acronym?)."""
    out = {}
    for form, spec in _specs()[0].items():
        upper = form.isupper()
        caps = upper and len(form) > 5
        head = spec.canonical if (caps and spec.canonical) else (form[0] + form[1:].lower() if caps else form)
        out[form] = (spec, head, upper, caps)
    return out


@functools.lru_cache(maxsize=1)
def _kind_re() -> tuple[regex.Pattern, dict[str, str]]:
    kind_of: dict[str, str] = {}
    for entry in load_yaml("organizations.yaml")["organizations"]:
        for form in entry["forms"]:
            kind_of.setdefault(form.lower(), entry["kind"])
    forms = sorted(kind_of, key=len, reverse=True)
    return regex.compile(r"(?<![\p{L}])(?:" + "|".join(regex.escape(f) for f in forms) + r")(?![\p{L}])",
                         regex.I), kind_of


_CITY = regex.compile(r"(?i)\b(?:TP\.?|thành phố)")


@functools.lru_cache(maxsize=4096)
def org_key(name: str | None) -> str:
    """A comparison key for organization names: "BHXH tỉnh X" == "Bảo hiểm xã hội tỉnh X"."""
    if not name:
        return ""
    pattern, kind_of = _kind_re()
    replaced = pattern.sub(lambda m: " " + kind_of[m.group().lower()] + " ", name)
    replaced = _CITY.sub(" thanhpho ", replaced)
    return fold_key(replaced)


def _next_line_place(text: str, end: int, place_at: dict[int, Entity]) -> Entity | None:
    """A place in capitals with its level word at the start of the next line."""
    nl = text.find("\n", end, end + 80)
    if nl < 0:
        return None
    ent = place_at.get(nl + 1)
    if ent is not None and ent.text.isupper() and _LEVEL_OF.get(_level_key(ent.text.split()[0])):
        return ent
    return None


def _level_key(word: str) -> str:
    w = word.lower().rstrip(".")
    return {"tp": "thành phố", "tx": "thị xã"}.get(w, w)


def find_organizations(text: str, places: list[Entity], doc: dict | None = None) -> list[Entity]:
    """ORG entities; `places` are the place entities of `text`, `doc` its document_places()."""
    by_form, search, tail_stop = _specs()
    forms = _forms()
    doc = doc or {}
    place_at: dict[int, Entity] = {}
    for p in places:
        place_at.setdefault(p.start, p)
    out: list[Entity] = []
    for m in search.finditer(text):
        form = m.group()
        spec, head, upper, caps = forms[form]
        end = m.end()
        plural = written_plural = False
        level = spec.level
        place_ent = None
        level_word = None
        national = False
        if spec.place in ("local", "required", "province", "district"):
            # both need a space first (a white space in capitals): skip the match without one
            after = text[end:end + 1]
            if upper:
                lw = _LEVEL_WORD_CAPS.match(text, end) if after.isspace() and \
                    _LEVEL_WORD_CAPS_START.match(text, end) else None
            else:
                lw = _LEVEL_WORD.match(text, end) if after == " " and _LEVEL_WORD_START.match(text, end) else None
            if lw:
                plural = written_plural = bool(lw.group("plural"))
                level_word = _level_key(lw.group("lw"))
                written_lw = level_word if upper else lw.group("lw")
                level = _LEVEL_OF.get(level_word)
                ent = place_at.get(lw.start("lw"))
                if ent is None:
                    nxt = lw.end()
                    ent = place_at.get(nxt + 1) if text[nxt:nxt + 1] == " " else None
                if ent is not None and not plural:
                    place_ent = ent
                    end = ent.end
                else:
                    end = lw.end()
                    if _LIST_OF_LEVELS.match(text, end):
                        plural = True
            elif upper and (place_ent := _next_line_place(text, end, place_at)) is not None:
                # two-column letterheads: "ỦY BAN NHÂN DÂN   CỘNG HÒA ...\nTỈNH LÀO CAI   Độc lập ..."
                level = place_ent.normalized.get("level")
                level_word = written_lw = _level_key(place_ent.text.split()[0])
            elif after == " " and _NATIONAL_START.match(text, end) and (nat := _NATIONAL.match(text, end)):
                national = True
                end = nat.end()
            else:
                ent = place_at.get(end + 1) if text[end:end + 1] == " " else None
                if ent is not None:
                    place_ent, end = ent, ent.end
                    level = ent.normalized.get("level")
        elif spec.place == "fixed":
            ent = place_at.get(end + 1) if text[end:end + 1] == " " else None
            if ent is not None and ent.normalized.get("level") == spec.level:
                place_ent, end = ent, ent.end
            before = text[max(0, m.start() - 6):m.start()].lower()
            plural = "các " in before or "những " in before
        if spec.tail:
            stop = tail_stop.search(text, end)
            tail_end = stop.start() if stop else len(text)
            words = text[end:tail_end].split()
            if len(words) > 15:
                tail_end = end + len(" ".join(text[end:tail_end].split(" ")[:16]))
            end = tail_end
            inner = [p for p in places if m.start() <= p.start and p.end <= end]
            if inner:
                place_ent = inner[-1]
        needs = spec.place == "required" or spec.require_place
        if needs and not (level_word or national or place_ent):
            continue
        name_text = text[m.start():end].rstrip()
        place_name = None
        if national or spec.place == "national":
            place_name, level = "Việt Nam", "national"
        elif place_ent is not None:
            place_name = place_ent.normalized.get("name")
            level = place_ent.normalized.get("level")
        elif not plural:
            want = level or {"province": "province", "district": "district", "local": None,
                             "fixed": spec.level}.get(spec.place)
            if want in (None, "province") and level_word in (None, "tỉnh", "thành phố") and doc.get("province"):
                place_name, level = doc["province"], "province"
            elif want == "district" and doc.get("district"):
                place_name = doc["district"]
        if spec.tail:
            name = head + text[m.end():end]
        elif national and spec.place != "national":
            name = f"{head} Việt Nam"
        elif place_ent is not None and not caps and not text[m.end():end].isupper() and end > m.end():
            name = head + text[m.end():end]          # as written: "BHXH TP. Hồ Chí Minh"
        elif level_word:
            name = " ".join(w for w in (head, lw.group("plural").strip() if written_plural else "", written_lw,
                                        "" if plural else (place_name or "")) if w)
        elif place_ent is not None:
            name = f"{head} {place_name}"
        else:
            name = head
        norm = {"name": " ".join(name.split()), "kind": spec.kind, "place": place_name,
                "level": level, "plural": plural}
        if place_ent is not None:
            norm["place_code"] = place_ent.normalized.get("code")
        out.append(Entity("ORG", name_text, m.start(), m.start() + len(name_text), norm, method="rule",
                          confidence=0.9))
    return out


__all__ = ["find_organizations", "org_key"]
