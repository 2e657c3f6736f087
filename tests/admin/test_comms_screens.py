"""The communication and schedule screens over HTTP: the exam schedule form (status flow,
time and window errors on the form), the week grid's pickers, the document library
(access levels enforced by the documents service, upload, download, delete) and the
notification composer (audience counts, send, delivery after the fan-out)."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.settings import get_settings
from models import Document, ExamSchedule, Notification, UserNotification
from models.enums import AccessLevel, ExamStatus, NotificationStatus, UserType
from tests import factories
from tests.admin.conftest import make_person

SCHEDULES = "/admin/exam_schedules/list"
GRID = "/admin/timetable_grid/list"
LIBRARY = "/admin/documents/list"
NOTICES = "/admin/notifications"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _stored_files() -> list:
    root = get_settings().media_root
    return [p for p in root.rglob("*") if p.is_file() and ("documents" in p.parts or ".partial" in p.parts)]


@pytest.fixture(autouse=True)
def _empty_store(services):
    for path in _stored_files():
        path.unlink()


# --- exam schedules ------------------------------------------------------------------------

def _schedule_form(course, **overrides) -> dict:
    form = {"exam_name": "Algorithms finals", "exam_type": "final", "course_id": course.id,
            "academic_year": "2025-26", "semester": "3", "start_time": "2025-12-01T09:00",
            "end_time": "2025-12-12T17:00", "location": "Main block", "result_declaration_date": "",
            "status": "draft"}
    form.update(overrides)
    return form


async def test_who_opens_the_exam_schedules(admin_login, anonymous):
    staff, teacher = await admin_login("staff"), await admin_login("faculty")
    assert (await staff.get(SCHEDULES)).status_code == 200
    assert (await teacher.get(SCHEDULES)).status_code == 403
    assert (await teacher.post(SCHEDULES, data={})).status_code == 403
    assert "/admin/exam_schedules/list" in (await staff.get("/admin/")).text
    response = await anonymous.get(SCHEDULES)
    assert response.status_code in (302, 303, 307) and "/admin/login" in response.headers["location"]


async def test_a_schedule_is_created_then_moves_along_its_status_flow(admin_login):
    staff = await admin_login("staff")
    course = await factories.create_course(code="CS301", name="Algorithms")
    page = await staff.get(SCHEDULES)
    assert "CS301 · Algorithms" in page.text and "No exam schedules yet" in page.text
    created = await staff.post(SCHEDULES, data=_schedule_form(course))
    assert created.status_code == 303, created.text
    schedule = await ExamSchedule.get(exam_name="Algorithms finals")
    assert schedule.start_time == dt.datetime(2025, 12, 1, 9, tzinfo=dt.UTC) and schedule.location == "Main block"
    edit = await staff.get(created.headers["location"])
    assert "Edit “Algorithms finals”" in edit.text and "created (draft)" in edit.text
    # A draft may be scheduled or cancelled, not jump to completed.
    assert '<option value="scheduled"' in edit.text and '<option value="completed"' not in edit.text
    moved = await staff.post(SCHEDULES, data=_schedule_form(course, schedule_id=schedule.id, status="scheduled",
                                                             location=""))
    assert moved.status_code == 303
    await schedule.refresh_from_db()
    assert schedule.status is ExamStatus.SCHEDULED and schedule.location is None
    skipped = await staff.post(SCHEDULES, data=_schedule_form(course, schedule_id=schedule.id, status="completed"))
    assert skipped.status_code == 400 and "cannot go from scheduled to completed" in skipped.text
    await schedule.refresh_from_db()
    assert schedule.status is ExamStatus.SCHEDULED


async def test_time_and_window_errors_are_shown_on_the_form_and_change_nothing(admin_login):
    staff = await admin_login("staff")
    course = await factories.create_course()
    backwards = await staff.post(SCHEDULES, data=_schedule_form(course, end_time="2025-11-30T09:00"))
    assert backwards.status_code == 400 and "The start must be before the end" in backwards.text
    assert 'id="starts" name="start_time" value="2025-12-01T09:00"' in backwards.text  # what was typed is kept
    assert 'is-invalid" type="datetime-local" id="starts"' in backwards.text
    bad = await staff.post(SCHEDULES, data=_schedule_form(course, academic_year="2025", semester="99"))
    assert bad.status_code == 400 and "Academic year:" in bad.text and "Semester:" in bad.text
    missing = await staff.post(SCHEDULES, data=_schedule_form(course, course_id=""))
    assert missing.status_code == 400 and "Course: Field required" in missing.text
    assert await ExamSchedule.all().count() == 0
    schedule = await factories.create_exam_schedule(course=course)
    entry = await factories.create_exam_entry(exam_schedule=schedule)
    shrink = await staff.post(SCHEDULES, data=_schedule_form(
        course, schedule_id=schedule.id, status="scheduled", start_time="2025-12-10T09:00"))
    assert shrink.status_code == 409 and f"Timetable entries {entry.id} would fall outside" in shrink.text
    await schedule.refresh_from_db()
    assert schedule.start_time == dt.datetime(2025, 12, 1, 8, tzinfo=dt.UTC)
    assert (await staff.get(SCHEDULES, params={"edit": 999999})).status_code == 404
    assert (await staff.post(SCHEDULES, data=_schedule_form(course, schedule_id=999999))).status_code == 404


# --- week grid pickers ----------------------------------------------------------------------

async def test_the_grid_offers_teachers_and_programs_by_name(admin_login):
    staff = await admin_login("staff")
    user = await factories.create_user(user_type=UserType.FACULTY, first_name="Ada", last_name="Lovelace")
    teacher = await factories.create_faculty(user=user, employee_id="EMP-ADA")
    program = await factories.create_program(name="Computer Science", code="BSCS")
    offering = await factories.create_offering(semester=3, faculty=[teacher], program=program)
    slot = await factories.create_slot(day_of_week=1, start_time=dt.time(9), end_time=dt.time(10))
    await factories.create_class_schedule(course_offering=offering, slot=slot, room_no="B-204")
    page = await staff.get(GRID)
    assert f'<option value="{teacher.id}" >Lovelace, Ada · EMP-ADA' in page.text
    assert f'<option value="{program.id}" >Computer Science (BSCS)</option>' in page.text
    assert 'id="faculty-search"' in page.text and 'id="program-search"' in page.text
    by_teacher = await staff.get(GRID, params={"faculty_id": teacher.id})
    assert "Lovelace, Ada · 1 classes a week" in by_teacher.text
    assert f'<option value="{teacher.id}" selected>' in by_teacher.text
    by_cohort = await staff.get(GRID, params={"program_id": program.id, "semester": 3})
    assert "Computer Science (BSCS), semester 3 · 1 classes" in by_cohort.text


# --- document library -----------------------------------------------------------------------

async def _document(owner, level: AccessLevel, title: str) -> Document:
    return await factories.create_document(user=owner, title=title, access_level=level,
                                           is_public=level is AccessLevel.PUBLIC)


async def test_the_library_shows_what_each_role_may_see(admin_login):
    staff, teacher = await admin_login("staff"), await admin_login("faculty")
    student, _ = await make_person(UserType.STUDENT)
    await _document(student, AccessLevel.PRIVATE, "Student's own transcript")
    await _document(student, AccessLevel.INTERNAL, "Moderation report")
    await _document(student, AccessLevel.PUBLIC, "Exam rules")
    await _document(teacher.user, AccessLevel.PRIVATE, "My contract")
    seen = await staff.get(LIBRARY)
    assert seen.status_code == 200 and "4 documents" in seen.text
    assert "Student&#39;s own transcript" in seen.text and "access-private" in seen.text
    assert "The owner and staff" in seen.text and "Staff and faculty" in seen.text
    mine = await teacher.get(LIBRARY)
    assert "3 documents" in mine.text and "Student&#39;s own transcript" not in mine.text
    assert "Moderation report" in mine.text and "My contract" in mine.text and "(you)" in mine.text
    assert "/delete" not in mine.text and 'id="owner"' not in mine.text
    internal = await staff.get(LIBRARY, params={"access_level": "internal"})
    assert "1 document<" in internal.text and "Moderation report" in internal.text
    found = await staff.get(LIBRARY, params={"q": "rules", "document_type": "certificate"})
    assert "1 document<" in found.text and "Exam rules" in found.text
    nothing = await staff.get(LIBRARY, params={"q": "rules", "document_type": "transcript"})
    assert "No document matches" in nothing.text


async def test_upload_download_and_delete_through_the_service(admin_login):
    staff, teacher = await admin_login("staff"), await admin_login("faculty")
    owner = await factories.create_user(first_name="Grace", last_name="Hopper")
    filed = await staff.post(LIBRARY, data={"title": "Degree certificate", "document_type": "certificate",
                                            "access_level": "internal", "tags": "degree, 2025",
                                            "owner_user_id": str(owner.id)},
                             files={"file": ("certificate «final».pdf", PDF, "application/pdf")})
    assert filed.status_code == 303, filed.text
    document = await Document.get(title="Degree certificate")
    assert document.user_id == owner.id and document.uploaded_by_id == staff.user.id
    assert document.access_level is AccessLevel.INTERNAL and document.tags == ["degree", "2025"]
    listed = await staff.get(filed.headers["location"])
    assert "uploaded (internal)" in listed.text and "Grace Hopper" in listed.text and "filed by" in listed.text
    download = await teacher.get(f"{LIBRARY.rsplit('/', 1)[0]}/{document.id}/download")
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["content-type"] == "application/pdf"
    assert "filename*=UTF-8''certificate%20%C2%ABfinal%C2%BB.pdf" in download.headers["content-disposition"]
    assert (await teacher.post(f"/admin/documents/{document.id}/delete")).status_code == 403
    deleted = await staff.post(f"/admin/documents/{document.id}/delete")
    assert deleted.status_code == 303 and await Document.all().count() == 0
    assert _stored_files() == []


async def test_a_refused_upload_is_shown_on_the_form_and_keeps_nothing(admin_login):
    staff, teacher = await admin_login("staff"), await admin_login("faculty")
    renamed = await staff.post(LIBRARY, data={"title": "Totally a PDF", "document_type": "report"},
                               files={"file": ("report.pdf", b"MZ\x90\x00" + b"\x00" * 64, "application/pdf")})
    assert renamed.status_code == 400 and 'id="form-error"' in renamed.text
    assert 'value="Totally a PDF"' in renamed.text
    untitled = await staff.post(LIBRARY, data={"document_type": "report"},
                                files={"file": ("report.pdf", PDF, "application/pdf")})
    assert untitled.status_code == 400 and "Title: Field required" in untitled.text
    nofile = await staff.post(LIBRARY, data={"title": "x", "document_type": "report"})
    assert nofile.status_code == 400 and "Choose a file" in nofile.text
    other = await factories.create_user()
    forged = await teacher.post(LIBRARY, data={"title": "x", "document_type": "report", "owner_user_id": other.id},
                                files={"file": ("report.pdf", PDF, "application/pdf")})
    assert forged.status_code == 403
    unknown = await staff.post(LIBRARY, data={"title": "x", "document_type": "report", "owner_user_id": "999999"},
                               files={"file": ("report.pdf", PDF, "application/pdf")})
    assert unknown.status_code == 404 and "User not found" in unknown.text
    assert await Document.all().count() == 0 and _stored_files() == []


async def test_a_document_out_of_reach_is_not_downloaded(admin_login):
    teacher = await admin_login("faculty")
    student, _ = await make_person(UserType.STUDENT)
    private = await _document(student, AccessLevel.PRIVATE, "Medical note")
    assert (await teacher.get(f"/admin/documents/{private.id}/download")).status_code == 404
    assert (await teacher.get("/admin/documents/nonsense/download")).status_code == 404


# --- notifications --------------------------------------------------------------------------

async def test_who_opens_the_composer(admin_login):
    staff, teacher = await admin_login("staff"), await admin_login("faculty")
    assert (await staff.get(f"{NOTICES}/compose")).status_code == 200
    assert (await staff.get(f"{NOTICES}/list")).status_code == 200
    for url in (f"{NOTICES}/compose", f"{NOTICES}/list", f"{NOTICES}/audience?target_audience=all",
                f"{NOTICES}/people?q=a", f"{NOTICES}/delivery?id=1"):
        assert (await teacher.get(url)).status_code == 403, url
    assert (await teacher.post(f"{NOTICES}/compose", data={})).status_code == 403


async def test_audience_counts_for_each_target(admin_login):
    staff = await admin_login("staff")
    students = [await factories.create_user(user_type=UserType.STUDENT) for _ in range(3)]
    await factories.create_user(user_type=UserType.STUDENT, is_active=False)
    await factories.create_user(user_type=UserType.FACULTY)
    counts = {}
    for audience in ("all", "students", "faculty", "staff"):
        response = await staff.get(f"{NOTICES}/audience", params={"target_audience": audience})
        counts[audience] = response.json()["recipients"]
    # The signed-in staff member is among "all" and "staff".
    assert counts == {"all": 5, "students": 3, "faculty": 1, "staff": 1}
    ids = f"{students[0].id},{students[1].id},{students[0].id}"
    specific = await staff.get(f"{NOTICES}/audience", params={"target_audience": "specific", "target_id": ids})
    assert specific.json() == {"recipients": 2}
    unknown = await staff.get(f"{NOTICES}/audience", params={"target_audience": "specific", "target_id": "999999"})
    assert unknown.status_code == 400 and "999999" in unknown.json()["error"]
    assert (await staff.get(f"{NOTICES}/audience", params={"target_audience": "moon"})).status_code == 400
    assert (await staff.get(f"{NOTICES}/audience", params={"target_audience": "specific",
                                                           "target_id": "1,x"})).status_code == 400


async def test_people_are_found_by_name_role_department_and_program(admin_login):
    staff = await admin_login("staff")
    program = await factories.create_program()
    other_program = await factories.create_program()
    user = await factories.create_user(user_type=UserType.STUDENT, first_name="Alan", last_name="Turing")
    parent_user = await factories.create_user(user_type=UserType.PARENT, first_name="Ethel", last_name="Turing")
    parent = await factories.create_parent(user=parent_user)
    await factories.create_student(user=user, program=program, department_id=program.department_id, parent=parent)
    stranger = await factories.create_user(user_type=UserType.STUDENT, first_name="Alan", last_name="Other")
    await factories.create_student(user=stranger, program=other_program, department_id=other_program.department_id)
    by_name = (await staff.get(f"{NOTICES}/people", params={"q": "alan"})).json()
    assert by_name["total"] == 2
    in_program = (await staff.get(f"{NOTICES}/people", params={"program_id": program.id})).json()
    assert sorted(m["id"] for m in in_program["matches"]) == sorted([user.id, parent_user.id])
    parents = (await staff.get(f"{NOTICES}/people", params={"program_id": program.id, "role": "parent"})).json()
    assert [m["id"] for m in parents["matches"]] == [parent_user.id] and parents["matches"][0]["role"] == "parent"
    department = (await staff.get(f"{NOTICES}/people", params={"department_id": program.department_id,
                                                                "all": "1"})).json()
    assert department["total"] == 2
    assert (await staff.get(f"{NOTICES}/people")).json() == {"total": 0, "matches": []}
    assert (await staff.get(f"{NOTICES}/people", params={"q": "a\x07"})).status_code == 400


def _notice(**overrides) -> dict:
    form = {"title": "Library closed on Friday", "message": "The central library is closed on Friday.",
            "notification_type": "announcement", "priority": "medium", "target_audience": "students",
            "when": "now", "scheduled_at": ""}
    form.update(overrides)
    return form


async def test_send_then_delivery_after_the_fan_out(admin_login, run_jobs, smtp_sink):
    staff = await admin_login("staff")
    for _ in range(3):
        await factories.create_user(user_type=UserType.STUDENT)
    sent = await staff.post(f"{NOTICES}/compose", data=_notice(notification_type="urgent"))
    assert sent.status_code == 303, sent.text
    notification = await Notification.get(title="Library closed on Friday")
    assert notification.status is NotificationStatus.SENT and notification.sent_by_id == staff.user.id
    before = await staff.get(f"{NOTICES}/delivery", params={"id": notification.id})
    assert before.json()["recipients"] == 0
    await run_jobs()
    assert await UserNotification.filter(notification_id=notification.id).count() == 3
    delivery = (await staff.get(f"{NOTICES}/delivery", params={"id": notification.id})).json()
    assert delivery["recipients"] == 3 and delivery["read"] == 0 and delivery["emails_sent"] == 3
    assert len(smtp_sink.messages) == 3
    page = await staff.get(sent.headers["location"])
    row = page.text.split(f'data-notification="{notification.id}"', 1)[1].split("</tr>", 1)[0]
    assert "sent: its recipients are being written" in page.text
    assert "<td class=\"text-end\" data-recipients>3</td>" in row and "data-emails>3" in row
    assert (await staff.get(f"{NOTICES}/delivery", params={"id": 999999})).status_code == 404


async def test_drafts_and_scheduled_notices_and_form_errors(admin_login, run_jobs):
    staff = await admin_login("staff")
    student = await factories.create_user(user_type=UserType.STUDENT)
    draft = await staff.post(f"{NOTICES}/compose", data=_notice(title="Draft notice", when="draft"))
    assert draft.status_code == 303 and "kept as a draft" in (await staff.get(draft.headers["location"])).text
    later = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    scheduled = await staff.post(f"{NOTICES}/compose", data=_notice(title="Later notice", when="later",
                                                                    scheduled_at=later))
    assert scheduled.status_code == 303
    await run_jobs()
    assert await UserNotification.all().count() == 0
    assert (await Notification.get(title="Later notice")).status is NotificationStatus.SCHEDULED
    past = await staff.post(f"{NOTICES}/compose", data=_notice(when="later", scheduled_at="2020-01-01T09:00"))
    assert past.status_code == 400 and "must be in the future" in past.text
    nobody = await staff.post(f"{NOTICES}/compose", data=_notice(target_audience="specific"))
    assert nobody.status_code == 400 and "a specific audience needs target_id" in nobody.text
    assert 'value="Library closed on Friday"' in nobody.text  # what was typed is kept
    untitled = await staff.post(f"{NOTICES}/compose", data=_notice(title=""))
    assert untitled.status_code == 400 and "Title:" in untitled.text
    unknown = await staff.post(f"{NOTICES}/compose", data={**_notice(target_audience="specific"),
                                                           "target_id": ["999999"]})
    assert unknown.status_code == 400 and "No active user with id 999999" in unknown.text
    chosen = await staff.post(f"{NOTICES}/compose", data={**_notice(title="To one", target_audience="specific"),
                                                          "target_id": [str(student.id), str(student.id)]})
    assert chosen.status_code == 303
    await run_jobs()
    assert await UserNotification.filter(user_id=student.id).count() == 1
    assert await Notification.all().count() == 3
