"""/api/v1/course-offerings, with the roster at /course-offerings/{id}/students."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Query, Response

from api.deps import CurrentActor, PageParams, requires
from api.people import IdFilter
from api.routing import ResourceRouter
from api.schemas import error_responses
from dashboard.core.roles import Permission
from dashboard.schemas.base import PageOut
from dashboard.schemas.course_offerings import (
    OfferingCreate,
    OfferingOut,
    OfferingUpdate,
    RosterAdd,
    RosterAddOut,
    RosterEntry,
)
from dashboard.schemas.fields import MAX_INT
from dashboard.services import course_offerings as service
from models.enums import OfferingStatus, RegistrationStatus

router = ResourceRouter(prefix="/course-offerings", tags=["Course Offerings"], responses=error_responses(401, 403, 422))

OfferingId = Annotated[int, Path(ge=1, le=MAX_INT)]


@router.get("", response_model=PageOut[OfferingOut], openapi_extra=requires(Permission.OFFERINGS_READ))
async def list_offerings(
    actor: CurrentActor,
    page: PageParams,
    program_id: Annotated[IdFilter, Query(description="Offerings of this program (its id)")] = None,
    course_id: Annotated[IdFilter, Query(description="Offerings of this course (its id)")] = None,
    semester: Annotated[int | None, Query(
        ge=1, le=20, description="Offerings in this semester of their program")] = None,
    academic_year: Annotated[str | None, Query(
        max_length=20, description='Offerings of this academic year, e.g. "2026-27"')] = None,
    acedemic_year: Annotated[str | None, Query(max_length=20, deprecated=True,
                                               description="The spec's spelling of academic_year")] = None,
    offering_status: Annotated[OfferingStatus | None, Query(
        description="Offerings in this status")] = None,
) -> Any:
    """List course offerings

    A course taught in one semester of one academic year for one program, with its teaching team.
    Offerings are part of the catalogue: every signed-in role reads them all. Ordered by id; the
    filters combine. Reads only."""
    return await service.list_offerings(
        actor, page=page, program_id=program_id, course_id=course_id, semester=semester,
        academic_year=academic_year if academic_year is not None else acedemic_year, status=offering_status,
    )


@router.post(
    "", status_code=201, response_model=OfferingOut,
    responses=error_responses(400, 404, 409), openapi_extra=requires(Permission.OFFERINGS_WRITE),
)
async def create_offering(actor: CurrentActor, body: OfferingCreate) -> Any:
    """Create a course offering

    A course of a program, taught in one semester of an academic year by its teaching team
    (`faculty_ids`). It starts with no students registered. The program, course and faculty must
    exist (404); the semester must be one of the program's and the dates in order (400); the same
    course for the program in one year, semester and section is a 409. Audited."""
    return await service.create_offering(actor, data=body)


@router.get(
    "/{offering_id}", response_model=OfferingOut,
    responses=error_responses(404), openapi_extra=requires(Permission.OFFERINGS_READ),
)
async def get_offering(actor: CurrentActor, offering_id: OfferingId) -> Any:
    """Get a course offering

    The offering with its teaching team and its weekly classes. Reads only."""
    return await service.get_offering(actor, offering_id=offering_id)


@router.put(
    "/{offering_id}", response_model=OfferingOut,
    responses=error_responses(400, 404, 409), openapi_extra=requires(Permission.OFFERINGS_WRITE),
)
async def update_offering(actor: CurrentActor, offering_id: OfferingId, body: OfferingUpdate) -> Any:
    """Update a course offering

    Changes only the fields sent. Program, course and academic year are fixed; `faculty_ids`
    replaces the teaching team; the capacity cannot drop below the students registered (400).
    Audited."""
    return await service.update_offering(actor, offering_id=offering_id, changes=body)


@router.delete(
    "/{offering_id}", status_code=204, response_class=Response,
    responses=error_responses(404, 409), openapi_extra=requires(Permission.OFFERINGS_WRITE),
)
async def delete_offering(actor: CurrentActor, offering_id: OfferingId) -> Response:
    """Delete a course offering

    Refused (409) while it has schedules, attendance, registrations, assessments, grades or exam
    timetable entries; its teaching assignments go with it. Audited."""
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
) -> Any:
    """List an offering's roster

    The offering's registrations (by default the registered ones), by student id. A student or
    parent sees only their own rows in it. Reads only."""
    return await service.list_roster(actor, offering_id=offering_id, page=page, status=registration_status)


@router.post(
    "/{offering_id}/students", response_model=RosterAddOut,
    responses=error_responses(400, 404), openapi_extra=requires(Permission.ROSTERS_WRITE),
)
async def register_students(actor: CurrentActor, offering_id: OfferingId, body: RosterAdd) -> Any:
    """Register students on an offering

    Puts enrollments on the roster: the listed ones, or with `all_from_program` every active
    enrollment of the offering's program whose student is in the offering's semester. One result
    per enrollment. An enrollment already registered is a success and takes no second seat; seats
    go in order until `max_capacity`, however many requests arrive at once. Audited."""
    return await service.register_students(actor, offering_id=offering_id, enrollment_ids=body.enrollment_ids,
                                           all_from_program=body.all_from_program)
