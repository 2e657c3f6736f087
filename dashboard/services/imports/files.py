"""Reading an import's spreadsheet: checked before any row is read, then streamed.

A CSV must be UTF-8 (the upload check refuses anything else); an XLSX is opened only
after its ZIP directory has been read and found to be a workbook of sensible size, so a
zip bomb is refused without inflating it. Cells are read as the text they hold: a
formula is the text of the formula (`data_only=False`, nothing is evaluated), a number or
a date is written out as it would be typed.
"""

from __future__ import annotations

import csv
import datetime as dt
import zipfile
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from dashboard.core.errors import InvalidState

MAX_ROWS = 100_000
# The inflated size an XLSX of 20 MB and 100,000 rows plausibly reaches, and the
# compression ratio past which a member is a bomb rather than repetitive XML.
MAX_UNZIPPED_BYTES = 400 * 1024 * 1024
MAX_MEMBER_RATIO = 150
MAX_MEMBERS = 2000
# The column the error download adds; ignored when that file is uploaded again.
ERROR_COLUMN = "errors"


def check_xlsx(path: Path) -> None:
    """A workbook whose ZIP directory is sane: refused before anything is inflated."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise InvalidState("The file is not a readable XLSX workbook") from exc
    names = {member.filename for member in members}
    if "xl/workbook.xml" not in names:
        raise InvalidState("The file is not an XLSX workbook (no xl/workbook.xml)")
    if len(members) > MAX_MEMBERS:
        raise InvalidState("The XLSX workbook has too many parts")
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if ratio > MAX_MEMBER_RATIO and member.file_size > 1024 * 1024:
            raise InvalidState("The XLSX workbook is compressed suspiciously well (a zip bomb?): refused")
    if total > MAX_UNZIPPED_BYTES:
        raise InvalidState("The XLSX workbook is too large once unpacked: refused")


def text_of(value: Any) -> str | None:
    """A cell as text, None for an empty one."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def _csv_rows(path: Path) -> Iterator[list[str | None]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for cells in csv.reader(handle):
            yield [cell.strip() or None for cell in cells]


def _xlsx_rows(path: Path) -> Iterator[list[str | None]]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=False)
    try:
        sheet = workbook.worksheets[0]
        for cells in sheet.iter_rows(values_only=True):
            yield [text_of(cell) for cell in cells]
    finally:
        workbook.close()


def raw_rows(path: Path, file_format: str) -> Iterator[list[str | None]]:
    """Every row of the file, the header first."""
    if file_format == "xlsx":
        check_xlsx(path)
        source = _xlsx_rows(path)
    else:
        source = _csv_rows(path)
    try:
        yield from source
    except InvalidState:
        raise
    except Exception as exc:  # whatever a parser raises on an uploaded file is the file's fault
        kind = "an XLSX workbook" if file_format == "xlsx" else "CSV text"
        raise InvalidState(f"The file cannot be read as {kind}") from exc


def header_of(path: Path, file_format: str) -> list[str]:
    """The header row, as lower-case names."""
    rows = raw_rows(path, file_format)
    try:
        first = next(rows, None)
    finally:
        rows.close()  # type: ignore[attr-defined]
    if first is None:
        raise InvalidState("The file has no header row")
    while first and first[-1] is None:
        first.pop()
    return [(cell or "").strip().lower() for cell in first]


def check_header(header: Sequence[str], *, columns: Sequence[str], required: Sequence[str]) -> list[str]:
    """The template's columns the file holds, in file order; refused (naming every
    problem) when a column is unknown, repeated, unnamed or a required one is missing."""
    problems: list[str] = []
    seen: set[str] = set()
    for position, name in enumerate(header, start=1):
        if not name:
            problems.append(f"column {position} has no name")
        elif name in seen:
            problems.append(f"column {name!r} appears twice")
        elif name not in columns and name != ERROR_COLUMN:
            problems.append(f"column {name!r} is not in the template")
        seen.add(name)
    missing = [name for name in required if name not in seen]
    if missing:
        problems.append("required column(s) missing: " + ", ".join(missing))
    if problems:
        raise InvalidState("The header row does not match the template: " + "; ".join(problems)
                           + ". Expected columns: " + ", ".join(columns))
    return list(header)


def data_rows(path: Path, file_format: str, header: Sequence[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number as the spreadsheet shows it, {column: text}) for each data row, only
    the non-empty cells of template columns."""
    rows = raw_rows(path, file_format)
    next(rows, None)
    count = 0
    for number, cells in enumerate(rows, start=2):
        if all(cell is None for cell in cells):
            continue
        count += 1
        if count > MAX_ROWS:
            raise InvalidState(f"The file has more than {MAX_ROWS:,} rows")
        values = {name: cell for name, cell in zip(header, cells, strict=False)
                  if cell is not None and name and name != ERROR_COLUMN}
        yield number, values
