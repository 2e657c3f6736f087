"""Report files (dashboard/services/reports.py): the job that makes one, the sweeper that
retries or fails the jobs of workers that died, and the removal of expired files."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from arq import cron

from dashboard.core.actor import Actor
from dashboard.core.queue import handles
from dashboard.services import reports
from dashboard.services.reports import GenerateReport

log = logging.getLogger("jobs.reports")

FAILED_REASON = "The report could not be made; the error is in the worker's log"


@handles(GenerateReport)
async def generate_report(ctx: dict[str, Any], *, report_job_id: str, attempt: int) -> str:
    try:
        return await reports.generate_report_file(report_job_id)
    except asyncio.CancelledError:
        # Shutdown or the job timeout: arq runs the job again; let that run take it now.
        await asyncio.shield(reports.release_report_job(report_job_id))
        raise
    except Exception:
        log.exception("report job failed", extra={"fields": {"report_job_id": report_job_id, "attempt": attempt}})
        await reports.fail_report_job(report_job_id, reason=FAILED_REASON)
        raise


async def sweep_report_jobs(ctx: dict[str, Any]) -> dict[str, int]:
    return await reports.sweep_report_jobs(Actor.system())


async def remove_expired_report_files(ctx: dict[str, Any]) -> int:
    return await reports.remove_expired_report_files(Actor.system())


sweep_reports = cron(sweep_report_jobs, second=30, unique=True)
remove_expired_reports = cron(remove_expired_report_files, minute={0, 15, 30, 45}, second=10, unique=True)
