"""The job pattern: typed jobs, handlers collected from jobs/, no job named by a string."""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
import re
import sys
import textwrap
from pathlib import Path

import pytest

import dashboard.services
from dashboard.core.queue import Job, SendEmail, handled_job, handles
from jobs.worker import CRON_JOBS, FUNCTIONS, collect

ROOT = Path(__file__).resolve().parents[2]


def _all_job_classes() -> set[type[Job]]:
    for info in pkgutil.iter_modules(dashboard.services.__path__):
        importlib.import_module(f"dashboard.services.{info.name}")
    found: set[type[Job]] = set()
    pending = list(Job.__subclasses__())
    while pending:
        job = pending.pop()
        if job.__module__.startswith(("dashboard.", "jobs.")):
            found.add(job)
        pending.extend(job.__subclasses__())
    return found


def test_every_declared_job_has_one_handler_in_the_worker():
    handled = {handled_job(function.coroutine): function.name for function in FUNCTIONS}
    missing = {job.__name__ for job in _all_job_classes()} - {job.__name__ for job in handled if job}
    assert not missing, f"jobs without a handler in jobs/: {missing}"
    assert "send_one_time_code" in handled.values() and "send_email" in handled.values()
    # Collected by module name: notifications, reminders, reports.
    assert [job.name for job in CRON_JOBS] == [
        "cron:deliver_scheduled_notifications", "cron:run_daily_reminders", "cron:run_exam_change_reminders",
        "cron:sweep_report_jobs", "cron:remove_expired_report_files"]


def test_a_new_module_in_the_jobs_package_is_collected_without_a_list(tmp_path, monkeypatch):
    package = tmp_path / "examplejobs"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "reminders.py").write_text(textwrap.dedent("""
        import dataclasses
        from arq import cron
        from dashboard.core.queue import Job, handles

        @dataclasses.dataclass(frozen=True, kw_only=True)
        class RemindStudent(Job):
            student_id: int

        @handles(RemindStudent)
        async def remind_student(ctx, *, student_id):
            return student_id

        async def sweep(ctx):
            return None

        nightly = cron(sweep, hour=2, minute=0)
    """))
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        functions, cron_jobs = collect(importlib.import_module("examplejobs"))
        assert [f.name for f in functions] == ["remind_student"]
        assert [c.name for c in cron_jobs] == ["cron:sweep"]
    finally:
        for name in [n for n in sys.modules if n.startswith("examplejobs")]:
            del sys.modules[name]


def test_a_handler_must_take_exactly_the_jobs_fields_by_keyword():
    with pytest.raises(TypeError, match="must be"):
        handles(SendEmail)(lambda ctx, to, subject, text, html=None: None)
    with pytest.raises(TypeError, match="must be"):

        @handles(SendEmail)
        async def missing_html(ctx, *, to, subject, text):  # pragma: no cover - refused at import
            return None


def test_a_job_argument_named_like_a_secret_is_refused_at_import():
    with pytest.raises(TypeError, match="secret"):

        @dataclasses.dataclass(frozen=True, kw_only=True)
        class MailPassword(Job):
            user_id: int
            new_password: str


def test_job_names_are_the_snake_case_class_names():
    assert SendEmail.function_name() == "send_email"


def test_no_job_is_queued_by_a_string_name():
    """arq's enqueue_job takes a name; only dashboard.core.queue may call it, with the name
    derived from a typed job."""
    offenders = []
    for folder in ("dashboard", "api", "admin_views", "jobs", "models"):
        for path in (ROOT / folder).rglob("*.py"):
            if path == ROOT / "dashboard" / "core" / "queue.py":
                continue
            if re.search(r"\benqueue_job\s*\(", path.read_text()):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_the_standalone_worker_runs_the_same_functions():
    """`dashboard worker` builds its worker from WorkerSettings; it must know every job the
    embedded one does."""
    from arq.worker import create_worker

    from dashboard.core.cache import redis_settings
    from jobs.worker import WorkerSettings

    worker = create_worker(WorkerSettings, redis_settings=redis_settings("redis://127.0.0.1:6379/0"))
    assert set(worker.functions) == {function.name for function in FUNCTIONS} | {job.name for job in CRON_JOBS}
    assert worker.functions["send_one_time_code"].keep_result_s == 0
