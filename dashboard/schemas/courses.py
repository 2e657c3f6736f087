"""Courses and their prerequisites: request and response bodies."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import ConfigDict, Field

from dashboard.schemas.base import InputModel, OutputModel
from dashboard.schemas.fields import RefId, ref_id
from models.enums import CourseType, Level

Name = Annotated[str, Field(min_length=2, max_length=200)]
Code = Annotated[str, Field(min_length=2, max_length=50, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
Text = Annotated[str, Field(max_length=20000)]
Credits = Annotated[int, Field(ge=1, le=100)]
Capacity = Annotated[int, Field(ge=1, le=100000)]
Prerequisites = Annotated[list[RefId], Field(max_length=100, description="Ids of the courses required first")]
DepartmentRef = Annotated[int, ref_id("The department's id")]
OptionalDepartmentRef = Annotated[int | None, ref_id("The department's id")]


class CourseCreate(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "name": "Data Structures", "code": "CS201", "credits": 4, "department_id": 1,
        "course_type": "core", "level": "intermediate", "max_students": 120, "prerequisites": [3],
    }]})

    name: Name
    code: Code
    description: Text | None = None
    syllabus: Text | None = None
    credits: Credits
    department_id: DepartmentRef
    course_type: CourseType
    level: Level
    max_students: Capacity | None = None
    is_active: bool = True
    prerequisites: Prerequisites = Field(default_factory=list)


class CourseUpdate(InputModel):
    """Every field optional; `code` is immutable. `prerequisites` replaces the whole set."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "credits": 3, "prerequisites": [3, 5],
    }]})

    name: Name | None = None
    description: Text | None = None
    syllabus: Text | None = None
    credits: Credits | None = None
    department_id: OptionalDepartmentRef = None
    course_type: CourseType | None = None
    level: Level | None = None
    max_students: Capacity | None = None
    is_active: bool | None = None
    prerequisites: Prerequisites | None = None


class CourseOut(OutputModel):
    id: int
    name: str
    code: str
    description: str | None
    syllabus: str | None
    credits: int
    department_id: int = Field(description="The department's id")
    course_type: CourseType
    level: Level
    max_students: int | None
    is_active: bool
    prerequisites: list[int] = Field(description="Ids of the courses required first")
    created_at: dt.datetime
    updated_at: dt.datetime | None


class PrerequisiteOut(OutputModel):
    id: int = Field(description="The prerequisite course's id")
    name: str
    code: str
    credits: int
