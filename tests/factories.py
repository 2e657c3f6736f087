"""`create_<thing>(**overrides)`: rows with valid defaults, straight through the ORM.

Each call makes unique codes and emails, so a test builds exactly what it names.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

import bcrypt

from models import (
    Course,
    CourseOffering,
    Department,
    Enrollment,
    Faculty,
    OfferingFaculty,
    Parent,
    Program,
    Student,
    User,
)
from models.enums import (
    CourseType,
    DegreeType,
    EmploymentType,
    EnrollmentStatus,
    Level,
    OfferingStatus,
    UserType,
)

PASSWORD = "Correct-horse-42"
# Hashed once at cost 4: tests that log in need a real bcrypt hash, not its cost.
PASSWORD_HASH = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=4)).decode()

_seq = itertools.count(1)


def _n() -> int:
    return next(_seq)


async def create_user(**overrides: Any) -> User:
    n = _n()
    values: dict[str, Any] = {
        "user_type": UserType.STUDENT,
        "email": f"user{n}@example.edu",
        "user_name": f"user{n}",
        "hashed_password": PASSWORD_HASH,
        "first_name": f"First{n}",
        "last_name": f"Last{n}",
    }
    values.update(overrides)
    return await User.create(**values)


async def create_department(**overrides: Any) -> Department:
    n = _n()
    values: dict[str, Any] = {"name": f"Department {n}", "code": f"D{n:04d}"}
    values.update(overrides)
    return await Department.create(**values)


async def create_program(**overrides: Any) -> Program:
    n = _n()
    if "department" not in overrides and "department_id" not in overrides:
        overrides["department"] = await create_department()
    values: dict[str, Any] = {
        "name": f"Program {n}", "code": f"P{n:04d}", "degree_type": DegreeType.BACHELORS,
        "duration_years": 4, "total_semesters": 8, "total_credits": 160,
    }
    values.update(overrides)
    return await Program.create(**values)


async def create_course(**overrides: Any) -> Course:
    n = _n()
    if "department" not in overrides and "department_id" not in overrides:
        overrides["department"] = await create_department()
    values: dict[str, Any] = {
        "name": f"Course {n}", "code": f"C{n:04d}", "credits": 4,
        "course_type": CourseType.CORE, "level": Level.BEGINNER,
    }
    values.update(overrides)
    return await Course.create(**values)


async def create_faculty(**overrides: Any) -> Faculty:
    n = _n()
    if "user" not in overrides:
        overrides["user"] = await create_user(user_type=UserType.FACULTY)
    if "department" not in overrides and "department_id" not in overrides:
        overrides["department"] = await create_department()
    values: dict[str, Any] = {
        "employee_id": f"FAC{n:05d}", "designation": "Assistant Professor",
        "employment_type": EmploymentType.PERMANENT,
    }
    values.update(overrides)
    return await Faculty.create(**values)


async def create_parent(**overrides: Any) -> Parent:
    if "user" not in overrides:
        overrides["user"] = await create_user(user_type=UserType.PARENT)
    values: dict[str, Any] = {"father_name": "Father", "mother_name": "Mother"}
    values.update(overrides)
    return await Parent.create(**values)


async def create_student(**overrides: Any) -> Student:
    n = _n()
    if "user" not in overrides:
        overrides["user"] = await create_user(user_type=UserType.STUDENT)
    if "program" not in overrides and "program_id" not in overrides:
        department = overrides.get("department") or await create_department()
        overrides["program"] = await create_program(department=department)
        overrides["department"] = department
    if "department" not in overrides and "department_id" not in overrides:
        program = overrides["program"]
        overrides["department_id"] = program.department_id
    values: dict[str, Any] = {
        "student_code": f"S{n:06d}", "admission_number": f"ADM{n:06d}",
        "admission_date": dt.date(2024, 8, 1), "batch_year": 2024, "semester": 1,
    }
    values.update(overrides)
    return await Student.create(**values)


async def create_offering(**overrides: Any) -> CourseOffering:
    if "program" not in overrides:
        overrides["program"] = await create_program()
    if "course" not in overrides:
        overrides["course"] = await create_course(department_id=overrides["program"].department_id)
    faculty = overrides.pop("faculty", [])
    values: dict[str, Any] = {
        "semester": 1, "academic_year": "2025-26", "section": "A", "max_capacity": 60,
        "status": OfferingStatus.OPEN, "start_date": dt.date(2025, 8, 1), "end_date": dt.date(2025, 12, 15),
    }
    values.update(overrides)
    offering = await CourseOffering.create(**values)
    for member in faculty:
        await OfferingFaculty.create(offering=offering, faculty=member)
    return offering


async def create_enrollment(**overrides: Any) -> Enrollment:
    if "student" not in overrides:
        overrides["student"] = await create_student()
    if "program" not in overrides and "program_id" not in overrides:
        overrides["program_id"] = overrides["student"].program_id
    values: dict[str, Any] = {
        "enrollment_date": dt.datetime(2024, 8, 1, tzinfo=dt.UTC), "status": EnrollmentStatus.ENROLLED,
    }
    values.update(overrides)
    return await Enrollment.create(**values)


def money(value: str) -> Decimal:
    return Decimal(value)


# --- academic records (appended for the academic-core tests) -------------------------------


async def create_admin_staff(**overrides: Any) -> Any:
    from models import AdminStaff
    from models.enums import AdminStaffRole

    n = _n()
    if "user" not in overrides:
        overrides["user"] = await create_user(user_type=UserType.STAFF)
    values: dict[str, Any] = {
        "employee_id": f"ADM-{n:05d}", "role": AdminStaffRole.STAFF, "designation": "Clerk",
        "date_of_joining": dt.date(2020, 1, 1),
    }
    values.update(overrides)
    return await AdminStaff.create(**values)


async def create_registration(**overrides: Any) -> Any:
    """An enrollment on an offering's roster; keeps the offering's counter in step."""
    from models import CourseRegistration

    if "course_offering" not in overrides:
        overrides["course_offering"] = await create_offering()
    if "enrollment" not in overrides:
        student = await create_student(program=overrides["course_offering"].program)
        overrides["enrollment"] = await create_enrollment(student=student)
    registration = await CourseRegistration.create(**overrides)
    await CourseOffering.filter(id=registration.course_offering_id).update(  # type: ignore[attr-defined]
        enrolled_students=await CourseRegistration.filter(
            course_offering_id=registration.course_offering_id, status="registered"  # type: ignore[attr-defined]
        ).count()
    )
    return registration


async def create_assessment(**overrides: Any) -> Any:
    from models import Assessment
    from models.enums import AssessmentType

    n = _n()
    if "course_offering" not in overrides:
        overrides["course_offering"] = await create_offering()
    values: dict[str, Any] = {
        "name": f"Quiz {n}", "assessment_type": AssessmentType.QUIZ, "max_marks": Decimal("20"),
        "weightage": Decimal("10"), "date": dt.date(2025, 9, 1),
    }
    values.update(overrides)
    return await Assessment.create(**values)


async def create_grade(**overrides: Any) -> Any:
    from models import Grade

    if "assessment" not in overrides:
        overrides["assessment"] = await create_assessment()
    assessment = overrides["assessment"]
    if "enrollment" not in overrides:
        overrides["enrollment"] = await create_enrollment()
    values: dict[str, Any] = {
        "course_id": (await CourseOffering.get(id=assessment.course_offering_id)).course_id,  # type: ignore[attr-defined]
        "course_offering_id": assessment.course_offering_id,
        "marks_obtained": Decimal("15.50"), "graded_at": dt.datetime(2025, 9, 2, tzinfo=dt.UTC),
    }
    values.update(overrides)
    return await Grade.create(**values)


async def create_attendance(**overrides: Any) -> Any:
    from models import Attendance
    from models.enums import AttendanceStatus

    if "enrollment" not in overrides:
        overrides["enrollment"] = await create_enrollment()
    enrollment = overrides["enrollment"]
    if "course_offering" not in overrides and "course_offering_id" not in overrides:
        overrides["course_offering"] = await create_offering(program_id=enrollment.program_id)
    values: dict[str, Any] = {
        "student_id": enrollment.student_id, "date": dt.date(2025, 9, 1), "status": AttendanceStatus.PRESENT,
    }
    values.update(overrides)
    return await Attendance.create(**values)


async def create_fee_structure(**overrides: Any) -> Any:
    from models import FeeStructure

    if "student" not in overrides:
        overrides["student"] = await create_student()
    student = overrides["student"]
    values: dict[str, Any] = {
        "program_id": student.program_id, "academic_year": "2025-26", "semester": 1,
        "tuition_fee": Decimal("50000.00"), "lab_fee": Decimal("5000.00"), "library_fee": Decimal("1000.00"),
        "sports_fee": Decimal("500.00"), "examination_fee": Decimal("1500.00"),
        "total_fee": Decimal("58000.00"), "due_date": dt.date(2025, 9, 30),
    }
    values.update(overrides)
    return await FeeStructure.create(**values)


async def create_fee_payment(**overrides: Any) -> Any:
    from models import FeePayment
    from models.enums import PaymentMode

    n = _n()
    if "fee_structure" not in overrides:
        overrides["fee_structure"] = await create_fee_structure(**({"student": overrides["student"]}
                                                                  if "student" in overrides else {}))
    structure = overrides["fee_structure"]
    if "processed_by" not in overrides:
        overrides["processed_by"] = await create_admin_staff()
    values: dict[str, Any] = {
        "student_id": structure.student_id, "amount_paid": Decimal("20000.00"), "payment_date": dt.date(2025, 9, 5),
        "payment_mode": PaymentMode.UPI, "transaction_id": f"TXN{n:08d}", "receipt_number": f"RCP-{n:010d}",
    }
    values.update(overrides)
    return await FeePayment.create(**values)


async def create_document(**overrides: Any) -> Any:
    from models import Document
    from models.enums import DocumentType

    n = _n()
    if "user" not in overrides and "user_id" not in overrides:
        overrides["user"] = await create_user()
    owner_id = overrides["user_id"] if "user_id" in overrides else overrides["user"].id
    values: dict[str, Any] = {
        "title": f"Document {n}", "document_type": DocumentType.CERTIFICATE,
        "file_path": f"documents/{n}.pdf", "file_name": f"doc{n}.pdf", "file_size": 1024,
        "mime_type": "application/pdf", "uploaded_by_id": owner_id,
    }
    values.update(overrides)
    return await Document.create(**values)


async def create_slot(**overrides: Any) -> Any:
    from models import TimetableSlot
    from models.enums import SlotType

    values: dict[str, Any] = {
        "slot_type": SlotType.LECTURE, "day_of_week": 0, "start_time": dt.time(9, 0), "end_time": dt.time(10, 0),
    }
    values.update(overrides)
    return await TimetableSlot.create(**values)


async def create_class_schedule(**overrides: Any) -> Any:
    from models import ClassSchedule

    n = _n()
    if "course_offering" not in overrides:
        overrides["course_offering"] = await create_offering()
    if "slot" not in overrides:
        overrides["slot"] = await create_slot()
    values: dict[str, Any] = {"room_no": f"R{n}", "is_active": True}
    values.update(overrides)
    return await ClassSchedule.create(**values)


# --- teaching records (appended for the enrollments/attendance/assessments/grades tests) ----


async def create_class(size: int = 3, **offering_overrides: Any) -> tuple[CourseOffering, list[Any]]:
    """An offering with `size` students registered: (offering, their registrations,
    each with `.enrollment` and `.student` loaded)."""
    offering = await create_offering(**offering_overrides)
    registrations = []
    for _ in range(size):
        student = await create_student(program=await offering.program)
        enrollment = await create_enrollment(student=student)
        registration = await create_registration(course_offering=offering, enrollment=enrollment)
        registration.enrollment = enrollment
        registration.student = student
        registrations.append(registration)
    return offering, registrations


# --- campus services (appended for the fees, library and hostels tests) --------------------


async def create_book(**overrides: Any) -> Any:
    from models import LibraryBook

    n = _n()
    copies = overrides.pop("copies", 2)
    values: dict[str, Any] = {
        "title": f"Book {n}", "author": f"Author {n}", "isbn": f"978{n:010d}", "category": "General",
        "publisher": "University Press", "price": Decimal("450.00"), "copies_total": copies,
        "copies_available": copies,
    }
    values.update(overrides)
    return await LibraryBook.create(**values)


async def create_loan(**overrides: Any) -> Any:
    """An open loan; takes a copy off the shelf as issuing does."""
    from models import BookIssue, LibraryBook

    if "book" not in overrides:
        overrides["book"] = await create_book()
    if "user" not in overrides and "user_id" not in overrides:
        overrides["user"] = await create_user()
    if "issued_by" not in overrides:
        overrides["issued_by"] = await create_admin_staff()
    now = dt.datetime.now(dt.UTC)
    due = overrides.get("due_date", now + dt.timedelta(days=11))
    values: dict[str, Any] = {"issue_date": min(now - dt.timedelta(days=3), due - dt.timedelta(days=14)),
                              "due_date": due, "status": "issued"}
    values.update(overrides)
    loan = await BookIssue.create(**values)
    if loan.status == "issued":
        book = await LibraryBook.get(id=loan.book_id)  # type: ignore[attr-defined]
        book.copies_available -= 1
        await book.save(update_fields=["copies_available"])
    return loan


async def create_hostel(**overrides: Any) -> Any:
    from models import Hostel

    n = _n()
    values: dict[str, Any] = {"name": f"Hall {n}", "hostel_type": "unisex", "total_rooms": 10,
                              "total_capacity": 20}
    values.update(overrides)
    return await Hostel.create(**values)


async def create_room(**overrides: Any) -> Any:
    from models import HostelRoom

    n = _n()
    if "hostel" not in overrides and "hostel_id" not in overrides:
        overrides["hostel"] = await create_hostel()
    values: dict[str, Any] = {"room_number": f"R-{n}", "room_type": "double", "capacity": 2,
                              "room_fee": Decimal("26000.00")}
    values.update(overrides)
    return await HostelRoom.create(**values)


async def create_allocation(**overrides: Any) -> Any:
    """An active allocation; keeps the room's and hostel's counters in step."""
    from models import Hostel, HostelAllocation, HostelRoom

    if "room" not in overrides:
        overrides["room"] = await create_room()
    room = overrides["room"]
    if "student" not in overrides:
        overrides["student"] = await create_student()
    values: dict[str, Any] = {"hostel_id": room.hostel_id, "academic_year": "2025-26", "status": "active"}
    values.update(overrides)
    allocation = await HostelAllocation.create(**values)
    if allocation.status == "active":
        await HostelRoom.filter(id=room.id).update(occupied_beds=room.occupied_beds + 1)
        room.occupied_beds += 1
        hostel = await Hostel.get(id=room.hostel_id)
        await Hostel.filter(id=hostel.id).update(occupied_capacity=hostel.occupied_capacity + 1)
        await Student.filter(id=allocation.student_id).update(hostel_id=room.hostel_id)  # type: ignore[attr-defined]
    return allocation


# --- schedules (appended for the exams and timetable tests) ---------------------------------


async def create_exam_schedule(**overrides: Any) -> Any:
    """A session spanning the first two weeks of December 2025, of a new course unless given."""
    from models import ExamSchedule
    from models.enums import ExamStatus, ExamType

    if "course" not in overrides and "course_id" not in overrides:
        overrides["course"] = await create_course()
    values: dict[str, Any] = {
        "exam_name": f"Finals {_n()}", "exam_type": ExamType.FINAL, "academic_year": "2025-26", "semester": 1,
        "start_time": dt.datetime(2025, 12, 1, 8, 0, tzinfo=dt.UTC),
        "end_time": dt.datetime(2025, 12, 14, 18, 0, tzinfo=dt.UTC), "status": ExamStatus.SCHEDULED,
    }
    values.update(overrides)
    return await ExamSchedule.create(**values)


async def create_exam_entry(**overrides: Any) -> Any:
    """A 09:00-12:00 sitting on 2025-12-03 of an offering of the schedule's course."""
    from models import ExamTimetable

    if "exam_schedule" not in overrides:
        overrides["exam_schedule"] = await create_exam_schedule()
    if "course_offering" not in overrides:
        overrides["course_offering"] = await create_offering(course=await overrides["exam_schedule"].course)
    day = overrides.pop("day", dt.date(2025, 12, 3))
    start = overrides.pop("hour", 9)
    values: dict[str, Any] = {
        "exam_date": day, "start_time": dt.datetime.combine(day, dt.time(start), tzinfo=dt.UTC),
        "end_time": dt.datetime.combine(day, dt.time(start + 3), tzinfo=dt.UTC), "duration_minutes": 180,
        "venue": f"Hall {_n()}", "max_marks": Decimal("100"),
    }
    values.update(overrides)
    return await ExamTimetable.create(**values)
