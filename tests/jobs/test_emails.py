"""The email jobs: SMTP with both parts, the outbox without SMTP, retries on transient
failures, the templates, and the one-time-code job that makes its code itself."""

from __future__ import annotations

import socket
from email import message_from_bytes, policy

import pytest
from arq import Retry

from dashboard.core.queue import SendEmail, enqueue
from dashboard.services.otp import OtpPurpose
from dashboard.settings import get_settings
from jobs.emails import TEMPLATES, deliver, render, send_email

CONTEXT = {"name": "Ada <script>alert(1)</script>", "code": "042917", "minutes": 5}


@pytest.fixture
def outbox(services):
    directory = get_settings().outbox_dir
    for path in directory.glob("*.eml"):
        path.unlink()
    return directory


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_every_template_has_text_and_escaped_html(services, template):
    subject, text, html = render(template, CONTEXT)
    assert subject and "042917" in text and "042917" in html
    assert "Ada <script>" in text  # plain text is not HTML
    assert "<script>" not in html and "Ada &lt;script&gt;" in html


def test_a_template_needs_its_whole_context(services):
    with pytest.raises(Exception, match="code"):
        render(OtpPurpose.RESET_PASSWORD, {"name": "Ada", "minutes": 5})


async def test_sends_by_smtp_with_plain_and_html_parts(smtp_sink, outbox):
    subject, text, html = render(OtpPurpose.RESET_PASSWORD, CONTEXT)
    result = await deliver({"job_try": 1}, to="ada@example.edu", subject=subject, text=text, html=html)
    assert result == "sent"
    [message] = smtp_sink.messages
    assert message["To"] == "ada@example.edu" and message["From"] == get_settings().smtp_from_email
    assert message["Subject"] == "Your password reset code" and message["Message-ID"]
    assert "042917" in message.get_body(preferencelist=("plain",)).get_content()
    assert "042917" in message.get_body(preferencelist=("html",)).get_content()
    assert list(outbox.glob("*.eml")) == []


async def test_without_smtp_writes_the_outbox(services, outbox):
    assert get_settings().smtp_host is None
    result = await send_email({"job_try": 1}, to="ada@example.edu", subject="Hello", text="Plain body",
                              html="<p>HTML body</p>")
    assert result == "outbox"
    [path] = outbox.glob("*.eml")
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert message["Subject"] == "Hello"
    assert message.get_body(preferencelist=("plain",)).get_content().strip() == "Plain body"
    assert message.get_body(preferencelist=("html",)).get_content().strip() == "<p>HTML body</p>"


async def test_a_queued_message_is_delivered_by_the_worker(smtp_sink, run_jobs):
    await enqueue(SendEmail(to="ada@example.edu", subject="Welcome", text="Hello Ada"))
    assert smtp_sink.messages == []
    assert await run_jobs() == 1
    assert [m["Subject"] for m in smtp_sink.messages] == ["Welcome"]


@pytest.mark.parametrize(("job_try", "delay_ms"), [(1, 2000), (3, 8000), (12, 300_000)])
async def test_an_unreachable_smtp_server_is_retried_with_growing_delay(services, job_try, delay_ms):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings = get_settings()
    saved = (settings.smtp_host, settings.smtp_port, settings.smtp_timeout_seconds)
    settings.smtp_host, settings.smtp_port, settings.smtp_timeout_seconds = "127.0.0.1", closed_port, 2
    try:
        with pytest.raises(Retry) as retry:
            await send_email({"job_try": job_try}, to="ada@example.edu", subject="Hi", text="Hi")
    finally:
        settings.smtp_host, settings.smtp_port, settings.smtp_timeout_seconds = saved
    assert retry.value.defer_score == delay_ms


