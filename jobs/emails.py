"""Email delivery. Requests never send mail themselves; they queue `send_email`."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

import aiosmtplib
from arq import Retry

from dashboard.settings import get_settings

log = logging.getLogger("jobs.emails")

# Failures worth another try: the server or the network, not the message.
_TRANSIENT = (
    aiosmtplib.SMTPConnectError,
    aiosmtplib.SMTPServerDisconnected,
    aiosmtplib.SMTPTimeoutError,
    aiosmtplib.SMTPConnectTimeoutError,
    ConnectionError,
    TimeoutError,
    OSError,
)


def build_message(*, to: str, subject: str, text: str, html: str | None) -> EmailMessage:
    settings = get_settings()
    message = EmailMessage()
    message["From"] = settings.smtp_from_email
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(dt.datetime.now(dt.UTC))
    message["Message-ID"] = make_msgid(domain="university-dashboard")
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    return message


async def send_email(ctx: dict[str, Any], *, to: str, subject: str, text: str, html: str | None = None) -> str:
    """Deliver by SMTP when configured, else write to the local outbox. Transient SMTP
    failures are retried with a growing delay; a refused recipient is final."""
    settings = get_settings()
    message = build_message(to=to, subject=subject, text=text, html=html)
    if not settings.smtp_host:
        outbox = settings.outbox_dir
        outbox.mkdir(parents=True, exist_ok=True)
        path = outbox / f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}.eml"
        path.write_bytes(message.as_bytes())
        log.info("email written to outbox", extra={"fields": {"to": to, "subject": subject, "file": str(path)}})
        return "outbox"
    try:
        await aiosmtplib.send(
            message,
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_user,
            password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
            start_tls=settings.smtp_starttls,
            timeout=settings.smtp_timeout_seconds,
        )
    except _TRANSIENT as exc:
        attempt = ctx.get("job_try", 1)
        log.warning("email delivery failed (try %s): %r", attempt, exc)
        raise Retry(defer=min(2**attempt, 300)) from exc
    return "sent"
