"""/api/v1/hostel-allocations: who lives where, with the history kept."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from api.deps import CurrentActor, PageParams, requires
from api.people import IdFilter
from api.routing import ResourceRouter
from api.schemas import error_responses
from dashboard.core.roles import Permission
from dashboard.schemas.base import PageOut
from dashboard.schemas.fields import MAX_INT
from dashboard.schemas.hostels import (
    AllocationCreate,
    AllocationHistoryOut,
    AllocationOut,
    AllocationUpdate,
)
from dashboard.services import hostels as service
from models.enums import HostelAllocationStatus

router = ResourceRouter(prefix="/hostel-allocations", tags=["Hostel Allocations"],
                        responses=error_responses(401, 403, 422))

AllocationId = Annotated[int, Path(ge=1, le=MAX_INT)]


@router.get(
    "/history/{student_id}", response_model=AllocationHistoryOut, responses=error_responses(404),
    openapi_extra=requires(Permission.HOSTELS_READ), summary="A student's allocation history",
    description="Every allocation of the student, newest first. A student reads their own, a parent their "
    "children's, faculty those of students they teach; any other student is a 404.",
)
async def allocation_history(actor: CurrentActor,
                             student_id: Annotated[int, Path(ge=1, le=MAX_INT)]) -> dict:
    return await service.allocation_history(actor, student_id=student_id)


@router.get(
    "", response_model=PageOut[AllocationOut], openapi_extra=requires(Permission.HOSTELS_READ),
    summary="List allocations",
    description="Staff see every allocation; faculty those of students they teach; a student their own, a "
    "parent their children's. Newest first.",
)
async def list_allocations(
    actor: CurrentActor,
    page: PageParams,
    student_id: Annotated[IdFilter, Query(description="Allocations of this student (their id)")] = None,
    hostel_id: Annotated[IdFilter, Query(description="Allocations in this hostel (its id)")] = None,
    room_id: Annotated[IdFilter, Query(description="Allocations in this room (its id)")] = None,
    allocation_status: Annotated[HostelAllocationStatus | None, Query(description="Filter by status")] = None,
    academic_year: Annotated[str | None, Query(max_length=20, description="Filter by academic year")] = None,
    acedamic_year: Annotated[str | None, Query(max_length=20, deprecated=True,
                                               description="The spec's spelling of academic_year")] = None,
) -> PageOut[AllocationOut]:
    result = await service.list_allocations(
        actor, page=page, student_id=student_id, hostel_id=hostel_id, room_id=room_id,
        allocation_status=allocation_status,
        academic_year=academic_year if academic_year is not None else acedamic_year,
    )
    return PageOut[AllocationOut].of(result)


@router.post(
    "", status_code=201, response_model=AllocationOut, responses=error_responses(400, 404, 409),
    openapi_extra=requires(Permission.HOSTELS_WRITE), summary="Allocate a room",
    description="Admin and staff. A student with no active allocation (409); hostel and room active, the "
    "room in that hostel and available (400), not full (409), the hostel's type fitting the student's gender "
    "(400).",
)
async def allocate_room(actor: CurrentActor, body: AllocationCreate) -> AllocationOut:
    return AllocationOut.model_validate(await service.allocate_room(actor, data=body))


@router.put(
    "/{allocation_id}", response_model=AllocationOut, responses=error_responses(400, 404, 409),
    openapi_extra=requires(Permission.HOSTELS_WRITE), summary="Transfer, or change the remarks",
    description="Admin and staff. With another room_id, a transfer: the allocation is closed as transferred "
    "and the new active allocation is returned (the same room is a 400; a full room a 409). Otherwise only "
    "the remarks change. Only an active allocation (400).",
)
async def update_allocation(actor: CurrentActor, allocation_id: AllocationId, body: AllocationUpdate) -> AllocationOut:
    allocation = await service.update_allocation(actor, allocation_id=allocation_id, changes=body)
    return AllocationOut.model_validate(allocation)


@router.delete(
    "/{allocation_id}", response_model=AllocationOut, responses=error_responses(400, 404),
    openapi_extra=requires(Permission.HOSTELS_WRITE), summary="Vacate a room",
    description="Admin and staff. The active allocation is closed as vacated (the record stays) and its bed "
    "freed; answers 200 with the allocation. Only an active allocation (400).",
)
async def vacate_allocation(actor: CurrentActor, allocation_id: AllocationId) -> AllocationOut:
    return AllocationOut.model_validate(await service.vacate_allocation(actor, allocation_id=allocation_id))
