"""Email delivery. Requests never send mail themselves: they queue a job, either a finished
message (`SendEmail`) or the one-time-code email (`SendOneTimeCode`), whose job makes the
code and renders it here, so that no code is ever in a job's arguments."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

import aiosmtplib
from arq import Retry
from jinja2 import Environment, StrictUndefined

from dashboard.core.actor import Actor
from dashboard.core.queue import SendEmail, handles
from dashboard.services import auth
from dashboard.services.otp import OtpPurpose
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


# purpose: (subject, plain text, HTML). Every message has both parts.
TEMPLATES: dict[OtpPurpose, tuple[str, str, str]] = {
    OtpPurpose.RESET_PASSWORD: (
        "Your password reset code",
        """Hello {{ name }},

Your code to reset your University Dashboard password is: {{ code }}

It expires in {{ minutes }} minutes and works once. If you did not ask to reset your
password, ignore this email: your password stays as it is.
""",
        """<!doctype html>
<html><body style="font-family: sans-serif">
<p>Hello {{ name }},</p>
<p>Your code to reset your University Dashboard password is:</p>
<p style="font-size: 24px; font-weight: bold; letter-spacing: 4px">{{ code }}</p>
<p>It expires in {{ minutes }} minutes and works once. If you did not ask to reset your
password, ignore this email: your password stays as it is.</p>
</body></html>
""",
    ),
    OtpPurpose.VERIFY_EMAIL: (
        "Confirm your email address",
        """Hello {{ name }},

Your code to confirm this email address for University Dashboard is: {{ code }}

It expires in {{ minutes }} minutes and works once.
""",
        """<!doctype html>
<html><body style="font-family: sans-serif">
<p>Hello {{ name }},</p>
<p>Your code to confirm this email address for University Dashboard is:</p>
<p style="font-size: 24px; font-weight: bold; letter-spacing: 4px">{{ code }}</p>
<p>It expires in {{ minutes }} minutes and works once.</p>
</body></html>
""",
    ),
}

_text_env = Environment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)  # noqa: S701 - the plain-text part
_html_env = Environment(undefined=StrictUndefined, autoescape=True, keep_trailing_newline=True)


def render(template: OtpPurpose, context: dict[str, Any]) -> tuple[str, str, str]:
    """(subject, text, html) of a template; names come from users, so the HTML part
    escapes them."""
    subject, text, html = TEMPLATES[template]
    return (
        _text_env.from_string(subject).render(context),
        _text_env.from_string(text).render(context),
        _html_env.from_string(html).render(context),
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


@handles(SendEmail)
async def send_email(ctx: dict[str, Any], *, to: str, subject: str, text: str, html: str | None = None) -> str:
    return await deliver(ctx, to=to, subject=subject, text=text, html=html)


@handles(auth.SendOneTimeCode)
async def send_one_time_code(ctx: dict[str, Any], *, user_id: int, purpose: OtpPurpose) -> str:
    """A fresh code for each run: a retried delivery sends a new code, replacing the one
    that never arrived."""
    letter = await auth.issue_code_letter(Actor.system(), user_id=user_id, purpose=purpose)
    if letter is None:
        return "skipped"
    subject, text, html = render(purpose, {"name": letter.first_name, "code": letter.code,
                                           "minutes": letter.minutes})
    return await deliver(ctx, to=letter.email, subject=subject, text=text, html=html)


async def deliver(ctx: dict[str, Any], *, to: str, subject: str, text: str, html: str | None) -> str:
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
