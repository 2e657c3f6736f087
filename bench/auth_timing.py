"""`python -m bench.auth_timing`: does bcrypt keep the server responsive, and does a login
cost the same whether or not the email exists?

The app runs as in production (uvicorn with the `create_app` factory, APP_ENV=production,
BCRYPT_ROUNDS=12, rate limits on) against a real PostgreSQL and Redis; this process is
the client. Two measurements:

1. 50 logins fired at once while `GET /health/live` is probed every few milliseconds
   (each probe its own request, so a slow answer does not thin the sample): the p95 of
   those probes should stay under 100 ms, since bcrypt runs in threads.
2. Logins one at a time, known and unknown emails interleaved: the medians should be
   within 20 % of each other (a dummy bcrypt check for unknown emails).

The logins come through 127.0.0.1 as a trusted proxy with a distinct X-Forwarded-For each,
as a load balancer would forward distinct clients, so the login limit stays on without
throttling the benchmark.

Servers: BENCH_DATABASE_URL / BENCH_REDIS_URL, else DATABASE_URL / REDIS_URL, else the
embedded PostgreSQL and Redis under var/bench-services. The benchmark works in a database
of its own (dropped at the end) and a free Redis logical database (flushed at the end).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
import uuid
from typing import Any

import httpx

from bench.runner import ROOT, free_port, log, serve
from dashboard.core.db import apply_migrations, create_database, drop_database, with_database

PASSWORD = "Bench-password-42"  # noqa: S105 - a throwaway user of a throwaway database
BENCH_SECRET = "bench-auth-timing-secret-" + "q" * 40
HEALTH_TARGET_MS = 100.0


def _expect(status: int, wanted: int) -> None:
    """A timing of the wrong answer measures nothing: stop the run."""
    if status != wanted:
        raise RuntimeError(f"login answered {status}, expected {wanted}")
MEDIAN_TOLERANCE = 0.20
RESULTS = ROOT / "bench" / "results" / "auth_timing.json"
# Shared with the test suite's claim on Redis logical databases (tests/conftest.py).
REDIS_LOCK_KEY = "dashboard-test:lock"


def _servers() -> tuple[str, str]:
    db = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL")
    redis = os.environ.get("BENCH_REDIS_URL") or os.environ.get("REDIS_URL")
    if db and redis:
        return db, redis
    from dashboard.embedded import start_postgres, start_redis

    data_dir = ROOT / "var" / "bench-services"
    return db or start_postgres(data_dir, database="postgres"), redis or start_redis(data_dir)


def _redis_db_url(base_url: str, number: int) -> str:
    from urllib.parse import urlparse

    url = urlparse(base_url)
    if url.scheme == "unix":
        return url._replace(query=f"db={number}").geturl()
    return url._replace(path=f"/{number}").geturl()


async def _claim_redis(base_url: str, owner: str) -> str:
    """A logical database nobody else (a test run, another benchmark) is using."""
    import redis.asyncio as aioredis

    for number in range(15, 0, -1):
        url = _redis_db_url(base_url, number)
        client = aioredis.from_url(url)
        try:
            if await client.set(REDIS_LOCK_KEY, owner, nx=True, ex=3600):
                await client.flushdb()
                await client.set(REDIS_LOCK_KEY, owner, ex=3600)
                return url
        finally:
            await client.aclose()
    raise RuntimeError("no free Redis logical database (1-15)")


async def _release_redis(url: str) -> None:
    import redis.asyncio as aioredis

    client = aioredis.from_url(url)
    try:
        await client.flushdb()
    finally:
        await client.aclose()


async def _prepare_database(db_url: str, users: int) -> list[str]:
    """Migrate, then add `users` active accounts sharing one cost-12 hash (hashing each
    would only slow the set-up down)."""
    import bcrypt

    from dashboard.core.db import close_orm, init_orm
    from models import User
    from models.enums import UserType

    await create_database(db_url)
    await apply_migrations(db_url)
    hashed = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=12)).decode()
    await init_orm(db_url)
    try:
        emails = [f"bench{n}@example.edu" for n in range(users)]
        await User.bulk_create([
            User(user_type=UserType.STUDENT, email=email, user_name=f"bench{n}", hashed_password=hashed,
                 first_name="Bench", last_name=str(n))
            for n, email in enumerate(emails)
        ])
    finally:
        await close_orm()
    return emails


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


class _Addresses:
    """A distinct client address per login (only ever a header value)."""

    def __init__(self) -> None:
        self.n = 0

    def next(self) -> dict[str, str]:
        self.n += 1
        return {"X-Forwarded-For": f"198.18.{self.n // 250}.{self.n % 250 + 1}"}


async def _login(client: httpx.AsyncClient, email: str, password: str, addresses: _Addresses) -> tuple[float, int]:
    started = time.perf_counter()
    response = await client.post("/api/v1/auth/login", json={"email": email, "password": password},
                                 headers=addresses.next())
    return (time.perf_counter() - started) * 1000, response.status_code


async def _probe_health(client: httpx.AsyncClient, interval: float, stop: asyncio.Event) -> list[float]:
    timings: list[float] = []
    failures: list[int] = []

    async def one() -> None:
        started = time.perf_counter()
        response = await client.get("/health/live")
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            failures.append(response.status_code)

    probes = []
    while not stop.is_set():
        probes.append(asyncio.create_task(one()))
        await asyncio.sleep(interval)
    await asyncio.gather(*probes)
    if failures:
        raise RuntimeError(f"/health/live failed during the burst: {failures[:5]}")
    return timings


async def measure(base: str, emails: list[str], *, burst: int, samples: int, interval: float) -> dict[str, Any]:
    addresses = _Addresses()
    limits = httpx.Limits(max_connections=burst + 10, max_keepalive_connections=burst + 10)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as logins, \
            httpx.AsyncClient(base_url=base, timeout=30) as health:
        # Warm-up: connections, each worker's dummy hash, the ORM pools.
        for n in range(6):
            await _login(logins, f"warmup{n}@example.edu", PASSWORD, addresses)
            await _login(logins, emails[n % len(emails)], PASSWORD, addresses)

        idle_stop = asyncio.Event()
        idle_task = asyncio.create_task(_probe_health(health, interval, idle_stop))
        await asyncio.sleep(2)
        idle_stop.set()
        idle = await idle_task

        stop = asyncio.Event()
        prober = asyncio.create_task(_probe_health(health, interval, stop))
        await asyncio.sleep(0.2)
        started = time.perf_counter()
        results = await asyncio.gather(*(_login(logins, emails[n % len(emails)], PASSWORD, addresses)
                                         for n in range(burst)))
        burst_seconds = time.perf_counter() - started
        stop.set()
        during = await prober
        statuses = sorted({status for _, status in results})
        if statuses != [200]:
            raise RuntimeError(f"burst logins answered {statuses}, expected only 200")

        known, known_wrong, unknown = [], [], []
        for n in range(samples):
            ms, status = await _login(logins, emails[n % len(emails)], PASSWORD, addresses)
            _expect(status, 200)
            known.append(ms)
            ms, status = await _login(logins, f"nobody{n}-{uuid.uuid4().hex[:6]}@example.edu", PASSWORD, addresses)
            _expect(status, 401)
            unknown.append(ms)
            ms, status = await _login(logins, emails[n % len(emails)], "Wrong-password-1", addresses)
            _expect(status, 401)
            known_wrong.append(ms)

    median_known, median_unknown = statistics.median(known), statistics.median(unknown)
    return {
        "burst_logins": burst,
        "burst_seconds": round(burst_seconds, 2),
        "burst_login_p50_ms": round(statistics.median(r[0] for r in results), 1),
        "burst_login_max_ms": round(max(r[0] for r in results), 1),
        "health_idle_p95_ms": round(_percentile(idle, 0.95), 1),
        "health_during_burst_probes": len(during),
        "health_during_burst_p50_ms": round(statistics.median(during), 1),
        "health_during_burst_p95_ms": round(_percentile(during, 0.95), 1),
        "health_during_burst_max_ms": round(max(during), 1),
        "login_samples_each": samples,
        "login_known_median_ms": round(median_known, 1),
        "login_known_wrong_password_median_ms": round(statistics.median(known_wrong), 1),
        "login_unknown_median_ms": round(median_unknown, 1),
        "known_vs_unknown_difference": round(abs(median_known - median_unknown) / max(median_known, median_unknown), 3),
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.auth_timing", description=__doc__.splitlines()[0])
    parser.add_argument("--logins", type=int, default=50, help="concurrent logins in the burst")
    parser.add_argument("--samples", type=int, default=30, help="sequential logins of each kind")
    parser.add_argument("--interval-ms", type=float, default=10.0, help="time between health probes")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="uvicorn workers")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    base_db, base_redis = _servers()
    run_id = uuid.uuid4().hex[:8]
    db_url = with_database(base_db, f"bench_auth_{run_id}")
    redis_url = asyncio.run(_claim_redis(base_redis, f"bench-auth-{run_id}"))
    log(f"database bench_auth_{run_id}, Redis {redis_url.rsplit('/', 1)[-1]}, {args.workers} uvicorn workers")
    env = dict(
        os.environ, APP_ENV="production", DATABASE_URL=db_url, REDIS_URL=redis_url,
        JWT_SECRET_KEY=BENCH_SECRET, BCRYPT_ROUNDS="12", LOG_LEVEL="WARNING",
        TRUSTED_PROXIES="127.0.0.1", DATA_DIR=str(ROOT / "var" / "bench"), PYTHONUNBUFFERED="1",
    )
    try:
        emails = asyncio.run(_prepare_database(db_url, args.logins))
        port = free_port()
        command = [sys.executable, "-m", "uvicorn", "dashboard.app:create_app", "--factory",
                   "--host", "127.0.0.1", "--port", str(port), "--workers", str(args.workers),
                   "--no-access-log", "--log-level", "warning"]
        with serve(command, env, port, ready_path="/health/ready") as (base, _):
            figures = asyncio.run(measure(base, emails, burst=args.logins, samples=args.samples,
                                          interval=args.interval_ms / 1000))
    finally:
        asyncio.run(drop_database(db_url))
        asyncio.run(_release_redis(redis_url))

    figures.update({"workers": args.workers, "cpus": os.cpu_count(), "bcrypt_rounds": 12})
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n")
    width = max(len(k) for k in figures)
    for key, value in figures.items():
        print(f"  {key:<{width}}  {value}")
    health_ok = figures["health_during_burst_p95_ms"] < HEALTH_TARGET_MS
    timing_ok = figures["known_vs_unknown_difference"] <= MEDIAN_TOLERANCE
    print(f"health p95 during {args.logins} concurrent logins: {figures['health_during_burst_p95_ms']} ms "
          f"(target < {HEALTH_TARGET_MS:.0f} ms): {'PASS' if health_ok else 'FAIL'}")
    print(f"median login, known {figures['login_known_median_ms']} ms vs unknown "
          f"{figures['login_unknown_median_ms']} ms: {figures['known_vs_unknown_difference']:.1%} apart "
          f"(target <= {MEDIAN_TOLERANCE:.0%}): {'PASS' if timing_ok else 'FAIL'}")
    log(f"results: {RESULTS.relative_to(ROOT)}")
    return 0 if health_ok and timing_ok else 1


if __name__ == "__main__":
    sys.exit(main())
