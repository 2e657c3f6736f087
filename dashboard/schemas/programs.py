"""Programs and their curriculum: request and response bodies."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import ConfigDict, Field

from dashboard.schemas.base import InputModel, OutputModel
from dashboard.schemas.fields import ref_id
from models.enums import CourseType, DegreeType

Name = Annotated[str, Field(min_length=2, max_length=200)]
Code = Annotated[str, Field(min_length=2, max_length=50, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
Text = Annotated[str, Field(max_length=5000)]
Years = Annotated[int, Field(ge=1, le=10)]
Semesters = Annotated[int, Field(ge=1, le=20)]
Credits = Annotated[int, Field(ge=1, le=1000)]
DepartmentRef = Annotated[int, ref_id("The department's id")]
OptionalDepartmentRef = Annotated[int | None, ref_id("The department's id")]


class ProgramCreate(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "name": "B.Tech Computer Science", "code": "BTECH-CSE", "degree_type": "bachelors",
        "department_id": 1, "duration_years": 4, "total_semesters": 8, "total_credits": 160,
        "eligibility_criteria": "10+2 with Physics, Chemistry and Mathematics",
    }]})

    name: Name
    code: Code
    description: Text | None = None
    degree_type: DegreeType
    department_id: DepartmentRef
    duration_years: Years
    total_semesters: Semesters
    total_credits: Credits
    eligibility_criteria: Text | None = None
    is_active: bool = True


class ProgramUpdate(InputModel):
    """Every field optional; `code` is immutable and so not accepted."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "total_credits": 164, "eligibility_criteria": "10+2 with PCM, 60% aggregate",
    }]})

    name: Name | None = None
    description: Text | None = None
    degree_type: DegreeType | None = None
    department_id: OptionalDepartmentRef = None
    duration_years: Years | None = None
    total_semesters: Semesters | None = None
    total_credits: Credits | None = None
    eligibility_criteria: Text | None = None
    is_active: bool | None = None


class ProgramOut(OutputModel):
    id: int
    name: str
    code: str
    description: str | None
    degree_type: DegreeType
    department_id: int = Field(description="The department's id")
    duration_years: int
    total_semesters: int
    total_credits: int
    eligibility_criteria: str | None
    is_active: bool
    created_at: dt.datetime
    updated_at: dt.datetime | None


class CurriculumAdd(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "course_id": 7, "semester": 3, "is_mandatory": True,
    }]})

    course_id: Annotated[int, ref_id("The course's id")]
    semester: Semesters
    is_mandatory: bool = True


class CurriculumOut(OutputModel):
    id: int = Field(description="The curriculum entry's id")
    program_id: int = Field(description="The program's id")
    course_id: int = Field(description="The course's id")
    course_name: str
    course_code: str
    credits: int
    course_type: CourseType
    semester: int
    is_mandatory: bool
