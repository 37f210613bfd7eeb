"""Building `Document.text` from paragraphs and tables, with exact cell offsets.

Readers of structured formats (HTML, PDF, DOCX) hand their content, in reading
order, to a `TextBuilder`: `paragraph(text)` adds one line, `table(rows)` adds one
line per row with the cells joined by " | " and records a `Table` whose `Cell`
offsets point into the final text, `page_break()` closes a PDF page. Each piece
goes through an optional `convert` function first (legacy-font conversion), so
offsets are taken on the text as it finally is.

It also finds tables in plain text without changing the text: Markdown-style pipe
tables ("| a | b |", `pipe_tables`) and tables whose columns are aligned with runs
of spaces or tabs, as text copied from a spreadsheet or a PDF keeps them
(`aligned_tables`); `text_tables` gives both. Nothing here reads files or decides
what a paragraph is.
"""
from __future__ import annotations

from collections.abc import Callable

import regex

from ..model import Cell, Table

CELL_SEP = " | "
_SPACES = regex.compile(r"[ \t\r\n\u00a0\u2028\u2029\f\v]+")


def one_line(text: str) -> str:
    """Collapse all whitespace (line breaks included) to single spaces; strip."""
    return _SPACES.sub(" ", text or "").strip()


class TextBuilder:
    def __init__(self, convert: Callable[[str], str] | None = None):
        self._parts: list[str] = []
        self._len = 0
        self.tables: list[Table] = []
        self.pages: list[tuple[int, int]] = []
        self._page_start = 0
        self._page_no = 1
        self._gap = False
        self.convert = convert or (lambda s: s)

    def _add(self, s: str) -> None:
        self._parts.append(s)
        self._len += len(s)

    def _newline(self) -> None:
        if self._len and not self._parts[-1].endswith("\n"):
            self._add("\n")
        if self._gap:  # a blank line between pages, only once more text follows
            self._add("\n")
            self._gap = False
            self._page_start = self._len

    def paragraph(self, text: str) -> None:
        """One paragraph; inner line breaks are kept, blank lines dropped."""
        text = self.convert(text or "")
        lines = [ln.strip() for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
        lines = [ln for ln in lines if ln]
        if not lines:
            return
        self._newline()
        self._add("\n".join(lines))
        self._add("\n")

    def table(self, rows: list[list[str | None]], page: int | None = None) -> Table | None:
        """Add a table, one row per line; returns the Table (None if it had no text)."""
        clean_rows = [[one_line(self.convert(c or "")) for c in row] for row in rows]
        clean_rows = [r for r in clean_rows if any(r)]
        if not clean_rows:
            return None
        self._newline()
        start = self._len
        out_rows: list[list[Cell]] = []
        for row in clean_rows:
            cells: list[Cell] = []
            for j, txt in enumerate(row):
                if j:
                    self._add(CELL_SEP)
                cells.append(Cell(txt, self._len, self._len + len(txt)))
                self._add(txt)
            self._add("\n")
            out_rows.append(cells)
        t = Table(out_rows, page=page if page is not None else (self._page_no if self.pages else None),
                  start=start, end=self._len - 1)
        self.tables.append(t)
        return t

    def page_break(self) -> None:
        """Close the current page (PDF): its span is recorded in `pages`."""
        if self._len and not self._parts[-1].endswith("\n"):
            self._add("\n")
        self.pages.append((self._page_start, self._len))
        self._page_start = self._len
        self._gap = True
        self._page_no += 1

    @property
    def text(self) -> str:
        return "".join(self._parts)


_PIPE_ROW = regex.compile(r"^[ \t]*\|(.*)\|[ \t]*$", regex.M)
_RULE_ROW = regex.compile(r"^[\s|:\-+]+$")


def pipe_tables(text: str) -> list[Table]:
    """Markdown pipe tables in `text` (consecutive "| a | b |" lines), offsets into `text`."""
    tables: list[Table] = []
    rows: list[list[Cell]] = []
    last_end = -2
    first_start = 0
    for m in _PIPE_ROW.finditer(text):
        if m.start() != last_end + 1 and rows:
            tables.append(Table(rows, start=first_start, end=last_end))
            rows = []
        if not rows:
            first_start = m.start()
        last_end = m.end()
        if _RULE_ROW.match(m.group(1)):
            continue
        cells: list[Cell] = []
        pos = m.start(1)
        for raw in m.group(1).split("|"):
            lead = len(raw) - len(raw.lstrip())
            txt = raw.strip()
            cells.append(Cell(txt, pos + lead, pos + lead + len(txt)))
            pos += len(raw) + 1
        rows.append(cells)
    if rows:
        tables.append(Table(rows, start=first_start, end=last_end))
    return [t for t in tables if len(t.rows) >= 2]


_GAP = regex.compile(r"\t+| {2,}")                  # between two cells of an aligned row
_NUMBER_CELL = regex.compile(r"^[(+\-–]?\d[\d.,]*%?\)?$")
MIN_ALIGNED_ROWS = 3                                # a header and two rows at least


def aligned_tables(text: str) -> list[Table]:
    """Tables whose columns are aligned with runs of two or more spaces or tabs:
    consecutive lines of three or more cells each, as many on every line, in which
    every row but the first has figures in at least half of its cells after the
    first (so that prose with double spaces is no table). Offsets into `text`."""
    if "  " not in text and "\t" not in text:
        return []
    tables: list[Table] = []
    run: list[list[Cell]] = []

    def close() -> None:
        body = run[1:]
        if len(run) >= MIN_ALIGNED_ROWS and all(_mostly_figures(r) for r in body):
            tables.append(Table(list(run), start=run[0][0].start, end=run[-1][-1].end))
        run.clear()

    pos = 0
    for line in text.split("\n"):
        cells = _aligned_cells(line, pos)
        pos += len(line) + 1
        if cells is None:
            close()
            continue
        if run and len(cells) != len(run[0]):
            close()
        run.append(cells)
    close()
    return tables


def _aligned_cells(line: str, offset: int) -> list[Cell] | None:
    """The cells of one aligned row (three or more), or None."""
    if "|" in line or ("  " not in line and "\t" not in line):
        return None
    cells: list[Cell] = []
    start = len(line) - len(line.lstrip())
    body = line.rstrip()
    for m in _GAP.finditer(body, start):
        if m.start() > start:
            cells.append(Cell(body[start:m.start()], offset + start, offset + m.start()))
        start = m.end()
    if start < len(body):
        cells.append(Cell(body[start:], offset + start, offset + len(body)))
    return cells if len(cells) >= 3 else None


def _mostly_figures(row: list[Cell]) -> bool:
    rest = row[1:]
    return 2 * sum(1 for c in rest if _NUMBER_CELL.match(c.text)) >= len(rest)


def text_tables(text: str) -> list[Table]:
    """The pipe tables and the aligned tables of a plain text, in text order."""
    pipes = pipe_tables(text)
    aligned = aligned_tables(text)
    if not aligned:
        return pipes
    return sorted(pipes + aligned, key=lambda t: t.start)
