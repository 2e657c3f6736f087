"""The teaching screens of the panel over HTTP: role filtering on the server, and writes
through the services (attendance register, gradebook, enrollments, assessments, publish,
defaulters CSV, transcript)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from models import Assessment, Attendance, AttendanceSummary, Enrollment, Grade, SemesterResult
from models.enums import AttendanceStatus, EnrollmentStatus
from tests import factories

DAY = dt.date(2025, 9, 1)
PAGES = ("attendance_register", "attendance_defaulters", "gradebook", "assessments", "enrollments",
         "publish_results", "transcripts")


async def test_each_role_sees_and_opens_only_its_screens(admin_login):
    staff = await admin_login("staff")
    teacher = await admin_login("faculty")
    for name in PAGES:
        assert (await staff.get(f"/admin/{name}/list")).status_code == 200, name
    allowed = {"attendance_register", "attendance_defaulters", "gradebook", "assessments", "transcripts"}
    home = (await teacher.get("/admin/")).text
    for name in PAGES:
        response = await teacher.get(f"/admin/{name}/list")
        assert response.status_code == (200 if name in allowed else 403), name
        assert (f"/admin/{name}/list" in home) == (name in allowed), name


async def test_anonymous_goes_to_login(anonymous):
    for name in PAGES:
        response = await anonymous.get(f"/admin/{name}/list")
        assert response.status_code in (302, 303, 307) and "/admin/login" in response.headers["location"], name


async def test_the_register_marks_reopens_and_edits(admin_login):
    teacher = await admin_login("faculty")
    offering, regs = await factories.create_class(3, faculty=[teacher.profile])
    url = f"/admin/attendance_register/list?offering_id={offering.id}&date={DAY.isoformat()}"
    page = (await teacher.get(url)).text
    assert page.count('aria-label="present" checked') == 3 and "Not marked yet" in page
    form = {"offering_id": offering.id, "date": DAY.isoformat(),
            **{f"status-{r.enrollment_id}": "present" for r in regs}}
    form[f"status-{regs[1].enrollment_id}"] = "absent"
    response = await teacher.post("/admin/attendance_register/list", data=form)
    assert response.status_code == 303, response.text
    assert await Attendance.filter(course_offering_id=offering.id, date=DAY).count() == 3
    reopened = (await teacher.get(url)).text
    assert "Marked: editing" in reopened and reopened.count('aria-label="absent" checked') == 1
    form[f"status-{regs[1].enrollment_id}"] = "late"
    form[f"remarks-{regs[1].enrollment_id}"] = "Bus"
    assert (await teacher.post("/admin/attendance_register/list", data=form)).status_code == 303
    mark = await Attendance.get(enrollment_id=regs[1].enrollment_id)
    assert (mark.status, mark.remarks) == (AttendanceStatus.LATE, "Bus")
    summary = await AttendanceSummary.get(enrollment_id=regs[1].enrollment_id)
    assert (summary.total_classes, summary.attended_classes) == (1, 1)
    assert await Attendance.all().count() == 3


async def test_the_register_refuses_other_offerings_and_bad_input(admin_login):
    teacher = await admin_login("faculty")
    offering, regs = await factories.create_class(1, faculty=[teacher.profile])
    other, other_regs = await factories.create_class(1)
    refused = await teacher.get(f"/admin/attendance_register/list?offering_id={other.id}&date={DAY.isoformat()}")
    assert refused.status_code == 403 and "You do not teach" in refused.text
    form = {"offering_id": other.id, "date": DAY.isoformat(), f"status-{other_regs[0].enrollment_id}": "present"}
    assert (await teacher.post("/admin/attendance_register/list", data=form)).status_code == 403
    bad = {"offering_id": offering.id, "date": DAY.isoformat(), f"status-{regs[0].enrollment_id}": "asleep"}
    assert (await teacher.post("/admin/attendance_register/list", data=bad)).status_code == 400
    future = (dt.date.today() + dt.timedelta(days=5)).isoformat()
    assert (await teacher.post("/admin/attendance_register/list", data={
        "offering_id": offering.id, "date": future, f"status-{regs[0].enrollment_id}": "present"})).status_code == 400
    assert (await teacher.get("/admin/attendance_register/list?offering_id=x&date=nope")).status_code == 200
    assert await Attendance.all().count() == 0


async def test_the_gradebook_saves_marks_and_shows_the_grid(admin_login):
    teacher = await admin_login("faculty")
    offering, regs = await factories.create_class(2, faculty=[teacher.profile])
    paper = await factories.create_assessment(course_offering=offering, name="Paper", max_marks=Decimal(50),
                                              weightage=Decimal(100))
    sheet = (await teacher.get(f"/admin/gradebook/list?assessment_id={paper.id}")).text
    assert sheet.count('class="form-control form-control-sm marks"') == 2
    form = {"assessment_id": paper.id, f"marks-{regs[0].enrollment_id}": "45", f"marks-{regs[1].enrollment_id}": ""}
    assert (await teacher.post("/admin/gradebook/list", data=form)).status_code == 303
    assert [g.marks_obtained for g in await Grade.all()] == [Decimal("45.00")]
    form[f"marks-{regs[0].enrollment_id}"] = "40.5"
    form[f"marks-{regs[1].enrollment_id}"] = "12"
    assert (await teacher.post("/admin/gradebook/list", data=form)).status_code == 303
    assert sorted(g.marks_obtained for g in await Grade.all()) == [Decimal("12.00"), Decimal("40.50")]
    over = {**form, f"marks-{regs[1].enrollment_id}": "51"}
    response = await teacher.post("/admin/gradebook/list", data=over)
    assert response.status_code == 400 and "max marks" in response.text
    assert (await teacher.post("/admin/gradebook/list", data={**form, f"marks-{regs[1].enrollment_id}": "-1"})
            ).status_code == 400
    grid = (await teacher.get(f"/admin/gradebook/list?offering_id={offering.id}")).text
    assert "81.00" in grid and "24.00" in grid
    foreign = await factories.create_assessment()
    assert (await teacher.get(f"/admin/gradebook/list?assessment_id={foreign.id}")).status_code == 403


async def test_staff_enroll_and_drop(admin_login):
    staff = await admin_login("staff")
    student = await factories.create_student()
    response = await staff.post("/admin/enrollments/create", data={"student_id": student.id,
                                                                  "program_id": student.program_id})  # type: ignore[attr-defined]
    assert response.status_code == 303 and "notice" in response.headers["location"]
    enrollment = await Enrollment.get(student_id=student.id)
    again = await staff.post("/admin/enrollments/create", data={"student_id": student.id,
                                                               "program_id": student.program_id})  # type: ignore[attr-defined]
    assert "already+enrolled" in again.headers["location"]
    listed = (await staff.get(f"/admin/enrollments/list?student_id={student.id}")).text
    assert f'data-id="{enrollment.id}"' in listed
    assert (await staff.post(f"/admin/enrollments/{enrollment.id}/drop")).status_code == 303
    assert (await Enrollment.get(id=enrollment.id)).status is EnrollmentStatus.DROPPED
    teacher = await admin_login("faculty")
    assert (await teacher.post(f"/admin/enrollments/{enrollment.id}/drop")).status_code == 403


async def test_faculty_add_assessments_to_their_offerings_only(admin_login):
    teacher = await admin_login("faculty")
    mine = await factories.create_offering(faculty=[teacher.profile])
    other = await factories.create_offering()
    body = {"name": "Quiz 1", "assessment_type": "quiz", "max_marks": "20", "weightage": "10", "date": "2025-09-10"}
    assert "notice" in (await teacher.post("/admin/assessments/create",
                                           data={**body, "course_offering_id": mine.id})).headers["location"]
    refused = await teacher.post("/admin/assessments/create", data={**body, "course_offering_id": other.id})
    assert "error" in refused.headers["location"]
    over = await teacher.post("/admin/assessments/create", data={**body, "name": "Big", "weightage": "95",
                                                                 "course_offering_id": mine.id})
    assert "at+most+100" in over.headers["location"]
    assert [a.name for a in await Assessment.all()] == ["Quiz 1"]
    assert "Quiz 1" in (await teacher.get(f"/admin/assessments/list?offering_id={mine.id}")).text


async def test_publish_preview_then_confirm(admin_login):
    staff = await admin_login("staff")
    offering, regs = await factories.create_class(2)
    paper = await factories.create_assessment(course_offering=offering, max_marks=Decimal(100), weightage=Decimal(100))
    await factories.create_grade(enrollment=regs[0].enrollment, assessment=paper, marks_obtained=Decimal(92))
    await factories.create_grade(enrollment=regs[1].enrollment, assessment=paper, marks_obtained=Decimal(20))
    preview = (await staff.get("/admin/publish_results/list?semester=1&academic_year=2025-26")).text
    assert "2 students · 1 with failures" in preview and "10.00" in preview
    assert await SemesterResult.all().count() == 0
    confirmed = await staff.post("/admin/publish_results/list", data={"semester": 1, "academic_year": "2025-26"})
    assert confirmed.status_code == 303 and "Published+2" in confirmed.headers["location"]
    assert await SemesterResult.all().count() == 2
    assert (await staff.get("/admin/publish_results/list?semester=x&academic_year=y")).status_code == 200
    teacher = await admin_login("faculty")
    assert (await teacher.post("/admin/publish_results/list", data={"semester": 1, "academic_year": "2025-26"})
            ).status_code == 403


async def test_defaulters_csv_and_transcript(admin_login):
    staff = await admin_login("staff")
    offering, regs = await factories.create_class(2)
    for day in (1, 2):
        await factories.create_attendance(enrollment=regs[0].enrollment, course_offering=offering,
                                          date=dt.date(2025, 9, day), status=AttendanceStatus.ABSENT)
    from dashboard.core.actor import Actor
    from dashboard.services.attendance import rebuild_summaries

    await rebuild_summaries(Actor.system())
    page = (await staff.get("/admin/attendance_defaulters/list?threshold=75")).text
    assert regs[0].student.student_code in page
    csv = await staff.get("/admin/attendance_defaulters/export?threshold=75")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.strip().splitlines()
    assert lines[0].lstrip("\ufeff").startswith("Student code") and len(lines) == 2 and "0.00" in lines[1]
    assert "threshold" in (await staff.get("/admin/attendance_defaulters/list?threshold=500")).text
    transcript = await staff.get(f"/admin/transcripts/list?student_id={regs[0].student.id}")
    assert transcript.status_code == 200 and "No published results yet" in transcript.text
    assert (await staff.get("/admin/transcripts/list?student_id=999999")).status_code == 404


@pytest.mark.parametrize("path", ["/admin/enrollments/create", "/admin/attendance_register/list",
                                  "/admin/gradebook/list", "/admin/publish_results/list"])
async def test_cross_origin_posts_are_refused(admin_login, path):
    staff = await admin_login("staff")
    response = await staff.post(path, data={}, headers={"Origin": "http://evil.example"})
    assert response.status_code == 403
