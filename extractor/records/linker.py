"""Link each figure of running text to its metric, scheme, region and period.

The unit of work is the sentence; inside it, the clause (split at ";") and the
window since the previous figure. For every number mention that could be a
coverage figure, in order:

1. metric: the cue phrases around it (rules/metrics.yaml), else the metric of the
   figure before it in a list ("Sơn Động (99,9%); Lục Nam (99,7%)");
2. scheme: the scheme named right after it ("người tham gia BHYT"), else the
   nearest one before it, else the one the paragraph or document is about;
3. region: the place named in its window or clause, "toàn tỉnh"/"cả nước", else
   the sentence's, the paragraph's, then the document's place;
4. period: the as-of date in its clause or sentence, else the one carried from
   earlier sentences, else the publication date; a target gets its own year.

Figures that are not coverage figures (money, counts of communes, growth
percents, populations, figures about several places at once) are dropped here.
This module does not read tables (see `tables.py`).
"""
from __future__ import annotations

import bisect
import datetime as _dt
import itertools
import math
import re
from dataclasses import dataclass, field

import regex

from ..entities.places import CONTAINER_GAP, unknown_places
from ..model import Record, Region
from .cues import compiled as _re, metric_cues
from .periods import (ASOF, COMPARISON, LOCAL, NO_PERIOD, PLAN_YEAR, Period, period_of,
                      reference_period, role, same_period_in_year, shift_year)
from .schemes import SchemeMention



PERCENT_METRICS = ("coverage_rate", "plan_attainment", "rate", "target_coverage_rate")
TARGETS = ("target_coverage_rate", "target_participants")
_YEARLIKE = regex.compile(r"^(?:19|20)\d\d$")
_ATTACHED_GAP = regex.compile(r"^[\s\p{L}]{0,30}$")
# "50.000 người lao động trong các doanh nghiệp chưa tham gia BHXH bắt buộc", "31,5% lực
# lượng lao động trong độ tuổi tham gia BHXH": words, then the verb whose scheme it is
_JOINED_GAP = regex.compile(r"^[\s\p{L}]{0,50}(?<!\p{L})tham\s+gia\s*$")
_OTHER_SUBJECT = regex.compile(r"(?<!\p{L})(?:và|hoặc|tỷ lệ|tỉ lệ|số)(?!\p{L})")
_NOT_COVERED_GAP = 40   # characters between a count's unit and a later "chưa tham gia"
_NOT_COVERED_GAP_BREAK = regex.compile(r"\d|tham gia|có thẻ")
_COMPARED_AFTER = regex.compile(r"\s*(?:\(\s*)?so\s+với(?!\p{L})")   # a change measured against a past
_SHARED_TAIL = regex.compile(r"\s*(?:đều\s+)?(?:đạt|có|với|là|:)?\s*(?:\p{L}+\s+){0,3}")
_SHARED_PERCENT_TAIL = regex.compile(r"\s*(?:đều\s+)?(?:đạt|có|với|là|:)?\s*(?:\p{L}+\s+){0,6}")
_COMPARED_TARGET = regex.compile(r"(?<!\p{L})so với\s+(?:mục tiêu|chỉ tiêu)(?:\s+\p{L}+){0,3}\s*$")
_JOINER = regex.compile(r"\s*(?:,|và|,\s*và)\s*")   # between two items of a list
_BARE_CLAUSE = regex.compile(r"[\s;,\-–+*•]*$")   # nothing before the clause's figure
_TAG_END = regex.compile(r"\s*\)\s*[-–—]")


def _day_of(end: str | None, month_day: int | None = None) -> _dt.date | None:
    """The day a period's end names ("2023-09-30"); for a month ("2023-09"), its day
    `month_day` when one is given; else None."""
    end = end or ""
    try:
        if len(end) >= 10:
            return _dt.date.fromisoformat(end[:10])
        if len(end) == 7 and month_day is not None:
            return _dt.date(int(end[:4]), int(end[5:7]), month_day)
    except ValueError:
        pass
    return None


def _source_tag(text: str, start: int, end: int) -> bool:
    """Is text[start:end] the name in a line's opening tag, "(Daklak) - …"?"""
    if start == 0 or text[start - 1] != "(" or not _TAG_END.match(text, end):
        return False
    return not text[text.rfind("\n", 0, start - 1) + 1:start - 1].strip()


_ORG_BEFORE_NATION = regex.compile(r"(?:BHXH|Bảo hiểm xã hội|bảo hiểm xã hội|Chính phủ|nước)\s*$")


@dataclass(slots=True)
class Ref:
    """A resolved region plus where it came from (own, collective, subject, topic, document)."""
    region: dict
    source: str


@dataclass(slots=True)
class FigureState:
    """What the previous figure of the sentence settled, for lists that leave it unsaid."""
    end: int
    kind: str                 # percent | count | money | other
    metric: str | None
    scheme: str | None = None
    region: Ref | None = None
    period: Period | None = None
    clause_start: int = -1
    sign: int = 1


@dataclass(slots=True)
class DocState:
    asof: Period | None = None
    paragraph: int = -1
    para_scheme: str | None = None
    doc_scheme: str | None = None
    topic: Ref | None = None
    target_section: bool = False
    intro: str | None = None          # a line ending with ":" that opens a list
    para_percent: str | None = None   # the last percent metric of the paragraph
    in_item: bool = False             # is the paragraph a list item ("- …", "1. …")?


@dataclass(slots=True)
class Sentence:
    start: int
    end: int
    paragraph: int
    numbers: list = field(default_factory=list)
    dates: list = field(default_factory=list)      # (mention, role)
    schemes: list = field(default_factory=list)    # SchemeMention


class Linker:
    def __init__(self, *, text: str, source: str, sentences: list[Sentence], places: list,
                 orgs: list, regions, reference: _dt.date | None, view, original: str,
                 skip_paragraphs: set[int]):
        self.text = text
        self.source = source
        self.sentences = sentences
        # entities with place dicts; a source tag ("(Daklak) - Theo BHXH huyện …") tells
        # the document's province (entities/context.py), not what the sentence is about
        self.places = sorted((e for e in places if not _source_tag(text, e.start, e.end)),
                             key=lambda e: e.start)
        self._place_starts = [e.start for e in self.places]
        # "toàn tỉnh", "cả nước"... found once per document: (start, end, level)
        self._collectives = metric_cues().collective_phrases(text)
        self._collective_starts = [c[0] for c in self._collectives]
        self.orgs = orgs
        # for _in_org: organizations by start, and the furthest end of those up to each
        by_start = sorted(orgs, key=lambda o: o.start)
        self._org_starts = [o.start for o in by_start]
        self._org_reach = list(itertools.accumulate((o.end for o in by_start), max))
        # names after a level word that are no place found ("huyện Xaphin"), by start
        self._unknown_starts = [a for a, b in unknown_places(text, self.places) if not self._in_org(a, b)]
        self.regions = regions        # RegionResolver
        self.reference = reference
        self.view = view
        self.original = original
        self.skip_paragraphs = skip_paragraphs
        self.cues = metric_cues()
        self.state = DocState()
        self.records: list[Record] = []
        self.asof_marks: list[tuple[int, Period]] = []  # (offset, as-of date set there), in order
        self._breaks_of: Sentence | None = None      # see _breaks
        self._sent_breaks: list[tuple[int, int]] = []
        self._span_of: Sentence | None = None        # see _emit
        self._opening_of: Sentence | None = None     # see _opens_with_target
        self._opening_target = False
        self._periods: dict[int, Period] = {}        # see _period_of
        self._anaphoric_texts: dict[str, bool] = {}  # see _anaphoric
        self._sent_span = (0, 0, "")
        # offsets of every "(" and ")", for _in_brackets by bisection
        self._opens = [m.start() for m in _OPEN.finditer(text)]
        self._closes = [m.start() for m in _CLOSE.finditer(text)]

    def asof_at(self, pos: int) -> Period | None:
        """The as-of date the running text had set before offset `pos` (after `run`)."""
        i = bisect.bisect_right(self.asof_marks, pos, key=lambda m: m[0])
        return self.asof_marks[i - 1][1] if i else None

    # --- driver -----------------------------------------------------------------------
    def run(self) -> list[Record]:
        for sent in self.sentences:
            if sent.paragraph != self.state.paragraph:
                line = self._line(sent)
                item = _re(r"^\s*(?:[-–•+*]|\d{1,2}[.)])\s").match(line) is not None
                if not item:
                    self.state.intro = None  # a list ends with the first line that is not an item
                if line.rstrip(" *").endswith(":"):
                    self.state.intro = line
                self.state.paragraph = sent.paragraph
                self.state.para_scheme = None
                if not (item and self.state.in_item):
                    # an item after an item goes on with its percent: "- Tỷ lệ bao phủ BHYT
                    # toàn tỉnh: 93,5%." then "- Huyện Minh Hóa: 99,2%."
                    self.state.para_percent = None
                self.state.in_item = item
                heading = self._heading(sent)
                if heading is not None:
                    self.state.target_section = bool(self.cues.target_headings.any(heading))
            if sent.paragraph not in self.skip_paragraphs:
                self._sentence(sent)
            self._after_sentence(sent)
        return self.records

    def _after_sentence(self, sent: Sentence) -> None:
        if not sent.numbers and _re(r"(?:Tại|Ở)\s").match(self.text[sent.start:sent.start + 4]):
            first = next(iter(self._places_between(sent.start, sent.start + 24)), None)
            region = self.regions.from_entity(first) if first else None
            if region:
                self.state.topic = Ref(region, "subject")
        for sm in sent.schemes:
            if not sm.comparison:
                self.state.para_scheme = sm.scheme
                self.state.doc_scheme = sm.scheme
        if not sent.dates:
            return
        intro = self.text[sent.start:sent.end].rstrip(" *").endswith(":")
        asofs = [d for d, r in sent.dates if r == ASOF and (getattr(d, "asof", False) or sent.numbers or intro)
                 and not self._in_brackets(sent.start, d.start) and not self._aimed_at(sent, d)
                 and not self._now_is_last_asof(d)      # "hiện" soon after the data's date: that date
                 and not self._anaphoric(d.text)]        # "Cùng thời điểm": the date carried so far
        if asofs:
            marked = [d for d in asofs if getattr(d, "asof", False)]
            p = self._period_of(_prefer_point(marked or asofs)[0])
            if p.end:
                self.state.asof = p
                self.asof_marks.append((sent.start, p))

    # --- one sentence -------------------------------------------------------------------
    def _sentence(self, sent: Sentence) -> None:
        text = self.text
        prev: FigureState | None = None
        first_fig_start = sent.numbers[0].start if sent.numbers else sent.end
        starts = [n.start for n in sent.numbers]
        in_order = all(a <= b for a, b in zip(starts, starts[1:]))
        for num in sent.numbers:
            if num.kind == "ordinal" or self._in_place_name(num.start, num.end):
                continue  # a label, not a figure: "Quận 1 đạt 89,3%", "lần thứ 2", "Phường Hà Giang 1"
            kind = _kind(num, text, self.cues)
            if kind not in ("percent", "count"):
                prev = FigureState(num.end, kind, None)
                continue
            clause_start, clause_end = self._clause(sent, num.start)
            win_start = max(clause_start, prev.end if prev else sent.start)
            # the first later figure in the list: by bisection when the list is in order
            if in_order:
                i = bisect.bisect_right(starts, num.start)
                next_start = starts[i] if i < len(starts) else sent.end
            else:
                next_start = next((n.start for n in sent.numbers if n.start > num.start), sent.end)
            right = text[num.end:min(next_start, clause_end, num.end + 60)]
            metric, sign = self._metric(num, kind, sent, clause_start, win_start, right, prev,
                                        clause_end)
            if kind == "percent" and metric in ("rate", None) and next_start < clause_end \
                    and _JOINER.fullmatch(right) and self._plan_after_next(sent, next_start):
                metric, sign = "plan_attainment", 1  # "lần lượt đạt 92,1% và 88,5% kế hoạch"
            if metric is None:
                prev = FigureState(num.end, kind, None if metric is None else metric,
                                   prev.scheme if prev else None, prev.region if prev else None)
                continue
            scheme = self._scheme(num, sent, clause_start, clause_end, win_start, prev)
            region = self._region(num, sent, clause_start, win_start, prev, first_fig_start)
            period, compared, conf_penalty = self._period(num, metric, sent, clause_start,
                                                          clause_end, win_start)
            prev = FigureState(num.end, kind, metric, scheme, region, period, clause_start, sign)
            if kind == "percent" and metric in ("coverage_rate", "rate", "plan_attainment"):
                self.state.para_percent = metric
            if scheme is None or region is None or region.region is None:
                continue
            if metric in TARGETS and region.source not in ("own",) and self._national_target(
                    sent, clause_start, clause_end, num.start):
                continue  # a central resolution's target quoted in a provincial text
            if region.source in ("collective", "subject") and (
                    num.start <= first_fig_start or region.source == "collective"):
                self.state.topic = region
            value = num.value
            if sign < 0 and not isinstance(value, tuple):
                value = -value
            paired = self._respective(num, sent, clause_start, clause_end)
            if paired is not None:
                region = paired
            shared = self._shared_list(win_start, num.start, sent.start, kind == "percent") \
                if region.source == "own" and paired is None else []
            for ref in shared or [region]:
                self._emit(num, sent, metric, scheme, ref, period, compared, value, kind,
                           conf_penalty)

    _HEADING = regex.compile(r"^(?:[IVX]{1,4}\.|\d{1,2}\.|[A-Z]\.)?\s*[\p{Lu}\p{Ll}][^.;:!?]{0,70}$")

    def _line(self, sent: Sentence) -> str:
        end = self.text.find("\n", sent.start)
        return self.text[sent.start:end if end >= 0 else len(self.text)]

    def _heading(self, sent: Sentence) -> str | None:
        """The text of a section heading starting at this paragraph, or None."""
        line = self._line(sent)
        if len(line) > 80 or sent.numbers:
            return None
        numbered = _re(r"^(?:[IVX]{1,4}|\d{1,2}|[A-Z])\.\s").match(line)
        if not (numbered or (line.isupper() and len(line) > 5)):
            return None
        return line if self._HEADING.match(line) else None

    def _national_target(self, sent: Sentence, clause_start: int, clause_end: int, pos: int) -> bool:
        t = self.text[sent.start:sent.end]
        if not self.cues.central_documents.any(t):
            return False
        if self._in_brackets(clause_start, pos):
            # a figure in brackets is asked about within them: "(chỉ tiêu chung của cả nước
            # theo Nghị quyết số 28-NQ/TW là 45%)" after "… của tỉnh tham gia BHXH"
            clause_start = self.text.rfind("(", clause_start, pos)
            close = self.text.find(")", pos, clause_end)
            clause_end = close if close >= 0 else clause_end
        return not self.cues.assigned.any(self.text[clause_start:clause_end])

    def _respective(self, num, sent, clause_start, clause_end) -> Ref | None:
        """'ở các huyện A Lưới, Nam Đông lần lượt đạt 99,6% và 99,2%': the i-th place for the i-th figure."""
        # the places paired lie between the clause start and the cue, before the figure:
        # with fewer than two starting there, there is no cue to look for
        starts = self._place_starts
        if bisect.bisect_right(starts, num.start) - bisect.bisect_left(starts, clause_start) < 2:
            return None
        m = self.cues.respectively.last(self.text[clause_start:num.start])
        if not m:
            return None
        cue_at = clause_start + m.start()
        places = [e for e in self._places_between(clause_start, cue_at) if e.end <= cue_at
                  and not self._in_org(e.start, e.end)]
        figs = [n for n in sent.numbers if cue_at <= n.start < clause_end]
        if len(places) < 2 or len(places) != len(figs) or num not in figs:
            return None
        region = self.regions.from_entity(places[figs.index(num)])
        return Ref(region, "own") if region else None

    def _shared_list(self, start: int, end: int, sent_start: int, percent: bool = False) -> list[Ref]:
        """Places listed right before one figure ("Đồng Văn, Mèo Vạc, Yên Minh đạt 100%"); a
        percent's may be further from it ("Pác Nặm và Ba Bể có tỷ lệ bao phủ 100%")."""
        ents = [e for e in self._places_between(start, end) if e.end <= end
                and not self._in_org(e.start, e.end)]
        if len(ents) < 2:
            return []
        chain = [ents[-1]]
        level = (ents[-1].normalized or {}).get("level")
        for e in reversed(ents[:-1]):
            gap = self.text[e.end:chain[0].start]
            if not _JOINER.fullmatch(gap) or (e.normalized or {}).get("level") != level:
                break  # a list is of one level: "xã A, huyện B" is an address
            chain.insert(0, e)
        tail = self.text[chain[-1].end:end]
        if len(chain) < 2 or not (_SHARED_PERCENT_TAIL if percent else _SHARED_TAIL).fullmatch(tail):
            return []
        refs = [Ref(self.regions.from_entity(e), "own") for e in chain]
        return [r for r in refs if r.region]

    def _clause(self, sent: Sentence, pos: int) -> tuple[int, int]:
        """The clause around `pos`: split at ";" and at turns such as ", trong khi"."""
        start, end = sent.start, sent.end
        for a, b in self._breaks(sent):
            if b <= pos:
                start = b
            elif a >= pos:
                end = a
                break
        return start, end

    def _breaks(self, sent: Sentence) -> list[tuple[int, int]]:
        """The clause breaks of the sentence, (start, end), found once per sentence."""
        if self._breaks_of is not sent:
            self._breaks_of = sent
            self._sent_breaks = [m.span() for m in self.cues.clause_break_re.finditer(
                self.text, sent.start, sent.end)]
        return self._sent_breaks

    # --- metric -------------------------------------------------------------------------
    def _target_context(self, sent, clause_left: str, prev, end: int) -> bool:
        """A target section, a strong target word earlier in the clause, or opening the
        sentence; or a clause that opens with its figure after a target ("phấn đấu đến năm
        2025 có 33% lực lượng lao động tham gia BHXH; 95% dân số tham gia BHYT")."""
        c = self.cues
        if self.state.target_section:
            return True
        if prev and prev.metric in TARGETS and _BARE_CLAUSE.match(clause_left):
            return True
        m = c.target_strong.last(clause_left)
        if m and not _re(r"(?:đã|vừa)\s+(?:hoàn thành|đạt)\s*$").search(clause_left[:m.start()]) \
                and not self._reached_between(sent, end - len(clause_left) + m.end(), end):
            return True
        return self._opens_with_target(sent)

    def _opens_with_target(self, sent) -> bool:
        """Does the sentence open with a strong target word? Decided once per sentence."""
        if self._opening_of is not sent:
            c = self.cues
            opening = self.text[sent.start:min(sent.end, sent.start + 40)]
            self._opening_of = sent
            self._opening_target = bool(c.target_strong.lead(opening[:12])
                                        or c.target_strong._any.match(opening))
        return self._opening_target

    def _metric(self, num, kind, sent, clause_start, win_start, right, prev, clause_end):
        c = self.cues
        text = self.text
        lead = _strip_dates(text, max(sent.start, num.value_start - 50), num.value_start, sent.dates)
        win = text[win_start:num.start]
        clause_left = text[clause_start:num.start]
        if kind == "percent":
            if c.percent_exclude_after.next_word(right):
                return None, 1
            # with no figure before, the window is the clause: its last 60 characters are
            # asked about only when they are not the whole window
            if c.percent_exclude_before.last(win) or (
                    not prev and len(clause_left) > 60 and c.percent_exclude_before.last(clause_left[-60:])):
                return None, 1
            if prev and prev.kind == "money" and not c.coverage_before.any(win):
                return None, 1
            if c.difference_lead.lead(lead) and not c.excess_lead.lead(lead, strict=True):
                return None, 1
            if _re(r"^\s*(?:so|kế hoạch|chỉ tiêu|mục tiêu)").match(right) and c.excess_lead.lead(lead):
                return None, 1
            if prev and prev.metric == "participants_change" and _re(r"\s*\(\s*").fullmatch(win):
                return None, 1  # "tăng 3.860 (7%)": the growth of a change
            if _COMPARED_TARGET.search(win):
                return None, 1  # "cao hơn so với mục tiêu trên 80% … mà Nghị quyết … đặt ra": another's
            if c.plan_after.after(right):
                return "plan_attainment", 1
            # "… chỉ tiêu giao (95%)": the window ends in "(" (a quick test first)
            if win.rstrip().endswith("(") and _re(
                    r"(?<!\p{L})(?:chỉ tiêu|giao|mục tiêu|đề ra|kế hoạch)(?!\p{L})[^\d;]{0,25}\(\s*$").search(win):
                return "target_coverage_rate", 1
            if self._target_context(sent, clause_left, prev, num.start):
                return "target_coverage_rate", 1
            if c.plan_before.last(clause_left) and _re(r"(?:đạt|bằng|được)\s*$").search(lead):
                return "plan_attainment", 1
            if c.target_before.last(clause_left):
                return "target_coverage_rate", 1
            if c.plan_rate_before.last(win):
                return "plan_attainment", 1
            if c.coverage_before.last(win) or (c.coverage_after.after(right) and (
                    self._anchor(sent, clause_start, num) or self.state.para_percent)):
                return "coverage_rate", 1
            if prev and prev.metric in PERCENT_METRICS:
                return prev.metric, 1
            # the sentence up to the figure, unless that is the window (asked about above)
            if win_start > sent.start:
                sent_left = text[sent.start:num.start]
                if c.plan_rate_before.last(sent_left):
                    return "plan_attainment", 1
                if c.coverage_before.last(sent_left):
                    return "coverage_rate", 1
            if c.coverage_before.any(text[num.end:clause_end]):
                return "coverage_rate", 1  # "Bảo Thắng (89,5%), ... có tỷ lệ bao phủ BHYT thấp nhất"
            if self._anchor(sent, clause_start, num):
                # a part's share of a total named before: "Trong số đó chỉ có hơn 134 ngàn
                # thẻ BHYT tự nguyện (chiếm khoảng 9,56%)" is not a share of the population
                if prev and prev.kind == "count" and prev.clause_start == clause_start \
                        and c.share_lead.lead(win) and c.part_of_before.any(clause_left):
                    return None, 1
                return "rate", 1
            if self.state.para_percent and self._nearest_place(win_start, num.start, sent.start):
                return self.state.para_percent, 1  # "…một số xã còn thấp: xã Văn Miếu mới đạt 88,9%"
            if self.state.intro and self._nearest_place(win_start, num.start, sent.start):
                intro = self.state.intro  # "Các tỉnh có độ bao phủ BHYT cao nhất:" then "- Bắc Kạn: 98,64%"
                if c.coverage_before.any(intro):
                    return "coverage_rate", 1
                if c.plan_rate_before.any(intro) or c.plan_after.any(intro):
                    return "plan_attainment", 1
            return None, 1

        # counts of people or cards
        if num.unit is None and not self._count_context(num, sent, prev, right):
            return None, 1
        if prev and prev.kind == "count" and prev.metric and _JOINER.fullmatch(win):
            return prev.metric, prev.sign  # "giảm lần lượt 1.206 người và 874 người"
        phrase = _re(r"[,;.()]").split(right, maxsplit=1)[0]
        if c.population_lead.lead(lead) or c.count_exclude_after.any(phrase) \
                or c.count_exclude_before.last(win):
            return None, 1
        # (from 4 characters before the clause: one that opens after the break word "còn"
        # starts with the rest of the cue, "…, còn thiếu 1.320 người")
        if c.to_target.last(text[max(sent.start, clause_start - 4):num.start][-74:]) \
                or c.to_target.after(right):
            return "participants_to_target", 1
        if c.non_participant_after.after(right) or c.non_participant_before.last(win) \
                or self._not_covered_later(phrase):
            return "non_participants", 1
        if (num.unit == "card" or (num.unit_text or "").lower().startswith("thẻ")) \
                and c.cards_lead.last(clause_left[-60:]):
            return "cards_issued", 1
        if c.excess_lead.lead(lead, strict=True) and (
                _re(r"^\s*(?:so|kế hoạch|chỉ tiêu|mục tiêu)").match(right)
                or _re(r"kế hoạch|chỉ tiêu|mục tiêu").search(clause_left)):
            return None, 1  # "vượt 587 người" over the plan
        in_target = self._target_context(sent, clause_left, prev, num.start)
        said = in_target or self._weak_target_before(c.target_count_before.last(clause_left),
                                                     sent, clause_start, num.start)
        level = bool(c.level_lead.lead(lead)) if said else None   # asked once, when needed
        target = said and not level
        if target and _COMPARED_AFTER.match(right):
            target = False  # "đạt 85,4% chỉ tiêu được giao, tăng 5.432 người so với cùng kỳ"
        if c.change_decrease_lead.lead(lead):
            return ("target_participants", 1) if target else ("participants_change", -1)
        if c.change_increase_lead.lead(lead):
            if target:
                return "target_participants", 1
            if not c.risen_to_lead.lead(lead, strict=True) or _COMPARED_AFTER.match(right):
                return "participants_change", 1
            # else "năm 2022 tăng lên 25.310 người": the level risen to
        # a window that starts at the clause is the clause: the question asked above
        if in_target or (said if win_start == clause_start else c.target_count_before.last(win)):
            if level is None:
                level = bool(c.level_lead.lead(lead))
            if not level:
                return "target_participants", 1
        if self._anchor(sent, clause_start, num) or c.participation.any(right[:25]):
            return "participants", 1
        if prev and prev.metric == "participants" and num.unit == "person" \
                and self._nearest_place(win_start, num.start, sent.start) is not None:
            return "participants", 1  # "… có 241.013 người tham gia; huyện Cờ Đỏ có 98.205 người"
        return None, 1

    def _count_context(self, num, sent, prev, right) -> bool:
        """A bare number (no unit word) counts people only in a sentence about participants."""
        v = num.value
        if isinstance(v, tuple) or not float(v).is_integer() or abs(v) < 10:
            return False
        raw = self.text[num.value_start:num.value_end]
        if _YEARLIKE.match(raw):
            return False
        if prev and prev.kind == "count" and prev.metric:
            return True
        return bool(_re(r"người\s+tham\s+gia|đối tượng").search(self.text[sent.start:sent.end]))

    def _aimed_at(self, sent: Sentence, d) -> bool:
        """Is date `d` the date a target is aimed at ("phấn đấu đến cuối năm 2013 … đạt 90%") or
        an estimate is made for ("Ước đến 31/12/2016")? Such a date is not the time later
        figures are as of."""
        return self.cues.target_strong.last(self.text[sent.start:d.start]) is not None \
            or self.cues.estimate_lead.lead(self.text[max(sent.start, d.start - 16):d.start],
                                            strict=True) is not None

    def _in_place_name(self, start: int, end: int) -> bool:
        """Is text[start:end] inside the name of a place found ("Phường Hà Giang 1")?"""
        i = bisect.bisect_right(self._place_starts, start) - 1
        return i >= 0 and self.places[i].end >= end and self.places[i].start < start

    def _weak_target_before(self, cue, sent, clause_start: int, end: int) -> bool:
        """Does a target word ("chỉ tiêu", "giao") before a count make it a target?"""
        return cue is not None and not self._reached_between(sent, clause_start + cue.end(), end)

    def _reached_between(self, sent, lo: int, hi: int) -> bool:
        """Is there, in text[lo:hi], an as-of date already past when the text was written that
        opens a main clause? Then what follows is the level reached, not the target named
        before: "Quyết định … giao chỉ tiêu … (…), đến hết tháng 8/2023, toàn tỉnh có
        1.741.540 người" in a letter of 20/9/2023."""
        if self.reference is None:
            return False
        text = self.text
        for d, r in sent.dates:
            if r == ASOF and getattr(d, "asof", False) and lo <= d.start and d.end <= hi \
                    and text[d.end:d.end + 1] == ",":
                end = self._period_of(d).end
                if end and len(end) >= 7 and end[:10] < self.reference.isoformat()[:len(end[:10])]:
                    return True
        return False

    def _not_covered_later(self, phrase: str) -> bool:
        """A non-participant cue a few words after the unit, with neither a figure nor
        participation between: "khoảng 86.000 người dân trên địa bàn tỉnh chưa tham gia BHYT"."""
        m = self.cues.non_participant_after.first(phrase[:_NOT_COVERED_GAP + 20])
        if m is None or m.start() > _NOT_COVERED_GAP:
            return False
        gap = phrase[:m.start()]
        return _NOT_COVERED_GAP_BREAK.search(gap) is None

    def _anchor(self, sent, clause_start, num) -> bool:
        """Is the figure's clause about insurance at all (a scheme or participation nearby)?"""
        if any(clause_start - 80 <= sm.start < num.end + 40 for sm in sent.schemes):
            return True
        return bool(_re(r"tham gia|có thẻ|bao phủ").search(self.text[clause_start:num.end + 40]))

    # --- scheme -------------------------------------------------------------------------
    def _scheme(self, num, sent, clause_start, clause_end, win_start, prev) -> str | None:
        text = self.text
        for sm in sent.schemes:
            if num.value_end <= sm.start < num.end:
                return sm.scheme  # in the unit: "127.540 thẻ BHYT"
            if num.end <= sm.start <= num.end + 60 and sm.start < clause_end:
                gap = text[num.end:sm.start]
                if (sm.start <= num.end + 30 and _ATTACHED_GAP.match(gap)) or (
                        num.unit in ("person", "percent") and _JOINED_GAP.match(gap)
                        and not _OTHER_SUBJECT.search(gap)):
                    return sm.scheme
        before = [sm for sm in sent.schemes if win_start <= sm.start and sm.end <= num.start
                  and not sm.comparison]
        if before:
            return before[-1].scheme
        if prev and prev.scheme:
            return prev.scheme
        before = [sm for sm in sent.schemes if sm.end <= num.start and not sm.comparison]
        if before:
            return before[-1].scheme
        after = [sm for sm in sent.schemes if num.end <= sm.start < clause_end and not sm.comparison]
        if after:
            return after[0].scheme
        if not sent.schemes and "bao phủ" in text[max(sent.start, num.start - 60):num.start]:
            return "BHYT"  # "tỷ lệ bao phủ" with no scheme named in the sentence is health insurance's
        return self.state.para_scheme or self.state.doc_scheme or self.regions.default_scheme

    # --- region -------------------------------------------------------------------------
    def _region(self, num, sent, clause_start, win_start, prev, first_fig_start) -> Ref | None:
        c = self.cues
        # the clause is tried only when it starts before the window (else: the same answer)
        item = self._unplaced_item(num.start, sent.start)
        for lo in ((win_start,) if win_start == clause_start else (win_start, clause_start)):
            hits = self._places_in(lo, num.start, sent.start)
            if self._unknown_in(hits[-1][0] if hits else lo, num.start) or (
                    item is not None and item >= lo and (not hits or hits[-1][0] <= item)):
                return Ref(None, "unknown")  # "…, huyện Xaphin đạt 90,5%": not the place before
            if hits:
                end, ref = hits[-1]
                if c.plural(self.text[end:num.start]):
                    return Ref(None, "plural")  # "huyện Giao Thủy có 5 xã đạt 97-98%"
                return ref
            if c.plural(self.text[lo:num.start]):
                return Ref(None, "plural")
        if prev and prev.region is not None and (
                prev.clause_start == clause_start or prev.region.source != "own"):
            return prev.region
        ref = self._first_place(sent.start, clause_start, sent.start)
        if ref is not None:
            return ref if ref.source in ("collective", "comparison") else Ref(ref.region, "subject")
        # (the clause up to the figure, the loop's last window, holds no plural)
        ref = self._nearest_place(sent.start, num.start, sent.start, allow_org=True)
        if ref is not None and ref.source == "own":
            return Ref(ref.region, "subject")
        if self.state.topic is not None:
            return Ref(self.state.topic.region, "topic")
        default = self.regions.default()
        return Ref(default, "document") if default else None

    def _places_in(self, start: int, end: int, sent_start: int, allow_org: bool = False) -> list[tuple[int, Ref]]:
        """Places and collective phrases ("toàn tỉnh", "cả nước") in [start, end), by end offset."""
        if end <= start:
            return []
        hits: list[tuple[int, Ref]] = []
        prev_place = None
        lo = bisect.bisect_left(self._place_starts, start)
        hi = bisect.bisect_left(self._place_starts, end)
        for e in self.places[lo:hi]:
            if e.end > end:
                continue
            if prev_place is not None and _contains(prev_place, e) and CONTAINER_GAP.fullmatch(
                    self.text, prev_place.end, e.start):
                prev_place = e
                continue  # "xã Võ Miếu, huyện Thanh Sơn", "huyện Giao Thủy (Nam Định)": the container
            prev_place = e
            if (not allow_org and self._in_org(e.start, e.end)) or _in_scope_phrase(self.text, e.start, sent_start):
                continue
            if self._closed_before(e.end, end):
                continue  # an aside in brackets closed before the figure: "huyện A (tỉnh B) có …"
            region = self.regions.from_entity(e)
            source = "comparison" if _after_comparison(self.text, e.start, sent_start) else "own"
            if region:
                hits.append((e.end, Ref(region, source)))
        lo = bisect.bisect_left(self._collective_starts, start)
        hi = bisect.bisect_left(self._collective_starts, end)
        for a, pos, level in self._collectives[lo:hi]:
            if pos > end:
                continue
            if level == "national" and _ORG_BEFORE_NATION.search(self.text[max(0, a - 25):a]):
                continue
            # _PLURAL_BEFORE ends in \s+$: only after a space (all of regex's \s are isspace)
            if a > 0 and self.text[a - 1].isspace() and _PLURAL_BEFORE.search(self.text[max(0, a - 12):a]):
                continue  # "các xã có", "5 huyện đạt": several places, not the document's own
            if self._in_org(a, pos) or self._closed_before(pos, end):
                continue
            region = self._recent_place(level, a) or self.regions.collective(level)
            source = "comparison" if _after_comparison(self.text, a, sent_start) else "collective"
            if region:
                hits.append((pos, Ref(region, source)))
        if len(hits) > 1:
            hits.sort(key=lambda h: h[0])
        return hits

    def _unplaced_item(self, pos: int, sent_start: int) -> int | None:
        """Where the name of a list item whose figure at `pos` follows it in brackets or
        after a colon begins, if no place was found there: "như: xã Hướng Lập (89,2%), Gio
        Mỹ (91,3%)", "- Abc Def: 85%" (a name the gazetteer does not know, or of a place
        the document's context does not support). The name's words are capitalised and
        hold a small letter ("BHYT (95%)" is no item); a separator (",", ";", ":", "như",
        a bullet) or the sentence's start comes before it."""
        text = self.text
        j = pos
        while j > sent_start and text[j - 1] == " ":
            j -= 1
        if j == sent_start or text[j - 1] not in "(:":
            return None                 # most figures: "có 500", "đạt 95%"
        j -= 1
        start = None
        while True:                     # the capitalised words before, nearest first
            while j > sent_start and text[j - 1] == " ":
                j -= 1
            k = j
            while k > sent_start and (text[k - 1].isalnum() or text[k - 1] in "'’"):
                k -= 1
            word = text[k:j]
            if not word or not word[0].isupper() or word.isupper():
                break
            start, j = k, k
        if start is None:
            return None
        before = text[sent_start:start].rstrip()
        if before and before[-1] not in ",;:-–•+*" and not before.endswith("như"):
            return None
        i = bisect.bisect_right(self._place_starts, start)
        if (i and self.places[i - 1].end > start) or self._in_org(start, pos):
            return None
        return start

    def _unknown_in(self, start: int, end: int) -> bool:
        """Does a name that follows a level word but is no place found (outside an
        organization's name) start in [start, end)?"""
        starts = self._unknown_starts
        i = bisect.bisect_left(starts, start)
        return i < len(starts) and starts[i] < end

    def _nearest_place(self, start: int, end: int, sent_start: int, allow_org: bool = False) -> Ref | None:
        """The place or collective phrase nearest before `end`, within [start, end)."""
        hits = self._places_in(start, end, sent_start, allow_org)
        return hits[-1][1] if hits else None

    def _first_place(self, start: int, end: int, sent_start: int) -> Ref | None:
        """The sentence's subject: the first place or collective phrase in [start, end)."""
        hits = [h for h in self._places_in(start, end, sent_start) if h[1].source != "comparison"]
        return hits[0][1] if hits else None

    def _recent_place(self, level: str, pos: int) -> dict | None:
        """'toàn xã' / 'toàn huyện': the commune or district the paragraph last named."""
        if level not in ("district", "commune"):
            return None
        para_start = self.text.rfind("\n", 0, pos) + 1
        found = [e for e in self._places_between(para_start, pos) if e.end <= pos
                 and (e.normalized or {}).get("level") == level]
        return self.regions.from_entity(found[-1]) if found else None

    def _places_between(self, lo: int, hi: int) -> list:
        """The places starting in [lo, hi], in order (a place ends after it starts)."""
        starts = self._place_starts
        return self.places[bisect.bisect_left(starts, lo):bisect.bisect_right(starts, hi)]

    def _in_brackets(self, start: int, pos: int) -> bool:
        """More "(" than ")" in text[start:pos]? Counted by bisection on their offsets."""
        opens, closes = self._opens, self._closes
        if not opens:
            return False
        n_open = bisect.bisect_left(opens, pos) - bisect.bisect_left(opens, start)
        return n_open > 0 and n_open > bisect.bisect_left(closes, pos) - bisect.bisect_left(closes, start)

    def _closed_before(self, start: int, pos: int) -> bool:
        """More ")" than "(" in text[start:pos]: is `start` inside brackets that close before
        `pos` ("… (chỉ tiêu chung của cả nước là 45%) và có 22.000 người")?"""
        closes = self._closes
        if not closes:
            return False
        n_close = bisect.bisect_left(closes, pos) - bisect.bisect_left(closes, start)
        opens = self._opens
        return n_close > 0 and n_close > bisect.bisect_left(opens, pos) - bisect.bisect_left(opens, start)

    def _in_org(self, start: int, end: int) -> bool:
        """Is [start, end) inside an organization's name? One starting at or before
        `start` must reach `end`: the furthest reach of those decides."""
        i = bisect.bisect_right(self._org_starts, start)
        return i > 0 and self._org_reach[i - 1] >= end

    # --- period -------------------------------------------------------------------------
    def _period(self, num, metric, sent, clause_start, clause_end, win_start):
        """(period, compared_to, confidence penalty) of a figure."""
        text = self.text
        roles = (ASOF, PLAN_YEAR) if metric in TARGETS else (ASOF,)
        penalty = 0.0
        period: Period | None = None
        # The candidates below come from the sentence's dates (`left`: those before the
        # figure); where there are none, their searches are skipped, not run empty.
        dated = bool(sent.dates)
        left = [(d, r) for d, r in sent.dates if d.end <= num.start] if dated else []

        # A count in brackets right after a comparison is the compared figure:
        # "so với cùng kỳ năm 2019 (55.317 người)".
        comp_paren = [d for d, r in left if r == COMPARISON and d.start >= win_start
                      and _re(r"\s*\(\s*").fullmatch(text[d.end:num.start])]

        def nearest(lo):
            # the last candidate that is not a multi-year span, else the last candidate
            # (`_prefer_point(cands)[-1]`), found from the end
            last = None
            for d, r in reversed(left):
                if r in roles and d.start >= lo and not (
                        self._in_brackets(sent.start, d.start) and ")" in text[d.end:num.start]):
                    if not _multi_year(d):
                        return d
                    if last is None:
                        last = d
            return last

        if left:
            local = [d for d, r in left if r == LOCAL
                     and _re(r",?\s*(?:khi|lúc)[^,;]*").fullmatch(text[d.end:num.start])]
            if local:
                return self._period_of(local[-1]), None, penalty  # "so với năm 2019, khi cả nước có …"
        if metric == "participants_to_target":
            # the gap is measured now, not at the target date
            now = [d for d, r in left if r == ASOF and d.start >= sent.start
                   and getattr(d, "kind", "") in ("relative", "day", "datetime", "month")
                   and self._period_of(d).end]
            if now:
                return self._period_of(now[-1]), None, penalty
            if self.state.asof is not None:
                return self.state.asof, None, penalty
        m = None
        if dated:
            if metric in TARGETS:
                after = [d for d, r in sent.dates if d.start >= num.end and r in roles
                         and _re(r"\s*(?:vào|trong|đến|tới)?\s*").fullmatch(text[num.end:d.start])
                         and d.text.lower().startswith(("năm", "cuối năm", "hết năm", "đến năm", "vào năm"))
                         and not _re(r"\s*(?:đạt|:|là)").match(text[d.end:d.end + 6])]
                m = after[0] if after else nearest(win_start)  # "50% vào năm 2030"
            if m is None and left:
                m = nearest(clause_start)
                if m is None:
                    m = nearest(sent.start)
            if m is None:
                right = [d for d, r in sent.dates if d.start >= num.end and d.end <= clause_end and r in roles]
                m = right[0] if right else None
        if m is not None and (not self._period_of(m).end or self._anaphoric(m.text)):
            m = None  # "trong 6 tháng" with no year known, "đến thời điểm này": the as-of carried so far
        if m is not None and self._now_is_last_asof(m):
            m = None  # "Hiện còn 142 nghìn người…" after "đến 30/6/2018": the report's own date
        elif m is not None and self._is_bare_now(m):
            # "đến hết tháng 3/2019 toàn tỉnh có …; toàn tỉnh hiện còn khoảng 145 nghìn người …"
            m = next((d for d, r in reversed(sent.dates) if r == ASOF and d.end <= m.start
                      and self._recent(self._period_of(d).end)), m)
        if m is not None:
            period = self._period_of(m)
            if metric not in TARGETS and getattr(m, "needs_reference", False):
                period = self._past_year(period)
            if (getattr(m, "kind", "") == "year" and self.state.asof and self.state.asof.end
                    and period.end and self.state.asof.end[:4] == period.end[:4]
                    and len(self.state.asof.end) > 4 and metric not in TARGETS):
                period = self.state.asof  # "kế hoạch năm 2024" after "tháng 6/2024"
        elif self.state.asof is not None:
            period = self.state.asof
            penalty += 0.05
        else:
            period = reference_period(self.reference)
            penalty += 0.15
        if not period.end:
            penalty += 0.1

        compared = None
        if metric == "participants_change" or comp_paren:
            compared = self._compared(num, sent, clause_start, clause_end, period)
        if comp_paren and metric == "participants":
            return (compared or NO_PERIOD), None, penalty + 0.05
        return period, (compared.as_dict() if compared else None), penalty

    def _period_of(self, mention) -> Period:
        """`period_of(mention)`, made once per date mention of the document."""
        p = self._periods.get(id(mention))
        if p is None:
            p = self._periods[id(mention)] = period_of(mention)
        return p

    def _anaphoric(self, date_text: str) -> bool:
        """`cues.anaphoric_dates.any(date_text)`, asked once per date text of the document
        (the figures of a sentence often share their date)."""
        a = self._anaphoric_texts.get(date_text)
        if a is None:
            a = self._anaphoric_texts[date_text] = self.cues.anaphoric_dates.any(date_text)
        return a

    def _now_is_last_asof(self, mention) -> bool:
        """Does a bare "hiện"/"hiện nay" mean the as-of date the text gave shortly before?"""
        return self.state.asof is not None and self._is_bare_now(mention) \
            and self._recent(self.state.asof.end)

    def _is_bare_now(self, mention) -> bool:
        return getattr(mention, "kind", "") == "relative" and self.reference is not None \
            and _re(r"(?i)(?:hiện|hiện nay|hiện tại)$").match(mention.text.strip()) is not None

    def _recent(self, end: str | None) -> bool:
        """Is the day `end` at most two months before the publication day?"""
        then = _day_of(end)
        return then is not None and self.reference is not None and 0 <= (self.reference - then).days <= 62

    def _compared(self, num, sent, clause_start, clause_end, period: Period) -> Period | None:
        comps = [d for d, r in sent.dates if r == COMPARISON and clause_start <= d.start < clause_end]
        if comps:
            d = min(comps, key=lambda d: abs(d.start - num.end))
            low = d.text.lower()
            if "cùng kỳ" in low:
                p = self._period_of(d)
                if p.end and len(p.end) >= 4 and p.end[:4].isdigit() and "năm trước" not in low:
                    return same_period_in_year(period, int(p.end[:4]))
                return shift_year(period, -1) if period.end else None
            before = self._before_period(d, period)
            return before if before is not None else self._period_of(d)
        if _re(r"cùng kỳ").search(self.text[clause_start:clause_end]) and period.end:
            return shift_year(period, -1)
        return None

    def _plan_after_next(self, sent: Sentence, next_start: int) -> bool:
        """Is the percent starting at `next_start` followed by a plan cue ("88,5% kế hoạch")?"""
        nxt = next((n for n in sent.numbers if n.start == next_start), None)
        return nxt is not None and nxt.unit == "percent" and bool(
            self.cues.plan_after.after(self.text[nxt.end:nxt.end + 30]))

    def _past_year(self, period: Period) -> Period:
        """A figure's date read from the publication day that falls well after it, when the
        same date a year before falls shortly before it: "Đến cuối năm, …" in a text of
        15/01/2026 is the end of 2025. (An estimate "đến cuối năm" in December stays.)"""
        ref = self.reference
        day = _day_of(period.end, month_day=1)
        if ref is None or day is None:
            return period
        before = day.replace(year=day.year - 1, day=min(day.day, 28) if day.month == 2 else day.day)
        if (day - ref).days > 60 and 0 <= (ref - before).days <= 120:
            return shift_year(period, -1)
        return period

    def _before_period(self, mention, period: Period) -> Period | None:
        """"so với quý trước / tháng trước / năm trước / đầu năm": a comparison date read from
        the figure's own period, not from the day of publication (a figure "hết quý III/2023"
        published in 2024)."""
        if not getattr(mention, "needs_reference", False):
            return None
        day = _day_of(period.end, month_day=28)
        if day is None:
            return None
        from ..normalize import read_date
        again = read_date(mention.text, day)
        return period_of(again) if again is not None and again.value is not None else None

    # --- output -------------------------------------------------------------------------
    def _emit(self, num, sent, metric, scheme, region: Ref, period: Period, compared, value,
              kind, penalty):
        if self._span_of is not sent:               # the evidence span, once per sentence
            s, e = self.view.orig_span(sent.start, sent.end)
            self._span_of, self._sent_span = sent, (s, e, self.original[s:e])
        s, e, evidence_text = self._sent_span
        vs, ve = self.view.orig_span(num.value_start, num.value_end)
        if isinstance(value, tuple):
            value = [_clean_number(value[0]), _clean_number(value[1])]
        else:
            value = _clean_number(value)
        conf = 0.92 - penalty
        if region.source in ("topic", "document"):
            conf -= 0.1
        if metric == "rate":
            conf -= 0.05
        if getattr(num, "ambiguous", False):
            conf -= 0.2
        unit = "percent" if kind == "percent" else ("card" if metric == "cards_issued" else "person")
        self.records.append(Record(
            source=self.source,
            region=_region_obj(region.region),
            scheme=scheme,
            metric=metric,
            value=value,
            unit=unit,
            qualifier=num.qualifier,
            period=period.as_dict(),
            compared_to=compared,
            evidence={"text": evidence_text, "start": s, "end": e,
                      "value_text": self.original[vs:ve], "value_start": vs, "value_end": ve},
            confidence=max(0.3, min(1.0, conf)),
            method="rule",
        ))


_MAX_FIGURE = 1e12  # more people or percent than this is not a coverage figure


def _plausible(value) -> bool:
    try:
        if isinstance(value, tuple):
            return all(_finite_figure(float(v)) for v in value)
        return _finite_figure(float(value))
    except (OverflowError, TypeError, ValueError):
        return False


def _finite_figure(v: float) -> bool:
    return math.isfinite(v) and abs(v) < _MAX_FIGURE


def _kind(num, text: str, cues) -> str:
    k = getattr(num, "kind", "number")
    if k == "money" or num.unit == "vnd":
        return "money"
    if not _plausible(num.value):
        return "other"
    if k == "percent" or num.unit == "percent":
        return "percent"
    if k not in ("number",):
        return "other"
    unit_text = (num.unit_text or "").lower()
    if unit_text.split(" ")[0] in cues.non_count_units:
        return "other"
    if num.unit in ("person", "card") or unit_text in cues.person_units or unit_text in cues.card_units:
        return "count"
    if num.unit is None:
        raw = text[num.value_start:num.value_end]
        v = num.value
        # A bare decimal in a rate list: "Hồng Ngự (99,89)", "đạt 98,31 kế hoạch".
        if (not isinstance(v, tuple) and not float(v).is_integer() and 0 < v <= 100
                and _re(r"\d{1,3}[,.]\d{1,2}").fullmatch(raw)):
            return "percent"
        return "count"
    return "other"


def _prefer_point(mentions: list) -> list:
    """Drop multi-year spans ("giai đoạn 2023-2025") when a point or short period is also there."""
    points = [d for d in mentions if not _multi_year(d)]
    return points or mentions


def _multi_year(d) -> bool:
    s, e = getattr(d, "start_iso", None), getattr(d, "end_iso", None)
    return bool(s and e and s[:4].isdigit() and e[:4].isdigit() and int(e[:4]) > int(s[:4]))


def _strip_dates(text: str, start: int, end: int, dates) -> str:
    """text[start:end] with date mentions cut out ("nhiều hơn năm 2019 là" -> "nhiều hơn là")."""
    out, pos = [], start
    for d, _ in dates:
        if d.end <= start or d.start >= end:
            continue
        out.append(text[pos:max(pos, d.start)])
        pos = max(pos, d.end)
    out.append(text[pos:end])
    return _SPACES.sub(" ", "".join(out))


# Runs of regex's \s, written for the stdlib (faster): the stdlib's \s also holds
# \x1c-\x1f, regex's not. Only the runs that folding to one space changes are matched
# (a lone " " is left alone, so most texts need no replacement at all).
_SPACE = r"[^\S\x1c-\x1f]"
_SPACES = re.compile(rf" {_SPACE}+|[^\S\x1c-\x1f ]{_SPACE}*")


# searched backwards ((?r)), from the end where it must end: only whether it matches is asked
_PLURAL_BEFORE = regex.compile(r"(?r)(?:các|những|một số|nhiều|mỗi|từng|\d+)\s+$")
_LEVEL_RANK = {"commune": 0, "district": 1, "province": 2, "national": 3}


def _contains(inner, outer) -> bool:
    """Is `outer` the unit that contains `inner` (a larger level, and its province or district)?"""
    a, b = inner.normalized or {}, outer.normalized or {}
    if _LEVEL_RANK.get(b.get("level"), -1) <= _LEVEL_RANK.get(a.get("level"), -1):
        return False
    if b.get("level") == "province":
        return a.get("province") == b.get("name")
    return True


_OPEN, _CLOSE = re.compile(r"\("), re.compile(r"\)")


def _after_comparison(text: str, pos: int, floor: int) -> bool:
    before = text[max(floor, pos - 40):pos]
    return "so" in before and _COMPARED.search(before) is not None


_COMPARED = regex.compile(r"(?<!\p{L})(?:so với|so)\s+(?:\p{L}+\s+){0,4}$")


_SCOPE = regex.compile(r"(?<!\p{L})(?:nhất|dẫn đầu|đứng đầu|thứ \p{L}+)\s+(?:ở|tại|của|trong|toàn)\s+$|"
                       r"(?<!\p{L})(?:thuộc|trực thuộc)\s+$")


def _in_scope_phrase(text: str, pos: int, floor: int) -> bool:
    """'cao nhất ở huyện Giao Thủy', 'xã A thuộc huyện B': B is the scope, not the subject."""
    before = text[max(floor, pos - 30):pos]
    # every match holds one of these words (a cheap test first)
    return any(w in before for w in _SCOPE_WORDS) and _SCOPE.search(before) is not None


_SCOPE_WORDS = ("nhất", "dẫn đầu", "đứng đầu", "thứ ", "thuộc")


def _clean_number(v):
    if isinstance(v, float) and v.is_integer() and abs(v) >= 1000:
        return int(v)
    if isinstance(v, float):
        return round(v, 6)
    return v


def _region_obj(d: dict):
    return Region(name=d["name"], level=d["level"], province=d.get("province"),
                  code=d.get("code"), current_province=d.get("current_province"))
