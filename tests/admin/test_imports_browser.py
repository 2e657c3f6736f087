"""The Import screen in headless Chromium: a registrar loads a term's intake from a file
that has errors, reads them, fixes the file, uploads it again, confirms, and sees what
was written. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import pytest

from dashboard.services.imports import csv_text
from models import Student
from models.enums import UserType
from tests import factories
from tests.admin.conftest import artifact, browser_login, make_person

pytestmark = pytest.mark.browser

HEADER = ["student_code", "admission_number", "email", "user_name", "first_name", "last_name", "admission_date",
          "program_code", "department_code", "batch_year", "semester"]


def _rows(program: str, department: str, *, broken: bool) -> list[list[str]]:
    rows = []
    for n in range(1, 9):
        rows.append([f"CSE26{n:03d}", f"ADM26-{n:03d}", f"student{n}@example.edu", f"student.{n}", f"Name{n}",
                     "Rao", "2026-07-20", program, department, "2026", "1"])
    if broken:
        rows[2][7] = "BTECH-XYZ"       # no such program
        rows[4][2] = "student5-at-example.edu"
        rows[6][0] = "CSE26001"        # the same code as the first row
    return rows


async def test_a_registrar_imports_a_term_intake_after_fixing_the_file(page, run_jobs, tmp_path):
    staff, _ = await make_person(UserType.STAFF)
    department = await factories.create_department(code="CSE")
    program = await factories.create_program(department=department, code="BTECH-CSE", total_semesters=8)
    broken = tmp_path / "intake.csv"
    broken.write_bytes(csv_text([HEADER, *_rows(program.code, department.code, broken=True)]))
    fixed = tmp_path / "intake-fixed.csv"
    fixed.write_bytes(csv_text([HEADER, *_rows(program.code, department.code, broken=False)]))
    await browser_login(page, staff)

    await page.click("#admin-menu >> text=Import")
    await page.wait_for_url("**/admin/imports/list")
    await page.click("#kinds >> text=Students")
    assert "category" in await page.locator("#template-columns").inner_text()
    await page.screenshot(path=artifact("imports_start.png"), full_page=True)

    await page.set_input_files("#upload-file", str(broken))
    await page.click("#upload-button")
    await page.wait_for_url("**/admin/imports/*")
    assert await page.locator("#import-status").inner_text() == "validating"
    await run_jobs()
    await page.reload()
    assert await page.locator("#import-status").inner_text() == "validated"
    assert await page.locator("#count-errors").inner_text() == "3"
    assert await page.locator("#count-created").inner_text() == "5"
    assert "Program not found" in await page.locator("#rows").inner_text()
    assert await page.locator("#too-many-errors").is_visible()
    assert await page.locator("#commit-button").count() == 0
    await page.screenshot(path=artifact("imports_preview_errors.png"), full_page=True)
    await page.click("#filter-errors")
    await page.wait_for_url("**rows=errors**")
    assert await page.locator("#rows tbody tr").count() == 3
    assert "Duplicate in this file" in await page.locator("#rows").inner_text()
    async with page.expect_download() as download:
        await page.click("#download-errors")
    assert (await download.value).suggested_filename.endswith("_errors.csv")
    await page.screenshot(path=artifact("imports_only_errors.png"), full_page=True)

    await page.click("#back-to-imports")
    await page.set_input_files("#upload-file", str(fixed))
    await page.click("#upload-button")
    await page.wait_for_url("**/admin/imports/*")
    await run_jobs()
    await page.reload()
    assert await page.locator("#count-created").inner_text() == "8"
    assert await page.locator("#count-errors").inner_text() == "0"
    await page.screenshot(path=artifact("imports_preview_clean.png"), full_page=True)
    page.once("dialog", lambda dialog: dialog.accept())
    await page.click("#commit-button")
    await page.wait_for_selector("#screen-notice")
    await run_jobs()
    await page.reload()
    assert await page.locator("#import-status").inner_text() == "committed"
    assert "8 records written" in await page.locator("#commit-result").inner_text()
    await page.click("#filter-changed")
    await page.wait_for_url("**rows=changed**")
    assert await page.locator("#rows tbody tr").count() == 8
    assert "audit #" in await page.locator("#rows").inner_text()
    await page.screenshot(path=artifact("imports_committed.png"), full_page=True)
    assert await Student.filter(student_code__startswith="CSE26").count() == 8

    await page.click("#back-to-imports")
    history = await page.locator("#history").inner_text()
    assert history.count("students (create)") == 2 and staff.first_name in history
    await page.screenshot(path=artifact("imports_history.png"), full_page=True)
