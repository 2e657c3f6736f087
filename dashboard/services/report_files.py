"""Report files: a report laid out as tables (a summary, one table per breakdown, the
detail rows streamed from the database) written as XLSX, CSV or PDF into a file on disk.

No database access here: dashboard/services/reports.py builds the `ReportDocument`
(its figures and the async source of its detail rows) and hands it to `write_file`,
which calls `progress(done, total)` as the detail rows go out.

- XLSX (openpyxl write-only, so appended rows go to a temporary file, not memory): a
  sheet for the summary and filters, one per breakdown, one for the detail rows; each
  number cell carries its format (counts, money with 2 decimals, percentages, GPAs,
  dates). Text goes through the project's formula-safe cell conversion
  (dashboard.core.exports).
- CSV: the same tables one after another, each under its title, separated by a blank row.
- PDF (fpdf2): the university's name, the report's title, the filters, the summary and
  breakdown tables and a bar chart of the report's main breakdown; the detail rows stay
  in the spreadsheet formats (a PDF of 50,000 rows is read by no one).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO, Literal

from dashboard.core.exports import csv_value, xlsx_text, xlsx_value

Kind = Literal["text", "int", "money", "pct", "gpa", "date"]
Progress = Callable[[int, int], Awaitable[None]]

NUMBER_FORMATS: dict[str, str] = {
    "int": "#,##0",
    "money": "#,##0.00",
    "pct": "0.00",
    "gpa": "0.00",
    "date": "yyyy-mm-dd",
}
# Fonts with the glyphs of names in any script and of currency signs; PDF core fonts
# hold Latin-1 only, so without one of these other characters are replaced.
_FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"),
)


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    kind: Kind = "text"


@dataclass(slots=True)
class Table:
    title: str
    columns: Sequence[Column]
    rows: list[Sequence[Any]]
    # A kind per row for the last column, where each row holds another kind of figure
    # (the summary: a count, an amount, a percentage).
    row_kinds: Sequence[Kind] | None = None

    def kind(self, row: int, column: int) -> Kind:
        if self.row_kinds is not None and column == len(self.columns) - 1:
            return self.row_kinds[row]
        return self.columns[column].kind


@dataclass(frozen=True, slots=True)
class Chart:
    title: str
    labels: Sequence[str]
    values: Sequence[float]


@dataclass(slots=True)
class Detail:
    """Rows too many to hold: `chunks()` yields lists of rows; `count` is how many."""

    title: str
    columns: Sequence[Column]
    count: int
    chunks: Callable[[], AsyncIterator[Sequence[Sequence[Any]]]]


@dataclass(slots=True)
class ReportDocument:
    university: str
    title: str
    generated_at: dt.datetime
    filters: list[tuple[str, str]]
    summary: Table
    breakdowns: list[Table] = field(default_factory=list)
    chart: Chart | None = None
    detail: Detail | None = None


def _sheet_title(title: str, taken: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    clean = "".join("-" if ch in "[]:*?/\\" else ch for ch in title)[:31] or "Sheet"
    name, n = clean, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = clean[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


async def _rows_with_progress(detail: Detail, progress: Progress) -> AsyncIterator[Sequence[Sequence[Any]]]:
    done = 0
    await progress(0, detail.count)
    async for chunk in detail.chunks():
        yield chunk
        done += len(chunk)
        await progress(done, max(detail.count, done))


# --- XLSX -----------------------------------------------------------------------------------


async def _write_xlsx(document: ReportDocument, out: BinaryIO, progress: Progress) -> None:
    import asyncio

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    taken: set[str] = set()

    def cell(sheet: Any, value: Any, kind: Kind = "text", *, strong: bool = False) -> Any:
        c = WriteOnlyCell(sheet, value=xlsx_value(value))
        if kind in NUMBER_FORMATS and value is not None:
            c.number_format = NUMBER_FORMATS[kind]
        if strong:
            c.font = bold
        return c

    def header(sheet: Any, columns: Sequence[Column]) -> None:
        sheet.append([cell(sheet, c.header, strong=True) for c in columns])

    def table_rows(sheet: Any, table: Table | Detail, rows: Sequence[Sequence[Any]]) -> None:
        if isinstance(table, Table) and table.row_kinds is not None:
            for n, row in enumerate(rows):
                sheet.append([cell(sheet, v, table.kind(n, i)) for i, v in enumerate(row)])
            return
        # One formatted cell per column, its value replaced row after row: a write-only
        # sheet writes an appended row at once, and styling a new cell per value is what
        # made a 100,000-row sheet slow.
        formatted = [cell(sheet, 0, c.kind) if c.kind in NUMBER_FORMATS else None for c in table.columns]
        for row in rows:
            values = []
            for proto, value in zip(formatted, row, strict=True):
                if proto is None or value is None:
                    values.append(xlsx_value(value))
                else:
                    proto.value = xlsx_value(value)
                    values.append(proto)
            sheet.append(values)

    summary = workbook.create_sheet(_sheet_title("Summary", taken))
    summary.append([cell(summary, document.university, strong=True)])
    summary.append([cell(summary, document.title, strong=True)])
    summary.append([xlsx_text("Generated"), cell(summary, document.generated_at.replace(tzinfo=None), "date")])
    summary.append([xlsx_text("Filters"), xlsx_text(_filters_text(document.filters))])
    summary.append([])
    header(summary, document.summary.columns)
    table_rows(summary, document.summary, document.summary.rows)
    for table in document.breakdowns:
        sheet = workbook.create_sheet(_sheet_title(table.title, taken))
        header(sheet, table.columns)
        table_rows(sheet, table, table.rows)
    if document.detail is not None:
        detail = document.detail
        sheet = workbook.create_sheet(_sheet_title(detail.title, taken))
        header(sheet, detail.columns)
        pending: asyncio.Future[None] | None = None
        async for chunk in _rows_with_progress(detail, progress):
            # The next page is fetched while a thread appends this one.
            if pending is not None:
                await pending
            pending = asyncio.ensure_future(asyncio.to_thread(table_rows, sheet, detail, chunk))
        if pending is not None:
            await pending
    await asyncio.to_thread(workbook.save, out)


# --- CSV ------------------------------------------------------------------------------------


async def _write_csv(document: ReportDocument, out: BinaryIO, progress: Progress) -> None:
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    writer = csv.writer(text, lineterminator="\r\n")
    text.write("\ufeff")  # Excel reads UTF-8 names correctly with a byte-order mark

    def table(title: str, columns: Sequence[Column], rows: Sequence[Sequence[Any]]) -> None:
        writer.writerow([csv_value(title)])
        writer.writerow([csv_value(c.header) for c in columns])
        writer.writerows([csv_value(v) for v in row] for row in rows)
        writer.writerow([])

    writer.writerow([csv_value(document.university)])
    writer.writerow([csv_value(document.title)])
    writer.writerow(["Generated", document.generated_at.isoformat()])
    writer.writerow(["Filters", csv_value(_filters_text(document.filters))])
    writer.writerow([])
    table(document.summary.title, document.summary.columns, document.summary.rows)
    for breakdown in document.breakdowns:
        table(breakdown.title, breakdown.columns, breakdown.rows)
    if document.detail is not None:
        detail = document.detail
        writer.writerow([csv_value(detail.title)])
        writer.writerow([csv_value(c.header) for c in detail.columns])
        async for chunk in _rows_with_progress(detail, progress):
            writer.writerows([csv_value(v) for v in row] for row in chunk)
    text.flush()
    text.detach()


# --- PDF ------------------------------------------------------------------------------------


def _pdf_text(value: Any, kind: Kind = "text") -> str:
    if value is None or value == "":
        return "-"
    if kind == "money":
        return f"{Decimal(value):,.2f}"
    if kind in ("pct", "gpa"):
        return f"{float(value):.2f}"
    if kind == "int":
        return f"{int(value):,}"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _write_pdf_sync(document: ReportDocument, out: BinaryIO) -> None:
    from fpdf import FPDF
    from fpdf.enums import TableCellFillMode

    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_title(f"{document.university}: {document.title}")
    font = next((p for p in _FONT_CANDIDATES if p.exists()), None)
    family = "Helvetica"
    if font is not None:
        pdf.add_font("Body", "", str(font))
        pdf.add_font("Body", "B", str(font))
        family = "Body"

    def safe(text: str) -> str:
        return text if font is not None else text.encode("latin-1", "replace").decode("latin-1")

    pdf.add_page()
    pdf.set_font(family, "B", 16)
    pdf.cell(0, 9, safe(document.university), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "B", 13)
    pdf.cell(0, 8, safe(f"{document.title} report"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 9)
    pdf.cell(0, 5, safe(f"Generated {document.generated_at:%Y-%m-%d %H:%M} UTC"), new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 5, safe("Filters: " + _filters_text(document.filters)), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)

    def table(t: Table) -> None:
        pdf.set_font(family, "B", 11)
        pdf.cell(0, 7, safe(t.title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(family, "", 8)
        aligns = tuple("LEFT" if c.kind in ("text", "date") and not (t.row_kinds and i == len(t.columns) - 1)
                       else "RIGHT" for i, c in enumerate(t.columns))
        with pdf.table(text_align=aligns, cell_fill_color=245, cell_fill_mode=TableCellFillMode.ROWS,
                       line_height=5, first_row_as_headings=True) as grid:
            head = grid.row()
            for c in t.columns:
                head.cell(safe(c.header))
            for n, row in enumerate(t.rows):
                line = grid.row()
                for i, v in enumerate(row):
                    line.cell(safe(_pdf_text(v, t.kind(n, i))))
        pdf.ln(4)

    table(document.summary)
    if document.chart is not None and document.chart.values:
        _bar_chart(pdf, document.chart, family, safe)
    for breakdown in document.breakdowns:
        table(breakdown)
    if document.detail is not None:
        pdf.set_font(family, "", 8)
        pdf.multi_cell(0, 5, safe(f"{document.detail.title}: {document.detail.count:,} rows, in the XLSX and CSV "
                                  "files of this report."), new_x="LMARGIN", new_y="NEXT")
    pdf.output(out)


def _bar_chart(pdf: Any, chart: Chart, family: str, safe: Callable[[str], str]) -> None:
    """Horizontal bars, one per label, scaled to the largest value, with the value at
    the end of each bar."""
    bars = list(zip(chart.labels, chart.values, strict=True))[:25]
    bar_height, gap, label_width = 4.5, 1.5, 55.0
    needed = 10 + len(bars) * (bar_height + gap)
    if pdf.get_y() + needed > pdf.h - pdf.b_margin:
        pdf.add_page()
    pdf.set_font(family, "B", 11)
    pdf.cell(0, 7, safe(chart.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 7)
    top, left = pdf.get_y() + 1, pdf.l_margin
    width = pdf.w - pdf.l_margin - pdf.r_margin - label_width - 22
    largest = max((v for _, v in bars), default=0) or 1
    for n, (label, value) in enumerate(bars):
        y = top + n * (bar_height + gap)
        pdf.set_xy(left, y)
        pdf.cell(label_width - 2, bar_height, safe(label[:40]), align="R")
        pdf.set_fill_color(59, 130, 246)
        length = max(0.3, width * float(value) / float(largest)) if value else 0
        if length:
            pdf.rect(left + label_width, y, length, bar_height, style="F")
        pdf.set_xy(left + label_width + length + 1, y)
        pdf.cell(20, bar_height, safe(f"{value:,.2f}".rstrip("0").rstrip(".")))
    pdf.set_xy(left, top + len(bars) * (bar_height + gap) + 3)


async def _write_pdf(document: ReportDocument, out: BinaryIO, progress: Progress) -> None:
    import asyncio

    await asyncio.to_thread(_write_pdf_sync, document, out)


def _filters_text(filters: Sequence[tuple[str, str]]) -> str:
    return "; ".join(f"{k}: {v}" for k, v in filters) if filters else "none (the whole university)"


WRITERS: dict[str, Callable[[ReportDocument, BinaryIO, Progress], Awaitable[None]]] = {
    "xlsx": _write_xlsx,
    "csv": _write_csv,
    "pdf": _write_pdf,
}


async def write_file(document: ReportDocument, fmt: str, out: BinaryIO, progress: Progress) -> None:
    await WRITERS[fmt](document, out, progress)
