"""Background jobs as typed messages.

A job is declared as a frozen dataclass subclassing `Job`, next to the service that queues
it (services sit below jobs/, so they cannot import the job functions themselves). Its
fields are the job's keyword arguments: ids and choices, never a secret, because arq logs
the arguments of every run and keeps them in Redis. A service queues it with
`await queue_after_commit(EndSessions(user_id=7))`; mypy checks the fields, and no job is
ever named by a string outside this module.

The function that does the work lives in `jobs/<group>.py`, marked `@handles(EndSessions)`,
with exactly those keyword arguments; the worker collects every marked function (and every
`arq.cron` job) from the modules of `jobs/`, so a new job needs no list edited by hand.

Each job names its queue (`Job.queue`). The worker consumes every queue at once, each with
its own slots, so interactive work (a login code, a report file someone is waiting for)
never waits behind bulk work (the email batches of a notice to the whole university).
"""

from __future__ import annotations

import dataclasses
import inspect
import re
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar, TypeVar

from arq.constants import default_queue_name

from dashboard.core import cache

# Someone is waiting for the result: one-time codes, password resets, report files, imports.
DEFAULT_QUEUE = default_queue_name
# Work done for many people at once, where minutes do not matter: a notice's email batches,
# import invitations, reminder notices. A notice to 50,000 students queues ~100 batches here.
BULK_QUEUE = f"{default_queue_name}:bulk"
QUEUES = (DEFAULT_QUEUE, BULK_QUEUE)

# Words that mark an argument as a secret in the making. The rule that matters is tested
# (tests/test_no_secrets_in_logs.py); this catches the obvious mistake at import time.
_SECRET_WORDS = frozenset({"password", "passwd", "token", "otp", "secret", "cookie"})


@dataclasses.dataclass(frozen=True, kw_only=True)
class Job:
    """The arguments of one run of a job. Subclasses add fields and may set the options."""

    # Seconds arq keeps a finished job's result (and so refuses the same `job_id` again).
    keep_result_seconds: ClassVar[int] = 0
    # None: the worker's default (jobs.worker.MAX_TRIES).
    max_tries: ClassVar[int | None] = None
    # The arq queue it waits in: DEFAULT_QUEUE unless nobody waits for it (BULK_QUEUE).
    queue: ClassVar[str] = DEFAULT_QUEUE

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.queue not in QUEUES:
            raise TypeError(f"{cls.__name__}.queue must be one of {QUEUES}, not {cls.queue!r}")
        for name in inspect.get_annotations(cls):
            if set(name.lower().split("_")) & _SECRET_WORDS:
                raise TypeError(f"{cls.__name__}.{name}: a job argument must not carry a secret; "
                                "pass an id and let the job fetch or make the secret")

    @classmethod
    def function_name(cls) -> str:
        """The name arq knows the job by: the class name in snake_case."""
        return re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__).lower()

    def job_id(self) -> str | None:
        """An id that makes queueing idempotent: while a job with the same id is queued or
        running, queueing it again does nothing. None: every call queues a run."""
        return None

    def arguments(self) -> dict[str, Any]:
        return {field.name: getattr(self, field.name) for field in dataclasses.fields(self)}


J = TypeVar("J", bound=Job)
Handler = Callable[..., Awaitable[Any]]
H = TypeVar("H", bound=Handler)


def handles(job: type[Job]) -> Callable[[H], H]:
    """Marks `async def verb_noun(ctx, *, <the job's fields>)` as the function that runs
    `job`. The parameters are checked against the fields when the module is imported."""

    def mark(function: H) -> H:
        parameters = list(inspect.signature(function).parameters.values())
        keywords = {p.name for p in parameters[1:] if p.kind is inspect.Parameter.KEYWORD_ONLY}
        fields = {field.name for field in dataclasses.fields(job)}
        positional = [p.name for p in parameters[1:] if p.kind is not inspect.Parameter.KEYWORD_ONLY]
        if not parameters or positional or keywords != fields:
            raise TypeError(f"{function.__qualname__} must be (ctx, *, {', '.join(sorted(fields))}) "
                            f"to handle {job.__name__}")
        function.__job__ = job  # type: ignore[attr-defined]
        return function

    return mark


def handled_job(function: object) -> type[Job] | None:
    """The job class a function was marked to handle, if any."""
    job = getattr(function, "__job__", None)
    return job if isinstance(job, type) and issubclass(job, Job) else None


async def enqueue(job: Job) -> None:
    """Queue a job now. Services call `queue_after_commit` instead."""
    await cache.redis().enqueue_job(job.function_name(), _job_id=job.job_id(), _queue_name=job.queue,
                                    **job.arguments())


async def queue_after_commit(job: Job) -> None:
    """Queue a job once the current transaction commits (at once outside one), so a worker
    never sees a job for rows that were rolled back."""
    from dashboard.core.db import on_commit

    async def _send() -> None:
        await enqueue(job)

    await on_commit(_send)


@dataclasses.dataclass(frozen=True, kw_only=True)
class SendEmail(Job):
    """A finished message for one recipient (jobs.emails.send_email). A message that must
    carry a secret (a one-time code) is not sent this way: its own job makes the secret and
    renders the message, so that the secret never sits in a job's arguments."""

    to: str
    subject: str
    text: str
    html: str | None = None
