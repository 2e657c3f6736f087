"""The reminder rules (dashboard.services.reminders), run by the worker's cron: the daily
ones at REMINDER_HOUR_UTC, exam timetable changes every ten minutes, and results as soon as
the grades publish queues them. Each run is idempotent: a rule run twice tells nobody twice."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from arq import cron

from dashboard.core.actor import Actor
from dashboard.core.queue import handles
from dashboard.services import reminders
from dashboard.services.reminders import NotifyResultsPublished
from dashboard.settings import get_settings

log = logging.getLogger("jobs.reminders")


def _logged(rule: str, sent: int) -> int:
    if sent:
        log.info("reminders sent", extra={"fields": {"rule": rule, "notices": sent}})
    return sent


@handles(NotifyResultsPublished)
async def notify_results_published(ctx: dict[str, Any], *, semester: int, academic_year: str) -> int:
    sent = await reminders.notify_results_published(Actor.system(), semester=semester, academic_year=academic_year)
    return _logged(reminders.RESULTS_PUBLISHED, sent)


async def run_daily_reminders(ctx: dict[str, Any]) -> dict[str, int]:
    """Every daily rule, each on its own (one failing does not stop the others)."""
    system = Actor.system()
    rules: dict[str, Callable[[Actor], Awaitable[int]]] = {
        reminders.FEE_DUE: reminders.remind_fees_due,
        reminders.BOOK_OVERDUE: reminders.remind_books_overdue,
        reminders.ATTENDANCE_LOW: reminders.remind_low_attendance,
        reminders.RESULTS_PUBLISHED: reminders.notify_results_published,
    }
    sent: dict[str, int] = {}
    for rule, run in rules.items():
        try:
            sent[rule] = _logged(rule, await run(system))
        except Exception:
            log.exception("reminder rule failed", extra={"fields": {"rule": rule}})
            sent[rule] = 0
    return sent


async def run_exam_change_reminders(ctx: dict[str, Any]) -> int:
    return _logged(reminders.EXAM_CHANGES, await reminders.notify_exam_changes(Actor.system()))


daily_reminders = cron(run_daily_reminders, hour=get_settings().reminder_hour_utc, minute=15, second=0, unique=True)
exam_change_reminders = cron(run_exam_change_reminders, minute=set(range(0, 60, 10)), second=30, unique=True)
