"""/api/v1/hostels"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from api.deps import CurrentActor, PageParams, requires
from api.routing import ResourceRouter
from api.schemas import error_responses
from dashboard.core.roles import Permission
from dashboard.schemas.base import PageOut
from dashboard.schemas.fields import MAX_INT
from dashboard.schemas.hostels import HostelCreate, HostelOut, HostelUpdate, RoomOut
from dashboard.services import hostels as service
from models.enums import HostelType

router = ResourceRouter(prefix="/hostels", tags=["Hostels"], responses=error_responses(401, 403, 422))

HostelId = Annotated[int, Path(ge=1, le=MAX_INT)]


@router.get(
    "", response_model=PageOut[HostelOut], openapi_extra=requires(Permission.HOSTELS_READ),
    summary="List hostels", description="Any signed-in user. Newest first.",
)
async def list_hostels(
    actor: CurrentActor,
    page: PageParams,
    hostel_type: Annotated[HostelType | None, Query(description="Filter by hostel type")] = None,
    is_active: Annotated[bool | None, Query(description="Filter by active status")] = None,
) -> PageOut[HostelOut]:
    result = await service.list_hostels(actor, page=page, hostel_type=hostel_type, is_active=is_active)
    return PageOut[HostelOut].of(result)


@router.post(
    "", status_code=201, response_model=HostelOut, responses=error_responses(404, 409),
    openapi_extra=requires(Permission.HOSTELS_WRITE), summary="Create a hostel",
    description="Admin and staff. Names are unique ignoring case (409); it starts active and empty.",
)
async def create_hostel(actor: CurrentActor, body: HostelCreate) -> HostelOut:
    return HostelOut.model_validate(await service.create_hostel(actor, data=body))


@router.get(
    "/{hostel_id}", response_model=HostelOut, responses=error_responses(404),
    openapi_extra=requires(Permission.HOSTELS_READ), summary="Get a hostel", description="Any signed-in user.",
)
async def get_hostel(actor: CurrentActor, hostel_id: HostelId) -> HostelOut:
    return HostelOut.model_validate(await service.get_hostel(actor, hostel_id=hostel_id))


@router.put(
    "/{hostel_id}", response_model=HostelOut, responses=error_responses(400, 404, 409),
    openapi_extra=requires(Permission.HOSTELS_WRITE), summary="Update a hostel",
    description="Admin and staff. A partial update; the hostel type is immutable. An empty body is a 400.",
)
async def update_hostel(actor: CurrentActor, hostel_id: HostelId, body: HostelUpdate) -> HostelOut:
    return HostelOut.model_validate(await service.update_hostel(actor, hostel_id=hostel_id, changes=body))


@router.get(
    "/{hostel_id}/rooms", response_model=list[RoomOut], responses=error_responses(404),
    openapi_extra=requires(Permission.HOSTELS_READ), summary="Rooms of a hostel",
    description="Any signed-in user. Every room of the hostel, by number.",
)
async def hostel_rooms(actor: CurrentActor, hostel_id: HostelId) -> list[RoomOut]:
    return [RoomOut.model_validate(room) for room in await service.hostel_rooms(actor, hostel_id=hostel_id)]
