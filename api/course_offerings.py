"""/api/v1/course-offerings, with the roster at /course-offerings/{id}/students."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import Path, Query, Response
from pydantic import Field, model_validator

from api.deps import CurrentActor, PageParams, requires
from api.people import MAX_INT, IdFilter, RefId
from api.routing import ResourceRouter
from api.schemas import error_responses
from dashboard.schemas.base import InputModel, OutputModel, PageOut
from dashboard.core.roles import Permission
from dashboard.services import course_offerings as service
from models.enums import OfferingStatus, RegistrationStatus

router = ResourceRouter(prefix="/course-offerings", tags=["Course Offerings"], responses=error_responses(401, 403, 422))

OfferingId = Annotated[int, Path(ge=1, le=MAX_INT)]
Semester = Annotated[int, Field(ge=1, le=20)]
AcademicYear = Annotated[str, Field(pattern=r"^\d{4}-\d{2}$", description='For example "2025-26"')]
Section = Annotated[str, Field(min_length=1, max_length=20)]
Room = Annotated[str, Field(min_length=1, max_length=50)]
Capacity = Annotated[int, Field(ge=1, le=100000)]
FacultyIds = Annotated[list[RefId], Field(max_length=50)]


def _check_year(year: str | None) -> str | None:
    """"2025-26": the second year follows the first."""
    if year is not None and (int(year[:4]) + 1) % 100 != int(year[5:]):
        raise ValueError('academic_year must be two consecutive years, as in "2025-26"')
    return year


class OfferingCreate(InputModel):
    program_id: RefId
    course_id: RefId
    faculty_ids: FacultyIds = Field(default_factory=list)
    semester: Semester
    academic_year: AcademicYear
    section: Section | None = None
    room_number: Room | None = None
    max_capacity: Capacity | None = None
    schedule: dict[str, Any] | list[Any] | None = None
    status: OfferingStatus = OfferingStatus.DRAFT
    start_date: dt.date
    end_date: dt.date

    @model_validator(mode="after")
    def _year(self) -> OfferingCreate:
        _check_year(self.academic_year)
        return self


class OfferingUpdate(InputModel):
    """Every field optional; program, course and academic year are fixed. `faculty_ids`
    replaces the teaching team."""

    faculty_ids: FacultyIds | None = None
    semester: Semester | None = None
    section: Section | None = None
    room_number: Room | None = None
    max_capacity: Capacity | None = None
    schedule: dict[str, Any] | list[Any] | None = None
    status: OfferingStatus | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None


class OfferingOut(OutputModel):
    id: int
    program_id: int
    course_id: int
    course_code: str
    course_name: str
    faculty_ids: list[int]
    semester: int
    academic_year: str
    section: str | None
    room_number: str | None
    max_capacity: int | None
    enrolled_students: int
    schedule: dict[str, Any] | list[Any] | None
    status: OfferingStatus
    start_date: dt.date
    end_date: dt.date
    created_at: dt.datetime
    updated_at: dt.datetime | None


class RosterAdd(InputModel):
    """Either the enrollments to register, or every active enrollment of the offering's
    program whose student is in the offering's semester."""

    enrollment_ids: Annotated[list[RefId], Field(max_length=service.MAX_ROSTER_ITEMS)] | None = None
    all_from_program: bool = False

    @model_validator(mode="after")
    def _one_of(self) -> RosterAdd:
        if bool(self.enrollment_ids) == self.all_from_program:
            raise ValueError("send either a non-empty enrollment_ids list or all_from_program: true")
        return self


class RosterResult(OutputModel):
    enrollment_id: int
    student_id: int | None
    success: bool
    message: str
    registration_id: int | None


class RosterAddOut(OutputModel):
    total: int
    successful: int
    failed: int
    enrolled_students: int
    max_capacity: int | None
    results: list[RosterResult]


class RosterEntry(OutputModel):
    registration_id: int
    enrollment_id: int
    student_id: int
    user_id: int
    student_code: str
    first_name: str
    last_name: str
    email: str
    program_id: int
    semester: int
    status: RegistrationStatus
    registered_at: dt.datetime


@router.get("", response_model=PageOut[OfferingOut], openapi_extra=requires(Permission.OFFERINGS_READ))
async def list_offerings(
    actor: CurrentActor,
    page: PageParams,
    program_id: IdFilter = None,
    course_id: IdFilter = None,
    semester: Annotated[int | None, Query(ge=1, le=20)] = None,
    academic_year: Annotated[str | None, Query(max_length=20, description="Filter by academic year")] = None,
    acedemic_year: Annotated[str | None, Query(max_length=20, deprecated=True,
                                               description="The spec's spelling of academic_year")] = None,
    offering_status: Annotated[OfferingStatus | None, Query(description="Filter by status")] = None,
) -> PageOut[OfferingOut]:
    result = await service.list_offerings(
        actor, page=page, program_id=program_id, course_id=course_id, semester=semester,
        academic_year=academic_year if academic_year is not None else acedemic_year, status=offering_status,
    )
    return PageOut[OfferingOut].of(result)


@router.post(
    "", status_code=201, response_model=OfferingOut,
    responses=error_responses(400, 404, 409), openapi_extra=requires(Permission.OFFERINGS_WRITE),
)
async def create_offering(actor: CurrentActor, body: OfferingCreate) -> dict:
    return await service.create_offering(actor, data=body.model_dump())


@router.get(
    "/{offering_id}", response_model=OfferingOut,
    responses=error_responses(404), openapi_extra=requires(Permission.OFFERINGS_READ),
)
async def get_offering(actor: CurrentActor, offering_id: OfferingId) -> dict:
    return await service.get_offering(actor, offering_id=offering_id)


@router.put(
    "/{offering_id}", response_model=OfferingOut,
    responses=error_responses(400, 404, 409), openapi_extra=requires(Permission.OFFERINGS_WRITE),
)
async def update_offering(actor: CurrentActor, offering_id: OfferingId, body: OfferingUpdate) -> dict:
    return await service.update_offering(actor, offering_id=offering_id, changes=body.model_dump(exclude_unset=True))


@router.delete(
    "/{offering_id}", status_code=204, response_class=Response,
    responses=error_responses(404, 409), openapi_extra=requires(Permission.OFFERINGS_WRITE),
)
async def delete_offering(actor: CurrentActor, offering_id: OfferingId) -> Response:
    await service.delete_offering(actor, offering_id=offering_id)
    return Response(status_code=204)


@router.get(
    "/{offering_id}/students", response_model=PageOut[RosterEntry],
    responses=error_responses(404), openapi_extra=requires(Permission.OFFERINGS_READ),
)
async def list_roster(
    actor: CurrentActor,
    offering_id: OfferingId,
    page: PageParams,
    registration_status: Annotated[RegistrationStatus | None, Query(
        description="Registrations in this status (default: registered)")] = RegistrationStatus.REGISTERED,
) -> PageOut[RosterEntry]:
    result = await service.list_roster(actor, offering_id=offering_id, page=page, status=registration_status)
    return PageOut[RosterEntry].of(result)


@router.post(
    "/{offering_id}/students", response_model=RosterAddOut,
    responses=error_responses(400, 404), openapi_extra=requires(Permission.ROSTERS_WRITE),
)
async def register_students(actor: CurrentActor, offering_id: OfferingId, body: RosterAdd) -> dict:
    return await service.register_students(actor, offering_id=offering_id, enrollment_ids=body.enrollment_ids,
                                           all_from_program=body.all_from_program)
