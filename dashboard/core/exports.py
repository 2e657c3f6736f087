"""Spreadsheet exports that stream: rows come in as an async iterator of chunks (a page of
rows from the database at a time) and go out as bytes, so memory stays flat however many
rows there are.

Every text cell is neutralised against formula injection (a spreadsheet would run
`=HYPERLINK(...)` typed into a name): text starting with = + - @ tab or CR gets a leading
apostrophe. Numbers stay numbers, so a negative balance is not turned into text.

XLSX cannot hold most ASCII control characters (openpyxl refuses them, and by then the
200 and the first bytes have gone out), so they are dropped from XLSX text cells; CSV
keeps them.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import datetime as dt
import functools
import io
import re
import tempfile
from collections.abc import AsyncIterable, AsyncIterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any, Literal

from dashboard.core.errors import InvalidState

Format = Literal["csv", "xlsx"]
FORMATS: tuple[Format, ...] = ("csv", "xlsx")

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_STREAM_CHUNK = 1024 * 1024
# Past this the finished XLSX file moves from memory to a temporary file.
_XLSX_SPOOL_BYTES = 8 * 1024 * 1024

Row = Sequence[Any]


def safe_text(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_TRIGGERS) else value


def cell_value(value: Any) -> Any:
    """A value as it should appear in a cell: None → "" (an empty cell in XLSX), enums
    → their value, text neutralised; numbers, dates and booleans unchanged."""
    if value is None:
        return ""
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, str):
        return safe_text(value)
    return value


def _csv_text(value: Any) -> Any:
    value = cell_value(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@functools.cache
def _illegal_characters() -> re.Pattern[str]:
    # openpyxl is imported on the first XLSX export, not when the app starts.
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE


def _xlsx_text(value: str) -> str:
    # Cleaned before the formula guard: "\x07=cmd()" must still get its apostrophe.
    return safe_text(_illegal_characters().sub("", value))


def _xlsx_value(value: Any) -> Any:
    if value is None:
        return None  # an empty cell; openpyxl writes nothing for it
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, str):
        return _xlsx_text(value)
    value = cell_value(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        # Excel has no time zones; cells hold UTC wall-clock time.
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


@dataclass(frozen=True, slots=True)
class Export:
    """What an API route needs to send an export: a file name, a media type, the body."""

    filename: str
    media_type: str
    body: AsyncIterator[bytes]


def check_format(value: str | None) -> Format:
    fmt = (value or "csv").strip().lower()
    if fmt not in FORMATS:
        raise InvalidState("Invalid format; use csv or xlsx")
    return fmt


def export(fmt: Format, *, basename: str, header: Sequence[str], rows: AsyncIterable[Sequence[Row]],
           sheet_title: str = "Sheet1") -> Export:
    """`rows` yields lists of rows (one database page each)."""
    body = csv_stream(header, rows) if fmt == "csv" else xlsx_stream(header, rows, sheet_title=sheet_title)
    return Export(filename=f"{basename}.{fmt}", media_type=MEDIA_TYPES[fmt], body=body)


async def csv_stream(header: Sequence[str], rows: AsyncIterable[Sequence[Row]]) -> AsyncIterator[bytes]:
    """UTF-8 with a byte-order mark, so Excel reads non-ASCII names correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_text(h) for h in header])
    yield ("\ufeff" + buffer.getvalue()).encode()
    async for chunk in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows([_csv_text(v) for v in row] for row in chunk)
        yield buffer.getvalue().encode()


async def xlsx_stream(header: Sequence[str], rows: AsyncIterable[Sequence[Row]], *,
                      sheet_title: str = "Sheet1") -> AsyncIterator[bytes]:
    """openpyxl's write-only mode keeps appended rows in a temporary file rather than in
    memory; the zipped workbook is then streamed from a spooled file. The CPU-heavy
    appends and the save run in a thread so other requests keep being served."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title)
    sheet.append([_xlsx_text(h) for h in header])

    def append(chunk: Sequence[Row]) -> None:
        for row in chunk:
            sheet.append([_xlsx_value(v) for v in row])

    # While a thread appends one page, the event loop fetches the next.
    pending: asyncio.Future[None] | None = None
    saved = False
    try:
        async for chunk in rows:
            if pending is not None:
                await pending
            pending = asyncio.ensure_future(asyncio.to_thread(append, chunk))
        if pending is not None:
            await pending
            pending = None

        with tempfile.SpooledTemporaryFile(max_size=_XLSX_SPOOL_BYTES) as output:
            await asyncio.to_thread(workbook.save, output)
            saved = True
            output.seek(0)
            while data := await asyncio.to_thread(output.read, _STREAM_CHUNK):
                yield data
    finally:
        if not saved:
            # The client went away or a query failed: finish the sheet's temporary file
            # and remove it now rather than at interpreter exit.
            if pending is not None:
                with contextlib.suppress(Exception):
                    await pending
            await asyncio.to_thread(_discard, sheet)


def _discard(sheet: Any) -> None:
    with contextlib.suppress(Exception):
        sheet.close()
    with contextlib.suppress(Exception):
        sheet._writer.cleanup()  # openpyxl's own temp-file removal (write-only worksheets)


# Single cells for writers that lay out their own sheets (the report files of
# dashboard/services/report_files.py), with the same neutralising as the streams above.
def xlsx_value(value: Any) -> Any:
    return _xlsx_value(value)


def xlsx_text(value: str) -> str:
    return _xlsx_text(value)


def csv_value(value: Any) -> Any:
    return _csv_text(value)
