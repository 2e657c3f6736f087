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
