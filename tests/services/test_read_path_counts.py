"""The counts migration 5 keeps by triggers (student_counts, attendance_totals,
fee_balances) stay equal to a recount of the rows they are made from, after many writes
committed at once from separate connections, and the reads built on them give the answers
of the queries they replace."""

from __future__ import annotations

import asyncio
import datetime as dt
import random
from decimal import Decimal
from typing import Any

import asyncpg
import pytest

from dashboard.core.actor import Actor
from dashboard.core.db import asyncpg_dsn
from dashboard.core.pagination import PageRequest
from dashboard.services import attendance, fees, students
from models.enums import PersonStatus
from tests import factories

WRITERS = 24

STUDENT_RECOUNT = """
SELECT count(*) FROM (
    SELECT department_id, program_id, batch_year, semester, status, COALESCE(category, '') AS category,
           count(*) AS n
    FROM students GROUP BY 1, 2, 3, 4, 5, 6
) r FULL JOIN student_counts c USING (department_id, program_id, batch_year, semester, status, category)
WHERE c.students IS DISTINCT FROM r.n AND NOT (r.n IS NULL AND c.students = 0)
"""
TOTALS_RECOUNT = """
SELECT count(*) FROM (
    SELECT enrollment_id, sum(total_classes) AS total, sum(attended_classes) AS attended
    FROM attendance_summary GROUP BY 1
) r FULL JOIN attendance_totals t USING (enrollment_id)
WHERE (t.total_classes IS DISTINCT FROM r.total OR t.attended_classes IS DISTINCT FROM r.attended
       OR t.student_id IS DISTINCT FROM (SELECT student_id FROM enrollments e WHERE e.id = t.enrollment_id))
  AND NOT (r.total IS NULL AND t.total_classes = 0 AND t.attended_classes = 0)
"""
BALANCES_RECOUNT = """
SELECT count(*) FROM fee_structures fs FULL JOIN fee_balances b ON b.fee_structure_id = fs.id
WHERE b.total_fee IS DISTINCT FROM fs.total_fee OR b.due_date IS DISTINCT FROM fs.due_date
   OR b.student_id IS DISTINCT FROM fs.student_id
   OR b.paid IS DISTINCT FROM (SELECT COALESCE(sum(amount_paid), 0) FROM fee_payments p
                               WHERE p.fee_structure_id = fs.id AND p.payment_status = 'completed')
"""

# Migration 15: the open balances per due date.
OPEN_COUNTS_RECOUNT = """
SELECT count(*) FROM (
    SELECT due_date, count(*) AS n FROM fee_balances WHERE paid < total_fee GROUP BY 1
) r FULL JOIN fee_open_counts c USING (due_date)
WHERE c.open_balances IS DISTINCT FROM r.n AND NOT (r.n IS NULL AND c.open_balances = 0)
"""


def _migration(pattern: str) -> Any:
    """The migration module whose file name matches `pattern`."""
    import importlib.util

    from dashboard.core.db import MIGRATIONS_DIR

    path = next((MIGRATIONS_DIR / "models").glob(pattern))
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    return migration


async def _at_once(database_url: str, statements: list[tuple[str, list[Any]]]) -> None:
    """Each statement in its own transaction on its own connection, all started together
    and each held open a moment before committing, so that they overlap."""
    connections = [await asyncpg.connect(**asyncpg_dsn(database_url)) for _ in statements]
    try:
        async def run(connection: asyncpg.Connection, sql: str, args: list[Any]) -> None:
            async with connection.transaction():
                await connection.execute(sql, *args)
                await connection.execute("SELECT pg_sleep(0.05)")

        await asyncio.gather(*(run(c, sql, args) for c, (sql, args) in zip(connections, statements, strict=True)))
    finally:
        for connection in connections:
            await connection.close()


async def _fetchval(database_url: str, sql: str, *args: Any) -> Any:
    connection = await asyncpg.connect(**asyncpg_dsn(database_url))
    try:
        return await connection.fetchval(sql, *args)
    finally:
        await connection.close()


async def test_student_counts_equal_a_recount_after_concurrent_writes(app, services):
    department = await factories.create_department()
    programs = [await factories.create_program(department=department) for _ in range(2)]
    existing = [await factories.create_student(program=programs[n % 2], department=department,
                                               semester=1 + n % 3) for n in range(WRITERS)]
    accounts = [await factories.create_user() for _ in range(WRITERS)]
    rng = random.Random(7)
    statements: list[tuple[str, list[Any]]] = []
    for n in range(WRITERS):
        kind = n % 4
        if kind == 0:
            statements.append((
                "INSERT INTO students (user_id, student_code, admission_number, admission_date, program_id, "
                "department_id, batch_year, semester, status, category, created_at) "
                "VALUES ($1, $2, $3, '2024-08-01', $4, $5, 2024, $6, 'active', $7, now())",
                [accounts[n].id, f"CNT{n:04d}", f"ADMCNT{n:04d}", programs[n % 2].id, department.id,
                 rng.randint(1, 3), rng.choice([None, "general", "obc"])]))
        elif kind == 1:
            statements.append(("UPDATE students SET semester = semester + 1, status = 'inactive' WHERE id = $1",
                               [existing[n].id]))
        elif kind == 2:
            statements.append(("UPDATE students SET program_id = $2, category = 'sc' WHERE id = $1",
                               [existing[n].id, programs[(n + 1) % 2].id]))
        else:
            statements.append(("DELETE FROM students WHERE id = $1", [existing[n].id]))
    # One statement moving several students at once, across groups.
    statements.append(("UPDATE students SET batch_year = 2023 WHERE id = ANY($1::int[])",
                       [[s.id for s in existing[::5]]]))
    await _at_once(services["database_url"], statements)

    assert await _fetchval(services["database_url"], STUDENT_RECOUNT) == 0
    everyone = Actor.system()
    for filters in ({}, {"status": PersonStatus.ACTIVE}, {"program_id": programs[0].id},
                    {"department_id": department.id, "batch_year": 2024, "status": PersonStatus.INACTIVE},
                    {"semester": 2}):
        page = await students.list_students(everyone, page=PageRequest(), **filters)
        where = " AND ".join(f"{k} = ${i + 1}" for i, k in enumerate(filters)) or "true"
        values = [getattr(v, "value", v) for v in filters.values()]
        assert page.total == await _fetchval(services["database_url"],
                                             f"SELECT count(*) FROM students WHERE {where}", *values), filters


async def test_attendance_totals_equal_a_recount_after_concurrent_writes(app, services):
    enrollments = [await factories.create_enrollment() for _ in range(6)]
    connection = await asyncpg.connect(**asyncpg_dsn(services["database_url"]))
    try:
        await connection.executemany(
            "INSERT INTO attendance_summary (enrollment_id, month, total_classes, attended_classes, "
            "attendance_percentage, created_at) VALUES ($1, $2, $3, $4, 0, now())",
            [(e.id, dt.date(2025, m, 1), 10, 5 + m % 5) for e in enrollments for m in (8, 9)])
    finally:
        await connection.close()
    statements: list[tuple[str, list[Any]]] = []
    for n in range(WRITERS):
        enrollment = enrollments[n % len(enrollments)].id
        kind = n % 4
        if kind == 0:
            statements.append((
                "INSERT INTO attendance_summary (enrollment_id, month, total_classes, attended_classes, "
                "attendance_percentage, created_at) VALUES ($1, $2, 4, 1, 0, now()) "
                "ON CONFLICT (enrollment_id, month) DO UPDATE SET "
                "total_classes = attendance_summary.total_classes + 4, "
                "attended_classes = attendance_summary.attended_classes + 1",
                [enrollment, dt.date(2025, 10 + n % 3, 1)]))
        elif kind == 1:
            statements.append(("UPDATE attendance_summary SET total_classes = total_classes + 2, "
                               "attended_classes = attended_classes + 2 WHERE enrollment_id = $1", [enrollment]))
        elif kind == 2:
            statements.append(("UPDATE attendance_summary SET attended_classes = attended_classes - 1 "
                               "WHERE enrollment_id = ANY($1::int[]) AND attended_classes > 0",
                               [[e.id for e in enrollments]]))
        else:
            statements.append(("DELETE FROM attendance_summary WHERE enrollment_id = $1 AND month = $2",
                               [enrollment, dt.date(2025, 8, 1)]))
    await _at_once(services["database_url"], statements)
    assert await _fetchval(services["database_url"], TOTALS_RECOUNT) == 0

    # A deleted enrollment takes its summaries and its totals with it.
    await _fetchval(services["database_url"], "DELETE FROM enrollments WHERE id = $1", enrollments[0].id)
    assert await _fetchval(services["database_url"], TOTALS_RECOUNT) == 0
    assert not await _fetchval(services["database_url"],
                               "SELECT count(*) FROM attendance_totals WHERE enrollment_id = $1", enrollments[0].id)

    # All time from the totals is the answer of the monthly summaries over every month.
    for threshold in (50.0, 75.0, 100.0):
        from_totals = await attendance.attendance_defaulters(Actor.system(), threshold=threshold)
        from_months = await attendance.attendance_defaulters(
            Actor.system(), threshold=threshold, date_from=dt.date(2000, 1, 1), date_to=dt.date(2099, 12, 31))
        assert from_totals["defaulters"] == from_months["defaulters"], threshold
        assert from_totals["total"] == from_months["total"]


DEFAULTERS_REFERENCE = """
SELECT fs.id AS fee_structure_id, fs.total_fee - COALESCE(sum(p.amount_paid) FILTER (
           WHERE p.payment_status = 'completed'), 0) AS balance
FROM fee_structures fs LEFT JOIN fee_payments p ON p.fee_structure_id = fs.id
WHERE fs.due_date < CURRENT_DATE
GROUP BY fs.id HAVING fs.total_fee > COALESCE(sum(p.amount_paid) FILTER (WHERE p.payment_status = 'completed'), 0)
ORDER BY fs.due_date, fs.student_id, fs.id
"""


async def test_fee_balances_equal_a_recount_after_concurrent_writes(app, services):
    staff = await factories.create_admin_staff()
    structures = [await factories.create_fee_structure(due_date=dt.date(2025, 1 + n, 10)) for n in range(5)]
    payments = [await factories.create_fee_payment(fee_structure=s, processed_by=staff,
                                                   amount_paid=Decimal("1000.00")) for s in structures for _ in (1, 2)]
    statements: list[tuple[str, list[Any]]] = []
    for n in range(WRITERS):
        structure = structures[n % len(structures)]
        kind = n % 5
        if kind == 0:
            statements.append((
                "INSERT INTO fee_payments (student_id, fee_structure_id, amount_paid, payment_date, payment_mode, "
                "transaction_id, receipt_number, late_fee, discount, payment_status, processed_by_id, created_at) "
                "VALUES ($1, $2, $3, '2025-09-05', 'cash', $4, $5, 0, 0, $6, $7, now())",
                [structure.student_id, structure.id, Decimal("250.50"), f"CTX{n:05d}", f"RCP-CNT{n:05d}",
                 "completed" if n % 2 else "failed", staff.id]))
        elif kind == 1:
            statements.append(("UPDATE fee_payments SET payment_status = 'refunded' WHERE id = $1",
                               [payments[n % len(payments)].id]))
        elif kind == 2:
            statements.append(("UPDATE fee_payments SET amount_paid = amount_paid + 1 WHERE fee_structure_id = $1",
                               [structure.id]))
        elif kind == 3:
            statements.append(("DELETE FROM fee_payments WHERE id = $1", [payments[(n + 1) % len(payments)].id]))
        else:
            statements.append(("UPDATE fee_structures SET due_date = due_date + 400 WHERE id = $1", [structure.id]))
    await _at_once(services["database_url"], statements)
    assert await _fetchval(services["database_url"], BALANCES_RECOUNT) == 0
    assert await _fetchval(services["database_url"], OPEN_COUNTS_RECOUNT) == 0

    connection = await asyncpg.connect(**asyncpg_dsn(services["database_url"]))
    try:
        expected = [dict(r) for r in await connection.fetch(DEFAULTERS_REFERENCE)]
    finally:
        await connection.close()
    found = await fees.fee_defaulters(Actor.system(), page=PageRequest(page=1, page_size=100))
    assert [(r["fee_structure_id"], r["balance"]) for r in found["defaulters"]] == [
        (r["fee_structure_id"], r["balance"]) for r in expected]
    assert found["total"] == len(expected)
    second = await fees.fee_defaulters(Actor.system(), page=PageRequest(page=2, page_size=2))
    assert [r["fee_structure_id"] for r in second["defaulters"]] == [r["fee_structure_id"] for r in expected[2:4]]
    assert second["total"] == len(expected)


@pytest.mark.parametrize("table", ["student_search", "student_counts", "attendance_totals", "fee_balances"])
async def test_the_read_path_tables_and_triggers_exist(app, table):
    from tortoise import connections

    from models.constraints import READ_PATH_TABLES, READ_PATH_TRIGGERS

    assert table in READ_PATH_TABLES
    connection = connections.get("default")
    rows = await connection.execute_query_dict("SELECT tablename FROM pg_tables WHERE tablename = $1", [table])
    assert rows
    triggers = {(r["tbl"], r["tgname"]) for r in await connection.execute_query_dict(
        "SELECT tgrelid::regclass::text AS tbl, tgname FROM pg_trigger WHERE NOT tgisinternal")}
    assert set(READ_PATH_TRIGGERS) <= triggers


async def test_migration_5_reverts_and_applies_again(app):
    """The downgrade removes every object of the read paths and the upgrade brings them
    back, with the counts filled from the rows present."""
    from tortoise import connections

    from models.constraints import READ_PATH_TABLES, READ_PATH_TRIGGERS

    migration = _migration("5_*_read_paths.py")
    connection = connections.get("default")
    await factories.create_student()

    async def present() -> tuple[int, int]:
        rows = await connection.execute_query_dict(
            "SELECT (SELECT count(*) FROM pg_tables WHERE tablename = ANY($1::text[])) AS tables, "
            "(SELECT count(*) FROM pg_trigger WHERE tgname = ANY($2::text[])) AS triggers",
            [list(READ_PATH_TABLES), [name for _, name in READ_PATH_TRIGGERS]])
        return rows[0]["tables"], rows[0]["triggers"]

    await connection.execute_script(await migration.downgrade(connection))
    assert await present() == (0, 0)
    await connection.execute_script(await migration.upgrade(connection))
    assert await present() == (4, len(READ_PATH_TRIGGERS))
    # Migration 15's triggers went with fee_balances: applied again, as a rebuild would.
    fee_open_counts = _migration("15_*_fee_open_counts.py")
    await connection.execute_script(await fee_open_counts.upgrade(connection))
    assert (await connection.execute_query_dict("SELECT sum(students) AS n FROM student_counts"))[0]["n"] == 1
    assert (await connection.execute_query_dict("SELECT count(*) AS n FROM student_search"))[0]["n"] == 1


async def test_open_balance_counts_equal_a_recount_after_concurrent_writes(app, services):
    """Payments that settle a structure, refunds that reopen one, due dates moved, new
    structures and removed ones, committed at once: the counts per due date still equal
    a recount, and the defaulters' total is the reference count."""
    staff = await factories.create_admin_staff()
    due_dates = [dt.date(2025, 1 + n, 10) for n in range(3)]
    structures = [await factories.create_fee_structure(due_date=due_dates[n % 3]) for n in range(12)]
    settled = [await factories.create_fee_payment(fee_structure=s, processed_by=staff, amount_paid=s.total_fee)
               for s in structures[:4]]
    insert_payment = (
        "INSERT INTO fee_payments (student_id, fee_structure_id, amount_paid, payment_date, payment_mode, "
        "transaction_id, receipt_number, late_fee, discount, payment_status, processed_by_id, created_at) "
        "VALUES ($1, $2, $3, '2025-09-05', 'cash', $4, $5, 0, 0, 'completed', $6, now())")
    new_structure = (
        "INSERT INTO fee_structures (student_id, program_id, academic_year, semester, tuition_fee, lab_fee, "
        "library_fee, sports_fee, examination_fee, total_fee, due_date, late_fee_per_day, created_at) "
        "SELECT student_id, program_id, '2026-27', semester, tuition_fee, lab_fee, library_fee, sports_fee, "
        "examination_fee, total_fee, $2, late_fee_per_day, now() FROM fee_structures WHERE id = $1")
    statements: list[tuple[str, list[Any]]] = [
        # Settle four open structures, one of them twice over.
        *[(insert_payment, [s.student_id, s.id, s.total_fee, f"OTX{n:03d}", f"RCP-OPN{n:03d}", staff.id])
          for n, s in enumerate(structures[4:8])],
        (insert_payment, [structures[4].student_id, structures[4].id, Decimal("10.00"), "OTX100", "RCP-OPN100",
                          staff.id]),
        # Reopen two settled ones; move one open and one settled to another due date.
        ("UPDATE fee_payments SET payment_status = 'refunded' WHERE id = $1", [settled[0].id]),
        ("DELETE FROM fee_payments WHERE id = $1", [settled[1].id]),
        ("UPDATE fee_structures SET due_date = $2 WHERE id = $1", [structures[8].id, dt.date(2024, 12, 1)]),
        ("UPDATE fee_structures SET due_date = $2 WHERE id = $1", [structures[2].id, dt.date(2024, 12, 1)]),
        # A structure that costs more: settled one open again.
        ("UPDATE fee_structures SET tuition_fee = tuition_fee + 1, total_fee = total_fee + 1 WHERE id = $1",
         [structures[3].id]),
        # New structures, one of them past due on a date never seen; a removed one.
        ("DELETE FROM fee_structures WHERE id = $1", [structures[9].id]),
        *[(new_structure, [structures[10 + n].id, day]) for n, day in enumerate((due_dates[0], dt.date(2024, 6, 1)))],
    ]
    await _at_once(services["database_url"], statements)
    assert await _fetchval(services["database_url"], BALANCES_RECOUNT) == 0
    assert await _fetchval(services["database_url"], OPEN_COUNTS_RECOUNT) == 0
    expected = await _fetchval(services["database_url"], f"SELECT count(*) FROM ({DEFAULTERS_REFERENCE}) r")
    # 8 of 12 open; 4 settled now, 3 of the settled reopened (2 refunds, 1 costlier),
    # 1 removed, 2 new: 8 - 4 + 3 - 1 + 2 = 8 open, all past due.
    assert expected == 8
    assert (await fees.fee_defaulters(Actor.system(), page=PageRequest(page=1, page_size=5)))["total"] == expected


async def test_migration_15_reverts_and_applies_again(app):
    """The downgrade removes the counts and their triggers; the upgrade brings them back,
    filled from the balances present."""
    from tortoise import connections

    migration = _migration("15_*_fee_open_counts.py")
    connection = connections.get("default")
    await factories.create_fee_structure(due_date=dt.date(2025, 1, 10))

    async def present() -> tuple[int, int]:
        rows = await connection.execute_query_dict(
            "SELECT (SELECT count(*) FROM pg_tables WHERE tablename = ANY($1::text[])) AS tables, "
            "(SELECT count(*) FROM pg_trigger WHERE tgname = ANY($2::text[])) AS triggers",
            [list(migration.TABLES), [name for _, name in migration.TRIGGERS]])
        return rows[0]["tables"], rows[0]["triggers"]

    assert await present() == (1, len(migration.TRIGGERS))
    await connection.execute_script(await migration.downgrade(connection))
    assert await present() == (0, 0)
    await connection.execute_script(await migration.upgrade(connection))
    assert await present() == (1, len(migration.TRIGGERS))
    rows = await connection.execute_query_dict("SELECT due_date, open_balances FROM fee_open_counts")
    assert [(r["due_date"], r["open_balances"]) for r in rows] == [(dt.date(2025, 1, 10), 1)]
    await connection.execute_script("TRUNCATE fee_structures CASCADE")
    assert await connection.execute_query_dict("SELECT * FROM fee_open_counts") == []
