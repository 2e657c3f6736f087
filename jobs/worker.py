"""arq workers: `dashboard worker` runs them on their own; the embedded default runs the same
functions inside the web process. The functions are collected from the modules of jobs/
(see jobs/__init__.py for how to add one).

One process consumes every queue of dashboard.core.queue.QUEUES at once: one arq Worker per
queue, all sharing the function table, each with its own slots (QUEUE_SLOTS), so a mass
mail-out filling the bulk queue never delays a login code or a report file. Cron jobs are
scheduled by the default queue's worker only, so each runs once."""

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
from arq.worker import FailedJobs, Function

import jobs
from dashboard.core import cache
from dashboard.core.cache import redis_settings
from dashboard.core.db import close_orm, init_orm
from dashboard.core.heap import settle_heap
from dashboard.core.queue import BULK_QUEUE, DEFAULT_QUEUE, QUEUES, handled_job
from dashboard.settings import get_settings

MAX_TRIES = 5
JOB_TIMEOUT_SECONDS = 300
# Jobs each queue's worker runs at once. Bulk batches get fewer slots: they hold database
# connections and the SMTP relay, and nobody is waiting for any single one of them.
QUEUE_SLOTS = {DEFAULT_QUEUE: 10, BULK_QUEUE: 4}


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
    """The default queue's worker, as arq's own `arq jobs.worker.WorkerSettings` would run it;
    `dashboard worker` runs every queue (run_standalone)."""

    functions = FUNCTIONS
    cron_jobs = CRON_JOBS
    on_startup = startup
    on_shutdown = shutdown
    max_tries = MAX_TRIES
    job_timeout = JOB_TIMEOUT_SECONDS
    queue_name = DEFAULT_QUEUE
    max_jobs = QUEUE_SLOTS[DEFAULT_QUEUE]
    # redis_settings is passed at run time, read from the settings.


class Workers:
    """One arq Worker per queue, run together in one event loop; reads like one worker."""

    def __init__(self, workers: list[Worker]) -> None:
        self.workers = workers

    def __getitem__(self, queue: str) -> Worker:
        return next(worker for worker in self.workers if worker.queue_name == queue)

    @property
    def jobs_complete(self) -> int:
        return sum(worker.jobs_complete for worker in self.workers)

    @property
    def jobs_failed(self) -> int:
        return sum(worker.jobs_failed for worker in self.workers)

    @property
    def jobs_retried(self) -> int:
        return sum(worker.jobs_retried for worker in self.workers)

    async def async_run(self) -> None:
        """Run every queue's worker until stopped; if one dies, the others are stopped too."""
        tasks = [asyncio.create_task(worker.async_run()) for worker in self.workers]
        try:
            await asyncio.gather(*tasks)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)


def in_process_worker(redis_url: str, *, burst: bool = False) -> Workers:
    """The workers of every queue inside the host process, sharing its ORM. Each opens its own
    Redis pool because `Worker.close()` closes whichever pool it holds."""
    return Workers([
        Worker(
            functions=FUNCTIONS,
            # Cron jobs are scheduled by one worker only, so each runs once. A burst worker runs
            # what is queued and stops (the tests' `run_jobs`): a cron job firing on a minute
            # boundary would make its count depend on the clock.
            cron_jobs=(CRON_JOBS or None) if queue == DEFAULT_QUEUE and not burst else None,
            redis_settings=redis_settings(redis_url),
            queue_name=queue,
            max_jobs=QUEUE_SLOTS[queue],
            burst=burst,
            handle_signals=False,  # the host (uvicorn, pytest) owns SIGINT/SIGTERM
            # arq finds new jobs by polling: on the default queue someone waits for the
            # result (a notice's fan-out, a code), and half a second was up to a tenth of
            # a notice's 5 s to every inbox; a poll is one cheap Redis command.
            poll_delay=0.1 if burst or queue == DEFAULT_QUEUE else 0.5,
            max_tries=MAX_TRIES,
            job_timeout=JOB_TIMEOUT_SECONDS,
        )
        for queue in QUEUES
    ])


async def run_burst(redis_url: str) -> int:
    """Run every queued job of every queue, then stop; returns how many completed and raises
    arq's FailedJobs if any failed. A job may queue work on another queue whose burst worker
    already found it empty and stopped, so rounds repeat until every queue is empty."""
    complete = 0
    while True:
        workers = in_process_worker(redis_url, burst=True)
        try:
            await asyncio.gather(*(worker.async_run() for worker in workers.workers))
            pool = workers.workers[0].pool
            if workers.jobs_failed:
                results = [result for result in await pool.all_job_results() if not result.success]
                raise FailedJobs(workers.jobs_failed, results)
            complete += workers.jobs_complete
            if not any([await pool.zcard(queue) for queue in QUEUES]):
                return complete
        finally:
            await stop_worker(workers)


async def stop_worker(workers: Workers, *, grace_seconds: float = 10.0) -> None:
    """Stop in-process workers: take no new jobs, let running ones finish for a while, cancel
    the rest (arq retries them later), and close each worker's own pool."""
    await asyncio.gather(*(_stop_one(worker, grace_seconds) for worker in workers.workers))


async def _stop_one(worker: Worker, grace_seconds: float) -> None:
    """arq's Worker.close() would cancel running jobs at once and uses a redis call
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


async def _standalone(database_url: str, redis_url: str) -> None:
    await init_orm(database_url)
    await cache.connect(redis_url)
    workers = in_process_worker(redis_url)
    settle_heap()
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopping.set)
    running = asyncio.create_task(workers.async_run())
    stop_requested = asyncio.create_task(stopping.wait())
    try:
        await asyncio.wait([running, stop_requested], return_when=asyncio.FIRST_COMPLETED)
    finally:
        stop_requested.cancel()
        await stop_worker(workers)
        with contextlib.suppress(asyncio.CancelledError):
            await running
        await cache.close()
        await close_orm()


def run_standalone(database_url: str, redis_url: str) -> None:
    """`dashboard worker`: every queue's worker in this process until SIGINT/SIGTERM."""
    asyncio.run(_standalone(database_url, redis_url))
