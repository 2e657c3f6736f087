"""dashboard.core.exports: the formula guard and the two streaming writers."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from enum import StrEnum

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet import _writer as openpyxl_writer

from dashboard.core.errors import InvalidState
from dashboard.core.exports import (
    cell_value,
    check_format,
    csv_stream,
    export,
    safe_text,
    xlsx_stream,
)
from tests import factories


class Colour(StrEnum):
    RED = "red"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
     ("plain", "plain"), ("a=b", "a=b"), ("", ""), ("'=already", "'=already")],
)
def test_safe_text(value, expected):
    assert safe_text(value) == expected


def test_cell_values_keep_numbers_and_dates():
    assert cell_value(None) == ""
    assert cell_value(-5) == -5 and cell_value(Decimal("-2.50")) == Decimal("-2.50") and cell_value(-1.5) == -1.5
    assert cell_value(dt.date(2024, 1, 2)) == dt.date(2024, 1, 2)
    assert cell_value(Colour.RED) == "red" and cell_value(True) is True


def test_check_format():
    assert check_format(None) == "csv" and check_format(" XLSX ") == "xlsx"
    with pytest.raises(InvalidState):
        check_format("pdf")


async def _pages(*pages):
    for page in pages:
        yield page


ROWS = [["=cmd()", -3, Decimal("7.25"), dt.date(2024, 2, 29), None, Colour.RED],
        ["ok", 0, None, None, "-x", "plain"]]


async def test_csv_stream_writes_a_bom_header_and_neutralised_rows():
    body = b"".join([chunk async for chunk in csv_stream(["A", "=B"], _pages(ROWS[:1], ROWS[1:]))])
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows == [["A", "'=B"], ["'=cmd()", "-3", "7.25", "2024-02-29", "", "red"],
                    ["ok", "0", "", "", "'-x", "plain"]]


async def test_xlsx_stream_keeps_types_and_never_writes_formulas():
    body = b"".join([chunk async for chunk in xlsx_stream(["A", "B", "C", "D", "E", "F"], _pages(ROWS),
                                                          sheet_title="Things")])
    sheet = load_workbook(io.BytesIO(body))["Things"]
    first = list(next(sheet.iter_rows(min_row=2, max_row=2)))
    assert first[0].value == "'=cmd()" and first[0].data_type == "s"
    assert first[1].value == -3 and first[1].data_type == "n"
    assert first[2].value == 7.25
    assert first[3].value == dt.datetime(2024, 2, 29) and first[3].is_date
    assert first[4].value is None and first[5].value == "red"
    assert sheet.cell(row=3, column=5).value == "'-x"
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


async def test_xlsx_stream_drops_characters_a_workbook_cannot_hold():
    rows = [["Bad\x07Name", "\x07=cmd()", "a\x00b\x0bc\x1fd", "keep\ttab\nline\rcr", "\x01"]]
    body = b"".join([chunk async for chunk in xlsx_stream(["A\x08", "B", "C", "D", "E"], _pages(rows))])
    sheet = load_workbook(io.BytesIO(body)).active
    assert [c.value for c in next(sheet.iter_rows(min_row=1, max_row=1))] == ["A", "B", "C", "D", "E"]
    cells = next(sheet.iter_rows(min_row=2, max_row=2))
    # The formula guard sees the cleaned text.
    assert [c.value for c in cells[:4]] == ["BadName", "'=cmd()", "abcd", "keep\ttab\nline\rcr"]
    assert cells[4].value in (None, "")


async def test_a_control_character_in_a_name_does_not_break_the_students_xlsx_export(staff_client):
    """Through the API: openpyxl's refusal came after the 200 and cut the download off."""
    bad = await factories.create_student(user=await factories.create_user(first_name="Bad\x07Name",
                                                                          last_name="\x1b=Evil"))
    await factories.create_student(student_code="ZZ-PLAIN")

    response = await staff_client.get("/api/v1/students/export", params={"format": "xlsx"})

    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content))["Students"].iter_rows(values_only=True))
    assert len(rows) == 3
    by_code = {row[0]: row for row in rows[1:]}
    assert by_code[bad.student_code][2:4] == ("BadName", "'=Evil")
    assert "ZZ-PLAIN" in by_code
    csv_response = await staff_client.get("/api/v1/students/export", params={"format": "csv"})
    assert "Bad\x07Name" in csv_response.content.decode("utf-8-sig")


async def test_an_abandoned_xlsx_export_removes_its_temporary_file():
    before = set(openpyxl_writer.ALL_TEMP_FILES)

    async def failing():
        yield ROWS
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        async for _ in xlsx_stream(["A"], failing()):
            pass
    assert set(openpyxl_writer.ALL_TEMP_FILES) == before


async def test_export_names_the_file_and_media_type():
    result = export("xlsx", basename="things", header=["A"], rows=_pages([]))
    assert result.filename == "things.xlsx" and result.media_type.startswith("application/vnd.openxmlformats")
    assert [chunk async for chunk in result.body]
    assert export("csv", basename="x", header=["A"], rows=_pages()).media_type == "text/csv; charset=utf-8"
