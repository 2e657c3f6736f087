"""Faculty members and their teaching: request and response bodies."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import ConfigDict, EmailStr, Field

from dashboard.schemas.base import OutputModel
from dashboard.schemas.fields import Code, Name, Password, UserName, ref_id
from dashboard.schemas.people import ContactFields
from models.enums import EmploymentType, FacultyStatus, OfferingStatus, PersonStatus

Designation = Annotated[str, Field(min_length=2, max_length=100)]
Long = Annotated[str, Field(max_length=255)]
Experience = Annotated[int, Field(ge=0, le=80)]


class FacultyCreate(ContactFields):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "email": "meera.iyer@university.example", "user_name": "meera.iyer",
        "password": "correct-horse-battery", "first_name": "Meera", "last_name": "Iyer",
        "employee_id": "FAC1042", "department_code": "CSE", "designation": "Associate Professor",
        "employment_type": "permanent", "specialization": "Distributed systems",
        "date_of_joining": "2019-07-01", "experience_years": 11,
    }]})

    email: EmailStr
    user_name: UserName
    password: Password
    first_name: Name
    last_name: Name
    employee_id: Code = Field(description="The employee number (not a database id)")
    department_code: Code
    designation: Designation
    employment_type: EmploymentType
    specialization: Long | None = None
    qualification: Long | None = None
    date_of_joining: dt.date | None = None
    experience_years: Experience | None = None
    is_hod: bool = False
    status: FacultyStatus = FacultyStatus.ACTIVE


class FacultyUpdate(ContactFields):
    """Every field optional; only those sent change. The employee id is permanent."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "designation": "Professor", "experience_years": 12,
    }]})

    email: EmailStr | None = None
    first_name: Name | None = None
    last_name: Name | None = None
    designation: Designation | None = None
    specialization: Long | None = None
    qualification: Long | None = None
    date_of_joining: dt.date | None = None
    employment_type: EmploymentType | None = None
    experience_years: Experience | None = None
    department_id: Annotated[int | None, ref_id("The department's id")] = None
    is_hod: bool | None = None
    status: FacultyStatus | None = None


class FacultyOut(OutputModel):
    id: int
    user_id: int = Field(description="The faculty member's user account id")
    employee_id: str = Field(description="The employee number (not a database id)")
    department_id: int = Field(description="The department's id")
    designation: str
    specialization: str | None
    qualification: str | None
    date_of_joining: dt.date | None
    employment_type: EmploymentType
    experience_years: int | None
    is_hod: bool
    status: FacultyStatus
    first_name: str
    middle_name: str | None
    last_name: str
    email: str
    user_name: str
    phone: str | None
    is_active: bool
    created_at: dt.datetime
    updated_at: dt.datetime | None


class FacultyCourseOut(OutputModel):
    offering_id: int = Field(description="The course offering's id")
    course_id: int = Field(description="The course's id")
    course_name: str
    course_code: str
    credits: int
    program_id: int = Field(description="The program's id")
    semester: int
    academic_year: str
    section: str | None
    status: OfferingStatus


class FacultyStudentOut(OutputModel):
    student_id: int = Field(description="The student's id")
    user_id: int = Field(description="The student's user account id")
    student_code: str
    first_name: str
    last_name: str
    email: str
    program_id: int = Field(description="The program's id")
    department_id: int = Field(description="The department's id")
    semester: int
    batch_year: int
    status: PersonStatus


class FacultyPhotoOut(OutputModel):
    faculty_id: int = Field(description="The faculty member's id")
    user_id: int = Field(description="The faculty member's user account id")
    message: str
