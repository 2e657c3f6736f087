"""The schema comes from the migrations, and the models agree with them."""

from __future__ import annotations

import asyncio
import shutil

import pytest
from tortoise import Tortoise, connections
from tortoise.exceptions import IntegrityError

from dashboard.core.db import MIGRATIONS_DIR, tortoise_config
from models import Department
from models.constraints import CONSTRAINTS
from tests import factories


async def test_models_and_migrations_agree(app, services, tmp_path):
    """aerich, asked to generate a migration from the current models, finds no change."""
    from aerich import Command

    location = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, location)
    before = sorted(p.name for p in (location / "models").glob("*.py"))
    command = Command(tortoise_config=tortoise_config(services["database_url"]), app="models",
                      location=str(location))
    await command.init()
    generated = await command.migrate(name="pending_check", no_input=True)
    after = sorted(p.name for p in (location / "models").glob("*.py"))
    # The app's ORM state was replaced by aerich's init; restore it for later tests.
    await Tortoise.close_connections()
    await Tortoise.init(config=tortoise_config(services["database_url"]), _enable_global_fallback=True)
    assert not generated, f"models changed without a migration: {generated}"
    assert after == before


async def test_every_declared_constraint_exists(app):
    connection = connections.get("default")
    constraints = {row["conname"] for row in await connection.execute_query_dict("SELECT conname FROM pg_constraint")}
    indexes = {row["indexname"] for row in await connection.execute_query_dict("SELECT indexname FROM pg_indexes")}
    sequences = {row["relname"] for row in await connection.execute_query_dict(
        "SELECT relname FROM pg_class WHERE relkind = 'S'")}
    trigram_available = bool(await connection.execute_query_dict(
        "SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'"))

    missing = []
    for constraint in CONSTRAINTS:
        if constraint.kind in ("check", "foreign_key"):
            present = constraint.name in constraints
        elif constraint.kind == "sequence":
            present = constraint.name in sequences
        elif constraint.kind == "trigram" and not trigram_available:
            continue
        else:
            present = constraint.name in indexes
        if not present:
            missing.append(constraint.name)
    assert missing == []


async def test_the_grading_scale_is_seeded(app):
    rows = await connections.get("default").execute_query_dict(
        "SELECT letter, min_percentage, grade_point FROM grading_scales ORDER BY min_percentage DESC")
    assert [(r["letter"], int(r["min_percentage"]), int(r["grade_point"])) for r in rows] == [
        ("O", 90, 10), ("A+", 80, 9), ("A", 70, 8), ("B+", 60, 7), ("B", 50, 6), ("C", 40, 5), ("F", 0, 0)]


@pytest.mark.parametrize(
    ("factory", "field", "first", "second"),
    [
        ("create_department", "name", "Physics", "PHYSICS"),
        ("create_department", "code", "phy", "PHY"),
        ("create_program", "name", "BSc Physics", "bsc physics"),
        ("create_program", "code", "bsc-phy", "BSC-PHY"),
        ("create_course", "name", "Optics", "OPTICS"),
        ("create_course", "code", "opt101", "OPT101"),
        ("create_user", "user_name", "alice", "Alice"),
        ("create_user", "email", "alice@example.edu", "Alice@Example.edu"),
    ],
)
async def test_the_database_refuses_a_name_or_code_differing_only_in_case(app, factory, field, first, second):
    """The services' case-insensitive checks cannot see a concurrent insert; these
    indexes can. The factories write straight through the ORM, past every service."""
    make = getattr(factories, factory)
    await make(**{field: first})
    with pytest.raises(IntegrityError):
        await make(**{field: second})


async def test_concurrent_creates_differing_only_in_case_make_one_department(staff_client, services):
    """Both requests pass the service's check before either inserts (held there by a
    SHARE lock on the table, which lets their SELECTs through and queues their INSERTs);
    the index then fails the later insert with 23505, which the API answers 409, never 500."""
    import asyncpg

    from dashboard.core.db import asyncpg_dsn

    payloads = [{"name": "Physics", "code": "PH1"}, {"name": "PHYSICS", "code": "PH2"},
                {"name": "Chemistry", "code": "chm"}, {"name": "Chemical Sciences", "code": "CHM"}]
    other = await asyncpg.connect(**asyncpg_dsn(services["database_url"]))
    try:
        transaction = other.transaction()
        await transaction.start()
        await other.execute("LOCK TABLE departments IN SHARE MODE")
        requests = [asyncio.create_task(staff_client.post("/api/v1/departments", json=p)) for p in payloads]
        async with asyncio.timeout(10):
            while await other.fetchval("SELECT count(*) FROM pg_locks WHERE NOT granted "  # noqa: ASYNC110 - polls another connection's locks; no event to wait on
                                       "AND relation = 'departments'::regclass") < len(payloads):
                await asyncio.sleep(0.02)
        await transaction.commit()
        responses = await asyncio.gather(*requests)
    finally:
        await other.close()

    for pair in (responses[:2], responses[2:]):
        assert sorted(r.status_code for r in pair) == [201, 409], [r.text for r in pair]
    assert all(r.json()["error"]["code"] == "CONFLICT" for r in responses if r.status_code == 409)
    assert await Department.all().count() == 2


async def test_the_account_checks_fold_case_like_the_indexes(app):
    """people.check_account_unique looks accounts up by LOWER(email) and LOWER(user_name),
    the indexes' own expressions, so staff get the 409 naming the field."""
    from dashboard.core.errors import Conflict
    from dashboard.services import people

    existing = await factories.create_user(email="Bob@Uni.edu", user_name="alice")
    with pytest.raises(Conflict, match="Email already registered"):
        await people.check_account_unique(email="bob@uni.edu")
    with pytest.raises(Conflict, match="Username already taken"):
        await people.check_account_unique(user_name="ALICE")
    await people.check_account_unique(email="bob@uni.edu", user_name="Alice", exclude_user_id=existing.id)
    await people.check_account_unique(email="carol@uni.edu", user_name="carol")
