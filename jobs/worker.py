"""arq worker: `dashboard worker` runs it on its own; the embedded default runs the same
functions inside the web process. The functions are collected from the modules of jobs/
(see jobs/__init__.py for how to add one)."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import pkgutil
import signal
from types import ModuleType
from typing import Any

from arq import Worker, func
from arq.cron import CronJob
from arq.worker import Function

import jobs
from dashboard.core import cache
from dashboard.core.cache import redis_settings
from dashboard.core.db import close_orm, init_orm
from dashboard.core.queue import handled_job
from dashboard.settings import get_settings

MAX_TRIES = 5
JOB_TIMEOUT_SECONDS = 300


def collect(package: ModuleType) -> tuple[list[Function], list[CronJob]]:
    """Every `@handles(...)` function and every `arq.cron(...)` job defined in the modules
    of `package`: adding a job is adding it to a module of jobs/, nothing else."""
    functions: dict[str, Function] = {}
    cron_jobs: list[CronJob] = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        module_name = f"{package.__name__}.{info.name}"
        if module_name == __name__:
            continue
        module = importlib.import_module(module_name)
        for value in vars(module).values():
            if isinstance(value, CronJob) and value not in cron_jobs:
                cron_jobs.append(value)
                continue
            job = handled_job(value)
            if job is None or getattr(value, "__module__", None) != module.__name__:
                continue
            name = job.function_name()
            if name in functions:
                raise RuntimeError(f"{job.__name__} has two handlers: {functions[name].coroutine} and {value}")
            functions[name] = func(value, name=name, keep_result=job.keep_result_seconds,
                                   max_tries=job.max_tries)
    return list(functions.values()), cron_jobs


FUNCTIONS, CRON_JOBS = collect(jobs)


async def startup(ctx: dict[str, Any]) -> None:
    settings = get_settings()
    await init_orm(settings.database_url)  # type: ignore[arg-type]
    cache.use(ctx["redis"])


async def shutdown(_: dict[str, Any]) -> None:
    await close_orm()


class WorkerSettings:
    functions = FUNCTIONS
    cron_jobs = CRON_JOBS
    on_startup = startup
    on_shutdown = shutdown
    max_tries = MAX_TRIES
    job_timeout = JOB_TIMEOUT_SECONDS
    # redis_settings is passed by `dashboard worker`, read from the settings at run time.


def in_process_worker(redis_url: str, *, burst: bool = False) -> Worker:
    """A worker inside the host process, sharing its ORM. It opens its own Redis pool
    because `Worker.close()` closes whichever pool it holds."""
    return Worker(
        functions=FUNCTIONS,
        # A burst worker runs what is queued and stops (the tests' `run_jobs`): a cron job
        # firing on a minute boundary would make its count depend on the clock.
        cron_jobs=(CRON_JOBS or None) if not burst else None,
        redis_settings=redis_settings(redis_url),
        burst=burst,
        handle_signals=False,  # the host (uvicorn, pytest) owns SIGINT/SIGTERM
        poll_delay=0.1 if burst else 0.5,
        max_tries=MAX_TRIES,
        job_timeout=JOB_TIMEOUT_SECONDS,
    )


async def stop_worker(worker: Worker, *, grace_seconds: float = 10.0) -> None:
    """Stop an in-process worker: take no new jobs, let running ones finish for a while,
    cancel the rest (arq retries them later), and close the worker's own pool.
    arq's Worker.close() would cancel running jobs at once and uses a redis call
    deprecated in redis 5."""
    worker.allow_pick_jobs = False
    running = [task for task in worker.tasks.values() if not task.done()]
    if running:
        await asyncio.wait(running, timeout=grace_seconds)
    worker.handle_sig(signal.SIGTERM)
    await asyncio.gather(*worker.tasks.values(), return_exceptions=True)
    if worker.main_task is not None:
        with contextlib.suppress(asyncio.CancelledError):
            await worker.main_task
    pool = worker._pool
    if pool is not None:
        await pool.delete(worker.health_check_key)
        await pool.aclose()
        worker._pool = None
