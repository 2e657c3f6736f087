"""Notifications and each recipient's copy of them."""

from typing import TYPE_CHECKING, Any

from tortoise import fields

from models.base import TimestampedModel
from models.enums import NotificationStatus, NotificationType, PriorityLevel, TargetAudience

if TYPE_CHECKING:
    from models import User


class Notification(TimestampedModel):
    title = fields.CharField(max_length=255)
    message = fields.TextField()
    notification_type = fields.CharEnumField(NotificationType, max_length=20, db_index=True)
    target_audience = fields.CharEnumField(TargetAudience, max_length=20, null=True)
    # The recipients' user ids when target_audience is `specific`.
    target_user_ids: fields.JSONField[Any] = fields.JSONField(null=True)
    priority = fields.CharEnumField(PriorityLevel, max_length=20)
    # None: sent by the university itself (the reminder rules of jobs/reminders.py), not
    # by a person.
    sent_by: fields.ForeignKeyNullableRelation["User"] = fields.ForeignKeyField(
        "models.User",
        related_name="sent_notifications",
        null=True,
        db_index=True,
        on_delete=fields.OnDelete.RESTRICT,
    )
    sent_by_id: int | None
    scheduled_at = fields.DatetimeField(null=True)
    sent_at = fields.DatetimeField(null=True)
    status = fields.CharEnumField(
        NotificationStatus, max_length=20, default=NotificationStatus.SENT, db_index=True
    )

    class Meta:
        table = "notifications"

    def __str__(self) -> str:
        return self.title


class UserNotification(TimestampedModel):
    """A recipient's copy of a notification (their inbox row)."""

    # user_id leads the unique key, which serves the inbox and the unread count too (a
    # second (user_id, is_read) index cost every fan-out one more index entry per recipient).
    user: fields.ForeignKeyRelation["User"] = fields.ForeignKeyField(
        "models.User", related_name="user_notifications", on_delete=fields.OnDelete.CASCADE
    )
    user_id: int
    notification: fields.ForeignKeyRelation["Notification"] = fields.ForeignKeyField(
        "models.Notification",
        related_name="recipients",
        db_index=True,
        on_delete=fields.OnDelete.CASCADE,
    )
    notification_id: int
    is_read = fields.BooleanField(default=False)
    read_at = fields.DatetimeField(null=True)

    class Meta:
        table = "user_notifications"
        unique_together = (("user", "notification"),)

    def __str__(self) -> str:
        return f"notification {self.notification_id} to user {self.user_id}"
