"""Officials and other people: honorific, name, title and organization.

An OFFICIAL is a title (rules/titles.yaml) followed by the organization it is held
in (an ORG entity, see organizations.py) or a title whose organization is
understood ("Thủ tướng" -> "Chính phủ"), with the holder's name where the text gives
it, in the orders the texts use:

    bà Hồ Thu Ánh, Phó Chủ tịch UBND tỉnh Hậu Giang          name, title organization
    đồng chí Mai Sơn - Phó Chủ tịch Thường trực UBND tỉnh     (province from the document)
    Phó Thủ tướng Chính phủ Vương Đình Huệ                    title organization name
    ông Nguyễn Văn A (Giám đốc Sở Y tế)                       name (title organization)
    Chủ tịch UBND xã Giao Tân                                 no name

Generic mentions are not officials ("Chủ tịch UBND các xã", "Chủ tịch UBND huyện,
thị xã, thành phố"). A name is a capitalised run of 2-5 words that starts with a
family name (rules/person_names.yaml), follows an honorific, or is tagged PER by
the NER model (ner.py, asked only when the rules cannot tell). `normalized` =
{"name", "title", "organization", "honorific", "title_full"}; the title is the
office alone ("Phó Chủ tịch"), as the team's gold writes it.

PERSON entities are people named with an honorific ("Ông Kiên"), the holders of
offices, and authors and photographers from bylines ("Tác giả: Bá Nam"); a byline
is never an official. `link_officials` makes the mentions of one person in one
document agree (title, organization, name of an unnamed repeat), and
`unique_officials` lists each official of a document once.
"""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import replace

import regex

from ..ingest.sentences import sentences
from ..model import Entity
from ..normalize.text import fold
from ..rules import load_yaml
from . import ner
from .gazetteer import gazetteer, name_key
from .literal_search import LiteralSearch
from .organizations import org_key
from .places import byline_lines, last_lines

_WORD = r"[\p{Lu}][\p{L}]*(?:['’][\p{L}]+)?"
_NAME_RUN = regex.compile(_WORD + r"(?:[ ]" + _WORD + r"){0,5}")
_SEP_BEFORE_TITLE = regex.compile(r"[ ]*(?:,|-|–|—|\(|:)[ ]*$|[ ]+là[ ]+$")
_LINE_NAME = regex.compile(r"^(?P<name>" + _WORD + r"(?:[ ]" + _WORD + r"){1,3})(?:[ ]*,[ ]*(?P<rest>.{0,60}))?$")
_SPACES = regex.compile(r"[ ]+")
_COMMA_AFTER = regex.compile(r"[ ]*(?P<comma>,[ ]*)?")
# a department's name after "Trưởng phòng": capitalised, then up to five words, before its organization
_DEPARTMENT = regex.compile(r"[ ]+(\p{Lu}\p{Ll}*(?:[ ]+\p{Ll}+){0,5})[ ]+(?=\p{Lu})")
_LOCAL_DEPARTMENT = regex.compile(
    r"[ ]+(\p{Lu}\p{Ll}*(?:[ ]+\p{Ll}+){0,4}[ ]+(?:huyện|quận|thị xã|thành phố|tỉnh|xã|phường)"
    r"(?:[ ]+\p{Lu}\p{Ll}*){1,4})")
_BAN_PHONG = regex.compile(r"(?i)(?:ban|phòng|văn phòng)\b")
_LETTER_NUMBER = regex.compile(r"(?m)^\s*Số[ ]*[:.]?[ ]*\d")
# an honorific before a capitalised word the rules did not read as a name (see _ner_persons):
# the pattern (?<![\p{L}])(?:[ôÔ]ng|[bB]à|[aA]nh|[cC]hị|[đĐ]ồng chí)\s+(?=\p{Lu}), searched
# as a LiteralSearch (the same matches, a tenth of the time on a whole text)
_NER_CUE_WORDS = ("ông", "bà", "anh", "chị", "đồng chí")      # and with a capital first letter


@functools.lru_cache(maxsize=1)
def _ner_cue() -> LiteralSearch:
    forms = [f for w in _NER_CUE_WORDS for f in (w, w[0].upper() + w[1:])]
    return LiteralSearch(forms, not_after=r"[\p{L}]", after=r"\s+(?=\p{Lu})")


@functools.lru_cache(maxsize=1)
def _rules() -> dict:
    t = load_yaml("titles.yaml")
    p = load_yaml("person_names.yaml")
    titles = sorted(t["titles"], key=len, reverse=True)
    heads = sorted(t["title_heads"], key=len, reverse=True)
    hons = sorted(t["honorifics"], key=len, reverse=True)
    canon_title = {fold(x): x for x in titles + heads}
    title_search = LiteralSearch(titles + heads, not_after=r"[\p{L}]", after=r"(?![\p{L}])", flags=regex.I)
    hon_forms = sorted({fold(h): h for h in hons}.values(), key=len, reverse=True)
    return {
        "title_re": title_search.matcher,
        "title_search": title_search,
        # honorific + name: "Ông Kiên cho biết", "anh Lý A Dá" (see _other_persons)
        "hon_any_search": LiteralSearch(hon_forms, not_after=r"[\p{L}]", after=r"[ ]+(?=\p{Lu})",
                                        flags=regex.I),
        "canon_title": canon_title,
        "heads": {fold(h) for h in heads},
        "hon_re": regex.compile(r"(?<![\p{L}/])(?:" + "|".join(regex.escape(h) for h in hons)
                                + r")[ ]*$", regex.I),
        "hon_lead": regex.compile(r"^(?:" + "|".join(regex.escape(h) for h in hons) + r")[ ]+", regex.I),
        "hon_canon": {fold(h): h for h in hons},
        "default_org": t["default_organization"],
        "split": {fold(k): v for k, v in t["split_titles"].items()},
        "generic_before": {fold(w) for w in t["generic_before"]},
        "generic_after": {fold(w) for w in t["generic_after"]},
        "byline_re": regex.compile(r"(?:^|\n|\()[ ]*(?:" + "|".join(regex.escape(b) for b in t["byline_cues"])
                                   + r")[ ]*:[ ]*(?P<name>" + _WORD + r"(?:[ ]" + _WORD + r"){0,4})"),
        # what every byline holds, found fast ("Ảnh:"): see _bylines
        "byline_cue_re": re.compile("(?:" + "|".join(re.escape(b) for b in t["byline_cues"]) + ")[ ]*:"),
        # exact words, lower-cased: folding would confuse "Ánh" (a name) with "Ảnh" (photo)
        "surnames": frozenset(s.lower() for s in p["surnames"]),
        "not_name": frozenset(w.lower() for w in p["not_name_words"]),
    }


# --------------------------------------------------------------------------- names
def _honorific(text: str, end: int) -> tuple[str | None, int]:
    """The honorific written right before offset `end`: (canonical form, its start)."""
    m = _rules()["hon_re"].search(text, max(0, end - 20), end)
    if m and m.end() == end:
        word = m.group().strip()
        return _rules()["hon_canon"].get(fold(word), word.lower()), m.start()
    return None, end


def _consistent_case(words: list[str]) -> bool:
    """All words Title Case, or all in capitals ("TẨN A SỬ"); not "Lưu VPTU"."""
    upper = [w.isupper() for w in words if len(w) > 1]
    return all(upper) or not any(upper)


def _clean_name(run: str, honorific: bool) -> tuple[str, int] | None:
    """Trim a capitalised run to a personal name: (name, offset of the name in run) or None."""
    r = _rules()
    words = run.split(" ")
    offset = 0
    lead = r["hon_lead"].match(run)
    if lead:                                   # "Ông TẨN A SỬ"
        offset = lead.end()
        words = run[offset:].split(" ")
        honorific = True
    # drop leading words that cannot be in a name ("Theo", "UBND")
    while words and words[0].lower() in r["not_name"]:
        offset += len(words[0]) + 1
        words = words[1:]
    if not words or any(w.lower() in r["not_name"] for w in words):
        return None
    if len(words) > 5 or (len(words) < 2 and not honorific) or not _consistent_case(words):
        return None
    if not honorific and words[0].lower() not in r["surnames"]:
        return None
    name = " ".join(words)
    g = gazetteer()
    if not honorific and any(u.level == "province" for u in g.by_key.get(name_key(name), [])):
        return None                             # "Hậu Giang" is not a person
    return name, offset


def _name_before(text: str, end: int, use_ner: bool, sent: tuple[int, int]) -> tuple[str, int, int, str | None] | None:
    """A name ending right before a separator that ends at `end`: (name, start, end, honorific)."""
    sep = _SEP_BEFORE_TITLE.search(text, max(sent[0], end - 6), end)
    if not sep:
        return None
    stop = sep.start()
    best = None
    for m in _NAME_RUN.finditer(text, max(sent[0], stop - 60), stop):
        if m.end() == stop:
            best = m
    if best is None:
        return None
    run_start, run = best.start(), best.group()
    # the run may begin inside a word: runs are found from an arbitrary offset
    if run_start > sent[0] and text[run_start - 1].isalpha():
        return None
    hon, hon_start = _honorific(text, run_start)
    first = run.split(" ", 1)[0]
    if " " in run:
        # "PGS.TS Nguyễn Văn Bình": the run starts inside the honorific
        inner, inner_start = _honorific(text, run_start + len(first))
        if inner is not None and inner_start < run_start:
            hon, hon_start = inner, inner_start
            run_start, run = run_start + len(first) + 1, run[len(first) + 1:]
    cleaned = _clean_name(run, hon is not None)
    if cleaned is None and use_ner:
        cleaned = _ner_name(text, run_start, best.end(), sent)
    if cleaned is None:
        return None
    name, off = cleaned
    start = run_start + off
    if off and hon is None:
        lead = _rules()["hon_lead"].match(run)
        if lead:
            hon = _rules()["hon_canon"].get(fold(lead.group().strip()), lead.group().strip().lower())
            hon_start = run_start
    return name, (hon_start if hon else start), start + len(name), hon


def _name_after(text: str, start: int, use_ner: bool, sent: tuple[int, int]) -> tuple[str, int, int, str | None] | None:
    """A name right after offset `start` ("... Chính phủ Vương Đình Huệ", "..., ông Nguyễn Văn A")."""
    m = _COMMA_AFTER.match(text, start)
    pos = m.end()
    hon = None
    lead = _rules()["hon_lead"].match(text[pos:pos + 20])
    if lead:
        hon = _rules()["hon_canon"].get(fold(lead.group().strip()), lead.group().strip().lower())
        pos += lead.end()
    elif m.group("comma"):
        return None                             # ", Nguyễn ..." needs an honorific
    if pos == start:
        return None
    run = _NAME_RUN.match(text, pos, sent[1])
    if not run:
        return None
    cleaned = _clean_name(run.group(), hon is not None)
    if cleaned is None and use_ner:
        cleaned = _ner_name(text, run.start(), run.end(), sent)
    if cleaned is None or cleaned[1] != 0:
        return None
    name = cleaned[0]
    return name, run.start(), run.start() + len(name), hon


def _ner_name(text: str, start: int, end: int, sent: tuple[int, int]) -> tuple[str, int] | None:
    """The NER model's PER span inside text[start:end], if it covers a whole run of words."""
    sentence = text[sent[0]:sent[1]]
    for s in ner.person_spans(sentence):
        # the tagger's span may run into the words before ("Tuyên Quang Chẩu Văn Lâm"):
        # keep its part inside the run
        a, b = max(start, sent[0] + s.start), min(end, sent[0] + s.end)
        if b <= a or (a > start and text[a - 1] != " ") or (b < end and text[b] != " "):
            continue
        words = text[a:b].split()
        if len(words) < 2 or any(w.lower() in _rules()["not_name"] for w in words) or \
                not _consistent_case(words):
            continue
        if gazetteer().by_key.get(name_key(text[a:b])):
            continue
        return text[a:b], a - start
    return None


# --------------------------------------------------------------------------- officials
class _Sentences:
    """The sentences of `text` (ingest.sentences), split when first asked. A paragraph is
    one line and is split on its own, so the sentence holding an offset is that of its
    line's own split; the whole text is split at once all the same: the records stage
    asks for the same split of the same text next, and `sentences` keeps it for it."""

    def __init__(self, text: str):
        self.text = text
        self._all: list[tuple[int, int]] | None = None
        self._starts: list[int] = []

    def of(self, i: int) -> tuple[int, int]:
        """The (start, end) of the sentence holding offset i, (0, 0) if none."""
        spans = self.all()
        k = bisect.bisect_right(self._starts, i) - 1      # sentences are in order, apart
        if k >= 0 and i < spans[k][1]:
            return spans[k]
        return 0, 0

    def all(self) -> list[tuple[int, int]]:
        if self._all is None:
            self._all = [(s.start, s.end) for s in sentences(self.text)]
            self._starts = [s for s, _ in self._all]
        return self._all


def find_officials(text: str, orgs: list[Entity], *, use_ner: bool = True) -> list[Entity]:
    """OFFICIAL and PERSON entities of `text`, given its ORG entities."""
    r = _rules()
    sents = _Sentences(text)
    org_at = {}
    for o in orgs:
        org_at.setdefault(o.start, o)
    out: list[Entity] = []
    persons: list[Entity] = []
    taken: list[tuple[int, int]] = []
    for m in r["title_search"].finditer(text):
        sent = sents.of(m.start())
        raw_title = m.group()
        key = fold(raw_title)
        title = r["canon_title"].get(key, raw_title)
        prev = text[max(sent[0], m.start() - 8):m.start()].split()
        if prev and fold(prev[-1]) in r["generic_before"]:
            continue
        after = m.end()
        gap = _SPACES.match(text[after:after + 3])
        org = org_at.get(after + (gap.end() if gap else 0)) if gap else None
        organization = written_org = None
        end = after
        last = raw_title.split()[-1]
        if org is None and fold(last) in ("ban", "phong"):   # "Trưởng Ban Tuyên giáo Tỉnh ủy"
            org = org_at.get(m.end() - len(last))
            if org is None and key not in r["heads"]:
                # "Trưởng phòng Quản lý thu BHXH tỉnh Nghệ An": the department is the title's
                dept = _DEPARTMENT.match(text, after)
                org = org_at.get(dept.end()) if dept else None
                if org is not None:
                    title = f"{title} {dept.group(1)}"
                else:   # "Trưởng phòng Y tế huyện Can Lộc": the department of a place
                    local = _LOCAL_DEPARTMENT.match(text, after)
                    if local:
                        organization = written_org = f"{last.capitalize()} {local.group(1)}"
                        end = local.end()
        if key in r["heads"]:                               # "Trưởng Ban Tuyên giáo Tỉnh ủy"
            if org is None or not _BAN_PHONG.match(org.text):
                continue
            title = f"{title} {org.text.split()[0].lower()}"
        if org is not None:
            if org.normalized.get("plural"):
                continue
            nxt = text[org.end:org.end + 8].split()
            if nxt and fold(nxt[0]) in r["generic_after"]:
                continue
            organization = org.normalized["name"]
            end = org.end
        elif key in r["split"]:
            title, organization = r["split"][key]
        elif title in r["default_org"]:
            organization = r["default_org"][title]
        named_after = _name_after(text, end, use_ner, sent) if sent[1] else None
        named_before = _name_before(text, m.start(), use_ner, sent) if sent[1] else None
        honorific = None
        name = None
        start = m.start()
        if named_before:
            name, start, _, honorific = named_before
            name_span = (named_before[2] - len(name), named_before[2])
        elif named_after:
            name, _, end, honorific = named_after
            name_span = (end - len(name), end)
        if organization is None and name is None:
            continue
        if name is None:
            honorific, hs = _honorific(text, m.start())
            start = hs if honorific else m.start()
        else:
            persons.append(Entity("PERSON", name, name_span[0], name_span[1],
                                  {"name": name, "honorific": honorific, "role": "official"},
                                  method="rule", confidence=0.9))
        org_text = (written_org or "") if org is None else (
            org.normalized["name"] if org.text.isupper() else org.text)
        title_full = f"{title} {org_text}"
        norm = {"name": name, "title": title, "organization": organization, "honorific": honorific,
                "title_full": " ".join(title_full.split())}
        out.append(Entity("OFFICIAL", text[start:end], start, end, norm, method="rule",
                          confidence=0.9 if name else 0.8))
        taken.append((start, end))
    for off in _signature_officials(text, orgs):
        if all(off.end <= a or off.start >= b for a, b in taken):
            out.append(off)
            n = off.normalized
            a = off.end - len(n["name"])
            persons.append(Entity("PERSON", n["name"], a, off.end,
                                  {"name": n["name"], "honorific": None, "role": "official"}))
            taken.append((off.start, off.end))
    persons += _other_persons(text, taken + [(p.start, p.end) for p in persons], use_ner, sents)
    return out + persons


_SIGN_PREFIX = regex.compile(r"^(?:KT|TM|T/M|TL|TUQ|Q|THỪA LỆNH|THAY MẶT|KÝ THAY)[.:]?[ ]*", regex.I)
_SIGNED_NOTE = regex.compile(r"^[(\[]?(?:đã ký|ký|chữ ký|đã ký và đóng dấu|ký tên, đóng dấu)[^)\]]*[)\]]?$", regex.I)
HEAD_CHARS = 400


def _signature_officials(text: str, orgs: list[Entity]) -> list[Entity]:
    """The signer of a letter: a title line in capitals, then the name ("PHÓ CHỦ TỊCH\n\nHoàng Quốc Bảo").

    The organization is the one in the title line ("GIÁM ĐỐC SỞ Y TẾ") or else the
    letter's issuer from its letterhead (the last organization above "Số: ...").
    """
    r = _rules()
    lines = last_lines(text, 25)
    out: list[Entity] = []
    for k in range(len(lines)):
        s, e = lines[k]
        line = text[s:e].strip()
        if not line.isupper():
            continue
        body = _SIGN_PREFIX.sub("", line)
        m = r["title_re"].match(body)
        if not m or r["title_re"].search(body, m.end()):
            continue
        rest = body[m.end():].strip()
        nxt_title = k + 1 < len(lines) and r["title_re"].match(_SIGN_PREFIX.sub("", text[slice(*lines[k + 1])].strip()))
        if nxt_title and text[slice(*lines[k + 1])].strip().isupper():
            continue                                   # "KT. CHỦ TỊCH" above "PHÓ CHỦ TỊCH"
        for s2, e2 in lines[k + 1:k + 4]:
            cand = text[s2:e2].strip()
            if _SIGNED_NOTE.match(cand):
                continue
            cleaned = _clean_name(cand, False)
            if cleaned and cleaned[1] == 0 and cleaned[0] == cand:
                title = r["canon_title"].get(fold(m.group()), m.group().capitalize())
                org = _org_in(orgs, s, e) if rest else None
                organization = org.normalized["name"] if org else _letter_issuer(text, orgs)
                a = s2 + text[s2:e2].index(cand)
                out.append(Entity("OFFICIAL", text[s:a + len(cand)], s, a + len(cand),
                                  {"name": cand, "title": title, "organization": organization,
                                   "honorific": None, "title_full": " ".join(line.split()),
                                   "signature": True}, method="rule", confidence=0.85))
            break
    return out


def _org_in(orgs: list[Entity], start: int, end: int) -> Entity | None:
    return next((o for o in orgs if start <= o.start < end), None)


def _letter_issuer(text: str, orgs: list[Entity]) -> str | None:
    """The issuing organization of a letter: the last local one of its letterhead."""
    m = _LETTER_NUMBER.search(text[:1500])
    head_end = m.start() if m else HEAD_CHARS
    head = [o for o in orgs if o.start < head_end and not o.normalized.get("plural")]
    local = [o for o in head if o.normalized.get("level") not in (None, "national")]
    pick = (local or head or [None])[-1]
    return pick.normalized["name"] if pick else None


def _other_persons(text: str, taken: list[tuple[int, int]], use_ner: bool,
                   sents: _Sentences) -> list[Entity]:
    """People who hold no office here: named after an honorific, or authors in bylines."""
    r = _rules()
    out: list[Entity] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    for m in _bylines(text):
        a, b = m.start("name"), m.end("name")
        words = m.group("name").split()
        if free(a, b) and not any(w.lower() in r["not_name"] for w in words):
            out.append(Entity("PERSON", m.group("name"), a, b, {"name": m.group("name"), "honorific": None,
                                                                "role": "byline"}, confidence=0.8))
            taken.append((a, b))
    # an author's name alone on one of the last lines ("Hồng Dân", "Lê Văn Quyết, BHXH huyện X")
    for s, e in byline_lines(text):
        line = text[s:e].strip()
        lm = _LINE_NAME.match(line)
        if not lm:
            continue
        words = lm.group("name").split()
        if any(w.lower() in r["not_name"] for w in words):
            continue
        a = s + text[s:e].index(line)
        if free(a, a + len(lm.group("name"))):
            out.append(Entity("PERSON", lm.group("name"), a, a + len(lm.group("name")),
                              {"name": lm.group("name"), "honorific": None, "role": "byline"},
                              confidence=0.6))
            taken.append((a, a + len(lm.group("name"))))
    # honorific + name: "Ông Kiên cho biết", "anh Lý A Dá"
    for m in r["hon_any_search"].finditer(text):
        run = _NAME_RUN.match(text, m.end())
        if not run:
            continue
        cleaned = _clean_name(run.group(), True)
        if cleaned is None:
            continue
        name, off = cleaned
        a = run.start() + off
        b = a + len(name)
        if not free(a, b) or _is_title_start(name):
            continue
        hon = r["hon_canon"].get(fold(m.group().strip()), m.group().strip().lower())
        out.append(Entity("PERSON", name, a, b, {"name": name, "honorific": hon, "role": None},
                          confidence=0.8))
        taken.append((a, b))
    if use_ner and ner.available():
        out += _ner_persons(text, taken, sents)
    return out


def _bylines(text: str) -> list:
    """`byline_re.finditer(text)`, searched only in the lines with a cue and a colon.

    A byline lies in one line, with the newline before it, and holds its cue and colon.
    """
    r = _rules()
    out = []
    done = -1
    for c in r["byline_cue_re"].finditer(text):
        start = text.rfind("\n", 0, c.start())       # the line's newline before, or -1
        if start < done:
            continue                                   # this line is searched already
        end = text.find("\n", c.end())
        end = len(text) if end < 0 else end
        out.extend(r["byline_re"].finditer(text, max(start, 0), end))
        done = end
    return out


def _is_title_start(name: str) -> bool:
    return bool(_rules()["title_re"].match(name))


def _ner_persons(text: str, taken: list[tuple[int, int]], sents: _Sentences) -> list[Entity]:
    """PER spans of the NER model in sentences with a person cue, checked by the name rules."""
    r = _rules()
    # Only where an honorific stands before a capitalised word the rules did not already
    # read as a name: the model is slow (about 10 ms a sentence) and adds little elsewhere.
    cue = _ner_cue().pattern
    # Most texts have no such cue at all: looked for in the whole text first. A cue found in
    # a sentence alone (`finditer(text, s, e)`) is found in the whole text with the same
    # end: the lookbehind reads the text before `s` either way, and what follows the cue
    # word is white space up to a capital, which no other cue match overlaps.
    if not _free_cue(text, taken):
        return []
    out = []
    for s, e in sents.all():
        if not any(all(m.end() < x or m.end() >= y for x, y in taken) for m in cue.finditer(text, s, e)):
            continue
        for sp in ner.person_spans(text[s:e]):
            a, b = s + sp.start, s + sp.end
            words = sp.text.split()
            if len(words) < 2 or any(w.lower() in r["not_name"] for w in words) or not _consistent_case(words):
                continue
            if words[0].lower() not in r["surnames"]:
                continue
            if any(not (b <= x or a >= y) for x, y in taken):
                continue
            if gazetteer().by_key.get(name_key(sp.text)):
                continue
            out.append(Entity("PERSON", sp.text, a, b, {"name": sp.text, "honorific": None, "role": None},
                              method="ner", confidence=0.6))
            taken.append((a, b))
    return out


def _free_cue(text: str, taken: list[tuple[int, int]]) -> bool:
    """Does a match of the cue (`_ner_cue`) in `text` end outside every span of `taken`?"""
    return any(all(m.end() < x or m.end() >= y for x, y in taken) for m in _ner_cue().finditer(text))


# --------------------------------------------------------------------------- linking
def link_officials(entities: list[Entity]) -> list[Entity]:
    """Make the OFFICIAL mentions of one document agree with each other.

    A named person keeps the fullest title they are given for one organization
    ("Phó Chủ tịch Thường trực" over "Phó Chủ tịch"); an unnamed mention of an office
    that exactly one named official holds gets that name ("Giám đốc BHXH huyện Giao
    Thủy cho biết" after "ông Đỗ Việt Hùng, Giám đốc BHXH huyện Giao Thủy").
    """
    offs = [e for e in entities if e.type == "OFFICIAL"]
    named: dict[str, list[Entity]] = {}
    for e in offs:
        if e.normalized["name"]:
            named.setdefault(fold(e.normalized["name"]), []).append(e)
    best: dict[tuple[str, str], dict] = {}
    for key, es in named.items():
        for e in es:
            n = e.normalized
            k = (key, org_key(n["organization"]))
            cur = best.get(k)
            if cur is None or (len(n["title"]) > len(cur["title"]) and fold(n["title"]).startswith(fold(cur["title"]))):
                best[k] = n
    out = []
    for e in entities:
        if e.type != "OFFICIAL":
            out.append(e)
            continue
        n = dict(e.normalized)
        if n["name"]:
            b = best.get((fold(n["name"]), org_key(n["organization"])))
            if b and fold(b["title"]).startswith(fold(n["title"])):
                n["title"] = b["title"]
                n["honorific"] = n["honorific"] or b["honorific"]
        else:
            holders = {k[0]: b for k, b in best.items()
                       if k[1] == org_key(n["organization"]) and fold(b["title"]) == fold(n["title"])}
            if len(holders) == 1:
                b = next(iter(holders.values()))
                n["name"], n["coreferent"] = b["name"], True
                n["organization"] = b["organization"]
                n["honorific"] = n["honorific"] or b["honorific"]
        out.append(replace(e, normalized=n))
    return out


def unique_officials(entities: list[Entity]) -> list[dict]:
    """Each official of a document once: {"name", "title", "organization", "honorific"}."""
    seen: dict[tuple, dict] = {}
    for e in entities:
        if e.type != "OFFICIAL":
            continue
        n = e.normalized
        key = (fold(n["name"] or ""), fold(n["title"]), org_key(n["organization"]))
        if key not in seen:
            seen[key] = {"name": n["name"], "title": n["title"], "organization": n["organization"],
                         "honorific": n["honorific"]}
        elif not seen[key]["honorific"] and n["honorific"]:
            seen[key]["honorific"] = n["honorific"]
    return list(seen.values())


__all__ = ["find_officials", "link_officials", "unique_officials"]
