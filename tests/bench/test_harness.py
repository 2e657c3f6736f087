"""The benchmark harness end to end at a tiny size, so that it cannot rot: dataset template,
the app under uvicorn workers plus a worker process, every scenario under wrk, the floor,
the exports, and the result files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis

from dashboard.core.db import with_database

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.bench
def test_the_whole_harness_runs_at_200_students(services, tmp_path):
    env = dict(os.environ,
               BENCH_DATABASE_URL=with_database(services["database_url"], "postgres"),
               BENCH_REDIS_URL=services["redis_url"])
    try:
        result = subprocess.run(
            [sys.executable, "-m", "bench", "--students", "200", "--duration", "2", "--concurrency", "4",
             "--out", str(tmp_path)],
            cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=600,
        )
    finally:
        # The bench's job worker shares this suite's Redis database and queues its cron jobs
        # there; the tests after this one expect an empty queue.
        client = redis.Redis.from_url(services["redis_url"])
        try:
            if stale := client.keys("arq:*"):
                client.delete(*stale)
        finally:
            client.close()
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]

    report = json.loads(next(tmp_path.glob("*.json")).read_text())
    by_target = {(r["target"], r["scenario"]): r for r in report["results"]}
    for name in ("health_live", "departments_list", "students_page1", "students_filtered", "students_search",
                 "student_by_id", "offering_roster", "login_mix", "admin_home"):
        measured = by_target[("app", name)]
        assert measured["requests"] > 0 and measured["non_2xx"] == 0, measured
        assert measured["p50_ms"] <= measured["p95_ms"] <= measured["p99_ms"]
    assert ("floor", "students_page1") in by_target
    assert {e["format"] for e in report["exports"]} == {"csv", "xlsx"}
    assert all(e["rows"] >= 200 and e["bytes"] > 0 for e in report["exports"])

    table = (tmp_path / "latest.md").read_text()
    assert "| students_page1 |" in table and "| export |" in table
