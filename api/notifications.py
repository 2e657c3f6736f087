"""/api/v1/notifications: sending notices, each user's inbox and its unread count
(domain.md §3.15)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Query, Response

from api.deps import CurrentActor, PageParams, requires
from api.routing import ResourceRouter
from api.schemas import error_responses
from dashboard.core.roles import Permission
from dashboard.schemas.base import PageOut
from dashboard.schemas.fields import MAX_INT, RefId
from dashboard.schemas.notifications import (
    AudienceOut,
    EmailPreferenceOut,
    EmailPreferenceUpdate,
    InboxItemOut,
    NotificationCreate,
    NotificationOut,
    UnreadOut,
)
from dashboard.services import notifications as service
from models.enums import NotificationStatus, NotificationType, PriorityLevel, TargetAudience

router = ResourceRouter(prefix="/notifications", tags=["Notifications"], responses=error_responses(401, 403, 422))

# A URL stays short; a longer list is counted when it is sent.
MAX_AUDIENCE_QUERY_IDS = 200
NotificationId = Annotated[int, Path(ge=1, le=MAX_INT, description="Notification id")]


@router.get(
    "/unread", response_model=UnreadOut, openapi_extra=requires(Permission.NOTIFICATIONS_INBOX),
    summary="Unread notification count",
    description="Any signed-in user: how many of their own notifications are unread. Changes nothing.",
)
async def unread_count(actor: CurrentActor) -> Any:
    return await service.unread_count(actor)


@router.get(
    "/preferences", response_model=EmailPreferenceOut, openapi_extra=requires(Permission.NOTIFICATIONS_INBOX),
    summary="My email preference",
    description="Any signed-in user: whether they have opted out of email for non-urgent notices (urgent ones are "
    "always emailed). Changes nothing.",
)
async def get_email_preference(actor: CurrentActor) -> Any:
    return await service.get_email_preference(actor)


@router.put(
    "/preferences", response_model=EmailPreferenceOut, openapi_extra=requires(Permission.NOTIFICATIONS_INBOX),
    summary="Set my email preference",
    description="Any signed-in user, for themselves: `email_opt_out` true stops email for non-urgent notices "
    "(they still reach the inbox; urgent ones are always emailed), false restores it. Email batches not yet "
    "sent honour it at once; setting the same value again changes nothing.",
)
async def set_email_preference(actor: CurrentActor, body: EmailPreferenceUpdate) -> Any:
    return await service.set_email_preference(actor, email_opt_out=body.email_opt_out)


@router.get(
    "/audience", response_model=AudienceOut, responses=error_responses(400),
    openapi_extra=requires(Permission.NOTIFICATIONS_SEND), summary="Count an audience before sending",
    description="Admin and staff: how many users a notification to this audience would reach now (a `specific` "
    "list is deduplicated; an id that is not an active user is a 400). Changes nothing.",
)
async def audience_count(
    actor: CurrentActor,
    target_audience: Annotated[TargetAudience, Query(description="The audience to count")],
    target_id: Annotated[list[RefId] | None, Query(
        max_length=MAX_AUDIENCE_QUERY_IDS,
        description="User ids of a `specific` audience (repeat the parameter; at most 200 in a URL)",
    )] = None,
) -> Any:
    count = await service.count_audience(actor, audience=target_audience, user_ids=target_id)
    return {"target_audience": target_audience, "recipients": count}


@router.post(
    "", status_code=201, response_model=NotificationOut, responses=error_responses(400),
    openapi_extra=requires(Permission.NOTIFICATIONS_SEND), summary="Send a notification",
    description="Admin and staff. Saves the notification and answers at once; its recipients (`all` active users, "
    "`students`, `faculty`, `staff` = admin and staff, or the `specific` user ids in `target_id`, which must be "
    "active users and are deduplicated) are written by a worker moment later and emailed in batches. A `draft` "
    "reaches nobody; a `scheduled` one is delivered at `scheduled_at` (in the future), when `sent_at` is set.",
)
async def send_notification(actor: CurrentActor, body: NotificationCreate) -> Any:
    notification = await service.send_notification(actor, data=body)
    return {name: getattr(notification, name) for name in service.NOTIFICATION_FIELDS}


@router.get(
    "", response_model=PageOut[InboxItemOut], openapi_extra=requires(Permission.NOTIFICATIONS_INBOX),
    summary="List my notifications",
    description="Any signed-in user: their own notifications, newest first, optionally only the read or unread "
    "ones. Changes nothing (reading one is PUT /{id}/read).",
)
async def list_notifications(
    actor: CurrentActor,
    page: PageParams,
    is_read: Annotated[bool | None, Query(description="Only read (true) or unread (false) notifications")] = None,
) -> Any:
    return PageOut[InboxItemOut].of(await service.inbox(actor, page=page, is_read=is_read))


@router.get(
    "/all", response_model=PageOut[NotificationOut], openapi_extra=requires(Permission.NOTIFICATIONS_MANAGE),
    summary="List every notification",
    description="Admin and staff: every notification sent, scheduled or drafted, newest first, with filters. "
    "Changes nothing.",
)
async def list_all_notifications(
    actor: CurrentActor,
    page: PageParams,
    notification_type: Annotated[NotificationType | None, Query(description="Filter by notification type")] = None,
    priority: Annotated[PriorityLevel | None, Query(description="Filter by priority")] = None,
    notification_status: Annotated[NotificationStatus | None, Query(alias="status",
                                                                    description="Filter by status")] = None,
    target_audience: Annotated[TargetAudience | None, Query(description="Filter by audience")] = None,
) -> Any:
    result = await service.list_all_notifications(actor, page=page, notification_type=notification_type,
                                                  priority=priority, status=notification_status,
                                                  target_audience=target_audience)
    return PageOut[NotificationOut].of(result)


@router.get(
    "/{notification_id}", response_model=NotificationOut, responses=error_responses(404),
    openapi_extra=requires(Permission.NOTIFICATIONS_INBOX), summary="Get a notification",
    description="Its recipients, and admin and staff (who also see its delivery: recipients, how many read "
    "it, the emails sent and the recipients who opted out of email); anyone else gets 404. Changes nothing.",
)
async def get_notification(actor: CurrentActor, notification_id: NotificationId) -> Any:
    return await service.get_notification(actor, notification_id=notification_id)


@router.put(
    "/{notification_id}/read", response_model=InboxItemOut, responses=error_responses(404),
    openapi_extra=requires(Permission.NOTIFICATIONS_INBOX), summary="Mark a notification as read",
    description="The caller's own copy of the notification (404 if they did not receive it) is marked read with "
    "the time; marking it again changes nothing.",
)
async def mark_read(actor: CurrentActor, notification_id: NotificationId) -> Any:
    return await service.mark_read(actor, notification_id=notification_id)


@router.delete(
    "/{notification_id}", status_code=204, response_class=Response, responses=error_responses(404),
    openapi_extra=requires(Permission.NOTIFICATIONS_MANAGE), summary="Delete a notification",
    description="Admin and staff. Deletes the notification and every recipient's copy of it.",
)
async def delete_notification(actor: CurrentActor, notification_id: NotificationId) -> Response:
    await service.delete_notification(actor, notification_id=notification_id)
    return Response(status_code=204)
