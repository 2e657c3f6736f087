"""Email delivery. Requests never send mail themselves; they queue `send_email`, either
with a finished message or with the name of a template below and its context (services
name a template rather than import this module: jobs sit above services)."""

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


# name: (subject, plain text, HTML). Every message has both parts.
TEMPLATES: dict[str, tuple[str, str, str]] = {
    "password_reset_otp": (
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
    "verify_email_otp": (
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

_text_env = Environment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
_html_env = Environment(undefined=StrictUndefined, autoescape=True, keep_trailing_newline=True)


def render(template: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """(subject, text, html) of a named template; names and values come from the caller,
    so the HTML part escapes them."""
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


async def send_email(ctx: dict[str, Any], *, to: str, subject: str | None = None, text: str | None = None,
                     html: str | None = None, template: str | None = None,
                     context: dict[str, Any] | None = None) -> str:
    """Deliver by SMTP when configured, else write to the local outbox. Transient SMTP
    failures are retried with a growing delay; a refused recipient is final."""
    settings = get_settings()
    if template is not None:
        subject, text, html = render(template, context or {})
    if subject is None or text is None:
        raise ValueError("send_email needs a template, or a subject and a text")
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
