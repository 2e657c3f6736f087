"""Departments: request and response bodies."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import ConfigDict, EmailStr, Field

from dashboard.schemas.base import InputModel, OutputModel
from dashboard.schemas.fields import ref_id
from models.enums import CourseType, FacultyStatus, Level, PersonStatus

Name = Annotated[str, Field(min_length=2, max_length=200)]
Code = Annotated[str, Field(min_length=2, max_length=50, pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$")]
Phone = Annotated[str, Field(min_length=3, max_length=20, pattern=r"^[0-9+() -]+$")]
HeadId = Annotated[int | None, ref_id("The head of department: a faculty member's id")]


class DepartmentCreate(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "name": "Computer Science and Engineering", "code": "CSE",
        "description": "Undergraduate and postgraduate computing programs",
        "phone": "+91 80 2345 6789", "email": "cse@university.example", "building": "Block A",
        "floor": 2,
    }]})

    name: Name
    code: Code
    description: str | None = Field(None, max_length=5000)
    hod_id: HeadId = None
    phone: Phone | None = None
    email: EmailStr | None = None
    building: str | None = Field(None, max_length=100)
    floor: int | None = Field(None, ge=-5, le=200)


class DepartmentUpdate(InputModel):
    """Every field optional; `code` is immutable and so not accepted."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "building": "Block B", "floor": 3, "hod_id": 12,
    }]})

    name: Name | None = None
    description: str | None = Field(None, max_length=5000)
    hod_id: HeadId = None
    phone: Phone | None = None
    email: EmailStr | None = None
    building: str | None = Field(None, max_length=100)
    floor: int | None = Field(None, ge=-5, le=200)
    is_active: bool | None = None


class DepartmentOut(OutputModel):
    id: int
    university_id: int | None = Field(description="The university's id")
    name: str
    code: str
    description: str | None
    hod_id: int | None = Field(description="The head of department: a faculty member's id")
    phone: str | None
    email: str | None
    building: str | None
    floor: int | None
    is_active: bool
    created_at: dt.datetime
    updated_at: dt.datetime | None


class DepartmentFacultyOut(OutputModel):
    id: int = Field(description="The faculty member's id")
    employee_id: str = Field(description="The faculty member's employee number (not a database id)")
    user_id: int = Field(description="The faculty member's user account id")
    first_name: str
    last_name: str
    designation: str
    is_hod: bool
    status: FacultyStatus


class DepartmentStudentOut(OutputModel):
    student_id: int = Field(description="The student's id")
    user_id: int = Field(description="The student's user account id")
    student_code: str
    first_name: str
    last_name: str
    program_id: int = Field(description="The student's program id")
    semester: int
    batch_year: int
    status: PersonStatus


class DepartmentCourseOut(OutputModel):
    id: int = Field(description="The course's id")
    name: str
    code: str
    credits: int
    course_type: CourseType
    level: Level
    is_active: bool
