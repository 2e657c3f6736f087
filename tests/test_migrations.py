"""The schema comes from the migrations, and the models agree with them."""

from __future__ import annotations

import shutil

from tortoise import Tortoise, connections

from dashboard.core.db import MIGRATIONS_DIR, tortoise_config
from models.constraints import CONSTRAINTS


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
