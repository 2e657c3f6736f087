"""Who may do what in the panel, enforced on the server: every admin route x every role,
unregistered resources, faculty writes, cross-origin requests and refused logins."""

from __future__ import annotations

import pytest

from dashboard.core.actor import Actor
from dashboard.schemas.departments import DepartmentCreate
from dashboard.services import departments as department_service
from models import (
    AdminStaff,
    AuditLog,
    Course,
    CourseOffering,
    Department,
    Faculty,
    Parent,
    Program,
    Student,
    University,
    User,
)
from models.enums import UserType
from tests import factories
from tests.admin.conftest import make_person

# What each role may open, written out here rather than read from the code under test.
ALL = {"departments", "programs", "courses", "course_offerings", "students", "faculty", "parents", "staff",
       "users", "audit_logs"}
VISIBLE = {
    "admin": ALL,
    "staff": ALL - {"users", "audit_logs"},
    "faculty": {"course_offerings", "students"},
}
# Resources the panel writes (through their services), and who may write them.
WRITABLE = {"departments", "programs", "courses", "course_offerings", "students", "faculty", "staff"}
# Staff records are the admin's to write (STAFF_MANAGE, as in /api/v1/staff).
WRITERS = {"admin": WRITABLE, "staff": WRITABLE - {"staff"}, "faculty": set()}
MODELS = {"departments": Department, "programs": Program, "courses": Course, "course_offerings": CourseOffering,
          "students": Student, "faculty": Faculty, "parents": Parent, "staff": AdminStaff, "users": User,
          "audit_logs": AuditLog}


async def _one_of_each() -> dict[str, int]:
    """A row of every resource, so that update pages have something to open."""
    department = await factories.create_department()
    program = await factories.create_program(department=department)
    teacher = await factories.create_faculty(department=department)
    offering = await factories.create_offering(program=program, faculty=[teacher])
    student = await factories.create_student(program=program, department=department)
    parent = await factories.create_parent()
    staff_user, staff = await make_person(UserType.STAFF)
    audited = await department_service.create_department(
        Actor.system(), data=DepartmentCreate(name="Audited", code="AUD"))
    audit_row = await AuditLog.get(entity_type="departments", entity_id=audited.id)
    return {"departments": department.id, "programs": program.id, "courses": offering.course_id,  # type: ignore[attr-defined]
            "course_offerings": offering.id, "students": student.id, "faculty": teacher.id, "parents": parent.id,
            "staff": staff.id, "users": staff_user.id, "audit_logs": audit_row.id}


async def _snapshot() -> dict[str, list]:
    return {name: await model.all().order_by("id").values() for name, model in MODELS.items()}


def _routes(name: str, pk: int) -> list[tuple[str, str, str]]:
    """(action kind, method, url) for every resource route."""
    return [
        ("read", "GET", f"/admin/{name}/list"),
        ("read", "GET", f"/admin/{name}/export"),
        ("write", "GET", f"/admin/{name}/create"),
        ("write", "POST", f"/admin/{name}/create"),
        ("write", "GET", f"/admin/{name}/update/{pk}"),
        ("write", "POST", f"/admin/{name}/update/{pk}"),
        ("write", "DELETE", f"/admin/{name}/delete/999999"),
        ("write", "DELETE", f"/admin/{name}/delete?ids=999999"),
    ]


@pytest.mark.parametrize("role", ["admin", "staff", "faculty"])
async def test_every_route_for_every_role(admin_login, role):
    rows = await _one_of_each()
    client = await admin_login(role)
    before = await _snapshot()
    for name in sorted(ALL):
        for kind, method, url in _routes(name, rows[name]):
            # An empty form: an allowed create/update answers with its validation errors.
            response = await client.request(method, url, data={} if method == "POST" else None)
            assert response.status_code < 500, (role, method, url, response.status_code)
            allowed = name in VISIBLE[role] and (kind == "read" or name in WRITERS[role])
            if not allowed:
                assert response.status_code == 403, (role, method, url, response.status_code)
            elif method == "DELETE":
                assert response.status_code == 404, (role, method, url)  # the row does not exist
            elif method == "POST":
                assert response.status_code == 422, (role, method, url, response.status_code)
            else:
                assert response.status_code == 200, (role, method, url, response.status_code)
    assert await _snapshot() == before


async def test_every_route_without_a_session_goes_to_the_login_page(anonymous):
    rows = await _one_of_each()
    before = await _snapshot()
    for name in sorted(ALL):
        for _, method, url in _routes(name, rows[name]):
            response = await anonymous.request(method, url, data={} if method == "POST" else None)
            assert response.status_code == 303, (method, url, response.status_code)
            assert response.headers["location"] == "/admin/login"
    for url in ("/admin/", "/admin/password"):
        response = await anonymous.get(url)
        assert (response.status_code, response.headers["location"]) == (303, "/admin/login")
    assert await _snapshot() == before


@pytest.mark.parametrize("role", ["admin", "staff", "faculty"])
async def test_the_menu_lists_exactly_what_the_role_may_open(admin_login, role):
    client = await admin_login(role)
    page = (await client.get("/admin/")).text
    for name in ALL:
        assert (f'href="/admin/{name}/list"' in page) == (name in VISIBLE[role]), name


# The model-named URLs of before (/admin/student/list) are gone with the rest.
@pytest.mark.parametrize("resource", ["university", "grade", "feepayment", "hostel", "nosuchthing", "aerich",
                                      "student", "department", "courseoffering"])
async def test_unregistered_resources_are_404_and_never_written(admin_login, resource):
    university = await University.create(name="Test University", code="TU")
    client = await admin_login("admin")
    for method, url in [("GET", f"/admin/{resource}/list"), ("GET", f"/admin/{resource}/export"),
                        ("GET", f"/admin/{resource}/create"), ("POST", f"/admin/{resource}/create"),
                        ("GET", f"/admin/{resource}/update/{university.id}"),
                        ("POST", f"/admin/{resource}/update/{university.id}"),
                        ("DELETE", f"/admin/{resource}/delete/{university.id}"),
                        ("DELETE", f"/admin/{resource}/delete?ids={university.id}")]:
        response = await client.request(method, url, data={"name": "Renamed"} if method == "POST" else None)
        assert response.status_code == 404, (method, url, response.status_code)
    assert (await University.get(id=university.id)).name == "Test University"
    assert await University.all().count() == 1


async def test_faculty_writes_are_refused_on_every_resource(admin_login):
    rows = await _one_of_each()
    teacher = await admin_login("faculty")
    before = await _snapshot()
    for name in sorted(ALL):
        pk = rows[name]
        for method, url in [("POST", f"/admin/{name}/create"), ("POST", f"/admin/{name}/update/{pk}"),
                            ("DELETE", f"/admin/{name}/delete/{pk}"), ("DELETE", f"/admin/{name}/delete?ids={pk}")]:
            response = await teacher.request(method, url, data={"name": "x", "code": "X"} if method == "POST" else None)
            assert response.status_code == 403, (method, url, response.status_code)
    assert await _snapshot() == before


async def test_staff_cannot_reach_users_or_the_audit_log_by_url(admin_login):
    staff = await admin_login("staff")
    for url in ("/admin/users/list", "/admin/audit_logs/list", "/admin/users/export", "/admin/audit_logs/export"):
        assert (await staff.get(url)).status_code == 403, url


# --- CSRF -----------------------------------------------------------------------------------


@pytest.mark.parametrize("headers", [
    {"Origin": "https://evil.example"},
    {"Origin": "http://test.evil.example"},
    {"Origin": "http://test:8080"},
    {"Origin": "null"},
    {"Origin": "", "Referer": ""},
    {"Origin": "", "Referer": "https://evil.example/admin/departments/list"},
])
async def test_cross_origin_unsafe_requests_are_403(admin_login, headers):
    admin = await admin_login("admin")
    department = await factories.create_department(name="Keep me", code="KEEP")
    # httpx drops headers set to None only; an empty value stands for "not sent" here.
    request_headers = {k: v for k, v in headers.items() if v} | {"Origin": headers.get("Origin") or ""}
    if not headers.get("Origin"):
        admin.headers.pop("Origin", None)
        request_headers.pop("Origin")
    create = await admin.post(
        "/admin/departments/create", data={"name": "Evil", "code": "EVIL"}, headers=request_headers
    )
    assert create.status_code == 403
    update = await admin.post(
        f"/admin/departments/update/{department.id}", data={"name": "Pwned"}, headers=request_headers
    )
    assert update.status_code == 403
    delete = await admin.delete(f"/admin/departments/delete/{department.id}", headers=request_headers)
    assert delete.status_code == 403
    logout = await admin.post("/admin/logout", headers=request_headers)
    assert logout.status_code == 403
    assert await Department.filter(code="EVIL").count() == 0
    assert (await Department.get(id=department.id)).name == "Keep me"
    admin.headers["Origin"] = "http://test"
    assert (await admin.get("/admin/departments/list")).status_code == 200  # still signed in


async def test_a_same_origin_referer_is_enough_without_origin(admin_login):
    admin = await admin_login("admin")
    admin.headers.pop("Origin")
    response = await admin.post("/admin/departments/create", data={"name": "Optics", "code": "OPT"},
                                headers={"Referer": "http://test/admin/departments/create"})
    assert response.status_code == 303
    assert await Department.filter(code="OPT").exists()


async def test_cross_origin_login_is_refused(anonymous):
    user, _ = await make_person(UserType.ADMIN)
    response = await anonymous.post("/admin/login", data={"username": user.email, "password": factories.PASSWORD},
                                    headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert "set-cookie" not in response.headers


async def test_public_origin_is_the_only_accepted_origin():
    from admin_views.csrf import OriginCheckMiddleware

    seen: list[str] = []

    async def app(scope, receive, send):
        seen.append(scope["path"])
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    guarded = OriginCheckMiddleware(app, public_origin="https://admin.university.example/")

    async def call(origin: str, host: str = "internal:8000") -> int:
        statuses: list[int] = []

        async def send(message):
            if message["type"] == "http.response.start":
                statuses.append(message["status"])

        async def receive():
            return {"type": "http.request", "body": b""}

        scope = {"type": "http", "method": "POST", "path": "/x", "scheme": "http",
                 "headers": [(b"host", host.encode()), (b"origin", origin.encode())]}
        await guarded(scope, receive, send)
        return statuses[0]

    assert await call("https://admin.university.example") == 204
    assert await call("https://ADMIN.university.example:443") == 204
    # Behind a proxy the request's own host differs; only the configured origin counts.
    assert await call("http://internal:8000") == 403
    assert await call("http://admin.university.example") == 403
