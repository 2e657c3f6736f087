"""Notification delivery: the fan-out of a sent notice (in parts for a large audience), the
scheduled ones when their time comes (every minute), and their emails in batches."""

from __future__ import annotations

import logging
from typing import Any

from arq import cron
from jinja2 import Environment, StrictUndefined

from dashboard.core.actor import Actor
from dashboard.core.queue import handles
from dashboard.services import notifications
from dashboard.services.notifications import EmailNotification, FanOutNotification, FanOutRecipients
from jobs.emails import deliver

log = logging.getLogger("jobs.notifications")

_TEXT = """Hello {{ name }},

{{ message }}

This notice was sent through University Dashboard; read it there under Notifications.
"""
_HTML = """<!doctype html>
<html><body style="font-family: sans-serif">
<p>Hello {{ name }},</p>
<p style="white-space: pre-wrap">{{ message }}</p>
<p style="color: #666">This notice was sent through University Dashboard; read it there under Notifications.</p>
</body></html>
"""
_text_env = Environment(undefined=StrictUndefined, autoescape=False)  # noqa: S701 - the plain-text part
_html_env = Environment(undefined=StrictUndefined, autoescape=True)


@handles(FanOutNotification)
async def fan_out_notification(ctx: dict[str, Any], *, notification_id: int) -> int:
    return await notifications.fan_out(Actor.system(), notification_id=notification_id)


@handles(FanOutRecipients)
async def fan_out_recipients(ctx: dict[str, Any], *, notification_id: int, first_user_id: int,
                             last_user_id: int) -> int:
    return await notifications.fan_out_part(Actor.system(), notification_id=notification_id,
                                            first_user_id=first_user_id, last_user_id=last_user_id)


@handles(EmailNotification)
async def email_notification(ctx: dict[str, Any], *, notification_id: int, first_user_id: int,
                             last_user_id: int) -> int:
    notification, letters = await notifications.email_batch(
        Actor.system(), notification_id=notification_id, first_user_id=first_user_id, last_user_id=last_user_id)
    if notification is None:
        return 0
    sent = 0
    subject = notification.title if len(notification.title) < 200 else notification.title[:197] + "…"
    for letter in letters:
        context = {"name": letter.first_name, "message": notification.message}
        await deliver(ctx, to=letter.email, subject=subject, text=_text_env.from_string(_TEXT).render(context),
                      html=_html_env.from_string(_HTML).render(context))
        # Recorded as each one is handed over: a retried batch resumes after it.
        await notifications.record_email_sent(Actor.system(), notification_id=notification_id,
                                              user_id=letter.user_id)
        sent += 1
    return sent


async def deliver_scheduled_notifications(ctx: dict[str, Any]) -> int:
    delivered = await notifications.deliver_due(Actor.system())
    if delivered:
        log.info("scheduled notifications delivered", extra={"fields": {"ids": delivered}})
    return len(delivered)


deliver_scheduled = cron(deliver_scheduled_notifications, second=0, unique=True)
