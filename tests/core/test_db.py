"""Transactions and jobs queued after commit."""

from __future__ import annotations

import pytest

from dashboard.core import cache
from dashboard.core.db import atomic, on_commit
from dashboard.core.queue import SendEmail, queue_after_commit
from models import Department
from tests import factories


async def _queued_functions() -> list[str]:
    """The jobs queued by code, not by a worker's cron schedule (`cron:...`): a job worker
    process that another test starts on this Redis database (the bench harness's) queues
    its cron jobs there at the minute's turn."""
    jobs = await cache.redis().queued_jobs()
    return sorted(job.function for job in jobs if not job.function.startswith("cron:"))


async def test_a_job_queued_in_a_transaction_waits_for_the_commit(app):
    async with atomic():
        await factories.create_department(code="TXA")
        await queue_after_commit(SendEmail(to="a@uni.edu", subject="s", text="t"))
        assert await _queued_functions() == []
    assert await _queued_functions() == ["send_email"]


async def test_a_rolled_back_transaction_queues_nothing(app):
    with pytest.raises(RuntimeError):  # noqa: PT012 - the transaction block is what raises
        async with atomic():
            await factories.create_department(code="TXB")
            await queue_after_commit(SendEmail(to="a@uni.edu", subject="s", text="t"))
            raise RuntimeError("rule broken")
    assert await _queued_functions() == []
    assert not await Department.filter(code="TXB").exists()


async def test_nested_transactions_join_the_outer_one(app):
    with pytest.raises(RuntimeError):  # noqa: PT012 - the transaction block is what raises
        async with atomic():
            async with atomic():
                await factories.create_department(code="TXC")
                await queue_after_commit(SendEmail(to="a@uni.edu", subject="s", text="t"))
            raise RuntimeError("outer fails after inner finished")
    assert not await Department.filter(code="TXC").exists()
    assert await _queued_functions() == []


async def test_outside_a_transaction_callbacks_run_at_once(app):
    ran: list[str] = []

    async def remember() -> None:
        ran.append("now")

    await on_commit(remember)
    assert ran == ["now"]


async def test_queued_email_is_delivered_by_the_worker_to_the_outbox(app, services, run_jobs):
    from pathlib import Path

    outbox = Path(services["data_dir"]) / "outbox"
    earlier = set(outbox.glob("*.eml"))
    await queue_after_commit(SendEmail(to="someone@uni.edu", subject="Hello", text="Plain", html="<p>Rich</p>"))
    assert await run_jobs() == 1
    files = list(set(outbox.glob("*.eml")) - earlier)
    assert len(files) == 1
    content = files[0].read_text()
    assert "Subject: Hello" in content and "text/plain" in content and "text/html" in content
