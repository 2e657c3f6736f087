"""Benchmark of bulk imports (issue 15), wired into bench/runner.py and runnable alone:

    python -m bench.scenarios_imports [--students 50000] [--grades 20000] [--template NAME]

1. 50,000 students (with their accounts) into an empty university: a new database with
   the migrations, one department and one program.
2. 20,000 grades for one assessment into the generated 50,000-student university (a
   clone of the cached template, with a benchmark offering of 20,000 registered students).
3. The dry run of 100,000 students, for the worker's memory.

Each import is uploaded through the service and then run by the very functions the
worker's jobs call (validation, then commit), in this process, so the figures are the
job's own: rows per second of the preview and of the commit, and the growth of this
process's resident memory while it runs (sampled every 50 ms).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import resource
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg

from dashboard.core.db import asyncpg_dsn, create_database, with_database

BENCH_OFFERING_SECTION = "IMPORT"
# The queue the imports' invitation jobs go to, emptied afterwards (no worker reads it).
BENCH_REDIS_URL = "redis://127.0.0.1:6379/15"


@dataclass
class ImportFigure:
    name: str
    rows: int
    preview_seconds: float
    commit_seconds: float | None
    preview_rss_growth_mb: float
    commit_rss_growth_mb: float | None
    # CPU seconds of this process and of the database's backends serving it: the machine
    # is shared, so rows per CPU second say more than rows per second of wall time.
    preview_cpu_seconds: float = 0.0
    commit_cpu_seconds: float | None = None

    @property
    def preview_rows_per_second(self) -> float:
        return self.rows / self.preview_seconds

    @property
    def commit_rows_per_second(self) -> float | None:
        return self.rows / self.commit_seconds if self.commit_seconds else None

    def line(self) -> str:
        commit = (f"commit {self.commit_rows_per_second:>7.0f} rows/s ({self.commit_seconds:.1f} s, "
                  f"{self.rows / (self.commit_cpu_seconds or 1):.0f} rows/CPU-s, "
                  f"RSS +{self.commit_rss_growth_mb:.0f} MB)" if self.commit_seconds else "")
        return (f"import {self.name:<22} {self.rows:>7} rows: preview {self.preview_rows_per_second:>7.0f} rows/s "
                f"({self.preview_seconds:.1f} s, {self.rows / (self.preview_cpu_seconds or 1):.0f} rows/CPU-s, "
                f"RSS +{self.preview_rss_growth_mb:.0f} MB)  {commit}")


_TICKS = os.sysconf("SC_CLK_TCK")


def _process_cpu(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICKS


async def _backend_pids() -> list[int]:
    from tortoise import connections

    rows = await connections.get("default").execute_query_dict(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend'")
    return [r["pid"] for r in rows]


class CpuClock:
    """CPU seconds of this process and of the database backends serving its pool."""

    async def __aenter__(self) -> CpuClock:
        self._pids = await _backend_pids()
        self._start = time.process_time() + sum(_process_cpu(p) for p in self._pids)
        return self

    async def __aexit__(self, *_: object) -> None:
        pids = set(self._pids) | set(await _backend_pids())
        self.seconds = time.process_time() + sum(_process_cpu(p) for p in pids) - self._start


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class PeakRss:
    """The peak resident memory above the level at start, sampled in a thread."""

    def __init__(self) -> None:
        self.start = _rss_mb()
        self.peak = self.start
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, _rss_mb())

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss_mb())

    @property
    def growth(self) -> float:
        return self.peak - self.start


class FileUpload:
    """An UploadSource over a file on disk."""

    def __init__(self, path: Path) -> None:
        self.path = path

    async def begin(self) -> tuple[str | None, str | None]:
        return self.path.name, "text/csv"

    async def chunks(self) -> AsyncIterator[bytes]:
        with self.path.open("rb") as handle:
            while chunk := handle.read(1024 * 1024):
                yield chunk


def _write_csv(path: Path, header: list[str], rows: Callable[[int], list[str]], count: int) -> Path:
    import csv

    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(header)
        for n in range(count):
            writer.writerow(rows(n))
    return path


STUDENT_HEADER = ["student_code", "admission_number", "email", "user_name", "first_name", "last_name",
                  "admission_date", "program_code", "department_code", "batch_year", "semester", "category",
                  "gender", "city"]


def _student(n: int) -> list[str]:
    return [f"IMP{n:06d}", f"IADM-{n:06d}", f"imported.{n}@bench.example.edu", f"imported.{n}", f"Asha{n}", "Rao",
            "2026-07-20", "BENCH-PROG", "BENCH-DEPT", "2026", str(1 + n % 8),
            ("general", "obc", "sc", "st")[n % 4], ("female", "male")[n % 2], "Bengaluru"]


async def _staff_actor(connection: asyncpg.Connection) -> Any:
    from dashboard.core.actor import Actor
    from models.enums import UserType

    user_id = await connection.fetchval(
        "INSERT INTO users (user_type, email, user_name, hashed_password, first_name, last_name, is_active, "
        "is_verified, created_at) VALUES ('admin', $1, $2, 'x', 'Bench', 'Registrar', true, true, now()) "
        "ON CONFLICT DO NOTHING RETURNING id", f"bench.registrar.{os.getpid()}@bench.example.edu",
        f"bench.registrar.{os.getpid()}")
    return Actor.for_user(user_id=user_id, role=UserType.ADMIN)


async def _run(actor: Any, *, name: str, kind: str, path: Path, rows: int, commit: bool,
               **options: Any) -> ImportFigure:
    from dashboard.core.actor import Actor
    from dashboard.services import imports

    created = await imports.create_import(actor, kind=kind, mode="create", upload=FileUpload(path), **options)
    started = time.perf_counter()
    async with CpuClock() as preview_cpu:
        with PeakRss() as preview_memory:
            outcome = await imports.validate_import(Actor.system(), import_id=created.id)
    preview_seconds = time.perf_counter() - started
    view = await imports._import_out(created.id)
    if outcome != "validated" or view.created_count != rows:
        raise RuntimeError(f"{name}: preview {outcome}, {view.created_count} of {rows} rows valid ({view.message})")
    commit_seconds = commit_growth = commit_cpu = None
    if commit:
        await imports.commit_import(actor, import_id=created.id)
        started = time.perf_counter()
        async with CpuClock() as clock:
            with PeakRss() as commit_memory:
                await imports.commit_rows(Actor.system(), import_id=created.id)
        commit_seconds = time.perf_counter() - started
        commit_growth, commit_cpu = commit_memory.growth, clock.seconds
        view = await imports._import_out(created.id)
        if view.committed_count != rows:
            raise RuntimeError(f"{name}: committed {view.committed_count} of {rows}")
    return ImportFigure(name, rows, preview_seconds, commit_seconds, preview_memory.growth, commit_growth,
                        preview_cpu.seconds, commit_cpu)


async def _with_orm(db_url: str, redis_url: str, work: Callable[[], Any]) -> Any:
    from dashboard.core import cache
    from dashboard.core.db import close_orm, init_orm

    await init_orm(db_url)
    await cache.connect(redis_url)
    try:
        return await work()
    finally:
        await cache.redis().flushdb()
        await cache.close()
        await close_orm()


async def students_into_an_empty_university(base_url: str, redis_url: str, *, students: int,
                                            memory_rows: int) -> list[ImportFigure]:
    from dashboard.core.db import apply_migrations

    name = f"bench_imports_{os.getpid()}"
    url = with_database(base_url, name)
    admin = await asyncpg.connect(**asyncpg_dsn(with_database(base_url, "postgres")))
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.close()
    await create_database(url)
    try:
        await apply_migrations(url)
        connection = await asyncpg.connect(**asyncpg_dsn(url))
        try:
            department = await connection.fetchval(
                "INSERT INTO departments (name, code, is_active, created_at) VALUES ('Bench', 'BENCH-DEPT', true, "
                "now()) RETURNING id")
            await connection.execute(
                "INSERT INTO programs (name, code, degree_type, department_id, duration_years, total_semesters, "
                "total_credits, is_active, created_at) VALUES ('Bench program', 'BENCH-PROG', 'bachelors', $1, 4, 8, "
                "160, true, now())", department)
            actor = await _staff_actor(connection)
        finally:
            await connection.close()
        with tempfile.TemporaryDirectory() as folder:
            small = _write_csv(Path(folder) / "students.csv", STUDENT_HEADER, _student, students)
            large = _write_csv(Path(folder) / "students_100k.csv", STUDENT_HEADER,
                               lambda n: _student(n + 1_000_000), memory_rows)

            async def work() -> list[ImportFigure]:
                figures = [await _run(actor, name="students_empty_univ", kind="students", path=small,
                                      rows=students, commit=True)]
                figures.append(await _run(actor, name="students_preview_100k", kind="students", path=large,
                                          rows=memory_rows, commit=False))
                return figures

            return await _with_orm(url, redis_url, work)
    finally:
        admin = await asyncpg.connect(**asyncpg_dsn(with_database(base_url, "postgres")))
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def grades_into_the_university(db_url: str, redis_url: str, *, grades: int) -> ImportFigure:
    """A benchmark offering of `grades` registered students of the generated university,
    an assessment of it, and a file of one mark each."""
    connection = await asyncpg.connect(**asyncpg_dsn(db_url))
    try:
        template = await connection.fetchrow(
            # A semester with no published results: marks there need no reason.
            "SELECT o.program_id, o.course_id, o.semester, o.academic_year FROM course_offerings o "
            "WHERE NOT EXISTS (SELECT 1 FROM semester_results r WHERE r.semester = o.semester "
            "AND r.published_at IS NOT NULL) ORDER BY o.semester DESC, o.id LIMIT 1")
        offering = await connection.fetchval(
            "INSERT INTO course_offerings (program_id, course_id, semester, academic_year, section, status, "
            "start_date, end_date, enrolled_students, created_at) VALUES ($1, $2, $3, $4, $5, 'ongoing', $6, $7, 0, "
            "now()) RETURNING id", template["program_id"], template["course_id"], template["semester"],
            template["academic_year"], BENCH_OFFERING_SECTION, dt.date(2024, 1, 1), dt.date(2025, 1, 1))
        codes = await connection.fetch(
            "WITH e AS (SELECT DISTINCT ON (student_id) id, student_id FROM enrollments ORDER BY student_id, id "
            "LIMIT $2), r AS (INSERT INTO course_registrations (enrollment_id, course_offering_id, status, "
            "registered_at, created_at) SELECT id, $1, 'registered', now(), now() FROM e RETURNING enrollment_id) "
            "SELECT s.student_code FROM r JOIN enrollments en ON en.id = r.enrollment_id "
            "JOIN students s ON s.id = en.student_id", offering, grades)
        assessment = await connection.fetchval(
            "INSERT INTO assessments (course_offering_id, name, assessment_type, max_marks, weightage, date, "
            "created_at) VALUES ($1, 'Bench import quiz', 'quiz', 20, 10, '2024-03-01', now()) RETURNING id",
            offering)
        actor = await _staff_actor(connection)
    finally:
        await connection.close()
    if len(codes) < grades:
        raise RuntimeError(f"only {len(codes)} students to grade")
    with tempfile.TemporaryDirectory() as folder:
        path = _write_csv(Path(folder) / "grades.csv", ["student_code", "marks_obtained", "remarks"],
                          lambda n: [codes[n]["student_code"], f"{(n * 7) % 20}.5", ""], grades)

        async def work() -> ImportFigure:
            return await _run(actor, name="grades_50k_univ", kind="grades", path=path, rows=grades, commit=True,
                              assessment_id=assessment)

        return await _with_orm(db_url, redis_url, work)


def one_shots(base_db: str, db_url: str, redis_url: str, *, students: int = 50_000, grades: int = 20_000,
              memory_rows: int = 100_000) -> list[ImportFigure]:
    """What bench/runner.py calls: the three imports, each logged."""
    from bench.runner import log

    figures = asyncio.run(students_into_an_empty_university(base_db, redis_url, students=students,
                                                            memory_rows=memory_rows))
    figures.append(asyncio.run(grades_into_the_university(db_url, redis_url, grades=grades)))
    for figure in figures:
        log(figure.line())
    return figures


def markdown(figures: list[ImportFigure]) -> str:
    lines = ["| import | rows | preview rows/s | preview rows/CPU-s | commit rows/s | commit rows/CPU-s "
             "| preview RSS growth | commit RSS growth |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for f in figures:
        commit = f"{f.commit_rows_per_second:.0f}" if f.commit_rows_per_second else "-"
        commit_cpu = f"{f.rows / f.commit_cpu_seconds:.0f}" if f.commit_cpu_seconds else "-"
        growth = f"{f.commit_rss_growth_mb:.0f} MB" if f.commit_rss_growth_mb is not None else "-"
        lines.append(f"| {f.name} | {f.rows} | {f.preview_rows_per_second:.0f} | "
                     f"{f.rows / (f.preview_cpu_seconds or 1):.0f} | {commit} | {commit_cpu} | "
                     f"{f.preview_rss_growth_mb:.0f} MB | {growth} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Alone: clone the cached 50,000-student template (or the one named), bring it to
    this checkout's migrations, run the three imports, drop the clone."""
    from bench.runner import DEFAULT_DATABASE_URL, clone_template, log, template_name
    from dashboard.core.db import apply_migrations

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=50_000)
    parser.add_argument("--grades", type=int, default=20_000)
    parser.add_argument("--memory-rows", type=int, default=100_000)
    parser.add_argument("--template", help="the template database to clone (default: this checkout's)")
    args = parser.parse_args(argv)
    base_db = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE_URL
    redis_url = BENCH_REDIS_URL
    template = args.template or template_name(50_000, 42)
    clone = f"bench_run_imports_{os.getpid()}"
    db_url = asyncio.run(clone_template(base_db, template, clone))
    try:
        asyncio.run(apply_migrations(db_url))
        figures = one_shots(base_db, db_url, redis_url, students=args.students, grades=args.grades,
                            memory_rows=args.memory_rows)
    finally:
        async def drop() -> None:
            admin = await asyncpg.connect(**asyncpg_dsn(with_database(base_db, "postgres")))
            await admin.execute(f'DROP DATABASE IF EXISTS "{clone}" WITH (FORCE)')
            await admin.close()

        asyncio.run(drop())
    print(markdown(figures))
    log(f"cpus {os.cpu_count()}, load {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
