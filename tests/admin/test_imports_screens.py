"""The Import screen over HTTP: who may open it, uploads and commits through the service."""

from __future__ import annotations

from dashboard.services.imports import csv_text
from models import LibraryBook

BOOKS = [["isbn", "title", "author"], ["978-0262046305", "Algorithms", "Cormen"]]


async def test_staff_import_books_through_the_screen(admin_login, run_jobs):
    staff = await admin_login("staff")
    start = await staff.get("/admin/imports/list", params={"kind": "library_books"})
    assert start.status_code == 200 and "978-0262046305" in start.text  # the template's example
    template = await staff.get("/admin/imports/templates/library_books", params={"format": "xlsx"})
    assert template.status_code == 200 and template.content[:2] == b"PK"
    response = await staff.post("/admin/imports/upload", data={"kind": "library_books", "mode": "create"},
                                files={"file": ("books.csv", csv_text(BOOKS), "text/csv")})
    assert response.status_code == 303, response.text
    detail_path = response.headers["location"]
    assert "validating" in (await staff.get(detail_path)).text
    await run_jobs()
    page = (await staff.get(detail_path)).text
    assert 'id="commit-button"' in page
    import_id = int(detail_path.rsplit("/", 1)[1])
    assert (await staff.post(f"/admin/imports/{import_id}/commit")).status_code == 303
    await run_jobs()
    assert await LibraryBook.filter(isbn="978-0262046305").exists()
    done = (await staff.get(detail_path, params={"rows": "changed"})).text
    assert "library_books #" in done and "audit #" in done
    history = (await staff.get("/admin/imports/list")).text
    assert f"#{import_id}" in history and staff.user.first_name in history


async def test_a_refused_file_is_shown_on_the_start_page(admin_login):
    staff = await admin_login("staff")
    response = await staff.post("/admin/imports/upload", data={"kind": "library_books", "mode": "create"},
                                files={"file": ("books.csv", b"colour\r\nblue\r\n", "text/csv")})
    assert response.status_code == 400
    assert "header row does not match" in response.text


async def test_faculty_see_only_the_grades_kind(admin_login):
    faculty = await admin_login("faculty")
    page = await faculty.get("/admin/imports/list")
    assert page.status_code == 200
    assert 'data-kind="grades"' in page.text and 'data-kind="students"' not in page.text
    assert (await faculty.get("/admin/imports/templates/students")).status_code == 403
