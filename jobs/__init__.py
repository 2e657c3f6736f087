"""Background jobs, one module per domain (`jobs/<group>.py`).

Adding a job:

1. Declare its arguments beside the service that queues it, as a typed message:

       @dataclass(frozen=True, kw_only=True)
       class SendOneTimeCode(Job):          # dashboard.core.queue.Job
           user_id: int
           purpose: OtpPurpose

   Ids and choices only: arq logs every run's arguments and keeps them in Redis, so a
   secret (a code, a password, a token) is made or fetched by the job, never passed to it.
   Override `job_id()` to make queueing idempotent. Set `queue = BULK_QUEUE` when the job is
   one of many done for many people (email batches, import invitations, reminder notices): the default
   queue is for work someone is waiting for, and the worker gives each queue its own slots.

2. Queue it from the service, after the transaction commits:
   `await queue_after_commit(SendOneTimeCode(user_id=user.id, purpose=purpose))`.

3. Write the function here, `@handles(SendOneTimeCode)`, taking `(ctx, *, <the fields>)`:
   reload the rows by id, call the services as `Actor.system()`, be idempotent, raise
   `arq.Retry(defer=...)` for a transient failure. A periodic job is an `arq.cron(...)`
   value at module level.

The worker (jobs.worker) collects every handler and cron job from the modules of this
package; nothing else lists them. jobs/emails.py is the worked example, tested by
tests/jobs with the burst worker (`run_jobs`).
"""
