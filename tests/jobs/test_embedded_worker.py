"""The worker `make run` embeds in the web process (dashboard.app with run_worker): it runs
the collected jobs as they arrive, and stops cleanly."""

from __future__ import annotations

import asyncio
import time

from dashboard.settings import get_settings
from jobs.worker import in_process_worker, stop_worker
from tests import factories


async def test_the_embedded_worker_delivers_a_forgot_password_email_while_it_runs(client, services):
    outbox = get_settings().outbox_dir
    for path in outbox.glob("*.eml"):
        path.unlink()
    await factories.create_user(email="ada@example.edu")
    worker = in_process_worker(services["redis_url"])
    task = asyncio.create_task(worker.async_run())
    try:
        response = await client.post("/api/v1/auth/forgot-password", json={"email": "ada@example.edu"})
        assert response.status_code == 200
        deadline = time.monotonic() + 15
        while not list(outbox.glob("*.eml")):
            assert time.monotonic() < deadline, "the embedded worker did not deliver the email"
            assert not task.done(), task
            await asyncio.sleep(0.05)
    finally:
        await stop_worker(worker)
        await asyncio.wait_for(asyncio.gather(task, return_exceptions=True), timeout=15)
    [path] = outbox.glob("*.eml")
    assert "Your password reset code" in path.read_text()
    assert worker.jobs_complete == 1 and worker.jobs_failed == 0
