"""The job queues: interactive jobs (a login code, a report file) wait in the default queue,
bulk mail in its own, and the worker consumes both at once, so a notice to the whole
university never holds up someone waiting for a code."""

from __future__ import annotations

import asyncio
import dataclasses
import time

import pytest

from dashboard.core import cache
from dashboard.core.actor import Actor
from dashboard.core.queue import BULK_QUEUE, DEFAULT_QUEUE, Job, SendEmail, enqueue, queue_after_commit
from dashboard.services import notifications
from dashboard.services.auth import SendOneTimeCode
from dashboard.services.imports import SendImportInvitations
from dashboard.services.notifications import EmailNotification, FanOutNotification
from dashboard.services.reminders import NotifyResultsPublished
from dashboard.services.reports import GenerateReport
from dashboard.settings import get_settings
from jobs.worker import in_process_worker, stop_worker
from models import User
from models.enums import UserType
from tests import factories

RESET_SUBJECT = "Your password reset code"


def test_interactive_jobs_use_the_default_queue_and_mass_mail_the_bulk_one():
    assert SendOneTimeCode.queue == SendEmail.queue == GenerateReport.queue == DEFAULT_QUEUE
    # One job per notice writes its inbox rows; its many email batches are the bulk.
    assert FanOutNotification.queue == DEFAULT_QUEUE
    for job in (EmailNotification, NotifyResultsPublished, SendImportInvitations):
        assert job.queue == BULK_QUEUE, job


def test_a_job_naming_an_unknown_queue_is_refused_at_import():
    with pytest.raises(TypeError, match="queue must be one of"):

        @dataclasses.dataclass(frozen=True, kw_only=True)
        class Misrouted(Job):
            queue = "arq:queue:elsewhere"
            user_id: int


async def test_each_job_is_queued_on_its_own_queue_after_commit(app):
    await queue_after_commit(SendEmail(to="a@uni.edu", subject="s", text="t"))
    await enqueue(EmailNotification(notification_id=1, first_user_id=1, last_user_id=9))
    redis = cache.redis()
    assert [job.function for job in await redis.queued_jobs(queue_name=DEFAULT_QUEUE)] == ["send_email"]
    assert [job.function for job in await redis.queued_jobs(queue_name=BULK_QUEUE)] == ["email_notification"]
    # The job id still makes queueing idempotent, whichever queue the job waits in.
    await enqueue(EmailNotification(notification_id=1, first_user_id=1, last_user_id=9))
    assert await redis.zcard(BULK_QUEUE) == 1


def test_cron_jobs_are_scheduled_by_one_worker_only(services):
    workers = in_process_worker(services["redis_url"])
    assert {worker.queue_name for worker in workers.workers} == {DEFAULT_QUEUE, BULK_QUEUE}
    assert workers[DEFAULT_QUEUE].cron_jobs and not workers[BULK_QUEUE].cron_jobs
    # Both share the whole function table: a job runs whichever queue it was sent to.
    assert set(workers[DEFAULT_QUEUE].functions) >= set(workers[BULK_QUEUE].functions)
    assert "email_notification" in workers[DEFAULT_QUEUE].functions


async def test_a_password_reset_code_is_not_held_up_by_a_notice_to_everyone(admin_client, client, smtp_sink,
                                                                             monkeypatch, services):
    batches = 60
    monkeypatch.setattr(get_settings(), "notification_email_batch", 1)
    await User.bulk_create([
        User(user_type=UserType.STUDENT, email=f"mass{n}@example.edu", user_name=f"mass{n}",
             hashed_password=factories.PASSWORD_HASH, first_name=f"Mass{n}", last_name="Student")
        for n in range(batches)
    ])
    await factories.create_user(email="ada@example.edu", user_type=UserType.FACULTY)
    response = await admin_client.post("/api/v1/notifications", json={
        "title": "Campus closed", "message": "Closed on Friday.", "notification_type": "announcement",
        "target_audience": "students", "priority": "medium"})
    assert response.status_code == 201, response.text
    # The fan-out the request queued, done now: one email batch per student is queued.
    await notifications.fan_out(Actor.system(), notification_id=response.json()["id"])
    redis = cache.redis()
    queued_batches = await redis.zcard(BULK_QUEUE)
    assert queued_batches == batches

    response = await client.post("/api/v1/auth/forgot-password", json={"email": "ada@example.edu"})
    assert response.status_code == 200
    [code_job] = [job for job in await redis.queued_jobs(queue_name=DEFAULT_QUEUE)
                  if job.function == "send_one_time_code"]
    # In one shared queue the code would come last: arq takes jobs in the order queued.
    assert code_job.score > max(job.score for job in await redis.queued_jobs(queue_name=BULK_QUEUE))

    workers = in_process_worker(services["redis_url"])
    task = asyncio.create_task(workers.async_run())
    try:
        deadline = time.monotonic() + 30
        while not any(m["Subject"] == RESET_SUBJECT for m in smtp_sink.messages):
            assert time.monotonic() < deadline, "the reset code was not delivered"
            assert not task.done(), task
            await asyncio.sleep(0.01)
        still_queued = await redis.zcard(BULK_QUEUE)
        mailed_before_code = sum(m["Subject"] == "Campus closed" for m in smtp_sink.messages)
        assert still_queued > queued_batches // 2, (still_queued, mailed_before_code)
        # The bulk queue drains on its own slots afterwards.
        while await redis.zcard(BULK_QUEUE):
            assert time.monotonic() < deadline + 60, "the notice's batches did not drain"
            assert not task.done(), task
            await asyncio.sleep(0.05)
    finally:
        await stop_worker(workers)
        await asyncio.wait_for(asyncio.gather(task, return_exceptions=True), timeout=15)
    assert workers.jobs_failed == 0
    assert sum(m["Subject"] == "Campus closed" for m in smtp_sink.messages) == batches
    assert [m["To"] for m in smtp_sink.messages if m["Subject"] == RESET_SUBJECT] == ["ada@example.edu"]


async def test_the_burst_worker_runs_every_queue(admin_client, smtp_sink, run_jobs, monkeypatch):
    """`run_jobs` (the tests' burst worker) runs, in one call, a notice's fan-out and a code on
    the default queue and the email batches the fan-out queued on the bulk one."""
    monkeypatch.setattr(get_settings(), "notification_email_batch", 1)
    students = [await factories.create_user(user_type=UserType.STUDENT) for _ in range(3)]
    await factories.create_user(email="grace@example.edu", user_type=UserType.FACULTY)
    response = await admin_client.post("/api/v1/notifications", json={
        "title": "Exam moved", "message": "To Monday.", "notification_type": "announcement",
        "target_audience": "students", "priority": "medium"})
    assert response.status_code == 201, response.text
    assert (await admin_client.post("/api/v1/auth/forgot-password",
                                    json={"email": "grace@example.edu"})).status_code == 200
    # The fan-out, its three batches and the code.
    assert await run_jobs() == 5
    assert sorted(m["To"] for m in smtp_sink.messages if m["Subject"] == "Exam moved") == sorted(
        s.email for s in students)
    assert [m["To"] for m in smtp_sink.messages if m["Subject"] == RESET_SUBJECT] == ["grace@example.edu"]
    redis = cache.redis()
    assert await redis.zcard(DEFAULT_QUEUE) == 0 and await redis.zcard(BULK_QUEUE) == 0
