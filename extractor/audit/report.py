"""Present an AuditReport: a terminal table, CSV (one row per finding), JSON, or an
HTML page to read at a glance (summary, tables, and one matplotlib chart per place
that has a series of two points or more, embedded as PNG: no network, no JavaScript). Headings come from rules/labels_vi.yaml.

It does not check anything (run.py and the check modules do).
"""
from __future__ import annotations

import base64
import csv
import io
import json
from datetime import date, datetime

from ..rules import load_yaml
from .facts import config
from .findings import Finding, Series
from .run import AuditReport

FORMATS = ("table", "csv", "html", "json")
CSV_COLUMNS = ("section", "check", "severity", "region", "level", "province", "scheme",
               "metric", "period_end", "message", "values", "sources")


def _labels() -> dict:
    return load_yaml("labels_vi.yaml") or {}


def render(report: AuditReport, fmt: str = "table", width: int = 160) -> str:
    """The report as 'table' (plain text), 'csv', 'html' or 'json'."""
    if fmt == "csv":
        return _csv(report)
    if fmt == "json":
        return json.dumps(report.to_dict(), ensure_ascii=False, indent=1, default=str)
    if fmt == "html":
        return _html(report)
    if fmt == "table":
        return _table(report, width)
    raise ValueError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")


def _value(item: dict) -> str:
    v = item.get("value")
    q = {"over": "trên ", "under": "dưới ", "about": "khoảng ", "at_least": "từ "}.get(
        item.get("qualifier"), "")
    if isinstance(v, list):
        txt = "–".join(f"{x:g}" for x in v)
    elif isinstance(v, (int, float)):
        txt = f"{v:,.0f}".replace(",", ".") if abs(v) >= 1000 and float(v).is_integer() \
            else f"{v:g}".replace(".", ",")
    else:
        txt = str(v)
    pct = "%" if item.get("metric", "").endswith("rate") or item.get("metric") == \
        "plan_attainment" else ""
    return q + txt + pct


def _place(f) -> str:
    region, prov = getattr(f, "region", None), getattr(f, "province", None)
    if region and prov and prov != region:
        return f"{region} ({prov})"
    return region or ""


def _csv(report: AuditReport) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for f in report.findings:
        values = " | ".join(f"{_value(i)} @ {i.get('source')}" for i in f.items)
        w.writerow([f.section, f.check, f.severity, f.region or "", f.level or "",
                    f.province or "", f.scheme or "", f.metric or "", f.period_end or "",
                    f.message, values, " | ".join(f.sources)])
    return buf.getvalue()


def _table(report: AuditReport, width: int) -> str:
    from rich.console import Console
    from rich.table import Table
    t = _labels().get("audit") or {}
    metrics = _labels().get("metrics") or {}
    console = Console(record=True, width=width, file=io.StringIO(), color_system=None)
    console.print(f"{t.get('title', 'Audit')}: {report.n_documents} văn bản, "
                  f"{report.n_records} số liệu")
    sections = ((t.get("conflicts", "Conflicts"), report.conflicts),
                (t.get("arithmetic", "Arithmetic"), report.arithmetic),
                (t.get("series", "Series"), report.jumps))
    for title, findings in sections:
        table = Table(title=f"{title} ({len(findings)})", show_lines=True)
        for h in ("Kiểm tra", "Địa bàn", "Loại BH", "Chỉ tiêu", "Thời điểm", "Vấn đề", "Nguồn"):
            table.add_column(h, overflow="fold")
        for f in findings:
            table.add_row(f"{f.check} ({f.severity})", _place(f), f.scheme or "",
                          metrics.get(f.metric, f.metric or ""), f.period_end or "", f.message,
                          "\n".join(f"{_value(i)}: {i.get('source')}" for i in f.items))
        if not findings:
            table.add_row("", t.get("none", "-"), "", "", "", "", "")
        console.print(table)
    return console.export_text()


def _chart(title: str, series: list[Series], metrics_vi: dict) -> str:
    from matplotlib.figure import Figure
    by_metric: dict[str, list[Series]] = {}
    for s in series:
        by_metric.setdefault(s.metric, []).append(s)
    fig = Figure(figsize=(6.4, 2.3 * len(by_metric)), dpi=80, layout="constrained")
    axes = fig.subplots(len(by_metric), 1, squeeze=False, sharex=True)[:, 0]
    for ax, (metric, group) in zip(axes, sorted(by_metric.items())):
        for s in group:
            xs = [date.fromisoformat(p["date"]) for p in s.points]
            ys = [p["value"] for p in s.points]
            ax.plot(xs, ys, marker="o", label=s.scheme)
            bad = [(x, y) for x, y, p in zip(xs, ys, s.points) if p.get("flag")]
            if bad:
                ax.scatter([b[0] for b in bad], [b[1] for b in bad], s=120, facecolors="none",
                           edgecolors="#b3261e", linewidths=2, zorder=5)
        ax.set_title(metrics_vi.get(metric, metric), fontsize=9)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=.3)
        ax.legend(fontsize=7)
        if metric != "coverage_rate":
            ax.yaxis.set_major_formatter(
                __import__("matplotlib.ticker", fromlist=["FuncFormatter"]).FuncFormatter(
                    lambda v, _: f"{v:,.0f}".replace(",", ".")))
    fig.autofmt_xdate()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _charts(report: AuditReport, max_charts: int) -> tuple[list[dict], int]:
    metrics_vi = _labels().get("metrics") or {}
    by_place: dict[tuple, list[Series]] = {}
    for s in report.series:
        by_place.setdefault((s.level, s.region, s.province), []).append(s)
    # a place with a single figure per series has nothing to draw
    by_place = {k: v for k, v in by_place.items() if max(len(s.points) for s in v) >= 2}
    order = sorted(by_place.items(), key=lambda kv: (
        -sum(len(s.flags) for s in kv[1]), -max(len(s.points) for s in kv[1]), kv[0][2] or "",
        kv[0][1] or ""))
    charts = []
    for (_level, _region, _prov), series in order[:max_charts]:
        charts.append({"title": _place(series[0]),
                       "png": _chart(_place(series[0]), series, metrics_vi)})
    return charts, max(0, len(order) - max_charts)


def _html(report: AuditReport) -> str:
    from importlib import resources

    from jinja2 import Environment, select_autoescape
    env = Environment(autoescape=select_autoescape(default=True))
    tmpl = env.from_string(resources.files(__package__).joinpath("report.html.j2")
                           .read_text(encoding="utf-8"))
    lab = _labels()
    metrics_vi = lab.get("metrics") or {}
    max_charts = int((config().get("report") or {}).get("max_charts", 60))
    charts, more = _charts(report, max_charts)
    return tmpl.render(
        t=lab.get("audit") or {}, conflicts=report.conflicts, arithmetic=report.arithmetic,
        jumps=report.jumps, charts=charts, more_charts=more, n_records=report.n_records,
        n_documents=report.n_documents, place=_place, value=_value,
        metric=lambda m: metrics_vi.get(m, m or ""),
        generated=datetime.now().strftime("%Y-%m-%d %H:%M"))


__all__ = ["render", "FORMATS", "Finding"]
