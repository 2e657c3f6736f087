"""Request and response bodies of /assessments (domain.md §3.8)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import ConfigDict, Field

from dashboard.schemas.base import InputModel, OutputModel
from dashboard.schemas.fields import Number, ref_id
from models.enums import AssessmentType

Marks = Annotated[Decimal, Field(gt=0, le=10000, max_digits=6, decimal_places=2)]
Weightage = Annotated[Decimal, Field(gt=0, le=100, max_digits=5, decimal_places=2)]
AssessmentName = Annotated[str, Field(min_length=1, max_length=200)]
AssessmentDate = Annotated[dt.date, Field(ge=dt.date(2000, 1, 1), le=dt.date(2100, 12, 31))]
Description = Annotated[str, Field(max_length=5000)]


class AssessmentCreate(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "course_offering_id": 88,
        "name": "Quiz 1",
        "assessment_type": "quiz",
        "max_marks": 20,
        "weightage": 10,
        "date": "2025-09-12",
    }]})

    course_offering_id: Annotated[int, ref_id("The course offering's id")]
    name: AssessmentName
    assessment_type: AssessmentType
    description: Description | None = None
    max_marks: Marks
    weightage: Weightage
    date: AssessmentDate


class AssessmentUpdate(InputModel):
    """Type and offering are fixed."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"weightage": 15, "date": "2025-09-19"}]})

    name: AssessmentName | None = None
    description: Description | None = None
    max_marks: Marks | None = None
    weightage: Weightage | None = None
    date: AssessmentDate | None = None


class AssessmentOut(OutputModel):
    id: int
    course_offering_id: int = Field(description="The course offering's id")
    name: str
    assessment_type: AssessmentType
    description: str | None
    max_marks: Number
    weightage: Number
    date: dt.date
    created_at: dt.datetime
    updated_at: dt.datetime | None
