"""Coverage records from tables (PDF, DOCX, HTML): one record per figure cell.

A table of districts with participants and rates gives, for every row whose
label is a place (or a total row such as "Toàn tỉnh"), one record per numeric
cell whose column header names a metric (rules/tables.yaml). A row labelled by
a period ("Quý I/2023") gives the document's place at that period; a table whose
rows are indicators and columns periods ("Thực hiện năm 2023 | Kế hoạch năm
2024") gives the document's place per column, targets under a plan column. The scheme comes
from the header, else from the text just before the table, else the document;
the period from a date in the header, else in that text, else the as-of date
the running text last set. Rows that are not places (groups of people, "Nhóm
có trách nhiệm tham gia") give nothing: a figure without a place is not stored.
"""
from __future__ import annotations

import functools

import regex

from ..model import Record, Region
from ..rules import load_yaml
from .cues import CueSet
from .periods import period_of, reference_period
from .schemes import scheme_finder

_LEVEL_PREFIX = regex.compile(r"^(?:tỉnh|thành phố|tp\.?|huyện|quận|thị xã|tx\.?|xã|phường|thị trấn|tt\.?)\s+",
                              regex.IGNORECASE)
_NUMERIC = regex.compile(r"^[\s(+\-–]*\d[\d.,\s]*%?\s*\)?$")


TARGET_OF = {"coverage_rate": "target_coverage_rate", "participants": "target_participants",
             "target_coverage_rate": "target_coverage_rate", "target_participants": "target_participants"}


@functools.lru_cache(maxsize=1)
def _rules():
    data = load_yaml("tables.yaml")
    cols = [(c["metric"], CueSet(c["any"]), CueSet(c.get("unless", []))) for c in data["columns"]]
    totals = {lvl: CueSet(v) for lvl, v in data["total_rows"].items()}
    return cols, totals


@functools.lru_cache(maxsize=1)
def _target_columns() -> CueSet:
    return CueSet(load_yaml("tables.yaml").get("target_columns", []))


def column_metric(header: str) -> str | None:
    cols, _ = _rules()
    for metric, any_, unless in cols:
        if any_.any(header) and not unless.any(header):
            return metric
    return None


def table_records(doc, resolver, reference, asof_at) -> list[Record]:
    """Records of `doc.tables`; `asof_at(offset)` is the as-of date the running text had set
    before an offset of `doc.text` (used when neither the table nor the text before it gives
    a date)."""
    from ..normalize import find_dates, normalize_number
    out: list[Record] = []
    for table in doc.tables:
        rows = table.rows
        if len(rows) < 2:
            continue
        n_head = 0
        for row in rows:
            numeric = sum(1 for c in row if _NUMERIC.match(c.text or ""))
            if numeric * 2 >= max(1, len(row)) and n_head > 0:
                break
            n_head += 1
            if n_head >= 3:
                break
        if n_head == 0 or n_head >= len(rows):
            continue
        width = max(len(r) for r in rows)
        headers = []
        for j in range(width):
            parts = []
            for r in rows[:n_head]:
                cell = _cell_at(r, j)
                if cell is not None and cell.text and cell.text not in parts:
                    parts.append(cell.text)
            headers.append(" ".join(parts))
        # the text before the table, then a header row of one cell that spans the table
        # (an HTML <caption>: "Số người tham gia BHYT ở một số địa phương (đến 31/12/2020)")
        spanning = " ".join(c.text for r in rows[:n_head] for c in r if c.text
                            and sum(1 for x in r if x.text) == 1)
        caption = doc.text[max(0, table.start - 400):table.start] + "\n" + spanning
        cap_scheme = _last_scheme(caption) or resolver.default_scheme
        cap_dates = [d for d in find_dates(caption, reference) if d.end_iso or d.value]
        base_period = period_of(cap_dates[-1]) if cap_dates else (
            asof_at(table.start) or reference_period(reference))
        labels = [next((c for c in row if c.text and not _NUMERIC.match(c.text)), None)
                  for row in rows[n_head:]]
        transposed = sum(1 for lb in labels if lb is not None and column_metric(lb.text)
                         and _row_region(lb.text, resolver) is None) * 2 >= max(1, len(labels))
        for row, label in zip(rows[n_head:], labels):
            if label is None:
                continue
            if transposed:
                out += _indicator_row(doc, row, label, headers, resolver, reference, base_period, cap_scheme)
                continue
            region = _row_region(label.text, resolver)
            row_period = None
            if region is None:
                # "Quý I/2023 | 1.874.105 | 90,76": a row per period of the document's place
                row_dates = find_dates(label.text, reference)
                if row_dates and len(row_dates[0].text) >= 0.6 * len(label.text.strip()):
                    row_period = period_of(row_dates[0])
                    region = resolver.default()
            if region is None:
                continue
            for j, cell in enumerate(row):
                if cell is label or not cell.text or not _NUMERIC.match(cell.text):
                    continue
                header = headers[j] if j < len(headers) else ""
                metric = column_metric(header)
                if metric is None:
                    continue
                value = normalize_number(cell.text, context=header)
                if value is None or isinstance(value, tuple):
                    continue
                percent = metric in ("coverage_rate", "plan_attainment", "target_coverage_rate") \
                    or "%" in cell.text
                if metric in ("participants", "non_participants", "target_participants",
                              "participants_change", "cards_issued") and "%" in cell.text:
                    continue
                scheme = _last_scheme(header) or cap_scheme
                if scheme is None:
                    continue
                hdr_dates = find_dates(header, reference)
                period = row_period or (period_of(hdr_dates[-1]) if hdr_dates else base_period)
                rs, re_ = row[0].start, row[-1].end
                value = int(value) if not percent and float(value).is_integer() else value
                out.append(Record(
                    source=doc.source,
                    region=Region(**region),
                    scheme=scheme, metric=metric, value=value,
                    unit="percent" if percent else ("card" if metric == "cards_issued" else "person"),
                    qualifier=None, period=period.as_dict(), compared_to=None,
                    evidence={"text": doc.text[rs:re_], "start": rs, "end": re_,
                              "value_text": doc.text[cell.start:cell.end],
                              "value_start": cell.start, "value_end": cell.end,
                              "table": {"page": table.page, "header": header}},
                    confidence=0.85, method="rule+table"))
    return out


def _indicator_row(doc, row, label, headers, resolver, reference, base_period, cap_scheme) -> list[Record]:
    """A row of an indicators-by-period table: "Tỷ lệ bao phủ BHYT (% dân số) | 92,1 | 93,0"."""
    from ..normalize import find_dates, normalize_number
    region = resolver.default()
    base_metric = column_metric(label.text)
    scheme = _last_scheme(label.text) or cap_scheme
    if region is None or base_metric is None or scheme is None:
        return []
    out = []
    for j, cell in enumerate(row):
        if cell is label or not cell.text or not _NUMERIC.match(cell.text):
            continue
        header = headers[j] if j < len(headers) else ""
        metric = base_metric
        if _target_columns().any(header):
            metric = TARGET_OF.get(base_metric)
            if metric is None:
                continue
        value = normalize_number(cell.text, context=label.text)
        if value is None or isinstance(value, tuple):
            continue
        percent = metric in ("coverage_rate", "plan_attainment", "target_coverage_rate")
        if not percent and float(value).is_integer():
            value = int(value)
        dates = find_dates(header, reference)
        period = period_of(dates[-1]) if dates else base_period
        rs, re_ = row[0].start, row[-1].end
        out.append(Record(
            source=doc.source, region=Region(**region), scheme=scheme, metric=metric, value=value,
            unit="percent" if percent else ("card" if metric == "cards_issued" else "person"),
            qualifier=None, period=period.as_dict(), compared_to=None,
            evidence={"text": doc.text[rs:re_], "start": rs, "end": re_,
                      "value_text": doc.text[cell.start:cell.end],
                      "value_start": cell.start, "value_end": cell.end,
                      "table": {"header": header, "row": label.text}},
            confidence=0.8, method="rule+table"))
    return out


def _cell_at(row, j):
    return row[j] if j < len(row) else None


def _last_scheme(text: str) -> str | None:
    found = [m for m in scheme_finder().find(text) if not m.comparison]
    return found[-1].scheme if found else None


def _row_region(label: str, resolver) -> dict | None:
    _, totals = _rules()
    clean = " ".join(label.replace("\n", " ").split()).strip(" .:-–*")
    for level, cues in totals.items():
        if cues.after(clean) and len(clean) <= 25:
            return resolver.collective(level)
    name = _LEVEL_PREFIX.sub("", clean)
    level_word = clean[: len(clean) - len(name)].strip().lower()
    level = None
    if level_word in ("huyện", "quận", "thị xã", "tx", "tx.", "thành phố", "tp", "tp."):
        level = "district"
    elif level_word in ("xã", "phường", "thị trấn", "tt", "tt."):
        level = "commune"
    elif level_word == "tỉnh":
        level = "province"
    try:
        units = resolver.gaz.lookup(name, level=level, province=resolver.province)
    except Exception:
        units = []
    if not units:
        return None
    u = units[0]
    get = (lambda k: u.get(k)) if isinstance(u, dict) else (lambda k: getattr(u, k, None))
    return {"name": get("name"), "level": get("level"), "province": get("province"),
            "code": get("code"), "current_province": get("current_province")}
