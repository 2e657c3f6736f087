"""One representation of one thing (issue 10 item 6): every `*_id` and `*_by` field says
whose id it is, and a weekly class has one shape wherever it appears."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import pytest
from pydantic import BaseModel

import dashboard.schemas
from api import create_api

# The words a description uses to say whose id a field holds.
WHOSE = re.compile(
    r"\b(user|faculty|staff|student|parent|guardian|department|program|course|offering|enrollment|"
    r"registration|assessment|fee structure|hostel|slot|exam schedule|university|row|entry|"
    r"employee number|transaction)",
    re.IGNORECASE,
)


# The sections of issue 10 item 6; the sections added since follow as they adopt ref_id.
SECTIONS = ("departments", "programs", "courses", "course_offerings", "students", "faculty", "staff",
            "audit_logs", "analytics", "people", "fields", "exams", "timetable")


def _schema_models() -> list[type[BaseModel]]:
    models = []
    present = {info.name for info in pkgutil.iter_modules(dashboard.schemas.__path__)}
    assert set(SECTIONS) <= present
    for name in SECTIONS:
        module = importlib.import_module(f"dashboard.schemas.{name}")
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, BaseModel) and value.__module__ == module.__name__:
                models.append(value)
    return models


def _id_fields() -> list[tuple[str, str, str | None]]:
    return [(model.__name__, name, field.description)
            for model in _schema_models() for name, field in model.model_fields.items()
            if name.endswith(("_id", "_by")) or name == "faculty_ids"]


def test_the_scan_sees_the_schemas():
    names = {model for model, _, _ in _id_fields()}
    assert {"StudentOut", "AttendanceItem", "OfferingCreate", "ClassScheduleEntry", "StaffOut"} <= names


@pytest.mark.parametrize(("model", "field", "description"), _id_fields(),
                         ids=lambda v: v if isinstance(v, str) and v and " " not in v else "")
def test_every_id_field_says_whose_id_it_is(model, field, description):
    assert description and WHOSE.search(description), f"{model}.{field}: {description!r}"


def test_a_by_field_names_the_kind_of_id():
    by_fields = {(m, f): d for m, f, d in _id_fields() if f.endswith("_by")}
    assert by_fields
    for (model, field), description in by_fields.items():
        assert re.search(r"\b(user|staff|faculty)\b", description or ""), f"{model}.{field}: {description!r}"


def test_a_class_has_the_same_fields_in_an_offering_and_a_faculty_schedule():
    spec = create_api().openapi()
    schemas = spec["components"]["schemas"]

    def item_ref(path: str) -> str:
        schema = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        return schema["items"]["$ref"]

    faculty_entry = item_ref("/api/v1/faculty/{faculty_id}/schedule")
    offering = spec["paths"]["/api/v1/course-offerings/{offering_id}"]["get"]["responses"]["200"]
    offering_ref = offering["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    offering_entry = schemas[offering_ref]["properties"]["schedule"]["items"]["$ref"]
    assert faculty_entry == offering_entry == "#/components/schemas/ClassScheduleEntry"
