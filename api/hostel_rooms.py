"""/api/v1/hostel-rooms"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query, Response

from api.deps import CurrentActor, PageParams, requires
from api.people import IdFilter
from api.routing import ResourceRouter
from api.schemas import error_responses
from dashboard.core.roles import Permission
from dashboard.schemas.base import PageOut
from dashboard.schemas.fields import MAX_INT
from dashboard.schemas.hostels import AvailableRoom, RoomCreate, RoomOut, RoomUpdate
from dashboard.services import hostels as service
from models.enums import HostelRoomStatus, HostelRoomType

router = ResourceRouter(prefix="/hostel-rooms", tags=["Hostel Rooms"], responses=error_responses(401, 403, 422))

RoomId = Annotated[int, Path(ge=1, le=MAX_INT)]
RoomTypeFilter = Annotated[HostelRoomType | None, Query(description="Filter by room type")]


@router.get(
    "/available", response_model=list[AvailableRoom], openapi_extra=requires(Permission.HOSTELS_READ),
    summary="Rooms with a free bed",
    description="Any signed-in user. Active rooms of active hostels, status available, with a free bed; by "
    "hostel and number.",
)
async def available_rooms(actor: CurrentActor,
                          hostel_id: Annotated[IdFilter, Query(description="Rooms of this hostel (its id)")] = None,
                          room_type: RoomTypeFilter = None) -> Response:
    # The whole list is the answer (~1,300 rooms at 50,000 students): the service sends the
    # JSON of `AvailableRoom` ready encoded, which the response model still documents.
    body = await service.available_rooms_json(actor, hostel_id=hostel_id, room_type=room_type)
    return Response(body, media_type="application/json")


@router.get(
    "", response_model=PageOut[RoomOut], openapi_extra=requires(Permission.HOSTELS_READ),
    summary="List rooms", description="Any signed-in user. Newest first.",
)
async def list_rooms(
    actor: CurrentActor,
    page: PageParams,
    hostel_id: Annotated[IdFilter, Query(description="Rooms of this hostel (its id)")] = None,
    room_type: RoomTypeFilter = None,
    room_status: Annotated[HostelRoomStatus | None, Query(description="Filter by status")] = None,
    is_active: Annotated[bool | None, Query(description="Filter by active status")] = None,
) -> PageOut[RoomOut]:
    result = await service.list_rooms(actor, page=page, hostel_id=hostel_id, room_type=room_type,
                                      room_status=room_status, is_active=is_active)
    return PageOut[RoomOut].of(result)


@router.post(
    "", status_code=201, response_model=RoomOut, responses=error_responses(404, 409),
    openapi_extra=requires(Permission.HOSTELS_WRITE), summary="Add a room",
    description="Admin and staff. Room numbers are unique within a hostel (409); it starts with every bed free.",
)
async def create_room(actor: CurrentActor, body: RoomCreate) -> RoomOut:
    return RoomOut.model_validate(await service.create_room(actor, data=body))


@router.get(
    "/{room_id}", response_model=RoomOut, responses=error_responses(404),
    openapi_extra=requires(Permission.HOSTELS_READ), summary="Get a room", description="Any signed-in user.",
)
async def get_room(actor: CurrentActor, room_id: RoomId) -> RoomOut:
    return RoomOut.model_validate(await service.get_room(actor, room_id=room_id))


@router.put(
    "/{room_id}", response_model=RoomOut, responses=error_responses(400, 404),
    openapi_extra=requires(Permission.HOSTELS_WRITE), summary="Update a room",
    description="Admin and staff. A partial update; capacity may not fall below the beds taken (400). The "
    "status is set to available, maintenance or reserved; a full room stays occupied.",
)
async def update_room(actor: CurrentActor, room_id: RoomId, body: RoomUpdate) -> RoomOut:
    return RoomOut.model_validate(await service.update_room(actor, room_id=room_id, changes=body))
