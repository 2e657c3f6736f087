"""Generate a demo/benchmark university straight into PostgreSQL.

`generate_university` plans a consistent university in memory (`dashboard.demo.plan`),
streams every table's rows from that plan (`dashboard.demo.rows`) and loads them with
COPY, in one connection and one transaction, with ids chosen here. It follows the
PostgreSQL manual's advice for bulk loads ("Populating a Database"): inside the
transaction, the loaded tables' foreign keys, unique constraints and secondary indexes
are dropped, the data is copied, and they are recreated from their own catalogue
definitions. Recreating them checks every row against them at once, so the data is
verified as strictly as row-by-row inserts would verify it, and any violation rolls the
whole load back. Sequences are then moved past the generated ids.

The same students and seed always give the same rows: every date derives from the fixed
calendar in `dashboard.demo.academic_calendar`, and every password is one bcrypt hash of
DEMO_PASSWORD made with a fixed salt.

Run it directly for a benchmark:
    python -m dashboard.demo.generate --db-url postgres://postgres@127.0.0.1/gen_scratch --students 2000
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import sys
import time
from dataclasses import dataclass, field

import asyncpg
import bcrypt

from dashboard.core.db import asyncpg_dsn
from dashboard.demo.academic_calendar import ACADEMIC_YEAR, TODAY
from dashboard.demo.plan import GradeBand, Plan
from dashboard.demo.rows import TABLES, Rows

__all__ = [
    "ACADEMIC_YEAR",
    "DEMO_LOGINS",
    "DEMO_PASSWORD",
    "GENERATED_TABLES",
    "TODAY",
    "GenerationReport",
    "TableTiming",
    "UniversityNotEmpty",
    "generate_university",
    "university_is_empty",
]

DEMO_PASSWORD = "Demo-pass-2026"  # noqa: S105 - public: the banner and README show it
DEMO_LOGINS: dict[str, str] = {
    "admin": "admin@university.example",
    "staff": "staff@university.example",
    "faculty": "faculty@university.example",
    "student": "student@university.example",
    "parent": "parent@university.example",
}
BCRYPT_COST = 10
GENERATED_TABLES = tuple(spec.name for spec in TABLES)
_BCRYPT_ALPHABET = b"./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


class UniversityNotEmpty(RuntimeError):
    """The database already holds a university; the generator only fills an empty one."""


@dataclass(slots=True)
class TableTiming:
    table: str
    rows: int
    load_seconds: float
    index_seconds: float = 0.0

    @property
    def seconds(self) -> float:
        return self.load_seconds + self.index_seconds

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0


@dataclass(slots=True)
class GenerationReport:
    students: int
    seed: int
    tables: list[TableTiming] = field(default_factory=list)
    # Work not owned by one table: planning, dropping/recreating cross-table foreign
    # keys, sequences, ANALYZE, commit.
    phases: dict[str, float] = field(default_factory=dict)
    total_seconds: float = 0.0

    @property
    def total_rows(self) -> int:
        return sum(t.rows for t in self.tables)

    def rows(self, table: str) -> int:
        return next(t.rows for t in self.tables if t.table == table)

    def as_text(self) -> str:
        summary = (
            f"Generated a university of {self.students:,} students (seed {self.seed}) "
            f"in {self.total_seconds:.1f} s: {self.total_rows:,} rows, "
            f"{self.total_rows / self.total_seconds:,.0f} rows/s overall."
        )
        lines = [
            summary,
            "",
            f"{'table':<22} {'rows':>12} {'copy s':>8} {'index s':>8} {'total s':>8} {'rows/s':>12}",
        ]
        for t in self.tables:
            lines.append(
                f"{t.table:<22} {t.rows:>12,} {t.load_seconds:>8.2f} {t.index_seconds:>8.2f} "
                f"{t.seconds:>8.2f} {t.rows_per_second:>12,.0f}"
            )
        if self.phases:
            lines.append("")
            lines.append("other work: " + ", ".join(
                f"{name} {seconds:.2f} s" for name, seconds in self.phases.items()))
        return "\n".join(lines)


def demo_password_hash() -> str:
    """One bcrypt hash of DEMO_PASSWORD, shared by every generated user.

    The salt is a constant, so the generated data is identical from run to run (the
    password is public anyway).
    """
    digest = hashlib.sha256(b"university-dashboard-demo-salt").digest()
    salt = bytes(_BCRYPT_ALPHABET[b % 64] for b in digest[:21])
    salt += bytes([_BCRYPT_ALPHABET[(digest[21] % 4) * 16]])  # last char carries 2 bits
    full_salt = b"$2b$%02d$" % BCRYPT_COST + salt
    return bcrypt.hashpw(DEMO_PASSWORD.encode(), full_salt).decode()


async def university_is_empty(db_url: str) -> bool:
    """True when the database holds no department (the generator's precondition)."""
    conn = await asyncpg.connect(**asyncpg_dsn(db_url))
    try:
        return not await conn.fetchval("SELECT EXISTS (SELECT 1 FROM departments)")
    finally:
        await conn.close()


async def generate_university(db_url: str, *, students: int, seed: int) -> GenerationReport:
    """Load a generated university into an empty, migrated database (see the module doc)."""
    started = time.perf_counter()
    report = GenerationReport(students=students, seed=seed)
    conn = await asyncpg.connect(**asyncpg_dsn(db_url))
    try:
        await _check_empty(conn)
        tick = time.perf_counter()
        first_ids = {}
        for table in GENERATED_TABLES:
            first_ids[table] = 1 + await conn.fetchval(f"SELECT coalesce(max(id), 0) FROM {table}")
        receipt_start = await _next_receipt_number(conn)
        grading_scale = await _grading_scale(conn)
        password_hash = await asyncio.to_thread(demo_password_hash)
        plan = await asyncio.to_thread(
            Plan, students=students, seed=seed, first_ids=first_ids, demo_logins=DEMO_LOGINS,
            grading_scale=grading_scale,
        )
        rows = Rows(plan, password_hash=password_hash, receipt_start=receipt_start)
        report.phases["plan"] = time.perf_counter() - tick

        async with conn.transaction():
            await conn.execute("SET LOCAL maintenance_work_mem = '256MB'")
            await conn.execute("SET LOCAL synchronous_commit = off")
            # The DDL below waits for other sessions' locks; fail rather than hang.
            await conn.execute("SET LOCAL lock_timeout = '30s'")
            owner = await _owns_tables(conn, GENERATED_TABLES)
            tick = time.perf_counter()
            # Only a table's owner may drop its constraints; others load with them in place.
            deferred = await _drop_constraints(conn, GENERATED_TABLES) if owner else _Deferred()
            report.phases["drop constraints"] = time.perf_counter() - tick
            await _copy_tables(conn, rows, report)
            # Fire the deferred triggers of the copied rows (the available-rooms version,
            # migration 13) now: ALTER TABLE refuses a table with trigger events pending.
            await conn.execute("SET CONSTRAINTS ALL IMMEDIATE")
            await _restore_constraints(conn, deferred, report)
            tick = time.perf_counter()
            await _advance_sequences(conn, receipt_start, rows.receipt_end)
            report.phases["sequences"] = time.perf_counter() - tick
            await _check_demo_logins(conn)
            tick = time.perf_counter()
        report.phases["commit"] = time.perf_counter() - tick

        if owner:  # fresh statistics for the first queries (only owners may ANALYZE)
            tick = time.perf_counter()
            await conn.execute("ANALYZE " + ", ".join(GENERATED_TABLES))
            report.phases["analyze"] = time.perf_counter() - tick
    finally:
        await conn.close()
    report.total_seconds = time.perf_counter() - started
    return report


async def _check_empty(conn: asyncpg.Connection) -> None:
    if await conn.fetchval("SELECT EXISTS (SELECT 1 FROM departments)"):
        raise UniversityNotEmpty("the database already holds a university")
    if await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM users WHERE email = ANY($1::text[]))",
        list(DEMO_LOGINS.values()),
    ):
        raise UniversityNotEmpty("a demo login's email is already registered")


async def _copy_tables(conn: asyncpg.Connection, rows: Rows, report: GenerationReport) -> None:
    for spec in TABLES:
        tick = time.perf_counter()
        status = await conn.copy_records_to_table(
            spec.name, records=spec.rows(rows), columns=list(spec.columns)
        )
        if spec.after:
            await conn.execute(spec.after)
        count = int(status.split()[-1])  # "COPY <n>"
        report.tables.append(TableTiming(spec.name, count, time.perf_counter() - tick))


async def _restore_constraints(conn: asyncpg.Connection, deferred: _Deferred,
                               report: GenerationReport) -> None:
    timings = {t.table: t for t in report.tables}
    for table, statements in deferred.per_table.items():
        tick = time.perf_counter()
        for sql in statements:
            await conn.execute(sql)
        timings[table].index_seconds += time.perf_counter() - tick
    tick = time.perf_counter()
    for sql in deferred.foreign_keys:
        await conn.execute(sql)
    report.phases["foreign keys"] = time.perf_counter() - tick


async def _advance_sequences(conn: asyncpg.Connection, receipt_start: int,
                             receipt_end: int) -> None:
    """Move every id sequence past the generated ids, so later inserts do not collide."""
    for table in GENERATED_TABLES:
        await conn.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table} "
            "HAVING max(id) IS NOT NULL"
        )
    if receipt_end >= receipt_start:
        await conn.execute("SELECT setval('fee_receipt_number_seq', $1)", receipt_end)


async def _check_demo_logins(conn: asyncpg.Connection) -> None:
    found = await conn.fetchval(
        "SELECT count(*) FROM users WHERE email = ANY($1::text[])", list(DEMO_LOGINS.values())
    )
    if found != len(DEMO_LOGINS):
        raise RuntimeError("the generated university lacks a demo login")


async def _grading_scale(conn: asyncpg.Connection) -> list[GradeBand]:
    """The letters the grades service awards (seeded by the migrations), so the generated
    results are the ones the service would publish from the generated marks."""
    rows = await conn.fetch("SELECT letter, min_percentage, grade_point FROM grading_scales")
    return [GradeBand(r["letter"], r["min_percentage"], r["grade_point"]) for r in rows]


async def _next_receipt_number(conn: asyncpg.Connection) -> int:
    row = await conn.fetchrow("SELECT last_value, is_called FROM fee_receipt_number_seq")
    if row is None:
        raise RuntimeError("the fee receipt sequence is missing (the migrations create it)")
    last = int(row["last_value"])
    return last + 1 if row["is_called"] else last


@dataclass(slots=True)
class _Deferred:
    # unique constraints and indexes to recreate, per table; then the foreign keys
    per_table: dict[str, list[str]] = field(default_factory=dict)
    foreign_keys: list[str] = field(default_factory=list)


async def _owns_tables(conn: asyncpg.Connection, tables: tuple[str, ...]) -> bool:
    return bool(await conn.fetchval(
        "SELECT bool_and(pg_has_role(current_user, c.relowner, 'USAGE')) FROM pg_class c "
        "WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace "
        "AND c.relname = ANY($1::text[])",
        list(tables),
    ))


async def _drop_constraints(conn: asyncpg.Connection, tables: tuple[str, ...]) -> _Deferred:
    """Drop what makes COPY slow (foreign-key triggers, index maintenance) on `tables`, and
    return the DDL that recreates it exactly (same names, same definitions).

    Primary keys stay (ids are appended in order, so their upkeep is cheap, and foreign
    keys need them); CHECK constraints stay (they are cheap and check every row as it
    arrives). Foreign keys of other tables that point at a loaded table are dropped too,
    since they are recreated with the rest.
    """
    names = list(tables)
    foreign = await conn.fetch(
        """
        SELECT c.conrelid::regclass::text AS tbl, c.conname, pg_get_constraintdef(c.oid) AS def
        FROM pg_constraint c
        WHERE c.contype = 'f'
          AND (c.conrelid::regclass::text = ANY($1::text[])
               OR c.confrelid::regclass::text = ANY($1::text[]))
        ORDER BY c.conrelid::regclass::text, c.conname
        """,
        names,
    )
    uniques = await conn.fetch(
        """
        SELECT c.conrelid::regclass::text AS tbl, c.conname, pg_get_constraintdef(c.oid) AS def
        FROM pg_constraint c
        WHERE c.contype = 'u' AND c.conrelid::regclass::text = ANY($1::text[])
        ORDER BY 1, 2
        """,
        names,
    )
    indexes = await conn.fetch(
        """
        SELECT i.indrelid::regclass::text AS tbl, i.indexrelid::regclass::text AS name,
               pg_get_indexdef(i.indexrelid) AS def
        FROM pg_index i
        WHERE i.indrelid::regclass::text = ANY($1::text[])
          AND NOT EXISTS (
              SELECT 1 FROM pg_constraint c
              WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid
                AND c.contype IN ('p', 'u', 'x'))
        ORDER BY 1, 2
        """,
        names,
    )
    deferred = _Deferred()
    for row in foreign:
        await conn.execute(f'ALTER TABLE {row["tbl"]} DROP CONSTRAINT "{row["conname"]}"')
        deferred.foreign_keys.append(
            f'ALTER TABLE {row["tbl"]} ADD CONSTRAINT "{row["conname"]}" {row["def"]}'
        )
    for row in uniques:
        await conn.execute(f'ALTER TABLE {row["tbl"]} DROP CONSTRAINT "{row["conname"]}"')
        deferred.per_table.setdefault(row["tbl"], []).append(
            f'ALTER TABLE {row["tbl"]} ADD CONSTRAINT "{row["conname"]}" {row["def"]}'
        )
    for row in indexes:
        await conn.execute(f"DROP INDEX {row['name']}")
        deferred.per_table.setdefault(row["tbl"], []).append(row["def"])
    return deferred


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Load a generated university into PostgreSQL.")
    parser.add_argument("--db-url", required=True)
    parser.add_argument("--students", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    report = asyncio.run(generate_university(args.db_url, students=args.students, seed=args.seed))
    sys.stdout.write(report.as_text() + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
