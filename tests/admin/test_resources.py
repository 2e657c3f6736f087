"""Lists, forms and writes of the panel: filters like the API's, names instead of ids,
labels instead of enum values, sorting, one count, CSV export, and writes through the
services with their errors shown on the form."""

from __future__ import annotations

import csv
import io
import re

from models import AuditLog, Department, Faculty, Student
from models.enums import Category, PersonStatus, UserType
from tests import factories


def _ids(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'<tr data-id="(\d+)"', html)]


def _field_errors(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-field-error="(\w+)">([^<]*)<', html))


def _options(html: str, select: str) -> list[str]:
    """The option values of one filter's <select>."""
    block = html.split(f'id="filter-{select}"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option value="([^"]*)"', block)


def _cells(html: str) -> list[str]:
    """The text of every list cell (cells carry a priority class and a title)."""
    return [c.strip() for c in re.findall(r"<td[^>]*>([^<]*)</td>", html)]


def _form_error(html: str) -> str | None:
    found = re.search(r'id="form-error">([^<]*)<', html)
    return found.group(1).strip() if found else None


DEPARTMENT_FORM = {"name": "", "code": "", "description": "", "phone": "", "email": "", "building": "", "floor": ""}


# --- lists ----------------------------------------------------------------------------------


async def test_department_list_search_filter_sort_and_pages(admin_login):
    admin = await admin_login("staff")
    for n in range(25):
        await factories.create_department(name=f"Dept {n:02d}", code=f"DP{n:02d}", is_active=n % 5 != 0)
    first = (await admin.get("/admin/departments/list?page_size=10")).text
    assert len(_ids(first)) == 10 and "of 25 entries" in first
    third = (await admin.get("/admin/departments/list?page_size=10&page_num=3")).text
    assert len(_ids(third)) == 5
    found = (await admin.get("/admin/departments/list", params={"search": "dp1"})).text
    assert "of 10 entries" in found
    inactive = (await admin.get("/admin/departments/list", params={"is_active": "false"})).text
    assert "of 5 entries" in inactive
    by_code_desc = (await admin.get("/admin/departments/list", params={"sort": "code", "order": "desc",
                                                                     "page_size": 3})).text
    codes = [c for c in _cells(by_code_desc) if re.fullmatch(r"DP\d\d", c)]
    assert codes == ["DP24", "DP23", "DP22"]
    # Sorting on a column the API does not sort by is ignored (the default order stays).
    unsorted = (await admin.get("/admin/departments/list", params={"sort": "building", "page_size": 3})).text
    assert [c for c in _cells(unsorted) if re.fullmatch(r"DP\d\d", c)] == ["DP00", "DP01", "DP02"]


async def test_lists_show_names_and_labels_not_ids_and_values(admin_login):
    admin = await admin_login("admin")
    department = await factories.create_department(name="Mechanical Engineering")
    program = await factories.create_program(department=department, code="BTME")
    await factories.create_student(program=program, department=department, category=Category.OBC,
                                   status=PersonStatus.SUSPENDED)
    page = (await admin.get("/admin/students/list")).text
    cells = _cells(page)
    assert "Mechanical Engineering" in cells and "BTME" in cells
    assert "OBC" in cells and "Suspended" in cells
    assert "PersonStatus" not in page and ">suspended<" not in page
    programs = (await admin.get("/admin/programs/list")).text
    assert "Bachelors" in _cells(programs) and "Mechanical Engineering" in _cells(programs)


async def test_cells_are_escaped(admin_login):
    admin = await admin_login("admin")
    await factories.create_department(name="<script>alert(1)</script>", code="XSS")
    page = (await admin.get("/admin/departments/list")).text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


async def test_student_filters_mirror_the_api(admin_login):
    admin = await admin_login("staff")
    science = await factories.create_department(name="Science")
    arts = await factories.create_department(name="Arts")
    physics = await factories.create_program(department=science)
    history = await factories.create_program(department=arts)
    a = await factories.create_student(program=physics, department=science, batch_year=2023, semester=3)
    b = await factories.create_student(program=history, department=arts, batch_year=2024,
                                       status=PersonStatus.INACTIVE, category=Category.SC)
    cases = {
        f"department_id={science.id}": [a.id],
        f"program_id={history.id}": [b.id],
        "batch_year=2023": [a.id],
        "semester=3": [a.id],
        "student_status=inactive": [b.id],
        "category=sc": [b.id],
        f"search={a.student_code.lower()}": [a.id],
        f"search={b.admission_number}": [b.id],
        f"department_id={science.id}&batch_year=2024": [],
    }
    for query, expected in cases.items():
        assert _ids((await admin.get(f"/admin/students/list?{query}")).text) == expected, query


async def test_bad_filter_values_are_400_never_500(admin_login):
    admin = await admin_login("admin")
    for url in ["/admin/students/list?department_id=abc", "/admin/students/list?student_status=bogus",
                "/admin/students/list?batch_year=99999999999", "/admin/departments/list?is_active=maybe",
                "/admin/course_offerings/list?offering_status=x", "/admin/students/list?offering=12345",
                "/admin/audit_logs/list?action=drop", "/admin/students/export?category=nope"]:
        response = await admin.get(url)
        assert response.status_code == 400, url
    # Paging parameters are clamped rather than refused.
    assert (await admin.get("/admin/students/list?page_num=abc&page_size=-5")).status_code == 200


async def test_list_is_one_count_and_one_page_query(admin_login):
    from tortoise import connections

    admin = await admin_login("admin")
    department = await factories.create_department()
    program = await factories.create_program(department=department)
    for _ in range(15):
        await factories.create_student(program=program, department=department)
    connection = connections.get("default")
    executed: list[str] = []
    originals = {name: getattr(connection, name) for name in ("execute_query", "execute_query_dict")}

    def counting(original):
        async def wrapper(query, values=None):
            executed.append(query)
            return await original(query, values)
        return wrapper

    for name, original in originals.items():
        setattr(connection, name, counting(original))
    try:
        assert (await admin.get("/admin/students/list")).status_code == 200
    finally:
        for name, original in originals.items():
            setattr(connection, name, original)
    student_queries = [q for q in executed if '"students"' in q]
    assert len(student_queries) == 2, student_queries
    assert sum("COUNT(" in q.upper() for q in student_queries) == 1


async def test_offering_list_names_its_faculty_and_links_its_roster(admin_login):
    admin = await admin_login("staff")
    teacher = await factories.create_faculty()
    offering = await factories.create_offering(faculty=[teacher])
    user = await teacher.user
    page = (await admin.get("/admin/course_offerings/list")).text
    assert f"{user.first_name} {user.last_name}" in page
    assert f'href="/admin/students/list?offering={offering.id}"' in page


# --- faculty scope --------------------------------------------------------------------------


async def _registered(student: Student, offering) -> None:
    from models import CourseRegistration

    enrollment = await factories.create_enrollment(student=student)
    await CourseRegistration.create(enrollment=enrollment, course_offering=offering)


async def test_faculty_see_only_their_offerings_and_registered_students(admin_login):
    teacher = await admin_login("faculty")
    colleague = await factories.create_faculty()
    mine = await factories.create_offering(faculty=[teacher.profile])
    theirs = await factories.create_offering(faculty=[colleague])
    taught = await factories.create_student()
    untaught = await factories.create_student()
    await _registered(taught, mine)
    await _registered(untaught, theirs)

    assert _ids((await teacher.get("/admin/course_offerings/list")).text) == [mine.id]
    students = (await teacher.get("/admin/students/list")).text
    assert _ids(students) == [taught.id]
    # The offering filter offers only their own offerings, and refuses another's id.
    assert _options(students, "offering") == ["", str(mine.id)]
    assert (await teacher.get(f"/admin/students/list?offering={theirs.id}")).status_code == 400
    assert _ids((await teacher.get(f"/admin/students/list?offering={mine.id}")).text) == [taught.id]
    # The department and program choices are those of their own students only.
    assert _options(students, "department_id") == ["", str(taught.department_id)]
    assert _options(students, "program_id") == ["", str(taught.program_id)]
    assert (await teacher.get(f"/admin/students/list?department_id={untaught.department_id}")).status_code == 400
    export = (await teacher.get("/admin/students/export")).text
    assert taught.student_code in export and untaught.student_code not in export


# --- department writes through the service -------------------------------------------------


async def test_create_goes_through_the_service_with_an_audit_row(admin_login):
    admin = await admin_login("admin")
    response = await admin.post("/admin/departments/create",
                                data={**DEPARTMENT_FORM, "name": "Geology", "code": "GEO", "floor": "2"})
    assert (response.status_code, response.headers["location"]) == (303, "/admin/departments/list")
    department = await Department.get(code="GEO")
    assert (department.name, department.floor, department.description, department.is_active) == (
        "Geology",
        2,
        None,
        True,
    )
    row = await AuditLog.get(entity_type="departments", entity_id=department.id)
    assert (row.action, row.user_id, row.ip_address) == ("create", admin.user.id, "127.0.0.1")


async def test_validation_errors_show_on_the_form_and_write_nothing(admin_login):
    admin = await admin_login("admin")
    response = await admin.post("/admin/departments/create",
                                data={**DEPARTMENT_FORM, "name": "G", "code": "bad code!", "email": "nope",
                                      "floor": "twelve"})
    assert response.status_code == 422
    errors = _field_errors(response.text)
    assert set(errors) == {"floor"}  # parsed first: a non-number never reaches the schema
    response = await admin.post("/admin/departments/create",
                                data={**DEPARTMENT_FORM, "name": "G", "code": "bad code!", "email": "nope"})
    assert response.status_code == 422
    assert set(_field_errors(response.text)) == {"name", "code", "email"}
    assert 'value="bad code!"' in response.text  # what was typed is kept
    missing = await admin.post("/admin/departments/create", data=DEPARTMENT_FORM)
    assert _field_errors(missing.text) == {"name": "This field is required", "code": "This field is required"}
    assert await Department.all().count() == 0


async def test_service_rules_show_on_the_form(admin_login):
    admin = await admin_login("staff")
    await factories.create_department(name="Geology", code="GEO")
    response = await admin.post("/admin/departments/create", data={**DEPARTMENT_FORM, "name": "geology", "code": "G2"})
    assert response.status_code == 409
    assert _form_error(response.text) == "A department with this name already exists"
    assert await Department.all().count() == 1


async def test_update_clears_an_empty_optional_fk_to_null(admin_login):
    admin = await admin_login("admin")
    department = await factories.create_department(name="Maths", code="MTH", building="A")
    head = await factories.create_faculty(department=department)
    form = {**DEPARTMENT_FORM, "name": "Maths", "building": "A", "is_active": "on"}
    set_head = await admin.post(f"/admin/departments/update/{department.id}", data={**form, "hod_id": str(head.id)})
    assert set_head.status_code == 303
    assert (await Department.get(id=department.id)).hod_id == head.id
    assert (await Faculty.get(id=head.id)).is_hod
    cleared = await admin.post(
        f"/admin/departments/update/{department.id}", data={**form, "hod_id": "", "building": ""}
    )
    assert cleared.status_code == 303
    department = await Department.get(id=department.id)
    assert (department.hod_id, department.building, department.code) == (None, None, "MTH")
    assert not (await Faculty.get(id=head.id)).is_hod
    audit = (
        await AuditLog.filter(entity_type="departments", entity_id=department.id, action="update")
        .order_by("-id")
        .first()
    )
    assert audit.old_value["hod_id"] == head.id and audit.new_value["hod_id"] is None


async def test_fk_dropdown_offers_and_accepts_only_scoped_rows(admin_login):
    admin = await admin_login("admin")
    department = await factories.create_department()
    other = await factories.create_department()
    member = await factories.create_faculty(department=department)
    outsider = await factories.create_faculty(department=other)
    form = (await admin.get(f"/admin/departments/update/{department.id}")).text
    assert f'<option value="{member.id}"' in form and f'<option value="{outsider.id}"' not in form
    for value in (str(outsider.id), "999999", "abc", "-1"):
        response = await admin.post(f"/admin/departments/update/{department.id}",
                                    data={**DEPARTMENT_FORM, "name": department.name, "hod_id": value})
        assert response.status_code == 422, value
        assert _field_errors(response.text) == {"hod_id": "Select a valid choice"}
    assert (await Department.get(id=department.id)).hod_id is None


async def test_code_is_immutable_on_update(admin_login):
    admin = await admin_login("admin")
    department = await factories.create_department(name="Chemistry", code="CHEM")
    form = (await admin.get(f"/admin/departments/update/{department.id}")).text
    assert re.search(r'name="code"[^>]*disabled', form.replace("\n", " "))
    response = await admin.post(f"/admin/departments/update/{department.id}",
                                data={**DEPARTMENT_FORM, "name": "Chemistry", "code": "CHANGED", "is_active": "on"})
    assert response.status_code == 303
    assert (await Department.get(id=department.id)).code == "CHEM"


async def test_delete_blocked_by_dependants_keeps_the_row(admin_login):
    admin = await admin_login("staff")
    department = await factories.create_department()
    await factories.create_program(department=department)
    response = await admin.delete(f"/admin/departments/delete/{department.id}")
    assert response.status_code == 409
    assert "programs" in response.json()["detail"]
    assert await Department.filter(id=department.id).exists()


async def test_bulk_delete_is_all_or_nothing(admin_login):
    admin = await admin_login("admin")
    free = await factories.create_department()
    blocked = await factories.create_department()
    await factories.create_program(department=blocked)
    response = await admin.delete(f"/admin/departments/delete?ids={free.id},{blocked.id}")
    assert response.status_code == 409
    assert await Department.filter(id__in=[free.id, blocked.id]).count() == 2
    assert (await admin.delete("/admin/departments/delete?ids=1,x")).status_code == 400
    assert (await admin.delete("/admin/departments/delete?ids=")).status_code == 400
    ok = await admin.delete(f"/admin/departments/delete?ids={free.id}")
    assert ok.status_code == 200 and ok.json() == {"deleted": [free.id]}
    assert not await Department.filter(id=free.id).exists()
    assert await AuditLog.filter(entity_type="departments", entity_id=free.id, action="delete").exists()


async def test_student_delete_deactivates(admin_login):
    admin = await admin_login("staff")
    student = await factories.create_student()
    response = await admin.delete(f"/admin/students/delete/{student.id}")
    assert response.status_code == 200
    student = await Student.get(id=student.id)
    assert student.status == PersonStatus.INACTIVE
    assert not (await student.user).is_active


# --- CSV export -----------------------------------------------------------------------------


async def test_export_is_formula_safe_and_follows_the_filters(admin_login):
    admin = await admin_login("admin")
    await factories.create_department(name="=HYPERLINK(\"http://evil\")", code="EVIL1")
    await factories.create_department(name="@SUM(A1)", code="EVIL2", is_active=False)
    response = await admin.get("/admin/departments/export?is_active=true")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="departments.csv"' in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["ID", "Code", "Name", "Head of department", "Building", "Email", "Active"]
    assert len(rows) == 2
    assert rows[1][2] == "'=HYPERLINK(\"http://evil\")" and rows[1][6] == "Yes"


async def test_export_streams_every_page(admin_login):
    from admin_views import export

    admin = await admin_login("admin")
    saved = export.CHUNK_ROWS
    export.CHUNK_ROWS = 3
    try:
        for n in range(8):
            await factories.create_department(code=f"E{n}")
        rows = list(csv.reader(io.StringIO((await admin.get("/admin/departments/export")).content.decode("utf-8-sig"))))
    finally:
        export.CHUNK_ROWS = saved
    assert [r[1] for r in rows[1:]] == [f"E{n}" for n in range(8)]


async def test_home_for_admin_shows_the_kpis_and_for_faculty_their_sections(admin_login):
    admin = await admin_login("admin")
    await factories.create_student()
    page = (await admin.get("/admin/")).text
    assert page.count("data-kpi=") == 8
    assert 'id="chart-departments"' in page and 'id="chart-enrollments"' in page
    teacher = await admin_login(UserType.FACULTY)
    mine = (await teacher.get("/admin/")).text
    assert "data-kpi=" not in mine and 'href="/admin/course_offerings/list"' in mine


async def test_catalogue_writes_go_through_their_services(admin_login):
    from models import Course, CourseOffering, CoursePrerequisite, OfferingFaculty, Program

    admin = await admin_login("staff")
    department = await factories.create_department()
    teachers = [await factories.create_faculty(department=department) for _ in range(2)]
    program = await admin.post("/admin/programs/create", data={
        "name": "BTech", "code": "BT", "degree_type": "bachelors", "department_id": str(department.id),
        "duration_years": "4", "total_semesters": "8", "total_credits": "160", "is_active": "on"})
    assert program.status_code == 303
    program_row = await Program.get(code="BT")
    course = {"credits": "4", "department_id": str(department.id), "course_type": "core", "level": "beginner",
              "is_active": "on"}
    assert (
        await admin.post("/admin/courses/create", data={**course, "name": "Intro", "code": "C1"})
    ).status_code == 303
    intro = await Course.get(code="C1")
    advanced = await admin.post("/admin/courses/create",
                                data={**course, "name": "Advanced", "code": "C2", "prerequisites": [str(intro.id)]})
    assert advanced.status_code == 303
    advanced_row = await Course.get(code="C2")
    assert await CoursePrerequisite.filter(course_id=advanced_row.id, prerequisite_id=intro.id).exists()
    # The service's rule (no cycles) comes back on the form, and nothing changes.
    cycle = await admin.post(f"/admin/courses/update/{intro.id}",
                             data={**course, "name": "Intro", "prerequisites": [str(advanced_row.id)]})
    assert cycle.status_code == 400 and "cycle" in _form_error(cycle.text)
    assert not await CoursePrerequisite.filter(course_id=intro.id).exists()
    offering = {"program_id": str(program_row.id), "course_id": str(intro.id), "academic_year": "2025-26",
                "semester": "1", "max_capacity": "30", "faculty_ids": [str(t.id) for t in teachers],
                "status": "open", "start_date": "2025-08-01", "end_date": "2025-12-01"}
    assert (await admin.post("/admin/course_offerings/create", data=offering)).status_code == 303
    row = await CourseOffering.get(course_id=intro.id)
    assert await OfferingFaculty.filter(offering_id=row.id).count() == 2
    edit = {k: v for k, v in offering.items() if k not in ("program_id", "course_id", "academic_year")}
    updated = await admin.post(f"/admin/course_offerings/update/{row.id}",
                               data={**edit, "faculty_ids": [str(teachers[0].id)], "max_capacity": ""})
    assert updated.status_code == 303
    row = await CourseOffering.get(id=row.id)
    assert row.max_capacity is None
    assert await OfferingFaculty.filter(offering_id=row.id).values_list("faculty_id", flat=True) == [teachers[0].id]
    bad = await admin.post(f"/admin/course_offerings/update/{row.id}", data={**edit, "faculty_ids": ["999999"]})
    assert bad.status_code == 422 and _field_errors(bad.text) == {"faculty_ids": "Select valid choices"}
    assert await AuditLog.filter(entity_type="course_offerings", entity_id=row.id).exists()


async def test_faculty_and_staff_records_through_their_services(admin_login):
    from models import AdminStaff

    admin = await admin_login("admin")
    department = await factories.create_department()
    account = {"first_name": "Alan", "last_name": "Turing", "email": "alan@example.edu", "user_name": "alan",
               "password": "Sup3r-secret"}
    created = await admin.post("/admin/faculty/create", data={
        **account, "employee_id": "F-1", "department_id": str(department.id), "designation": "Professor",
        "employment_type": "permanent", "status": "active", "is_hod": "on"})
    assert created.status_code == 303
    member = await Faculty.get(employee_id="F-1")
    assert member.is_hod and (await Department.get(id=department.id)).hod_id == member.id
    assert (await admin.delete(f"/admin/faculty/delete/{member.id}")).status_code == 200
    assert (await Faculty.get(id=member.id)).status == "inactive"
    staff = await admin.post("/admin/staff/create", data={
        **account, "email": "grace@example.edu", "user_name": "grace", "user_type": "staff", "role": "registrar",
        "designation": "Registrar", "date_of_joining": "2024-01-01"})
    assert staff.status_code == 303
    record = await AdminStaff.get(role="registrar", designation="Registrar")
    refused = await admin.post("/admin/staff/create", data={
        **account, "email": "x@example.edu", "user_name": "xavier", "user_type": "student", "role": "staff",
        "designation": "Nope", "date_of_joining": "2024-01-01"})
    assert refused.status_code == 422 and _field_errors(refused.text) == {"user_type": "Select a valid choice"}
    assert record.employee_id.startswith("EMP-")
