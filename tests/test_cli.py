"""The `dashboard` command line, run as a separate process like an operator would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from dashboard.core.security import verify_password
from models import AdminStaff, User

ROOT = Path(__file__).resolve().parents[1]


def _dashboard(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dashboard", *args], cwd=ROOT, env=os.environ.copy(),
        input=stdin, capture_output=True, text=True, timeout=120,
    )


def test_openapi_prints_the_document_without_servers():
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    result = subprocess.run([sys.executable, "-m", "dashboard", "openapi"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["openapi"].startswith("3.")
    assert "/api/v1/departments" in document["paths"]


async def test_createuser_makes_the_first_admin(app):
    result = _dashboard("createuser", "--role", "admin", "--email", "Root@Uni.edu",
                        "--username", "root", "--password", "Strong-pass-1")
    assert result.returncode == 0, result.stderr
    user = await User.get(email="root@uni.edu")
    assert user.user_type == "admin" and user.is_active
    assert await verify_password("Strong-pass-1", user.hashed_password)
    assert await AdminStaff.filter(user_id=user.id).exists()


async def test_createuser_refuses_a_duplicate_and_a_short_password(app):
    assert _dashboard("createuser", "--role", "staff", "--email", "a@uni.edu", "--username", "aaa",
                      "--password", "Strong-pass-1").returncode == 0
    duplicate = _dashboard("createuser", "--role", "staff", "--email", "a@uni.edu", "--username", "bbb",
                           "--password", "Strong-pass-1")
    assert duplicate.returncode == 1 and "already exists" in duplicate.stderr
    short = _dashboard("createuser", "--role", "staff", "--email", "c@uni.edu", "--username", "ccc",
                       "--password", "short")
    assert short.returncode == 1 and "at least 8" in short.stderr
    assert await User.filter(email__in=["a@uni.edu", "c@uni.edu"]).count() == 1


def test_createuser_without_a_terminal_names_what_is_missing(services):
    result = _dashboard("createuser", "--role", "admin", "--email", "x@uni.edu", stdin="")
    assert result.returncode != 0 and "--username" in result.stderr


async def test_migrate_reports_nothing_pending(app):
    result = _dashboard("migrate")
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout


async def test_seed_demo_loads_once_and_refuses_a_second_time(app):
    from models import Student

    first = _dashboard("seed-demo", "--students", "30", "--seed", "7")
    assert first.returncode == 0, first.stderr
    assert "students" in first.stdout
    assert await Student.all().count() >= 30
    assert await User.filter(email="admin@university.example").exists()

    again = _dashboard("seed-demo", "--students", "30", "--seed", "7")
    assert again.returncode == 1 and "empty database" in again.stderr


def test_seed_demo_needs_at_least_one_student(services):
    result = _dashboard("seed-demo", "--students", "0")
    assert result.returncode == 2 and "at least 1" in result.stderr
