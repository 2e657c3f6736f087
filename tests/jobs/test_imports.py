"""The import jobs run twice do their work once: the dry run, the commit and the
invitations of imported accounts."""

from __future__ import annotations

import pytest

from dashboard.core.actor import Actor
from dashboard.core.queue import enqueue
from dashboard.services import imports
from dashboard.services.imports import SendImportInvitations, csv_text
from models import Student
from tests import factories
from tests.api.test_imports import STUDENT_HEADER, settled, student_row, upload

pytestmark = pytest.mark.usefixtures("app")


async def test_each_import_job_run_twice_does_its_work_once(staff_client, run_jobs, smtp_sink):
    department = await factories.create_department()
    program = await factories.create_program(department=department, total_semesters=8)
    body = csv_text([STUDENT_HEADER, *[student_row(n, program, department) for n in (1, 2)]])
    import_id = (await upload(staff_client, body)).json()["id"]
    await run_jobs()
    assert await imports.validate_import(Actor.system(), import_id=import_id) == "skipped"
    assert (await settled(staff_client, import_id, run_jobs))["created_count"] == 2

    await staff_client.post(f"/api/v1/imports/{import_id}/commit")
    assert await run_jobs() >= 1  # the commit, then the invitations it queued
    await run_jobs()
    assert await imports.commit_rows(Actor.system(), import_id=import_id) == "skipped"
    assert await Student.all().count() == 2
    invited = [m for m in smtp_sink.messages if "imp1@example.edu" in str(m) or "imp2@example.edu" in str(m)]
    assert len(invited) == 2
    user_ids = tuple(await Student.all().order_by("id").values_list("user_id", flat=True))
    await enqueue(SendImportInvitations(import_id=import_id, user_ids=user_ids))
    await run_jobs()
    assert len([m for m in smtp_sink.messages if "@example.edu" in str(m)]) == len(invited)
    # No code or password in the message: it points to the password reset.
    assert "Forgot password" in str(invited[0])
