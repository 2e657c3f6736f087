"""Input the panel must answer with a 4xx and no change, never a 500: text holding control
characters (PostgreSQL cannot store a NUL), row ids past the int4 columns, and writes that
lose a race to another writer between the service's check and its statement."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest

from models import AuditLog, Course, Department, Program, User
from models.enums import UserType
from tests import factories
from tests.admin.conftest import make_person
from tests.admin.test_resources import DEPARTMENT_FORM, _field_errors, _form_error

CONTROL_ERROR = "Remove the control characters (such as NUL) from this value"
PROGRAM_FORM = {"name": "BTech", "code": "BT", "degree_type": "bachelors", "duration_years": "4",
                "total_semesters": "8", "total_credits": "160", "is_active": "on"}
COURSE_FORM = {"name": "Intro", "code": "C1", "credits": "4", "course_type": "core", "level": "beginner",
               "is_active": "on"}


def _filter_error(html: str) -> str:
    start = html.index('id="filter-error">') + len('id="filter-error">')
    return html[start:html.index("</div>", start)].strip()


def _login_error(response: httpx.Response) -> str:
    text = response.text
    start = text.index('id="login-error">') + len('id="login-error">')
    return text[start:text.index("</div>", start)].strip()


# --- control characters -----------------------------------------------------------------------


@pytest.mark.parametrize("text", ["Geo\x00logy", "Geo\x07logy", "\x1bGeology"])
async def test_control_characters_in_a_form_are_a_field_error(admin_login, text):
    admin = await admin_login("admin")
    created = await admin.post("/admin/departments/create",
                               data={**DEPARTMENT_FORM, "name": text, "code": "GEO", "building": f"B{text}"})
    assert created.status_code == 422
    assert _field_errors(created.text) == {"name": CONTROL_ERROR, "building": CONTROL_ERROR}
    assert await Department.all().count() == 0

    department = await factories.create_department(name="Geology", code="GEO")
    updated = await admin.post(f"/admin/departments/update/{department.id}",
                               data={**DEPARTMENT_FORM, "name": text, "is_active": "on"})
    assert updated.status_code == 422
    assert _field_errors(updated.text) == {"name": CONTROL_ERROR}
    assert (await Department.get(id=department.id)).name == "Geology"


async def test_tabs_and_line_breaks_are_ordinary_text(admin_login):
    admin = await admin_login("admin")
    response = await admin.post("/admin/departments/create", data={
        **DEPARTMENT_FORM, "name": "Geology", "code": "GEO", "description": "Rocks\r\n\tand minerals"})
    assert response.status_code == 303
    assert (await Department.get(code="GEO")).description == "Rocks\r\n\tand minerals"


async def test_a_control_character_in_a_password_field_is_refused(admin_login):
    admin = await admin_login("admin")
    department = await factories.create_department()
    response = await admin.post("/admin/faculty/create", data={
        "first_name": "Alan", "last_name": "Turing", "email": "alan@example.edu", "user_name": "alan",
        "password": "Sup3r-secret\x00", "employee_id": "F-1", "department_id": str(department.id),
        "designation": "Professor", "employment_type": "permanent", "status": "active"})
    assert response.status_code == 422
    assert _field_errors(response.text) == {"password": CONTROL_ERROR}
    assert not await User.filter(email="alan@example.edu").exists()


# A NUL in a query string is refused before any route (dashboard.web.middleware); the
# other control characters reach the filters.
@pytest.mark.parametrize("url", [
    "/admin/departments/list?search=geo%01",
    "/admin/programs/list?search=%1b",
    "/admin/course_offerings/list?academic_year=2025%07",
    "/admin/course_offerings/list?acedemic_year=2025%08",
    "/admin/students/list?search=%1fx",
    "/admin/departments/list?is_active=true%0b",
    "/admin/audit_logs/list?action=create%0c",
])
async def test_control_characters_in_a_filter_are_a_400_filter_error(admin_login, url):
    admin = await admin_login("admin")
    await factories.create_department(name="Geology")
    listed = await admin.get(url)
    assert listed.status_code == 400, listed.text
    assert _filter_error(listed.text).endswith(f": {CONTROL_ERROR}")
    assert (await admin.get(url.replace("/list?", "/export?"))).status_code == 400


async def test_a_control_character_in_the_search_box_names_the_problem(admin_login):
    admin = await admin_login("staff")
    response = await admin.get("/admin/departments/list", params={"search": "geo\x01"})
    assert response.status_code == 400
    assert _filter_error(response.text) == f"Search: {CONTROL_ERROR}"


@pytest.mark.parametrize(("login", "password"), [
    ("a\x00", factories.PASSWORD),
    ("{email}\x00", factories.PASSWORD),
    ("{email}", factories.PASSWORD + "\x00"),
    ("{email}", "\x00"),
    ("\x07{email}", factories.PASSWORD),
])
async def test_a_control_character_at_sign_in_is_the_usual_refusal(anonymous, login, password):
    user, _ = await make_person(UserType.ADMIN)
    wrong = await anonymous.post("/admin/login", data={"username": user.email, "password": "Wrong-password-1"})
    assert wrong.status_code == 401
    response = await anonymous.post("/admin/login", data={"username": login.format(email=user.email),
                                                           "password": password})
    assert response.status_code == 401
    assert _login_error(response) == _login_error(wrong)
    assert "admin_session" not in response.headers.get("set-cookie", "")


async def test_a_password_change_to_a_control_character_is_refused(admin_login):
    client = await admin_login("staff")
    before = (await User.get(id=client.user.id)).hashed_password
    response = await client.post("/admin/password", data={"old_password": factories.PASSWORD,
                                                           "new_password": "New-password-9\x00",
                                                           "re_new_password": "New-password-9\x00"})
    assert response.status_code == 400
    assert "Passwords cannot contain control characters" in response.text
    assert (await User.get(id=client.user.id)).hashed_password == before
    assert (await client.get("/admin/")).status_code == 200


# --- ids past the int4 columns ----------------------------------------------------------------


@pytest.mark.parametrize("value", [str(2**40), str(2**31), "0", "-1", "99999999999999999999999"])
async def test_a_foreign_key_filter_out_of_range_is_a_400(admin_login, value):
    admin = await admin_login("admin")
    await factories.create_program()
    for url in (f"/admin/programs/list?department_id={value}", f"/admin/courses/list?department_id={value}",
                f"/admin/students/list?offering={value}", f"/admin/course_offerings/list?program_id={value}"):
        response = await admin.get(url)
        assert response.status_code == 400, url
        assert _filter_error(response.text).startswith("Unknown"), url
    assert (await admin.get(f"/admin/programs/export?department_id={value}")).status_code == 400


@pytest.mark.parametrize("value", [str(2**40), str(2**31), "0"])
async def test_a_foreign_key_field_out_of_range_is_a_field_error(admin_login, value):
    admin = await admin_login("admin")
    department = await factories.create_department()
    await factories.create_faculty(department=department)
    program = await admin.post("/admin/programs/create", data={**PROGRAM_FORM, "department_id": value})
    assert program.status_code == 422
    assert _field_errors(program.text) == {"department_id": "Select a valid choice"}
    assert await Program.all().count() == 0

    head = await admin.post(f"/admin/departments/update/{department.id}",
                            data={**DEPARTMENT_FORM, "name": department.name, "hod_id": value})
    assert head.status_code == 422
    assert _field_errors(head.text) == {"hod_id": "Select a valid choice"}
    assert (await Department.get(id=department.id)).hod_id is None

    course = await admin.post("/admin/courses/create", data={**COURSE_FORM, "department_id": str(department.id),
                                                             "prerequisites": [value]})
    assert course.status_code == 422
    assert _field_errors(course.text) == {"prerequisites": "Select valid choices"}
    assert await Course.all().count() == 0


async def test_the_largest_int4_id_is_merely_unknown(admin_login):
    admin = await admin_login("admin")
    await factories.create_department()
    assert (await admin.get(f"/admin/programs/list?department_id={2**31 - 1}")).status_code == 400
    program = await admin.post("/admin/programs/create", data={**PROGRAM_FORM, "department_id": str(2**31 - 1)})
    assert _field_errors(program.text) == {"department_id": "Select a valid choice"}


# --- writes that lose a race ------------------------------------------------------------------


@contextlib.asynccontextmanager
async def _rival(database_url: str) -> AsyncIterator[asyncpg.Connection]:
    """Another writer's open transaction, on its own connection."""
    connection = await asyncpg.connect(database_url)
    await connection.execute("BEGIN")
    try:
        yield connection
    finally:
        if connection.is_in_transaction():
            await connection.execute("ROLLBACK")
        await connection.close()


async def _lose_a_race(services, rival_sql: str, write) -> httpx.Response:
    """`write()` runs while a rival holds `rival_sql` uncommitted; the rival commits once the
    write waits on its row, so the write has passed the service's check and then hits the
    constraint."""
    database_url = services["database_url"]
    async with _rival(database_url) as rival:
        await rival.execute(rival_sql)
        pending = asyncio.ensure_future(write())
        observer = await asyncpg.connect(database_url)
        try:
            deadline = time.monotonic() + 10
            while not await observer.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'"
            ):
                assert not pending.done(), f"the write did not wait on the rival: {pending.result().status_code}"
                assert time.monotonic() < deadline, "the write never waited on the rival's row"
                await asyncio.sleep(0.02)
        finally:
            await observer.close()
        await rival.execute("COMMIT")
        return await pending


_RIVAL_GEOLOGY = ("INSERT INTO departments (name, code, is_active, created_at) "
                  "VALUES ('Rival geology', 'GEO', true, now())")


async def test_a_create_that_loses_a_race_is_a_409_on_the_form(admin_login, services):
    admin = await admin_login("admin")
    response = await _lose_a_race(services, _RIVAL_GEOLOGY, lambda: admin.post(
        "/admin/departments/create", data={**DEPARTMENT_FORM, "name": "Geology", "code": "GEO", "floor": "2"}))
    assert response.status_code == 409
    assert _form_error(response.text).startswith("Another record with the same values was saved at the same moment")
    assert 'value="Geology"' in response.text  # what was typed is kept
    assert await Department.all().values_list("name", flat=True) == ["Rival geology"]
    assert not await AuditLog.filter(entity_type="departments").exists()


async def test_an_update_that_loses_a_race_is_a_409_on_the_form(admin_login, services):
    admin = await admin_login("staff")
    department = await factories.create_department(name="Maths", code="MTH")
    response = await _lose_a_race(
        services,
        "INSERT INTO departments (name, code, is_active, created_at) VALUES ('Geology', 'GEO', true, now())",
        lambda: admin.post(f"/admin/departments/update/{department.id}",
                           data={**DEPARTMENT_FORM, "name": "Geology", "is_active": "on"}),
    )
    assert response.status_code == 409
    assert _form_error(response.text).endswith("Nothing was changed: reload the page and try again.")
    assert (await Department.get(id=department.id)).name == "Maths"
    assert not await AuditLog.filter(entity_type="departments", entity_id=department.id).exists()


@pytest.fixture
async def unknown_dependant(services) -> AsyncIterator[asyncpg.Connection]:
    """A table the department service does not know about that still restricts deletes of
    departments (as a later migration might add), outside the schema the tests empty."""
    connection = await asyncpg.connect(services["database_url"])
    await connection.execute("CREATE SCHEMA hostile_input; CREATE TABLE hostile_input.annexes "
                             "(department_id integer NOT NULL REFERENCES public.departments (id))")
    try:
        yield connection
    finally:
        await connection.execute("DROP SCHEMA hostile_input CASCADE")
        await connection.close()


async def test_a_delete_refused_by_the_database_is_a_409(admin_login, unknown_dependant):
    admin = await admin_login("admin")
    free = await factories.create_department()
    held = await factories.create_department()
    await unknown_dependant.execute("INSERT INTO hostile_input.annexes VALUES ($1)", held.id)

    one = await admin.delete(f"/admin/departments/delete/{held.id}")
    assert one.status_code == 409
    assert one.json()["detail"].startswith("The change refers to a record that is missing or still in use")
    bulk = await admin.delete(f"/admin/departments/delete?ids={free.id},{held.id}")
    assert bulk.status_code == 409
    assert await Department.filter(id__in=[free.id, held.id]).count() == 2
    assert not await AuditLog.filter(entity_type="departments", action="delete").exists()

