"""Notifications: domain.md §3.15 with its RECs.

Sending saves the notification and, once that has committed, queues its fan-out
(`FanOutNotification`): the request answers at once whatever the audience's size. The
fan-out is one `INSERT … SELECT` over the audience with `ON CONFLICT DO NOTHING` on the
(user, notification) key, so a retried or repeated job adds nobody twice. An audience
larger than `FAN_OUT_PART` is cut into contiguous user id ranges of about that many
recipients: the fan-out job writes the first range and queues one `FanOutRecipients` job
per other range, so the parts run at once on the worker's slots (each still one
statement, each as idempotent). Drafts never fan out; a scheduled notification is fanned
out by the worker's cron once `scheduled_at` has passed, and its `sent_at` is set then, in
the same transaction as its recipients.

Audiences: all = every active user; students, faculty = that user type; staff = admin and
staff; specific = the listed users, which must exist and be active (deduplicated, in the
order given).

Email: once the recipients exist, they are emailed in batches (`EmailNotification`, one
job per `notification_email_batch` recipients, by user id range). Urgent notices (type
`urgent`) are always emailed, to everyone; others unless `NOTIFICATION_EMAIL_ENABLED` is off,
and not to the users who opted out of non-urgent email (`notification_preferences`). Each
email handed over is recorded in `notification_emails`, so a retried batch emails nobody
twice and a notification's delivery counts them.

A notification without a sender (`sent_by` None) is one the university sends itself: the
reminder rules (dashboard.services.reminders) send them through `send_system_notice`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

from tortoise import connections

from dashboard.core import audit
from dashboard.core.actor import Actor, authorize
from dashboard.core.db import atomic
from dashboard.core.errors import InvalidState, NotFound
from dashboard.core.pagination import Page, PageRequest
from dashboard.core.queue import BULK_QUEUE, Job, queue_after_commit
from dashboard.core.roles import Permission
from dashboard.core.updates import get_or_404
from dashboard.schemas.notifications import NotificationCreate
from dashboard.settings import get_settings
from models import Notification, User, UserNotification
from models.enums import NotificationStatus, NotificationType, PriorityLevel, TargetAudience, UserType


@dataclasses.dataclass(frozen=True, kw_only=True)
class FanOutNotification(Job):
    """Write the recipients of a sent notification (jobs.notifications.fan_out_notification).
    One job per notice, on the default queue: the notice shows in every inbox within seconds
    while its email batches wait in the bulk queue."""

    notification_id: int

    def job_id(self) -> str | None:
        return f"fan-out-notification:{self.notification_id}"


@dataclasses.dataclass(frozen=True, kw_only=True)
class FanOutRecipients(Job):
    """Write the recipients of a sent notification whose user ids are in [first, last]
    (jobs.notifications.fan_out_recipients): one part of a large audience, queued by the
    notification's fan-out job beside the part it writes itself."""

    notification_id: int
    first_user_id: int
    last_user_id: int

    def job_id(self) -> str | None:
        return f"fan-out-recipients:{self.notification_id}:{self.first_user_id}-{self.last_user_id}"


@dataclasses.dataclass(frozen=True, kw_only=True)
class EmailNotification(Job):
    """Email the recipients of one notification whose user ids are in [first, last]."""

    queue = BULK_QUEUE

    notification_id: int
    first_user_id: int
    last_user_id: int

    def job_id(self) -> str | None:
        return f"email-notification:{self.notification_id}:{self.first_user_id}-{self.last_user_id}"


NOTIFICATION_FIELDS = ("id", "title", "message", "notification_type", "target_audience", "target_user_ids",
                       "priority", "status", "sent_by_id", "scheduled_at", "sent_at", "created_at")

# The audience's users, as a WHERE clause over `users u`; `{ids}` is the parameter of the
# specific list.
_AUDIENCE_SQL: dict[TargetAudience, str] = {
    TargetAudience.ALL: "u.is_active",
    TargetAudience.STUDENTS: f"u.is_active AND u.user_type = '{UserType.STUDENT.value}'",
    TargetAudience.FACULTY: f"u.is_active AND u.user_type = '{UserType.FACULTY.value}'",
    TargetAudience.STAFF: f"u.is_active AND u.user_type IN ('{UserType.ADMIN.value}', '{UserType.STAFF.value}')",
    TargetAudience.SPECIFIC: "u.is_active AND u.id = ANY({ids}::int[])",
}

# The recipients a fan-out writes in one statement (and one job) at most: a notice to
# 50,000 students is three parts written at once. Each inbox row costs a heap row, three
# index entries and two foreign-key checks, ~15 µs in all, so one statement for all of
# them took about a second of one core and held the notice's whole audience in one
# transaction.
FAN_OUT_PART = 20_000

# The first user id of each part of the audience, `$1` recipients a part.
_PARTS_SQL = """
SELECT min(id) AS first_user_id
FROM (SELECT u.id, (row_number() OVER (ORDER BY u.id) - 1) / $1 AS part FROM users u WHERE {where}) numbered
GROUP BY part ORDER BY part
"""

# One statement whatever the part's size; the count comes back, not the rows. The rows go
# in user id order, the order of the (user_id, notification_id) key, so each leaf page of
# it is visited once for all the rows it takes. An inbox row is dated when its notice was
# sent, not when its part was written: parts and notices fan out concurrently, and the
# inbox is newest first.
_FAN_OUT_SQL = """
WITH added AS (
    INSERT INTO user_notifications (user_id, notification_id, is_read, created_at)
    SELECT u.id, $1, false, (SELECT coalesce(n.sent_at, now()) FROM notifications n WHERE n.id = $1)
    FROM users u WHERE {where} AND u.id BETWEEN $2 AND $3
    ORDER BY u.id
    ON CONFLICT (user_id, notification_id) DO NOTHING
    RETURNING 1
)
SELECT count(*) AS n FROM added
"""

_COUNT_SQL = "SELECT count(*) AS n FROM users u WHERE {where}"

# Batches of recipients by user id (within [$3, $4]): the first and last id of every `$2`
# recipients.
_EMAIL_BATCHES_SQL = """
SELECT min(user_id) AS first_user_id, max(user_id) AS last_user_id
FROM (SELECT user_id, (row_number() OVER (ORDER BY user_id) - 1) / $2 AS batch
      FROM user_notifications WHERE notification_id = $1 AND user_id BETWEEN $3 AND $4) numbered
GROUP BY batch ORDER BY batch
"""

# The recipients of one email batch still to email: active, with an email, not emailed
# for this notification yet, and (unless it is urgent, $4) not opted out.
_EMAIL_BATCH_SQL = """
SELECT un.user_id, u.email, u.first_name
FROM user_notifications un JOIN users u ON u.id = un.user_id
WHERE un.notification_id = $1 AND un.user_id BETWEEN $2 AND $3 AND u.is_active AND u.email <> ''
  AND NOT EXISTS (SELECT 1 FROM notification_emails e WHERE e.notification_id = $1 AND e.user_id = un.user_id)
  AND ($4 OR NOT EXISTS (SELECT 1 FROM notification_preferences p WHERE p.user_id = un.user_id AND p.email_opt_out))
ORDER BY un.user_id
"""

_DELIVERY_SQL = """
SELECT (SELECT count(*) FROM user_notifications WHERE notification_id = $1) AS recipients,
       (SELECT count(*) FROM user_notifications WHERE notification_id = $1 AND is_read) AS read,
       (SELECT count(*) FROM notification_emails WHERE notification_id = $1) AS emails_sent,
       (SELECT count(*) FROM user_notifications un JOIN notification_preferences p ON p.user_id = un.user_id
        WHERE un.notification_id = $1 AND p.email_opt_out) AS opted_out
"""

_INBOX_SQL = """
SELECT un.id, un.notification_id, n.title, n.message, n.notification_type, n.priority,
       n.sent_by_id AS sent_by, un.is_read, un.read_at, un.created_at
FROM user_notifications un JOIN notifications n ON n.id = un.notification_id
WHERE un.user_id = $1 {filter}
ORDER BY un.created_at DESC, un.notification_id DESC
LIMIT $2 OFFSET $3
"""

_MARK_READ_SQL = """
UPDATE user_notifications SET is_read = true, read_at = now(), updated_at = now()
WHERE user_id = $1 AND notification_id = $2 AND NOT is_read
"""


def _db() -> Any:
    return connections.get("default")


# Every user id (a part's bounds are inclusive).
_FIRST_ID, _LAST_ID = 0, 2**31 - 1


def _audience(audience: TargetAudience, notification: Notification, params: list[Any]) -> str:
    """The notification's audience as a WHERE clause over `users u`, appending the specific
    list to `params` when it has one."""
    if audience is TargetAudience.SPECIFIC:
        params.append(list(notification.target_user_ids or []))
    return _AUDIENCE_SQL[audience].format(ids=f"${len(params)}")


async def _specific_recipients(user_ids: Sequence[int]) -> list[int]:
    """The list without repeats, in the order given; every id an active user (400 naming
    those that are not)."""
    unique = list(dict.fromkeys(user_ids))
    found: set[int] = set(await User.filter(id__in=unique, is_active=True).values_list("id", flat=True))  # type: ignore[arg-type]
    missing = [user_id for user_id in unique if user_id not in found]
    if missing:
        shown = ", ".join(map(str, missing[:20])) + (" …" if len(missing) > 20 else "")
        raise InvalidState(f"No active user with id {shown}")
    return unique


def visible_notifications(actor: Actor) -> Any:
    """Admin and staff see every notification; anyone else those they received."""
    if actor.can(Permission.NOTIFICATIONS_MANAGE):
        return Notification.all()
    return Notification.filter(recipients__user_id=actor.user_id)


async def count_audience(actor: Actor, *, audience: TargetAudience, user_ids: Sequence[int] | None = None) -> int:
    """How many users a notification to this audience reaches now (the composer shows it
    before sending)."""
    authorize(actor, Permission.NOTIFICATIONS_SEND)
    if audience is TargetAudience.SPECIFIC:
        return len(await _specific_recipients(user_ids or []))
    rows = await _db().execute_query_dict(_COUNT_SQL.format(where=_AUDIENCE_SQL[audience].format(ids="")))
    return int(rows[0]["n"])


async def send_notification(actor: Actor, *, data: NotificationCreate) -> Notification:
    authorize(actor, Permission.NOTIFICATIONS_SEND)
    recipients = await _specific_recipients(data.target_id) if data.target_id else None
    status = data.status
    if status is NotificationStatus.SCHEDULED and data.scheduled_at is not None \
            and data.scheduled_at <= dt.datetime.now(dt.UTC):
        raise InvalidState("scheduled_at must be in the future; send it now with status sent")
    async with atomic():
        notification = await Notification.create(
            title=data.title, message=data.message, notification_type=data.notification_type,
            target_audience=data.target_audience, target_user_ids=recipients, priority=data.priority,
            sent_by_id=actor.user_id, status=status, scheduled_at=data.scheduled_at,
            sent_at=dt.datetime.now(dt.UTC) if status is NotificationStatus.SENT else None,
        )
        await audit.record(actor, "create", notification)
        if status is NotificationStatus.SENT and data.target_audience is not None:
            await queue_after_commit(FanOutNotification(notification_id=notification.id))
    return notification


async def fan_out(actor: Actor, *, notification_id: int) -> int:
    """Insert the recipients of a sent notification; returns how many this job added (0
    when run again). An audience of more than `FAN_OUT_PART` users is cut into parts by
    user id: the other parts are queued first (FanOutRecipients) so that they run beside
    this one, then the first is written here. Each part queues its email batches after
    its commit."""
    authorize(actor, Permission.NOTIFICATIONS_SEND)
    notification = await Notification.get_or_none(id=notification_id)
    audience: TargetAudience | None = notification.target_audience if notification else None
    if notification is None or notification.status is not NotificationStatus.SENT or audience is None:
        return 0
    params: list[Any] = [FAN_OUT_PART]
    starts = [row["first_user_id"] for row in await _db().execute_query_dict(
        _PARTS_SQL.format(where=_audience(audience, notification, params)), params)]
    # Contiguous ranges that cover every id, so that a user who joins the audience while
    # the parts run falls into exactly one of them.
    bounds = [_FIRST_ID, *starts[1:]]
    parts = [(first, following - 1) for first, following in zip(bounds, [*bounds[1:], _LAST_ID + 1], strict=True)]
    for first, last in parts[1:]:
        await queue_after_commit(FanOutRecipients(notification_id=notification.id, first_user_id=first,
                                                  last_user_id=last))
    return await fan_out_part(actor, notification_id=notification.id, first_user_id=parts[0][0],
                              last_user_id=parts[0][1])


async def fan_out_part(actor: Actor, *, notification_id: int, first_user_id: int, last_user_id: int) -> int:
    """Insert the recipients of a sent notification whose user ids are in [first, last];
    returns how many were added (0 when run again). Queues their email batches after
    commit."""
    authorize(actor, Permission.NOTIFICATIONS_SEND)
    async with atomic():
        # Not locked FOR UPDATE: the parts of one notice run at once. A sent notice stays
        # sent, and the inserted rows' foreign key holds a share lock on it, so a delete
        # waits for the parts in progress and cascades to what they wrote.
        notification = await Notification.get_or_none(id=notification_id)
        if notification is None or notification.status is not NotificationStatus.SENT:
            return 0
        added = await _insert_recipients(notification, first_user_id, last_user_id)
        if added:
            await _queue_emails(notification, first_user_id, last_user_id)
    return added


async def _insert_recipients(notification: Notification, first_user_id: int = _FIRST_ID,
                             last_user_id: int = _LAST_ID) -> int:
    audience: TargetAudience | None = notification.target_audience
    if audience is None:
        return 0
    params: list[Any] = [notification.id, first_user_id, last_user_id]
    sql = _FAN_OUT_SQL.format(where=_audience(audience, notification, params))
    rows = await _db().execute_query_dict(sql, params)
    return int(rows[0]["n"])


def is_urgent(notification: Notification) -> bool:
    return notification.notification_type is NotificationType.URGENT


def emails_wanted(notification: Notification) -> bool:
    return is_urgent(notification) or get_settings().notification_email_enabled


async def _queue_emails(notification: Notification, first_user_id: int = _FIRST_ID,
                       last_user_id: int = _LAST_ID) -> None:
    """The email batches of the recipients with user ids in [first, last], queued after
    commit."""
    if not emails_wanted(notification):
        return
    batches = await _db().execute_query_dict(
        _EMAIL_BATCHES_SQL, [notification.id, get_settings().notification_email_batch, first_user_id, last_user_id])
    for batch in batches:
        await queue_after_commit(EmailNotification(
            notification_id=notification.id, first_user_id=batch["first_user_id"],
            last_user_id=batch["last_user_id"]))


async def deliver_due(actor: Actor, *, now: dt.datetime | None = None) -> list[int]:
    """Send every scheduled notification whose time has come: status sent, sent_at now,
    recipients inserted, all in one transaction per notification. Concurrent runs skip
    each other's rows."""
    authorize(actor, Permission.NOTIFICATIONS_SEND)
    moment = now or dt.datetime.now(dt.UTC)
    delivered: list[int] = []
    while True:
        async with atomic():
            notification = await (Notification.filter(status=NotificationStatus.SCHEDULED, scheduled_at__lte=moment)
                                  .order_by("scheduled_at", "id").select_for_update(skip_locked=True).first())
            if notification is None:
                return delivered
            notification.status = NotificationStatus.SENT
            notification.sent_at = dt.datetime.now(dt.UTC)
            notification.updated_at = notification.sent_at
            await notification.save(update_fields=["status", "sent_at", "updated_at"])
            if await _insert_recipients(notification):
                await _queue_emails(notification)
            delivered.append(notification.id)


@dataclasses.dataclass(frozen=True, slots=True)
class EmailLetter:
    user_id: int
    email: str
    first_name: str


async def email_batch(actor: Actor, *, notification_id: int, first_user_id: int,
                      last_user_id: int) -> tuple[Notification | None, list[EmailLetter]]:
    """The notification and the recipients with user ids in [first, last] to email."""
    authorize(actor, Permission.NOTIFICATIONS_SEND)
    notification = await Notification.get_or_none(id=notification_id)
    if notification is None or not emails_wanted(notification):
        return None, []
    rows = await _db().execute_query_dict(
        _EMAIL_BATCH_SQL, [notification_id, first_user_id, last_user_id, is_urgent(notification)])
    return notification, [EmailLetter(user_id=r["user_id"], email=r["email"], first_name=r["first_name"])
                          for r in rows]


async def record_email_sent(actor: Actor, *, notification_id: int, user_id: int) -> None:
    """The recipient's email for this notification has been handed over (SMTP or outbox)."""
    authorize(actor, Permission.NOTIFICATIONS_SEND)
    await _db().execute_query(
        "INSERT INTO notification_emails (notification_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        [notification_id, user_id])


async def get_notification(actor: Actor, *, notification_id: int) -> dict[str, Any]:
    authorize(actor, Permission.NOTIFICATIONS_INBOX)
    notification = await get_or_404(visible_notifications(actor), notification_id, label="Notification")
    row = {name: getattr(notification, name) for name in NOTIFICATION_FIELDS}
    if actor.can(Permission.NOTIFICATIONS_MANAGE):
        row["delivery"] = (await _delivery(notification)).as_dict()
    return row


@dataclasses.dataclass(frozen=True, slots=True)
class Delivery:
    """How far a notification has reached: inbox rows written so far (they grow while the
    fan-out job runs), how many of them are read, the emails handed over, and the
    recipients not emailed because they opted out of non-urgent email (0 for urgent ones)."""

    notification_id: int
    recipients: int
    read: int
    emails_sent: int
    emails_opted_out: int

    def as_dict(self) -> dict[str, int]:
        return {"recipients": self.recipients, "read": self.read, "emails_sent": self.emails_sent,
                "emails_opted_out": self.emails_opted_out}


async def _delivery(notification: Notification) -> Delivery:
    row = (await _db().execute_query_dict(_DELIVERY_SQL, [notification.id]))[0]
    return Delivery(notification_id=notification.id, recipients=int(row["recipients"]), read=int(row["read"]),
                    emails_sent=int(row["emails_sent"]),
                    emails_opted_out=0 if is_urgent(notification) else int(row["opted_out"]))


async def get_delivery(actor: Actor, *, notification_id: int) -> Delivery:
    """Admin and staff: a notification's delivery (the composer's screen shows it)."""
    authorize(actor, Permission.NOTIFICATIONS_MANAGE)
    notification = await get_or_404(visible_notifications(actor), notification_id, label="Notification")
    return await _delivery(notification)


async def list_all_notifications(
    actor: Actor, *, page: PageRequest, notification_type: NotificationType | None = None,
    priority: PriorityLevel | None = None, status: NotificationStatus | None = None,
    target_audience: TargetAudience | None = None,
) -> Page[dict]:
    authorize(actor, Permission.NOTIFICATIONS_MANAGE)
    query = Notification.all()
    for name, value in (("notification_type", notification_type), ("priority", priority), ("status", status),
                        ("target_audience", target_audience)):
        if value is not None:
            query = query.filter(**{name: value})
    query = query.order_by("-created_at", "-id")
    total = await query.count()
    items = await query.offset(page.offset).limit(page.page_size).values(*NOTIFICATION_FIELDS) if total else []
    return Page(items=items, total=total, page=page.page, page_size=page.page_size)


async def inbox(actor: Actor, *, page: PageRequest, is_read: bool | None = None) -> Page[dict]:
    """The caller's own notifications, newest first."""
    authorize(actor, Permission.NOTIFICATIONS_INBOX)
    query = UserNotification.filter(user_id=actor.user_id)
    if is_read is not None:
        query = query.filter(is_read=is_read)
    total = await query.count()
    items: list[dict] = []
    if total and page.offset < total:
        read_filter = "" if is_read is None else ("AND un.is_read" if is_read else "AND NOT un.is_read")
        items = await _db().execute_query_dict(_INBOX_SQL.format(filter=read_filter),
                                               [actor.user_id, page.page_size, page.offset])
    return Page(items=items, total=total, page=page.page, page_size=page.page_size)


async def unread_count(actor: Actor) -> dict[str, int | None]:
    authorize(actor, Permission.NOTIFICATIONS_INBOX)
    count = await UserNotification.filter(user_id=actor.user_id, is_read=False).count()
    return {"user_id": actor.user_id, "unread_count": count}


async def mark_read(actor: Actor, *, notification_id: int) -> dict[str, Any]:
    """The caller's copy, read from now on; reading it again changes nothing."""
    authorize(actor, Permission.NOTIFICATIONS_INBOX)
    await _db().execute_query(_MARK_READ_SQL, [actor.user_id, notification_id])
    rows = await _db().execute_query_dict(
        _INBOX_SQL.format(filter="AND un.notification_id = $4"), [actor.user_id, 1, 0, notification_id])
    if not rows:
        raise NotFound("Notification not found")
    return rows[0]


async def delete_notification(actor: Actor, *, notification_id: int) -> None:
    """Hard delete; the recipients' copies go with it (ON DELETE CASCADE)."""
    authorize(actor, Permission.NOTIFICATIONS_MANAGE)
    async with atomic():
        notification = await get_or_404(Notification, notification_id, label="Notification", for_update=True)
        await audit.record(actor, "delete", notification, before=audit.snapshot(notification))
        await notification.delete()


# --- the email opt-out --------------------------------------------------------------------

@dataclasses.dataclass(frozen=True, slots=True)
class EmailPreference:
    user_id: int
    email_opt_out: bool
    # None: never changed (the default, every notice emailed).
    updated_at: dt.datetime | None


_UPSERT_PREFERENCE_SQL = """
INSERT INTO notification_preferences AS p (user_id, email_opt_out, updated_at) VALUES ($1, $2, now())
ON CONFLICT (user_id) DO UPDATE SET email_opt_out = EXCLUDED.email_opt_out,
    updated_at = CASE WHEN p.email_opt_out = EXCLUDED.email_opt_out THEN p.updated_at ELSE now() END
RETURNING user_id, email_opt_out, updated_at
"""


def _own_user_id(actor: Actor) -> int:
    if actor.user_id is None:
        raise InvalidState("An email preference belongs to a signed-in user")
    return actor.user_id


async def get_email_preference(actor: Actor) -> EmailPreference:
    """The caller's own choice: urgent notices are emailed whatever it says."""
    authorize(actor, Permission.NOTIFICATIONS_INBOX)
    user_id = _own_user_id(actor)
    rows = await _db().execute_query_dict(
        "SELECT user_id, email_opt_out, updated_at FROM notification_preferences WHERE user_id = $1", [user_id])
    if not rows:
        return EmailPreference(user_id=user_id, email_opt_out=False, updated_at=None)
    return EmailPreference(**rows[0])


async def set_email_preference(actor: Actor, *, email_opt_out: bool) -> EmailPreference:
    """Opt the caller out of (or back into) email for non-urgent notices; setting the same
    value again changes nothing. Batches not yet sent honour it at once."""
    authorize(actor, Permission.NOTIFICATIONS_INBOX)
    rows = await _db().execute_query_dict(_UPSERT_PREFERENCE_SQL, [_own_user_id(actor), email_opt_out])
    return EmailPreference(**rows[0])


# --- notices the university sends itself ------------------------------------------------


async def send_system_notice(actor: Actor, *, title: str, message: str, user_ids: Sequence[int],
                             notification_type: NotificationType = NotificationType.INFO,
                             priority: PriorityLevel = PriorityLevel.MEDIUM) -> Notification:
    """A notification with no sender to these users (who must exist; inactive ones are
    skipped), with its recipients written in the same transaction as the caller's, and its
    emails queued after the commit. The reminder rules call it inside their transaction,
    so a rule's record of whom it told and the notice commit or roll back together."""
    authorize(actor, Permission.NOTIFICATIONS_SEND)
    recipients = list(dict.fromkeys(user_ids))
    async with atomic():
        notification = await Notification.create(
            title=title[:255], message=message, notification_type=notification_type,
            target_audience=TargetAudience.SPECIFIC, target_user_ids=recipients, priority=priority,
            sent_by_id=None, status=NotificationStatus.SENT, sent_at=dt.datetime.now(dt.UTC))
        if await _insert_recipients(notification):
            await _queue_emails(notification)
    return notification


async def notifications_received(actor: Actor, *, user_id: int, limit: int = 20) -> dict[str, Any]:
    """The newest notifications delivered to one user, with how many they received and
    how many are unread. Staff who manage notifications read anyone's; others their own
    (anyone else's is "not found")."""
    authorize(actor, Permission.NOTIFICATIONS_INBOX)
    if user_id != actor.user_id and not actor.can(Permission.NOTIFICATIONS_MANAGE):
        raise NotFound("User not found")
    counts = await _db().execute_query_dict(
        "SELECT count(*) AS total, count(*) FILTER (WHERE NOT is_read) AS unread "
        "FROM user_notifications WHERE user_id = $1", [user_id])
    total = int(counts[0]["total"])
    items = await _db().execute_query_dict(_INBOX_SQL.format(filter=""), [user_id, max(1, limit), 0]) if total else []
    return {"items": items, "total": total, "unread": int(counts[0]["unread"])}
