"""The student record page over HTTP: every section for a student with data in each, the
figures they show, who may open whose record (faculty their own students, no fees), and
the search that leads to it."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from dashboard.core.actor import Actor
from dashboard.schemas.students import StudentUpdate
from dashboard.services import students as student_service
from models import Notification, SemesterResult, UserNotification
from models.enums import UserType
from tests import factories
from tests.admin.conftest import make_person

SECTIONS = ("profile", "enrollment", "registrations", "attendance", "grades", "fees", "library", "hostel",
            "documents", "notifications", "audit")


@dataclass
class DemoStudent:
    student: Any
    user: Any
    faculty: Any
    offerings: list[Any]
    payment: Any
    loan: Any


async def demo_student(admin_user: Any) -> DemoStudent:
    """A student with something in every section of the record: two registered courses
    (one taught by a faculty member) with attendance and marks, a published semester, a
    fee part paid, a book overdue and one returned with a fine, a hostel room, a
    document, a notification and a change made through the students service."""
    now = dt.datetime.now(dt.UTC)
    department = await factories.create_department(name="Computer Science", code="CSE")
    program = await factories.create_program(department=department, name="B.Tech Computer Science", code="BTCS")
    user = await factories.create_user(first_name="Ananya", last_name="Krishnan", email="ananya.k@example.edu",
                                       phone="+91 98450 11223", gender="female")
    student = await factories.create_student(user=user, program=program, department=department,
                                             student_code="CS2024017", admission_number="ADM2024017")
    enrollment = await factories.create_enrollment(student=student)
    teacher_user = await factories.create_user(user_type=UserType.FACULTY, first_name="Ravi", last_name="Menon")
    faculty = await factories.create_faculty(user=teacher_user, department=department)
    algorithms = await factories.create_course(department=department, code="CS201", name="Data Structures",
                                               credits=4)
    databases = await factories.create_course(department=department, code="CS202", name="Database Systems",
                                              credits=3)
    offerings = [
        await factories.create_offering(program=program, course=algorithms, status="ongoing", faculty=[faculty]),
        await factories.create_offering(program=program, course=databases, status="ongoing"),
    ]
    for offering in offerings:
        await factories.create_registration(course_offering=offering, enrollment=enrollment, status="registered")
    # Data Structures: 3 present, 1 late, 1 absent (80%); Database Systems: 1 present, 1 absent (50%).
    for n, status in enumerate(("present", "present", "present", "late", "absent")):
        await factories.create_attendance(enrollment=enrollment, course_offering=offerings[0],
                                          date=dt.date(2025, 9, 1) + dt.timedelta(days=n), status=status)
    for n, status in enumerate(("present", "absent")):
        await factories.create_attendance(enrollment=enrollment, course_offering=offerings[1],
                                          date=dt.date(2025, 9, 1) + dt.timedelta(days=n), status=status)
    # One assessment worth the whole course each: 85% is an A+ (9 points), 72% an A (8).
    for offering, marks in ((offerings[0], "85"), (offerings[1], "72")):
        exam = await factories.create_assessment(course_offering=offering, max_marks=Decimal(100),
                                                 weightage=Decimal(100))
        await factories.create_grade(assessment=exam, enrollment=enrollment, marks_obtained=Decimal(marks))
    # SGPA (4 x 9 + 3 x 8) / 7 = 8.57, published.
    await SemesterResult.create(enrollment=enrollment, student=student, academic_year="2025-26", semester=1,
                                gpa=Decimal("8.57"), cgpa=Decimal("8.57"), total_credits_attempted=7,
                                total_credits_earned=7, status="pass", published_at=now)
    structure = await factories.create_fee_structure(student=student, due_date=now.date() - dt.timedelta(days=10))
    payment = await factories.create_fee_payment(fee_structure=structure, amount_paid=Decimal("20000.00"))
    loan = await factories.create_loan(user=user, book=await factories.create_book(title="Introduction to Algorithms"),
                                       due_date=now - dt.timedelta(days=3, hours=2))
    await factories.create_loan(user=user, book=await factories.create_book(title="Operating System Concepts"),
                                status="returned", return_date=now - dt.timedelta(days=20),
                                due_date=now - dt.timedelta(days=24), fine_amount=Decimal("40.00"))
    hostel = await factories.create_hostel(name="Kaveri Hall")
    await factories.create_allocation(room=await factories.create_room(hostel=hostel, room_number="K-204"),
                                      student=student)
    await factories.create_document(user=user, title="Class XII marksheet", uploaded_by_id=admin_user.id)
    notice = await Notification.create(title="Fee reminder", message="Your semester fee is overdue.",
                                       notification_type="warning", priority="high", sent_by=admin_user,
                                       status="sent", sent_at=now, target_audience="specific",
                                       target_user_ids=[user.id])
    await UserNotification.create(user=user, notification=notice)
    await student_service.update_student(Actor.for_user(user_id=admin_user.id, role=UserType.ADMIN),
                                         student_id=student.id, changes=StudentUpdate(section="B"))
    return DemoStudent(student=student, user=user, faculty=faculty, offerings=offerings, payment=payment, loan=loan)


def _section(html: str, key: str) -> str:
    start = html.index(f'id="section-{key}"')
    following = html.find('id="section-', start + 1)
    return html[start:following if following != -1 else len(html)]


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment))


async def test_the_record_shows_every_section_with_its_figures_and_links(admin_login):
    admin = await admin_login("admin")
    demo = await demo_student(admin.user)
    sid = demo.student.id
    response = await admin.get(f"/admin/student_record/{sid}")
    assert response.status_code == 200, response.text
    html = response.text
    for key in SECTIONS:
        assert f'id="section-{key}"' in html, key
    assert "Ananya Krishnan (CS2024017)" in html
    assert "B.Tech Computer Science (BTCS)" in _text(_section(html, "profile"))
    assert f"/admin/students/update/{sid}" in _section(html, "profile")
    assert "Registered" in _text(_section(html, "registrations"))
    assert _text(_section(html, "registrations")).count("Registered") == 2

    attendance = _text(_section(html, "attendance"))
    assert "CS201 Data Structures" in attendance and "80.00%" in attendance and "50.00%" in attendance
    # Overall: 5 of 7 classes attended (present or late).
    assert "71.43%" in attendance

    grades = _text(_section(html, "grades"))
    assert "SGPA 8.57" in grades and "CGPA 8.57" in grades and "85.00" in grades and "A+ 9" in grades
    assert f"/admin/transcripts/list?student_id={sid}" in _section(html, "grades")

    fees = _section(html, "fees")
    assert "₹38,000.00" in fees and "₹20,000.00" in fees and "days overdue" in fees
    assert demo.payment.receipt_number in fees and f"/admin/cashier/students/{sid}" in fees

    library = _text(_section(html, "library"))
    assert "Introduction to Algorithms" in library and "3 days overdue" in library
    assert "1 on loan · 1 overdue · fines owed ₹40.00" in library
    assert f"/admin/library_desk/borrowers/{demo.user.id}" in _section(html, "library")

    assert "Kaveri Hall" in _text(_section(html, "hostel")) and "K-204" in _text(_section(html, "hostel"))
    assert "Class XII marksheet" in _text(_section(html, "documents"))
    assert "/admin/documents/list" in _section(html, "documents") and "/download" in _section(html, "documents")
    assert "/admin/notifications/list" in _section(html, "notifications")
    notifications = _text(_section(html, "notifications"))
    assert "Fee reminder" in notifications and "1 received, 1 unread" in notifications
    audit = _text(_section(html, "audit"))
    assert "section: – → B" in audit
    assert f"entity_type=students&amp;entity_id={sid}" in _section(html, "audit")


async def test_empty_sections_say_so(admin_login):
    admin = await admin_login("admin")
    student = await factories.create_student()
    html = (await admin.get(f"/admin/student_record/{student.id}")).text
    for key, text in (("enrollment", "Not enrolled in any program."), ("registrations", "No course registrations."),
                      ("attendance", "No attendance marked yet."), ("grades", "No grades yet."),
                      ("fees", "No fee structures."), ("library", "No library loans."),
                      ("hostel", "No current hostel allocation."), ("documents", "No documents."),
                      ("notifications", "No notifications sent to this student."),
                      ("audit", "No recorded changes.")):
        assert text in _text(_section(html, key)), key


async def test_staff_see_fees_but_not_the_audit_trail(admin_login):
    staff = await admin_login("staff")
    demo = await demo_student(staff.user)
    html = (await staff.get(f"/admin/student_record/{demo.student.id}")).text
    assert 'id="section-fees"' in html and 'id="section-notifications"' in html
    assert 'id="section-audit"' not in html


async def test_faculty_see_their_own_students_without_fees(admin_login):
    admin = await admin_login("admin")
    demo = await demo_student(admin.user)
    teacher = await admin_login("faculty", user=await demo.faculty.user, profile=demo.faculty)
    response = await teacher.get(f"/admin/student_record/{demo.student.id}")
    assert response.status_code == 200, response.text
    html = response.text
    for key in ("profile", "enrollment", "registrations", "attendance", "grades", "library", "hostel", "documents"):
        assert f'id="section-{key}"' in html, key
    for key in ("fees", "notifications", "audit"):
        assert f'id="section-{key}"' not in html, key
    assert "Fee balance" not in html and 'id="fee-balances"' not in html and "Payments" not in html
    assert "No public or internal documents" in _text(_section(html, "documents"))
    # No write screens the role may not open.
    assert "/admin/cashier/" not in html and f"/admin/students/update/{demo.student.id}" not in html

    other = await factories.create_student()
    assert (await teacher.get(f"/admin/student_record/{other.id}")).status_code == 404
    found = await teacher.get("/admin/student_record/list", params={"q": other.student_code})
    assert f"/admin/student_record/{other.id}" not in found.text
    found = await teacher.get("/admin/student_record/list", params={"q": "CS2024017"})
    assert f"/admin/student_record/{demo.student.id}" in found.text


async def test_search_leads_to_the_record_and_unknown_ids_are_404(admin_login):
    staff = await admin_login("staff")
    student = await factories.create_student(student_code="ME2023044")
    found = await staff.get("/admin/student_record/list", params={"q": "me2023"})
    assert found.status_code == 200 and f"/admin/student_record/{student.id}" in found.text
    assert "No student matches" in (await staff.get("/admin/student_record/list", params={"q": "zzzz"})).text
    assert (await staff.get("/admin/student_record/999999")).status_code == 404
    assert (await staff.get("/admin/student_record/list", params={"q": "x" * 500})).status_code == 200
    assert "Student record" in (await staff.get("/admin/")).text


@pytest.mark.parametrize("role", ["student", "parent"])
async def test_students_and_parents_do_not_reach_the_panel(anonymous, role):
    user, _ = await make_person(role)
    refused = await anonymous.post("/admin/login", data={"username": user.email, "password": factories.PASSWORD})
    assert refused.status_code != 303
    response = await anonymous.get("/admin/student_record/list")
    assert response.status_code in (302, 303, 307) and "/admin/login" in response.headers["location"]
