"""The cached template database is keyed by the demo generator and the migrations, so a
change to either builds a new dataset instead of reusing a stale one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bench import runner


def test_fingerprint_covers_the_demo_generator_and_the_migrations() -> None:
    sources = {p.relative_to(runner.ROOT).as_posix() for p in runner.generator_sources()}
    for module in ("generate", "plan", "rows", "names", "academic_calendar"):
        assert f"dashboard/demo/{module}.py" in sources
    assert any(s.startswith("migrations/models/") for s in sources)
    assert not any(s.startswith("bench/") for s in sources)


@pytest.mark.parametrize("edited", ["dashboard/demo/rows.py", "migrations/models/edited.py"])
def test_editing_a_source_changes_the_template_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    edited: str) -> None:
    shutil.copytree(runner.GENERATOR_DIR, tmp_path / "dashboard" / "demo")
    shutil.copytree(runner.MIGRATIONS_DIR, tmp_path / "migrations")
    monkeypatch.setattr(runner, "ROOT", tmp_path)
    monkeypatch.setattr(runner, "GENERATOR_DIR", tmp_path / "dashboard" / "demo")
    monkeypatch.setattr(runner, "MIGRATIONS_DIR", tmp_path / "migrations")
    before = runner.template_name(2000, 42)
    target = tmp_path / edited
    target.write_text((target.read_text() if target.exists() else "") + "\n# edited\n")
    after = runner.template_name(2000, 42)
    assert before != after
    assert after.startswith("bench_tpl_") and after.endswith("_42_2000")
