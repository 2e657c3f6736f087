"""`python -m bench`: load scenarios against the app served as in production, and against
the raw-asyncpg floor, on a cached generated university. See bench/README.md."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from bench import scenarios_admin, scenarios_imports, scenarios_reports, scenarios_schedules, scenarios_teaching
from bench.scenarios_campus import campus_parameters, campus_scenarios
from dashboard.core.db import apply_migrations, asyncpg_dsn, create_database, with_database
from dashboard.core.search import SAMPLE_ROWS
from dashboard.services.students import SEARCH_TRIGRAMS, search_statement

ROOT = Path(__file__).resolve().parents[1]
RESULTS_DIR = ROOT / "bench" / "results"
WRK_SCRIPT = ROOT / "bench" / "wrk" / "scenario.lua"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/14"
BENCH_SECRET = "bench-only-secret-" + "k" * 40
# Named, so that a missing uvloop or httptools fails the run instead of measuring asyncio/h11.
UVICORN_FAST = ["--loop", "uvloop", "--http", "httptools"]


@dataclass
class Scenario:
    name: str
    path: str
    role: str | None = "admin"
    # Served with the admin panel's session cookie of this role instead of a bearer token.
    admin_session: bool = False
    method: str = "GET"
    bodies: list[str] = field(default_factory=list)
    # Served by bench/floor.py too, so the ratio to the floor is reported.
    has_floor: bool = False


@dataclass
class Result:
    scenario: str
    target: str
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    non_2xx: int
    socket_errors: int

    @property
    def failed(self) -> bool:
        return self.non_2xx > 0 or self.socket_errors > 0 or self.requests == 0


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- the dataset ------------------------------------------------------------------------


GENERATOR_DIR = ROOT / "dashboard" / "demo"
MIGRATIONS_DIR = ROOT / "migrations"


def generator_sources() -> list[Path]:
    """The files whose content decides the generated data: the demo generator and the
    migrations (the schema it loads into)."""
    return sorted([*GENERATOR_DIR.rglob("*.py"), *MIGRATIONS_DIR.rglob("*.py")])


def _generator_fingerprint() -> str:
    """The cache key changes whenever the generator or the schema changes."""
    digest = hashlib.sha256()
    for path in generator_sources():
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def template_name(students: int, seed: int) -> str:
    return f"bench_tpl_{_generator_fingerprint()}_{seed}_{students}"


async def _database_exists(base_url: str, name: str) -> bool:
    connection = await asyncpg.connect(**asyncpg_dsn(with_database(base_url, "postgres")))
    try:
        return bool(await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name))
    finally:
        await connection.close()


async def _admin_execute(base_url: str, sql: str) -> None:
    connection = await asyncpg.connect(**asyncpg_dsn(with_database(base_url, "postgres")))
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


async def prepare_template(base_url: str, students: int, seed: int, upgrade_from: str | None = None) -> str:
    """Build the generated university once per (generator version, seed, size) as a
    template database; later runs only clone it. With `upgrade_from` (a template built by
    the same generator under older migrations) the new template is that one with the
    pending migrations applied, which their backfills make equal for measuring, in
    seconds instead of a build of minutes."""
    from dashboard.demo.generate import generate_university

    name = template_name(students, seed)
    if await _database_exists(base_url, name):
        log(f"dataset cached: {name}")
        return name
    building = name + "_building"
    url = with_database(base_url, building)
    await _admin_execute(base_url, f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)')
    if upgrade_from:
        if not await _database_exists(base_url, upgrade_from):
            raise SystemExit(f"--upgrade-from: no database named {upgrade_from}")
        await _admin_execute(base_url, f'CREATE DATABASE "{building}" TEMPLATE "{upgrade_from}"')
        log(f"upgrading a copy of {upgrade_from}: {await apply_migrations(url) or 'nothing pending'}")
    else:
        await create_database(url)
        await apply_migrations(url)
        log(f"generating {students} students (seed {seed}) ...")
        report = await generate_university(url, students=students, seed=seed)
        print(report.as_text(), flush=True)
    connection = await asyncpg.connect(**asyncpg_dsn(url))
    try:
        await connection.execute("VACUUM ANALYZE")
    finally:
        await connection.close()
    # Renamed only when complete, so an interrupted build is never mistaken for a cache hit.
    await _admin_execute(base_url, f'ALTER DATABASE "{building}" RENAME TO "{name}"')
    return name


async def clone_template(base_url: str, template: str, clone: str) -> str:
    await _admin_execute(base_url, f'DROP DATABASE IF EXISTS "{clone}" WITH (FORCE)')
    await _admin_execute(base_url, f'CREATE DATABASE "{clone}" TEMPLATE "{template}"')
    return with_database(base_url, clone)


async def scenario_parameters(db_url: str) -> dict[str, Any]:
    """Real ids and terms from the dataset, so scenarios hit rows that exist."""
    connection = await asyncpg.connect(**asyncpg_dsn(db_url))
    try:
        student = await connection.fetchrow(
            "SELECT id, department_id, batch_year FROM students ORDER BY id "
            "OFFSET (SELECT count(*) / 2 FROM students) LIMIT 1")
        offering = await connection.fetchval(
            "SELECT course_offering_id FROM course_registrations WHERE status = 'registered' "
            "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")
        students = await connection.fetchval("SELECT count(*) FROM students")
        last_name = await connection.fetchval(
            "SELECT u.last_name FROM students s JOIN users u ON u.id = s.user_id "
            "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
        # Rare terms: one student's code and one book's ISBN, each matching one row.
        student_code = await connection.fetchval("SELECT student_code FROM students WHERE id = $1", student["id"])
        isbn = await connection.fetchval(
            "SELECT isbn FROM library_books ORDER BY id OFFSET (SELECT count(*) / 3 FROM library_books) LIMIT 1")
        campus = await campus_parameters(connection)
        # The searches' SQL floors run the statements the app runs, chosen with a sample in hand.
        await SEARCH_TRIGRAMS.load(row[0] for row in await connection.fetch(SEARCH_TRIGRAMS.sample_sql, SAMPLE_ROWS))
        search_term, rare_search_term = (last_name or "a")[:4].lower(), (student_code or "none").lower()
        searches = {"students_search": list(search_statement(search_term, 20, None)),
                    "students_search_rare": list(search_statement(rare_search_term, 20, None))}
    finally:
        await connection.close()
    return {
        "student_id": student["id"],
        "department_id": student["department_id"],
        "batch_year": student["batch_year"],
        "offering_id": offering,
        "search_term": search_term,
        "rare_search_term": rare_search_term,
        "rare_book_term": isbn or "none",
        "search_statements": searches,
        "students": students,
        **campus,
        **await scenarios_teaching.parameters(db_url),
        **await scenarios_schedules.parameters(db_url),
        **await scenarios_admin.parameters(db_url),
        **await scenarios_reports.parameters(db_url),
    }


def scenarios(params: dict[str, Any], demo_logins: dict[str, str], password: str) -> list[Scenario]:
    filters = f"department_id={params['department_id']}&batch_year={params['batch_year']}&student_status=active"
    logins = [json.dumps({"email": email, "password": password}) for email in demo_logins.values()]
    logins.append(json.dumps({"email": "nobody@nowhere.example", "password": password}))
    return [
        Scenario("health_live", "/health/live", role=None, has_floor=True),
        Scenario("departments_list", "/api/v1/departments", has_floor=True),
        Scenario("students_page1", "/api/v1/students", has_floor=True),
        Scenario("students_filtered", f"/api/v1/students?{filters}", has_floor=True),
        Scenario("students_search", f"/api/v1/students/search?q={params['search_term']}", has_floor=True),
        Scenario("student_by_id", f"/api/v1/students/{params['student_id']}", has_floor=True),
        Scenario("offering_roster", f"/api/v1/course-offerings/{params['offering_id']}/students", has_floor=True),
        Scenario("login_mix", "/api/v1/auth/login", role=None, method="POST", bodies=logins),
        Scenario("admin_home", "/admin/", admin_session=True),
        *campus_scenarios(params),
        *scenarios_teaching.scenarios(params),
        *scenarios_schedules.scenarios(params),
        *scenarios_admin.scenarios(params),
        Scenario("students_search_rare", f"/api/v1/students/search?q={params['rare_search_term']}"),
        Scenario("books_search_rare", f"/api/v1/library/books/search?q={params['rare_book_term']}"),
        *scenarios_reports.scenarios(params),
    ]


# --- processes --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def serve(command: list[str], env: dict[str, str], port: int, *, ready_path: str,
          extra: list[list[str]] | None = None, cwd: Path = ROOT) -> Iterator[tuple[str, int]]:
    """Start a server (and helper processes such as the worker), wait until it answers,
    and stop them all on exit."""
    processes = [subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, start_new_session=True)]
    for other in extra or []:
        processes.append(subprocess.Popen(other, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL, start_new_session=True))
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if processes[0].poll() is not None:
                raise RuntimeError(f"server exited: {processes[0].stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(base + ready_path, timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("server did not become ready within 60 s")
            time.sleep(0.3)
        yield base, processes[0].pid
    finally:
        for process in processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def app_environment(db_url: str, redis_url: str) -> dict[str, str]:
    """The environment the app's processes run with: production settings on the clone, rate
    limits off (one client hammering one account is what they exist to stop)."""
    return dict(
        os.environ, APP_ENV="production", DATABASE_URL=db_url, REDIS_URL=redis_url,
        JWT_SECRET_KEY=BENCH_SECRET, LOG_LEVEL="WARNING", RATE_LIMIT_ENABLED="false",
        # The generated university's notices go out when the worker starts: with their emails
        # (hundreds of 500-recipient batches) the worker would take a core from the app for
        # the whole run. Mail delivery is not what the scenarios measure; urgent notices are
        # still emailed, and the worker's backlog is drained before the first scenario.
        NOTIFICATION_EMAIL_ENABLED="false",
        DATA_DIR=str(ROOT / "var" / "bench"), PYTHONUNBUFFERED="1",
    )


SERVERS = ("dashboard", "uvicorn")
# Older results files carry no server: they were all served by uvicorn's own workers.
SERVER_WORDS = {"dashboard": "web workers (`dashboard run`, connections balanced)",
                "uvicorn": "uvicorn workers"}


def app_server_command(server: str, port: int, workers: int) -> list[str]:
    """The app's web processes as production starts them (the Procfile's `dashboard run`), or
    as uvicorn's own multi-process mode does, whose workers share the accepts unevenly."""
    if server == "uvicorn":
        return [sys.executable, "-m", "uvicorn", "dashboard.app:create_app", "--factory",
                "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
                "--no-access-log", "--log-level", "warning", *UVICORN_FAST]
    return [sys.executable, "-m", "dashboard", "run", "--host", "127.0.0.1", "--port", str(port),
            "--workers", str(workers), "--no-worker"]


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        log("installing wrk from Debian's packages ...")
        subprocess.run([shutil.which("apt-get") or "apt-get", "install", "-y", "-qq", "wrk"], check=False,
                       env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"), stdout=subprocess.DEVNULL)
        found = shutil.which("wrk")
        if found:
            return found
    raise SystemExit("wrk is required: install it with `apt-get install wrk` (Debian's package)")


def login_tokens(base: str, demo_logins: dict[str, str], password: str) -> dict[str, str]:
    tokens = {}
    for role, email in demo_logins.items():
        response = httpx.post(f"{base}/api/v1/auth/login", json={"email": email, "password": password}, timeout=30)
        if response.status_code != 200:
            raise RuntimeError(f"login as {role} ({email}) failed: {response.status_code} {response.text[:200]}")
        tokens[role] = response.json()["access_token"]
    return tokens


def admin_session_cookie(base: str, email: str, password: str) -> str:
    """Sign in to the admin panel as a browser would (the Origin header satisfies its
    CSRF check) and return the session cookie."""
    response = httpx.post(f"{base}/admin/login", data={"username": email, "password": password},
                          headers={"Origin": base}, follow_redirects=False, timeout=30)
    cookie = response.cookies.get("admin_session")
    if response.status_code != 303 or not cookie:
        raise RuntimeError(f"admin login failed: {response.status_code}")
    return f"admin_session={cookie}"


@dataclass
class ExportResult:
    format: str
    rows: int
    seconds: float
    rows_per_second: float
    bytes: int
    peak_rss_growth_mb: float


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _worker_pids(master: int) -> list[int]:
    """uvicorn --workers N: the master's children serve the requests."""
    children = Path(f"/proc/{master}/task/{master}/children")
    pids = [int(p) for p in children.read_text().split()] if children.exists() else []
    return pids or [master]


def measure_export(base: str, token: str, fmt: str, rows: int, master_pid: int) -> ExportResult:
    """Stream the whole student export while sampling every worker's RSS; the growth is
    that of the worker that served it (the one that grew most)."""
    import threading

    workers = _worker_pids(master_pid)
    baseline = {pid: _rss_kb(pid) for pid in workers}
    peak = dict(baseline)
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            for pid in workers:
                peak[pid] = max(peak[pid], _rss_kb(pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    size = 0
    started = time.perf_counter()
    try:
        with httpx.stream("GET", f"{base}/api/v1/students/export", params={"format": fmt},
                          headers={"Authorization": f"Bearer {token}"}, timeout=600) as response:
            if response.status_code != 200:
                raise RuntimeError(f"{fmt} export failed: {response.status_code}")
            for chunk in response.iter_bytes():
                size += len(chunk)
    finally:
        done.set()
        sampler.join()
    seconds = time.perf_counter() - started
    growth_kb = max(peak[pid] - baseline[pid] for pid in workers)
    return ExportResult(format=fmt, rows=rows, seconds=round(seconds, 2),
                        rows_per_second=round(rows / seconds), bytes=size,
                        peak_rss_growth_mb=round(growth_kb / 1024, 1))


def run_wrk(wrk: str, base: str, scenario: Scenario, target: str, token: str | None,
            duration: float, concurrency: int, cookie: str | None = None) -> Result:
    env = dict(os.environ, BENCH_METHOD=scenario.method, BENCH_TOKEN=token or "",
               BENCH_COOKIE=cookie or "", BENCH_BODIES="\n".join(scenario.bodies))
    command = [wrk, "-t1", f"-c{concurrency}", f"-d{max(int(duration), 1)}s", "--timeout", "10s",
               "-s", str(WRK_SCRIPT), base + scenario.path]
    # wrk's exit status says nothing useful; its BENCH_RESULT line is checked below.
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=False,
                            timeout=duration + 60).stdout
    line = next((row for row in output.splitlines() if row.startswith("BENCH_RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no result for {scenario.name}: {output[-500:]}")
    raw = json.loads(line.removeprefix("BENCH_RESULT "))
    seconds = raw["duration_us"] / 1e6
    return Result(
        scenario=scenario.name, target=target, requests=raw["requests"], seconds=round(seconds, 2),
        rps=round(raw["requests"] / seconds, 1) if seconds else 0.0,
        p50_ms=raw["p50_us"] / 1000, p95_ms=raw["p95_us"] / 1000, p99_ms=raw["p99_us"] / 1000,
        max_ms=raw["max_us"] / 1000, non_2xx=raw["non_2xx"], socket_errors=raw["socket_errors"],
    )


async def _sql_floor(db_url: str, name: str, statements: list[tuple[str, list[Any]]], duration: float,
                     concurrency: int) -> Result:
    """The statements of one request, back to back on each of `concurrency` connections for
    `duration` seconds (bench/floor.py, SQL_FLOORS); latency is per request."""
    pool = await asyncpg.create_pool(**asyncpg_dsn(db_url), min_size=concurrency, max_size=concurrency)
    latencies: list[float] = []
    failures = 0
    try:
        async def one_connection(deadline: float) -> None:
            nonlocal failures
            async with pool.acquire() as connection:
                while time.perf_counter() < deadline:
                    started = time.perf_counter()
                    try:
                        for sql, args in statements:
                            await connection.fetch(sql, *args)
                    except asyncpg.PostgresError:
                        failures += 1
                    latencies.append(time.perf_counter() - started)

        # Warm each connection's statement cache and the buffers before measuring.
        await _warm_up(pool, statements, concurrency)
        started = time.perf_counter()
        await asyncio.gather(*(one_connection(started + duration) for _ in range(concurrency)))
        seconds = time.perf_counter() - started
    finally:
        await pool.close()
    ordered = sorted(latencies)

    def pick(share: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000, 2) if ordered else 0.0

    return Result(scenario=name, target="sql", requests=len(ordered), seconds=round(seconds, 2),
                  rps=round(len(ordered) / seconds, 1) if seconds else 0.0, p50_ms=pick(0.5), p95_ms=pick(0.95),
                  p99_ms=pick(0.99), max_ms=round(ordered[-1] * 1000, 2) if ordered else 0.0, non_2xx=failures,
                  socket_errors=0)


async def _warm_up(pool: asyncpg.Pool, statements: list[tuple[str, list[Any]]],
                                concurrency: int) -> None:
    async def warm() -> None:
        async with pool.acquire() as connection:
            for _ in range(3):
                for sql, args in statements:
                    await connection.fetch(sql, *args)

    await asyncio.gather(*(warm() for _ in range(concurrency)))


def run_sql_floors(db_url: str, chosen: list[Scenario], params: dict[str, Any], duration: float,
                   concurrency: int) -> list[Result]:
    from bench.floor import SQL_FLOORS

    results = []
    for scenario in chosen:
        build = SQL_FLOORS.get(scenario.name)
        if build is None:
            continue
        result = asyncio.run(_sql_floor(db_url, scenario.name, build(params), duration, concurrency))
        log(f"sql   {scenario.name:<18} {result.rps:>8.0f} rps  p95 {result.p95_ms:.2f} ms")
        results.append(result)
    return results


async def wait_for_idle_worker(redis_url: str, *, deadline_seconds: float = 180) -> None:
    """Until both job queues are empty and no job but a cron tick is running (the
    generated notices' fan-outs at the worker's start), or the deadline passes."""
    import redis.asyncio as aioredis

    client = aioredis.from_url(redis_url)
    started = time.monotonic()
    try:
        while time.monotonic() - started < deadline_seconds:
            queued = await client.zcard("arq:queue") + await client.zcard("arq:queue:bulk")
            running = [key async for key in client.scan_iter("arq:in-progress:*")
                       if not key.decode().startswith("arq:in-progress:cron:")]
            if not queued and not running:
                log(f"worker idle after {time.monotonic() - started:.1f} s")
                return
            await asyncio.sleep(1)
        log(f"worker still busy after {deadline_seconds:.0f} s: measuring anyway")
    finally:
        await client.aclose()


# --- reporting --------------------------------------------------------------------------


def markdown(results: list[Result], meta: dict[str, Any], exports: list[ExportResult] | None = None,
             jobs: list[ExportResult] | None = None, sections: list[str] | None = None) -> str:
    ours = {r.scenario: r for r in results if r.target == "app"}
    floor = {r.scenario: r for r in results if r.target == "floor"}
    served_by = SERVER_WORDS[meta.get("server", "uvicorn")]
    lines = [
        f"# Benchmark {meta['started']}",
        "",
        (f"{meta['students']} students (seed {meta['seed']}), {meta['duration']} s per scenario at "
         f"concurrency {meta['concurrency']}, app with {meta['workers']} {served_by}, "
         f"on {meta['cpus']} CPUs."),
        "",
        "| scenario | rps | p50 ms | p95 ms | p99 ms | errors | floor rps | ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, result in ours.items():
        base = floor.get(name)
        ratio = f"{result.rps / base.rps:.2f}" if base and base.rps else "-"
        lines.append(
            f"| {name} | {result.rps:.0f} | {result.p50_ms:.1f} | {result.p95_ms:.1f} | {result.p99_ms:.1f} "
            f"| {result.non_2xx + result.socket_errors} | {f'{base.rps:.0f}' if base else '-'} | {ratio} |")
    sql = {r.scenario: r for r in results if r.target == "sql"}
    if sql:
        lines += ["", "SQL floor: the best SQL of each scenario run raw from asyncpg at the same concurrency "
                  "(bench/floor.py, SQL_FLOORS): no HTTP, no JSON, the statements of one request back to back.",
                  "", "| scenario | SQL rps | SQL p50 ms | SQL p95 ms | app p95 ms | app ÷ SQL rps | floor ÷ SQL rps |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
        for name, floor_sql in sql.items():
            app, http_floor = ours.get(name), floor.get(name)
            lines.append(
                f"| {name} | {floor_sql.rps:.0f} | {floor_sql.p50_ms:.2f} | {floor_sql.p95_ms:.2f} "
                f"| {f'{app.p95_ms:.1f}' if app else '-'} "
                f"| {f'{app.rps / floor_sql.rps:.2f}' if app and floor_sql.rps else '-'} "
                f"| {f'{http_floor.rps / floor_sql.rps:.2f}' if http_floor and floor_sql.rps else '-'} |")
    if exports:
        lines += ["", "| export | rows | seconds | rows/s | size MB | peak RSS growth MB |",
                  "|---|---:|---:|---:|---:|---:|"]
        lines += [f"| {e.format} | {e.rows} | {e.seconds} | {e.rows_per_second} | {e.bytes / 1e6:.1f} "
                  f"| {e.peak_rss_growth_mb} |" for e in exports]
    if jobs:
        lines += ["", "| report job (whole university, request to file) | detail rows | seconds | rows/s | size MB "
                  "| worker peak RSS growth MB |", "|---|---:|---:|---:|---:|---:|"]
        lines += [f"| {e.format} | {e.rows} | {e.seconds} | {e.rows_per_second} | {e.bytes / 1e6:.1f} "
                  f"| {e.peak_rss_growth_mb} |" for e in jobs]
    for section in sections or []:
        lines += ["", section]
    return "\n".join(lines) + "\n"


def write_results(results: list[Result], meta: dict[str, Any], out_dir: Path,
                  exports: list[ExportResult] | None = None,
                  jobs: list[ExportResult] | None = None, sections: list[str] | None = None) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = meta["started"].replace(":", "").replace("-", "")
    json_path = out_dir / f"{stamp}.json"
    md_path = out_dir / f"{stamp}.md"
    json_path.write_text(json.dumps({"meta": meta, "results": [asdict(r) for r in results],
                                     "exports": [asdict(e) for e in exports or []],
                                     "report_jobs": [asdict(e) for e in jobs or []]}, indent=2))
    md_path.write_text(markdown(results, meta, exports, jobs, sections))
    shutil.copyfile(md_path, out_dir / "latest.md")
    return json_path, md_path


# --- main -------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--students", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per scenario")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--only", nargs="*", help="scenario names to run")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR)
    parser.add_argument("--server", choices=SERVERS, default="dashboard",
                        help="dashboard: `dashboard run --workers N` (the Procfile's web process, connections "
                             "balanced across the workers); uvicorn: uvicorn's own --workers N, for comparison")
    parser.add_argument("--no-exports", action="store_true", help="skip the CSV/XLSX export measurement")
    parser.add_argument("--no-sql-floor", action="store_true", help="skip the raw SQL floor of the scenarios")
    parser.add_argument("--upgrade-from", metavar="TEMPLATE",
                        help="when the dataset is not cached, make it from this older template (same generator, "
                             "older migrations) by applying the pending migrations instead of generating it")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    wrk = ensure_wrk()
    from dashboard.demo.generate import DEMO_LOGINS, DEMO_PASSWORD

    base_db = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    redis_url = os.environ.get("BENCH_REDIS_URL") or DEFAULT_REDIS_URL
    started = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()

    template = asyncio.run(prepare_template(base_db, args.students, args.seed, args.upgrade_from))
    clone = f"bench_run_{os.getpid()}"
    db_url = asyncio.run(clone_template(base_db, template, clone))
    params = asyncio.run(scenario_parameters(db_url))
    chosen = [s for s in scenarios(params, DEMO_LOGINS, DEMO_PASSWORD) if not args.only or s.name in args.only]

    env = app_environment(db_url, redis_url)
    results: list[Result] = []
    exports: list[ExportResult] = []
    jobs: list[ExportResult] = []
    sections: list[str] = []
    try:
        asyncio.run(scenarios_schedules.prepare(db_url, params, [s.name for s in chosen]))
        app_port = free_port()
        app_command = app_server_command(args.server, app_port, args.workers)
        worker_command = [sys.executable, "-m", "dashboard", "worker"]
        with serve(app_command, env, app_port, ready_path="/health/ready", extra=[worker_command]) as (base, pid):
            tokens = login_tokens(base, DEMO_LOGINS, DEMO_PASSWORD)
            asyncio.run(wait_for_idle_worker(redis_url))
            for scenario in chosen:
                cookie = admin_session_cookie(base, DEMO_LOGINS[scenario.role or "admin"], DEMO_PASSWORD) \
                    if scenario.admin_session else None
                token = None if scenario.admin_session else tokens.get(scenario.role or "")
                result = run_wrk(wrk, base, scenario, "app", token, args.duration, args.concurrency, cookie)
                log(f"app   {scenario.name:<18} {result.rps:>8.0f} rps  p95 {result.p95_ms:.1f} ms")
                results.append(result)
            if not args.only or scenarios_teaching.ONE_SHOTS & set(args.only):
                results += scenarios_teaching.one_shots(base, tokens, params)
            if not args.only or scenarios_schedules.ONE_SHOTS & set(args.only):
                results += scenarios_schedules.one_shots(base, tokens, params, db_url)
            if not args.only or "report_jobs" in args.only:
                jobs += scenarios_reports.report_jobs(base, tokens)
            if not args.only or "imports" in args.only:
                # A Redis database of their own: the server's worker must not send the
                # imported accounts' invitations while other scenarios are measured.
                # Sized by the university: 50,000 students into an empty one, 20,000 grades
                # (two in five students) and a dry run of twice the students at full size.
                imported = scenarios_imports.one_shots(
                    base_db, db_url, scenarios_imports.BENCH_REDIS_URL, students=args.students,
                    grades=min(20_000, args.students * 2 // 5), memory_rows=2 * args.students)
                sections.append(scenarios_imports.markdown(imported))
            if not args.no_exports:
                for fmt in ("csv", "xlsx"):
                    exported = measure_export(base, tokens["admin"], fmt, params["students"], pid)
                    log(f"export {fmt:<4} {exported.rows_per_second:>8} rows/s  "
                        f"peak RSS +{exported.peak_rss_growth_mb} MB")
                    exports.append(exported)

        floor_port = free_port()
        floor_command = [sys.executable, "-m", "uvicorn", "bench.floor:app", "--host", "127.0.0.1",
                         "--port", str(floor_port), "--workers", str(args.workers),
                         "--no-access-log", "--log-level", "warning", *UVICORN_FAST]
        with serve(floor_command, env, floor_port, ready_path="/health/live") as (base, _):
            for scenario in (s for s in chosen if s.has_floor):
                result = run_wrk(wrk, base, scenario, "floor", None, args.duration, args.concurrency)
                log(f"floor {scenario.name:<18} {result.rps:>8.0f} rps  p95 {result.p95_ms:.1f} ms")
                results.append(result)
        if not args.no_sql_floor:
            results += run_sql_floors(db_url, chosen, params, args.duration, args.concurrency)
    finally:
        asyncio.run(_admin_execute(base_db, f'DROP DATABASE IF EXISTS "{clone}" WITH (FORCE)'))

    meta = {"started": started, "students": args.students, "seed": args.seed, "duration": args.duration,
            "concurrency": args.concurrency, "workers": args.workers, "server": args.server, "cpus": os.cpu_count(),
            "template": template}
    json_path, md_path = write_results(results, meta, args.out, exports, jobs, sections)
    print(markdown(results, meta, exports, jobs, sections))
    log(f"results: {json_path} and {md_path}")
    failures = [r for r in results if r.failed]
    for failure in failures:
        log(f"FAILED {failure.target} {failure.scenario}: {failure.non_2xx} non-2xx, "
            f"{failure.socket_errors} socket errors, {failure.requests} requests")
    return 1 if failures else 0
