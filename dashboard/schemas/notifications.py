"""Request and response bodies of /notifications (domain.md §3.15)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AliasChoices, ConfigDict, Field, model_validator

from dashboard.schemas.base import InputModel, OutputModel
from dashboard.schemas.fields import RefId
from models.enums import NotificationStatus, NotificationType, PriorityLevel, TargetAudience

# A `specific` list longer than this is an audience, not a list: use a target.
MAX_SPECIFIC_RECIPIENTS = 5000
Title = Annotated[str, Field(min_length=1, max_length=255)]
Body = Annotated[str, Field(min_length=1, max_length=10000)]


class NotificationCreate(InputModel):
    """`status` sent (the default) delivers now, scheduled at `scheduled_at`, draft never.
    `target_id` (or `target_user_ids`) lists the user ids of a `specific` audience."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "title": "Library closed on Friday", "message": "The central library is closed on Friday 5 June.",
        "notification_type": "announcement", "target_audience": "students", "priority": "medium"}]})

    title: Title
    message: Body
    notification_type: NotificationType
    target_audience: TargetAudience | None = None
    target_id: Annotated[
        list[RefId] | None,
        Field(max_length=MAX_SPECIFIC_RECIPIENTS, validation_alias=AliasChoices("target_id", "target_user_ids"),
              description="The user ids of a `specific` audience"),
    ] = None
    priority: PriorityLevel = PriorityLevel.MEDIUM
    status: NotificationStatus = NotificationStatus.SENT
    scheduled_at: dt.datetime | None = None

    @model_validator(mode="after")
    def _consistent(self) -> NotificationCreate:
        if self.status is NotificationStatus.FAILED:
            raise ValueError("status must be sent, scheduled or draft")
        if self.target_audience is TargetAudience.SPECIFIC and not self.target_id:
            raise ValueError("a specific audience needs target_id, a list of user ids")
        if self.target_audience is not TargetAudience.SPECIFIC and self.target_id:
            raise ValueError("target_id is only for target_audience specific")
        if self.status is NotificationStatus.SCHEDULED:
            if self.scheduled_at is None:
                raise ValueError("a scheduled notification needs scheduled_at")
            if self.scheduled_at.tzinfo is None:
                raise ValueError("scheduled_at needs a time zone (such as Z)")
        elif self.scheduled_at is not None:
            raise ValueError("scheduled_at is only for status scheduled")
        return self


class AudienceQuery(InputModel):
    target_audience: TargetAudience
    target_id: Annotated[list[RefId] | None, Field(max_length=MAX_SPECIFIC_RECIPIENTS)] = None


class DeliveryOut(OutputModel):
    recipients: int = Field(description="Inbox rows written so far (they grow while the fan-out runs)")
    read: int = Field(description="Recipients who have read it")
    emails_sent: int = Field(0, description="Emails handed to the mail server")
    emails_opted_out: int = Field(0, description="Recipients not emailed: they opted out of non-urgent email")


class NotificationOut(OutputModel):
    id: int
    title: str
    message: str
    notification_type: NotificationType
    target_audience: TargetAudience | None
    target_user_ids: list[int] | None = None
    priority: PriorityLevel
    status: NotificationStatus
    sent_by: int | None = Field(validation_alias=AliasChoices("sent_by_id", "sent_by"),
                                description="The sender's user id; null when the university sent it (a reminder)")
    scheduled_at: dt.datetime | None
    sent_at: dt.datetime | None
    created_at: dt.datetime
    # Recipients and how many have read it: for admin and staff only.
    delivery: DeliveryOut | None = None


class InboxItemOut(OutputModel):
    id: int
    notification_id: int = Field(description="The notification's row id")
    title: str
    message: str
    notification_type: NotificationType
    priority: PriorityLevel
    sent_by: int | None = Field(description="The sender's user id; null when the university sent it (a reminder)")
    is_read: bool
    read_at: dt.datetime | None
    created_at: dt.datetime


class UnreadOut(OutputModel):
    user_id: int = Field(description="The caller's user id")
    unread_count: int


class AudienceOut(OutputModel):
    target_audience: TargetAudience
    recipients: int



class EmailPreferenceUpdate(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"email_opt_out": True}]})

    email_opt_out: bool = Field(description="True: no email for non-urgent notices (urgent ones are always emailed)")


class EmailPreferenceOut(OutputModel):
    user_id: int = Field(description="The caller's user id")
    email_opt_out: bool = Field(description="True: no email for non-urgent notices (urgent ones are always emailed)")
    updated_at: dt.datetime | None = Field(description="When it was last changed; null if never")
