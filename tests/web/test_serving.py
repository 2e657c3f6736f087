"""`dashboard run --workers N`: the workers share one socket and keep their open connections
even, a worker that dies is replaced, and SIGTERM stops them all."""

from __future__ import annotations

import collections
import contextlib
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from dashboard.web.serving import ConnectionTable

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _children(pid: int) -> list[int]:
    """The supervisor's web workers (multiprocessing's resource tracker is a child too)."""
    workers = []
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        with contextlib.suppress(OSError):
            if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes():
                workers.append(int(child))
    return workers


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            target = os.readlink(fd)
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    return inodes


def _server_side_inodes(server_port: int) -> dict[int, str]:
    """Client port → inode of the server's end of each loopback connection to `server_port`."""
    found = {}
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port = int(fields[1].split(":")[1], 16)
        remote_port = int(fields[2].split(":")[1], 16)
        if local_port == server_port and fields[3] == "01":  # ESTABLISHED
            found[remote_port] = fields[9]
    return found


def _workers_holding(connections: list[socket.socket], server_pid: int, port: int) -> list[int]:
    """The worker process that holds the server's end of each connection."""
    by_client_port = _server_side_inodes(port)
    inodes_of = {child: _socket_inodes(child) for child in _children(server_pid)}
    holders = []
    for conn in connections:
        inode = by_client_port[conn.getsockname()[1]]
        holders.append(next(child for child, inodes in inodes_of.items() if inode in inodes))
    return holders


def _open_and_ask(port: int) -> socket.socket:
    """A keep-alive connection that has had one answer: accepted and served by a worker."""
    conn = socket.create_connection(("127.0.0.1", port), timeout=10)
    conn.sendall(b"GET /health/live HTTP/1.1\r\nHost: test\r\n\r\n")
    answer = b""
    while b"\r\n\r\n" not in answer:
        answer += conn.recv(4096)
    assert answer.startswith(b"HTTP/1.1 200"), answer[:200]
    return conn


def _split_of(count: int, process: subprocess.Popen[bytes], port: int) -> list[int]:
    """How many of `count` connections, opened one after another and held, each worker holds."""
    connections = [_open_and_ask(port) for _ in range(count)]
    try:
        return sorted(collections.Counter(_workers_holding(connections, process.pid, port)).values())
    finally:
        for conn in connections:
            conn.close()


def _wait_for(condition: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.1)


def _answers(port: int) -> bool:
    try:
        _open_and_ask(port).close()
    except OSError:
        return False
    return True


def _both_serve(process: subprocess.Popen[bytes], port: int) -> bool:
    """Two connections held open at once land on two workers only once both accept: the
    one that started first takes every connection while the other is still starting."""
    if not _answers(port):
        return False
    pair = [_open_and_ask(port) for _ in range(2)]
    try:
        return len(set(_workers_holding(pair, process.pid, port))) == 2
    finally:
        for conn in pair:
            conn.close()
        time.sleep(0.2)


@contextlib.contextmanager
def _serving(workers: int) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    port = _free_port()
    env = dict(os.environ, RATE_LIMIT_ENABLED="false", LOG_LEVEL="WARNING")
    log = tempfile.NamedTemporaryFile(prefix="dashboard-run-", suffix=".log")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [sys.executable, "-m", "dashboard", "run", "--workers", str(workers), "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True)
    try:
        try:
            _wait_for(lambda: len(_children(process.pid)) == workers and _both_serve(process, port))
        except AssertionError:
            raise AssertionError(log.name + ": " + Path(log.name).read_text()[-3000:]) from None
        yield process, port
    finally:
        if process.poll() is None:
            process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


@pytest.fixture(scope="module")
def two_workers(services) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    with _serving(2) as served:
        yield served


def test_connections_opened_one_after_another_are_split_evenly(two_workers):
    process, port = two_workers
    assert _split_of(8, process, port) == [4, 4]


def test_a_worker_whose_connections_closed_takes_the_next_ones(two_workers):
    process, port = two_workers
    first = [_open_and_ask(port) for _ in range(4)]
    holders = _workers_holding(first, process.pid, port)
    assert sorted(collections.Counter(holders).values()) == [2, 2], holders
    emptied = holders[0]
    kept = [conn for conn, holder in zip(first, holders, strict=True) if holder != emptied]
    for conn, holder in zip(first, holders, strict=True):
        if holder == emptied:
            conn.close()
    # The worker counts a connection closed when it reads the end of it.
    time.sleep(0.3)
    later = [_open_and_ask(port) for _ in range(2)]
    try:
        assert _workers_holding(later, process.pid, port) == [emptied, emptied]
    finally:
        for conn in kept + later:
            conn.close()


def test_a_worker_that_dies_is_replaced_and_the_server_keeps_answering(services):
    with _serving(2) as (process, port):
        victim = _children(process.pid)[0]
        os.kill(victim, signal.SIGKILL)
        _wait_for(lambda: victim not in _children(process.pid) and len(_children(process.pid)) == 2)
        # The replacement takes its share once it accepts: its slot counts from nothing again.
        _wait_for(lambda: _both_serve(process, port))
        assert _split_of(4, process, port) == [2, 2]
        children = _children(process.pid)
        process.terminate()
        assert process.wait(timeout=30) == 0
        for child in children:
            assert not Path(f"/proc/{child}").exists()


def test_the_workers_stop_when_the_supervisor_is_killed_outright(services):
    with _serving(2) as (process, port):
        workers = _children(process.pid)
        process.kill()
        process.wait()
        _wait_for(lambda: not any(Path(f"/proc/{worker}").exists() for worker in workers), seconds=30)
        assert not _answers(port)


def test_the_least_busy_worker_is_the_one_that_accepts():
    table = ConnectionTable(multiprocessing.get_context("spawn"), 3)
    table.set(0, 0)
    assert not table.another_holds_fewer(0), "a worker not yet accepting takes no share"
    table.set(0, 2)
    table.set(1, 2)
    table.set(2, 2)
    assert not any(table.another_holds_fewer(slot) for slot in range(3))
    table.set(1, 1)
    assert table.another_holds_fewer(0) and table.another_holds_fewer(2)
    assert not table.another_holds_fewer(1)


def test_a_server_whose_workers_cannot_start_stops_with_uvicorns_startup_failure_code(services):
    # Nothing listens on port 1: the app's start-up (its Redis connection) fails in every worker.
    env = dict(os.environ, REDIS_URL="redis://127.0.0.1:1/0", LOG_LEVEL="WARNING")
    finished = subprocess.run([sys.executable, "-m", "dashboard", "run", "--workers", "2", "--port", str(_free_port())],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert finished.returncode == 3, finished.stderr[-2000:]
    assert "starting another" not in finished.stderr


def test_workers_below_one_are_refused(services):
    finished = subprocess.run([sys.executable, "-m", "dashboard", "run", "--workers", "0"], cwd=ROOT,
                              capture_output=True, text=True, timeout=60)
    assert finished.returncode == 2
    assert "--workers must be at least 1" in finished.stderr


def test_a_malformed_web_concurrency_is_a_usage_error(services):
    finished = subprocess.run([sys.executable, "-m", "dashboard", "run"], cwd=ROOT, capture_output=True, text=True,
                              env=dict(os.environ, WEB_CONCURRENCY="two"), timeout=60)
    assert finished.returncode == 2
    assert "argument --workers: invalid int value: 'two'" in finished.stderr
    assert "Traceback" not in finished.stderr


def test_web_concurrency_sets_the_number_of_workers(monkeypatch):
    from dashboard.cli import build_parser

    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    assert build_parser().parse_args(["run"]).workers == 3
    assert build_parser().parse_args(["run", "--workers", "2"]).workers == 2
