"""No text a client sends can be longer than the column it is written to or looked up in:
the schema refuses it with a 422 first. Otherwise the ORM's own validator refuses it
later, as a 500.

Every request schema (an InputModel in api/ or dashboard/schemas/) is checked against the
models its text fields reach: those named in TARGETS, else the model its name starts with
(`HostelRoomCreate` → HostelRoom), else every model with a column of that name (the
widest one then), so that a new schema is covered without an entry here.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re._parser as _regex_parser  # the widest match of a pattern; sre_parse is deprecated
from typing import Any

import pytest
from email_validator.rfc_constants import EMAIL_MAX_LENGTH

import api
import dashboard.schemas
import models
from dashboard.schemas.auth import RegisterIn
from dashboard.schemas.base import InputModel
from models import (
    AdminStaff,
    BookIssue,
    Assessment,
    Attendance,
    Course,
    CourseOffering,
    Department,
    Enrollment,
    Faculty,
    FeePayment,
    FeeStructure,
    Hostel,
    HostelAllocation,
    HostelRoom,
    LibraryBook,
    Grade,
    OfferingFaculty,
    Program,
    ProgramCourse,
    SemesterResult,
    Student,
    User,
)

# Schema class name → the models whose columns its fields are written to or filtered on.
TARGETS: dict[str, tuple[type, ...]] = {
    "RegisterIn": (User,),
    "LoginIn": (User,),
    "EmailIn": (User,),
    "ResetPasswordIn": (User,),
    "VerifyEmailIn": (User,),
    "RefreshIn": (),
    "LogoutIn": (),
    "ContactFields": (User,),
    "StudentCreate": (User, Student),
    "StudentUpdate": (User, Student),
    "FacultyCreate": (User, Faculty),
    "FacultyUpdate": (User, Faculty),
    "StaffCreate": (User, AdminStaff),
    "StaffUpdate": (User, AdminStaff),
    "DepartmentCreate": (Department,),
    "DepartmentUpdate": (Department,),
    "ProgramCreate": (Program,),
    "ProgramUpdate": (Program,),
    "CurriculumAdd": (ProgramCourse,),
    "CourseCreate": (Course,),
    "CourseUpdate": (Course,),
    "OfferingCreate": (CourseOffering,),
    "OfferingUpdate": (CourseOffering,),
    "RosterAdd": (OfferingFaculty,),
    # campus services
    "FeeStructureCreate": (FeeStructure,),
    "FeeStructureUpdate": (FeeStructure,),
    "FeePaymentCreate": (FeePayment,),
    "RefundCreate": (FeePayment,),
    "BookFields": (LibraryBook,),
    "BookCreate": (LibraryBook,),
    "BookUpdate": (LibraryBook,),
    "IssueCreate": (BookIssue,),
    "ReturnCreate": (BookIssue,),
    "RenewCreate": (BookIssue,),
    "FinePaymentCreate": (BookIssue,),
    "MarkLostCreate": (BookIssue,),
    "HostelCreate": (Hostel,),
    "HostelUpdate": (Hostel,),
    "RoomCreate": (HostelRoom,),
    "RoomUpdate": (HostelRoom,),
    "AllocationCreate": (HostelAllocation,),
    "AllocationUpdate": (HostelAllocation,),
    # teaching records
    "EnrollmentCreate": (Enrollment,),
    "EnrollmentBulk": (),
    "EnrollmentUpdate": (Enrollment,),
    "AttendanceCreate": (Attendance,),
    "AttendanceBulkItem": (Attendance,),
    "AttendanceBulk": (),
    "AttendanceUpdate": (Attendance,),
    "RegisterMark": (Attendance,),
    "AssessmentCreate": (Assessment,),
    "AssessmentUpdate": (Assessment,),
    "GradeCreate": (Grade,),
    "GradeUpdate": (Grade,),
    "GradeBulkItem": (Grade,),
    "GradeBulk": (),
    "PublishRequest": (SemesterResult,),
}


def _input_models() -> list[type[InputModel]]:
    found: dict[str, type[InputModel]] = {}
    for package in (api, dashboard.schemas):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            module = importlib.import_module(info.name)
            for value in vars(module).values():
                if (inspect.isclass(value) and issubclass(value, InputModel) and value is not InputModel
                        and value.__module__ == module.__name__):
                    found[f"{value.__module__}.{value.__name__}"] = value
    return list(found.values())


def _longest(option: dict[str, Any]) -> int | None:
    """The longest text one JSON-schema option lets through: its maxLength, else what its
    anchored pattern allows, else email-validator's limit for an email; None if unbounded."""
    bounds = []
    if "maxLength" in option:
        bounds.append(option["maxLength"])
    pattern = option.get("pattern")
    if pattern and pattern.startswith("^") and pattern.endswith("$"):
        widest = _regex_parser.parse(pattern).getwidth()[1]
        if widest < _regex_parser.MAXREPEAT:
            bounds.append(widest)
    if option.get("format") == "email":
        bounds.append(EMAIL_MAX_LENGTH)
    return min(bounds) if bounds else None


def _max_length(prop: dict[str, Any]) -> int | None:
    options = [option for option in prop.get("anyOf", [prop]) if option.get("type") == "string"]
    lengths = [_longest(option) for option in options]
    return None if not lengths or None in lengths else max(lengths)  # type: ignore[type-var]


def _is_text(prop: dict[str, Any]) -> bool:
    options = [prop, *prop.get("anyOf", [])]
    return any((option.get("type") == "string" and "enum" not in option and "format" not in option)
               or option.get("format") == "email" for option in options)


def _all_models() -> dict[str, type]:
    return {name: value for name, value in vars(models).items() if inspect.isclass(value) and hasattr(value, "_meta")}


def _inferred_models(schema_name: str) -> tuple[type, ...]:
    """The model whose name the schema's name starts with, the longest such name."""
    candidates = [name for name in _all_models() if schema_name.startswith(name) and schema_name != name]
    return (_all_models()[max(candidates, key=len)],) if candidates else ()


def _columns_of(schema: type[InputModel]) -> dict[str, int]:
    targets = TARGETS.get(schema.__name__) or _inferred_models(schema.__name__)
    if schema.__name__ in TARGETS or targets:
        return _columns(targets)
    widest: dict[str, int] = {}
    for model in _all_models().values():
        for name, length in _columns((model,)).items():
            widest[name] = max(length, widest.get(name, 0))
    return widest


def _columns(models: tuple[type, ...]) -> dict[str, int]:
    lengths: dict[str, int] = {}
    for model in models:
        for name, field in model._meta.fields_map.items():
            if getattr(field, "max_length", None) and name not in lengths:
                lengths[name] = field.max_length
    return lengths


@pytest.mark.parametrize("schema", _input_models(), ids=lambda model: model.__name__)
def test_no_text_field_is_longer_than_its_column(schema):
    columns = _columns_of(schema)
    properties = schema.model_json_schema(mode="validation").get("properties", {})
    too_long = {}
    for name, prop in properties.items():
        if name in columns and _is_text(prop):
            allowed = _max_length(prop)
            if allowed is None or allowed > columns[name]:
                too_long[name] = (allowed, columns[name])
    assert not too_long, f"{schema.__name__}: field (schema max, column max): {too_long}"


def test_a_schema_name_finds_its_model():
    assert _inferred_models("StudentCreate") == (Student,)
    assert _inferred_models("CourseOfferingUpdate") == (CourseOffering,)
    assert _inferred_models("LoginIn") == ()


def test_the_check_sees_the_columns_it_guards():
    """The walk would pass vacuously if it found no text field against a column."""
    checked = 0
    for schema in _input_models():
        columns = _columns_of(schema)
        properties = schema.model_json_schema(mode="validation").get("properties", {})
        checked += sum(1 for name, prop in properties.items() if name in columns and _is_text(prop))
    assert checked > 100
    assert _max_length(RegisterIn.model_json_schema()["properties"]["user_name"]) == 50


def test_every_text_query_and_path_parameter_is_bounded():
    """Query and path text reaches filters on columns too: each one has a maxLength, an
    anchored pattern of bounded width, a format or a closed set of values."""
    from api import create_api

    unbounded = []
    for path, operations in create_api().openapi()["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                texts = [o for o in schema.get("anyOf", [schema]) if o.get("type") == "string"]
                if any(_longest(o) is None and "enum" not in o and "format" not in o for o in texts):
                    unbounded.append(f"{method.upper()} {path} {parameter['in']}:{parameter['name']}")
    assert not unbounded, unbounded
