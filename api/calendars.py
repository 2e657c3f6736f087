"""/api/v1/calendars: a student's or a faculty member's classes and exams as an iCalendar
feed, beyond the spec (issue 13). The feed is fetched by calendar apps, which send no
bearer token, so its URL carries a secret the owner can rotate."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Header, Path, Request, Response

from api.deps import CurrentActor, requires
from api.routing import ResourceRouter
from api.schemas import error_responses
from dashboard.core.roles import Permission
from dashboard.schemas.calendars import CalendarFeedOut
from dashboard.services import calendars as service
from dashboard.services.calendars import CalendarFeed
from dashboard.settings import get_settings

ADMIN = None  # a personal subscription address: each user gets and rotates their own through the API

router = ResourceRouter(prefix="/calendars", tags=["Calendars"], responses=error_responses(401, 403, 422))

FeedToken = Annotated[str, Path(min_length=1, max_length=100,
                                 description="The feed's secret, from GET /calendars/feed")]


def _out(request: Request, feed: CalendarFeed) -> dict[str, Any]:
    origin = get_settings().public_origin or str(request.base_url).rstrip("/")
    return {"url": origin.rstrip("/") + feed.path, "created_at": feed.created_at}


@router.get(
    "/feed", response_model=CalendarFeedOut, responses=error_responses(400),
    openapi_extra=requires(Permission.CALENDARS_FEED), summary="My calendar feed address",
    description="Students and faculty: the address of their own iCalendar feed (classes as weekly events over "
    "each offering's term, exams one event each), made on the first call; later calls give the same address "
    "until it is rotated. An account with no student or faculty record is a 400.",
)
async def get_feed(request: Request, actor: CurrentActor) -> Any:
    return _out(request, await service.get_feed(actor))


@router.post(
    "/feed/rotate", response_model=CalendarFeedOut, responses=error_responses(400),
    openapi_extra=requires(Permission.CALENDARS_FEED), summary="Rotate my calendar feed address",
    description="Students and faculty: a new secret for their own feed. The old address answers 404 from now on; "
    "calendar apps subscribed to it must be given the new one.",
)
async def rotate_feed(request: Request, actor: CurrentActor) -> Any:
    return _out(request, await service.rotate_feed(actor))


@router.get(
    "/feeds/{token}.ics", response_class=Response, responses={
        200: {"description": "The feed (RFC 5545)", "content": {"text/calendar": {}}},
        304: {"description": "Not modified: the copy named by If-None-Match is current"}, **error_responses(404)},
    openapi_extra=requires(None), summary="A calendar feed",
    description="Anyone holding the address (calendar apps send no access token; the secret in the path is the "
    "credential): the owner's classes and exams as iCalendar, with an ETag (If-None-Match gives a 304 while "
    "nothing changed). An unknown or rotated secret is a 404. Changes nothing.",
)
async def calendar_feed(
    token: FeedToken,
    if_none_match: Annotated[str | None, Header(
        max_length=200, description="The ETag of the copy the calendar app holds: 304 while it is current")] = None,
) -> Response:
    feed = await service.render_feed(token=token)
    headers = {"Cache-Control": "private, max-age=300", "ETag": feed.etag}
    if if_none_match is not None and feed.etag in (tag.strip() for tag in if_none_match.split(",")):
        return Response(status_code=304, headers=headers)
    return Response(feed.body, media_type="text/calendar; charset=utf-8",
                    headers={**headers, "Content-Disposition": 'inline; filename="timetable.ics"'})
