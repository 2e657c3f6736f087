"""The one-time-code email job: queued with a user id, it makes the code itself, so that
neither the queue nor the worker's log ever holds it."""

from __future__ import annotations

import re
from email import message_from_bytes, policy

import pytest

from dashboard.core import cache
from dashboard.core.actor import Actor
from dashboard.core.errors import Forbidden
from dashboard.core.queue import enqueue
from dashboard.services import auth, otp
from dashboard.settings import get_settings
from models import User
from models.enums import UserType
from tests import factories


@pytest.fixture(autouse=True)
def _empty_outbox(services):
    for path in get_settings().outbox_dir.glob("*.eml"):
        path.unlink()


def _outbox():
    files = sorted(get_settings().outbox_dir.glob("*.eml"))
    return [message_from_bytes(path.read_bytes(), policy=policy.default) for path in files]


def _code(message) -> str:
    return re.search(r"\b(\d{6})\b", message.get_body(preferencelist=("plain",)).get_content()).group(1)


async def test_the_job_makes_the_code_and_its_arguments_are_an_id_and_a_purpose(app, run_jobs):
    user = await factories.create_user(email="ada@example.edu", first_name="Ada")
    await enqueue(auth.SendOneTimeCode(user_id=user.id, purpose=otp.OtpPurpose.RESET_PASSWORD))
    # Not a cron job (`cron:...`), which a worker process of another test may have queued here.
    [queued] = [job for job in await cache.redis().queued_jobs() if not job.function.startswith("cron:")]
    assert (queued.function, queued.args, queued.kwargs) == (
        "send_one_time_code", (), {"user_id": user.id, "purpose": otp.OtpPurpose.RESET_PASSWORD})
    assert await cache.redis().keys("otp:*") == [], "no code exists before the job runs"

    assert await run_jobs() == 1
    [message] = _outbox()
    assert message["To"] == "ada@example.edu" and message["Subject"] == "Your password reset code"
    assert "Hello Ada" in message.get_body(preferencelist=("plain",)).get_content()
    await otp.consume(otp.OtpPurpose.RESET_PASSWORD, "ada@example.edu", _code(message))


async def test_the_same_request_twice_before_the_worker_runs_sends_one_email(app, run_jobs):
    user = await factories.create_user()
    job = auth.SendOneTimeCode(user_id=user.id, purpose=otp.OtpPurpose.VERIFY_EMAIL)
    await enqueue(job)
    await enqueue(job)
    assert await run_jobs() == 1
    assert len(_outbox()) == 1
    # Once delivered, a new request is a new email.
    await enqueue(job)
    assert await run_jobs() == 1
    assert len(_outbox()) == 2


async def test_an_account_deactivated_or_verified_meanwhile_gets_no_email(app, run_jobs):
    leaving = await factories.create_user()
    verified = await factories.create_user()
    await enqueue(auth.SendOneTimeCode(user_id=leaving.id, purpose=otp.OtpPurpose.RESET_PASSWORD))
    await enqueue(auth.SendOneTimeCode(user_id=verified.id, purpose=otp.OtpPurpose.VERIFY_EMAIL))
    await enqueue(auth.SendOneTimeCode(user_id=10**9, purpose=otp.OtpPurpose.RESET_PASSWORD))
    await User.filter(id=leaving.id).update(is_active=False)
    await User.filter(id=verified.id).update(is_verified=True)
    assert await run_jobs() == 3
    assert _outbox() == []
    assert await cache.redis().keys("otp:*") == []


@pytest.mark.parametrize("role", list(UserType))
async def test_only_the_worker_may_make_a_code_for_an_email(app, role):
    user = await factories.create_user(user_type=role)
    with pytest.raises(Forbidden):
        await auth.issue_code_letter(Actor.for_user(user_id=user.id, role=role), user_id=user.id,
                                     purpose=otp.OtpPurpose.RESET_PASSWORD)
    letter = await auth.issue_code_letter(Actor.system(), user_id=user.id, purpose=otp.OtpPurpose.RESET_PASSWORD)
    assert letter is not None and letter.email == user.email and re.fullmatch(r"\d{6}", letter.code)
