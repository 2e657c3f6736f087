"""The student search can use the trigram indexes (models.constraints): its expressions
are exactly the indexed ones, one column per UNION branch, so at 50,000 students it is a
handful of index lookups rather than a scan of students and users.

On a few thousand rows PostgreSQL rightly prefers scanning the small tables, so the plan
is taken with sequential scans priced out: what is checked is that every branch *can*
be served by its index (a mismatched expression, or an OR across columns, could not)."""

from __future__ import annotations

import datetime as dt
import json
import os

import asyncpg
import pytest

from dashboard.core.db import asyncpg_dsn
from dashboard.services import students

ROWS = 3000
TRIGRAM_INDEXES = ("trgm_users_first_name", "trgm_users_last_name", "trgm_users_email",
                   "trgm_students_student_code", "trgm_students_admission_number")


async def _seed(connection) -> None:
    now = dt.datetime.now(dt.UTC)
    department = await connection.fetchval(
        "INSERT INTO departments (name, code, is_active, created_at) VALUES ('Plan', 'PLAN', true, $1) RETURNING id",
        now)
    program = await connection.fetchval(
        "INSERT INTO programs (name, code, degree_type, department_id, duration_years, total_semesters, "
        "total_credits, is_active, created_at) VALUES ('Plan', 'PLAN', 'bachelors', $1, 4, 8, 160, true, $2) "
        "RETURNING id", department, now)
    names = ["Aarav", "Vivaan", "Aditya", "Ishaan", "Diya", "Saanvi", "Myra", "Kiara", "Riya", "Navya"]
    first_user = await connection.fetchval("SELECT COALESCE(MAX(id), 0) + 1 FROM users")
    await connection.copy_records_to_table("users", columns=[
        "id", "user_type", "email", "user_name", "hashed_password", "first_name", "last_name", "is_active",
        "is_verified", "created_at"], records=[
        (first_user + n, "student", f"plan{n}@uni.edu", f"plan{n}", "x", f"{names[n % 10]}{n:05d}",
         f"Surname{n % 97}", True, False, now) for n in range(ROWS)])
    await connection.copy_records_to_table("students", columns=[
        "user_id", "student_code", "admission_number", "admission_date", "program_id", "department_id",
        "batch_year", "semester", "status", "created_at"], records=[
        (first_user + n, f"PLN{n:06d}", f"ADMP{n:06d}", dt.date(2024, 8, 1), program, department, 2024, 1,
         "active", now) for n in range(ROWS)])
    await connection.execute("ANALYZE users; ANALYZE students")


def _index_scans(plan: dict) -> set[str]:
    found = set()
    if "Index Name" in plan:
        found.add(plan["Index Name"])
    for child in plan.get("Plans", []):
        found |= _index_scans(child)
    return found


async def _require_trigram_indexes(connection) -> None:
    """The migration builds the indexes only where the server offers pg_trgm. Where it does,
    they must be there; where it does not, the test skips locally (the embedded server has
    no contrib modules) but fails in CI, whose PostgreSQL must have it."""
    available = await connection.fetchval("SELECT count(*) FROM pg_available_extensions WHERE name = 'pg_trgm'")
    if not available:
        message = "this PostgreSQL has no pg_trgm, so the migration left the trigram indexes out"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI runs this against a PostgreSQL with pg_trgm: {message}")
        pytest.skip(message)
    indexes = {r["indexname"] for r in await connection.fetch(
        "SELECT indexname FROM pg_indexes WHERE indexname LIKE 'trgm_%'")}
    assert set(TRIGRAM_INDEXES) <= indexes, (
        f"pg_trgm is available but the migration left out {set(TRIGRAM_INDEXES) - indexes}"
    )


async def test_search_plan_uses_every_trigram_index(app, services):
    connection = await asyncpg.connect(**asyncpg_dsn(services["database_url"]))
    try:
        await _require_trigram_indexes(connection)
        await _seed(connection)
        sql = students.SEARCH_BY_INDEX_SQL.format(scope="")
        async with connection.transaction():
            await connection.execute("SET LOCAL enable_seqscan = off")
            raw = await connection.fetchval(f"EXPLAIN (FORMAT JSON) {sql}", students.like_pattern("aarav0012"), 20)
        used = _index_scans(json.loads(raw)[0]["Plan"])
        assert set(TRIGRAM_INDEXES) <= used
        rows = await connection.fetch(sql, students.like_pattern("aarav0012"), 20)
        assert [r["first_name"] for r in rows] == ["Aarav00120"]
        by_code = await connection.fetch(sql, students.like_pattern("pln00299"), 20)
        assert [r["student_code"] for r in by_code] == [f"PLN00299{d}" for d in range(10)]
    finally:
        await connection.close()
