"""`python -m bench.cpu`: CPU time per request of the app, measured on ONE uvicorn worker.

Throughput on a shared 2-core machine moves with whatever else runs; the CPU a request
costs does not (much). This serves the app as `python -m bench` does (production settings,
a clone of the cached 50,000-student template, a real Redis, rate limits off) but with a
single uvicorn process, drives each scenario with wrk for a fixed time, and reads the
CPU time (user + system, /proc/<pid>/stat) that the worker process and the database
backends serving it spent during the run:

    worker ms/req = worker CPU seconds during the run / requests answered * 1000
    db ms/req     = the same for the PostgreSQL backends connected to the clone

`--profile DIR` also samples the worker with py-spy (`py-spy record --format raw`, 250 Hz,
`--nonblocking`) into one collapsed-stack file per scenario, and prints the share of
samples spent in a few named parts of the stack (authentication, dependency resolution,
routing, serialization, the query), see `PARTS`. The share is "inclusive": a sample counts
for every part whose function appears on its stack.

    .venv/bin/python -m bench.cpu --only student_by_id departments_list --seconds 10
    .venv/bin/python -m bench.cpu --only student_by_id --profile var/profiles
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg

from bench.runner import (
    DEFAULT_DATABASE_URL,
    DEFAULT_REDIS_URL,
    ROOT,
    UVICORN_FAST,
    _admin_execute,
    app_environment,
    clone_template,
    ensure_wrk,
    free_port,
    log,
    login_tokens,
    prepare_template,
    run_wrk,
    scenario_parameters,
    scenarios,
    serve,
)
from dashboard.core.db import asyncpg_dsn

DEFAULT_SCENARIOS = ("student_by_id", "departments_list", "offering_roster", "students_page1")
_TICKS = os.sysconf("SC_CLK_TCK")

# Parts of a request, each named by functions whose presence on a sampled stack puts the
# sample in that part (substring match on py-spy's "function (file:line)" frames).
PARTS: dict[str, tuple[str, ...]] = {
    "fastapi solve_dependencies": ("solve_dependencies (fastapi",),
    # The live user row is fetched in a task of its own (beside the Redis check), so its
    # samples are not under `authenticate` on the stack: named separately.
    "authentication (all)": ("authenticate (api/", "_authenticated (api/", "actor_from_access_token",
                             "_actor_for (api/", "_LiveUserReader.fetch"),
    "  revocation check (Redis)": ("ensure_not_revoked", "auth_state (dashboard"),
    "  live user (PostgreSQL)": ("load_actor (dashboard", "_LiveUserReader.fetch"),
    "  token decode": ("decode_token (dashboard",),
    "query guard": ("guard (api/deps", "check_query (api/", "QueryCheck.__call__", "__call__ (api/deps"),
    "route matching": ("matches (starlette/routing", "matches (api/routing", "matches (fastapi/routing"),
    "request middleware": ("__call__ (dashboard/web/middleware",),
    "rate limit middleware": ("__call__ (dashboard/web/ratelimit",),
    "CORS middleware": ("__call__ (starlette/middleware/cors",),
    "response serialization": ("serialize_response (fastapi", "render (starlette/responses",
                               "render (fastapi/responses", "envelope (dashboard"),
    "the route's service call": ("run_endpoint_function (fastapi",),
    "uvicorn / event loop": ("run_asgi (uvicorn", "data_received (uvicorn", "on_url (uvicorn"),
}


@dataclass
class Measurement:
    scenario: str
    requests: int
    seconds: float
    worker_ms: float
    db_ms: float
    rps: float
    p95_ms: float


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # utime and stime are fields 14 and 15 of stat(5); after the ")" they are 12 and 13.
    return (int(fields[11]) + int(fields[12])) / _TICKS


async def _backend_pids(db_url: str) -> list[int]:
    connection = await asyncpg.connect(**asyncpg_dsn(db_url))
    try:
        rows = await connection.fetch(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
        return [row["pid"] for row in rows]
    finally:
        await connection.close()


@contextlib.contextmanager
def _py_spy(pid: int, out: Path | None, seconds: float) -> Iterator[None]:
    if out is None:
        yield
        return
    spy = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or shutil.which("py-spy")
    if spy is None:
        raise SystemExit("py-spy is needed for --profile (the dev extra installs it)")
    process = subprocess.Popen(
        [spy, "record", "--pid", str(pid), "--rate", "250", "--format", "raw",
         "--duration", str(int(seconds)), "--output", str(out)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    try:
        yield
    finally:
        process.wait(timeout=seconds + 60)


def summarize_profile(path: Path) -> list[tuple[str, float]]:
    """(part, share of samples) from a py-spy raw (collapsed) file."""
    total = 0
    counts = dict.fromkeys(PARTS, 0)
    for line in path.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        for part, needles in PARTS.items():
            if any(needle in stack for needle in needles):
                counts[part] += count
    return [(part, counts[part] / total if total else 0.0) for part in PARTS]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cpu", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--seconds", type=float, default=10.0, help="seconds per scenario")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--only", nargs="*", default=list(DEFAULT_SCENARIOS))
    parser.add_argument("--profile", type=Path, help="directory for py-spy collapsed stacks")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of load before measuring")
    parser.add_argument("--app-dir", type=Path, nargs="*",
                        help="serve the app from these checkouts in turn (worktrees, to compare before/after)")
    parser.add_argument("--rounds", type=int, default=1, help="rounds over the checkouts; the lowest is kept")
    parser.add_argument("--upgrade-from", metavar="TEMPLATE",
                        help="make this checkout's dataset from that template by applying the pending migrations")
    args = parser.parse_args(argv)

    wrk = ensure_wrk()
    from dashboard.demo.generate import DEMO_LOGINS, DEMO_PASSWORD

    base_db = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    redis_url = os.environ.get("BENCH_REDIS_URL") or DEFAULT_REDIS_URL
    template = asyncio.run(prepare_template(base_db, args.students, args.seed, args.upgrade_from))
    clone = f"bench_cpu_{os.getpid()}"
    db_url = asyncio.run(clone_template(base_db, template, clone))
    params = asyncio.run(scenario_parameters(db_url))
    chosen = [s for s in scenarios(params, DEMO_LOGINS, DEMO_PASSWORD) if s.name in args.only]
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    env = app_environment(db_url, redis_url)
    results: dict[str, dict[str, Measurement]] = {}
    try:
        for round_number in range(args.rounds):
            for app_dir in args.app_dir or [ROOT]:
                label = str(app_dir)
                log(f"round {round_number + 1}/{args.rounds}: {label}")
                for measured in _measure(args, wrk, chosen, env, db_url, app_dir):
                    best = results.setdefault(label, {}).get(measured.scenario)
                    if best is None or measured.worker_ms < best.worker_ms:
                        results[label][measured.scenario] = measured
    finally:
        asyncio.run(_admin_execute(base_db, f'DROP DATABASE IF EXISTS "{clone}" WITH (FORCE)'))

    print(f"\nLowest of {args.rounds} round(s), {args.seconds:g} s each at concurrency {args.concurrency}, "
          f"one uvicorn worker; load average {os.getloadavg()[0]:.1f}\n")
    print("| checkout | scenario | worker CPU ms/req | PostgreSQL CPU ms/req | requests | rps (1 worker) | p95 ms |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for label, by_scenario in results.items():
        for m in by_scenario.values():
            print(f"| {Path(label).name} | {m.scenario} | {m.worker_ms:.3f} | {m.db_ms:.3f} | {m.requests} "
                  f"| {m.rps:.0f} | {m.p95_ms:.1f} |")
    return 0


def _measure(args: argparse.Namespace, wrk: str, chosen: list[Any], env: dict[str, str], db_url: str,
             app_dir: Path) -> list[Measurement]:
    from dashboard.demo.generate import DEMO_LOGINS, DEMO_PASSWORD

    measured_all = []
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "dashboard.app:create_app", "--factory",
               "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
               "--no-access-log", "--log-level", "warning", *UVICORN_FAST]
    env = dict(env, PYTHONPATH=str(app_dir))
    with serve(command, env, port, ready_path="/health/ready", cwd=app_dir) as (base, pid):
        tokens = login_tokens(base, DEMO_LOGINS, DEMO_PASSWORD)
        for scenario in chosen:
            token = tokens.get(scenario.role or "")
            if args.warmup:
                run_wrk(wrk, base, scenario, "app", token, args.warmup, args.concurrency)
            backends = asyncio.run(_backend_pids(db_url))
            out = args.profile / f"{app_dir.name}-{scenario.name}.txt" if args.profile else None
            with _py_spy(pid, out, args.seconds):
                worker_before = _cpu_seconds(pid)
                db_before = sum(_cpu_seconds(b) for b in backends)
                result = run_wrk(wrk, base, scenario, "app", token, args.seconds, args.concurrency)
                worker_cpu = _cpu_seconds(pid) - worker_before
                db_cpu = sum(_cpu_seconds(b) for b in backends) - db_before
            if result.failed:
                raise RuntimeError(f"{scenario.name}: {result.non_2xx} non-2xx answers")
            measured = Measurement(
                scenario=scenario.name, requests=result.requests, seconds=result.seconds,
                worker_ms=1000 * worker_cpu / result.requests, db_ms=1000 * db_cpu / result.requests,
                rps=result.rps, p95_ms=result.p95_ms)
            measured_all.append(measured)
            log(f"{scenario.name:<18} worker {measured.worker_ms:.3f} ms/req  db {measured.db_ms:.3f} ms/req  "
                f"({result.requests} requests, {result.rps:.0f} rps, p95 {result.p95_ms:.1f} ms)")
            if out is not None and out.exists():
                for part, share in summarize_profile(out):
                    log(f"    {part:<30} {share:6.1%}")
    return measured_all


if __name__ == "__main__":
    sys.exit(main())
