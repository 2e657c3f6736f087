"""Serving with several worker processes whose open connections stay balanced.

uvicorn's workers share one listening socket, and the worker that wakes first accepts every
connection queued at that moment. A client that opens a few long-lived connections at once (a
reverse proxy's keep-alive pool, a load generator) can so find six of its eight connections on
one worker while the other idles: the busy worker's requests queue behind each other although
a core is free. Here each worker accepts from the shared socket itself and, while it holds more
open connections than another live worker, leaves a new connection to that worker; it takes the
connection itself when nobody has within `ACCEPT_GRACE_SECONDS` (the other worker may be busy
with a long request, or gone).

The open connections per worker live in memory shared by the supervisor's processes, one slot
per worker: a worker that dies leaves its count until its replacement (same slot) starts and
resets it, and meanwhile costs a new connection at most the grace.
"""

from __future__ import annotations

import asyncio
import ctypes
import errno
import logging
import multiprocessing
import os
import signal
import socket
import sys
import threading
from collections.abc import Callable
from multiprocessing.context import SpawnContext, SpawnProcess
from typing import Any

import uvicorn
from uvicorn.config import STARTUP_FAILURE

log = logging.getLogger("dashboard.serving")

# Long enough for the other worker's event loop to come round to its accept (it is woken by
# the same readiness), short enough that a connection left waiting costs little.
ACCEPT_GRACE_SECONDS = 0.002
# Out of sockets or memory: accepting again at once would spin; asyncio waits as long.
ACCEPT_BACKOFF_SECONDS = 1.0
_RESOURCE_ERRNOS = frozenset({errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM})
_PR_SET_PDEATHSIG = 1  # <sys/prctl.h>


class ConnectionTable:
    """Open connections per worker slot, shared by the processes of one supervisor.

    Each slot is written by its own worker (an aligned 64-bit store), and by the supervisor
    while no worker holds it; all read it. A reader may see a count one connection old, which
    costs at most one less even split. A slot whose worker is not accepting (starting,
    stopped, dead) holds `NOT_SERVING`, so that nobody leaves connections to it."""

    NOT_SERVING = 2**62

    def __init__(self, context: SpawnContext, slots: int) -> None:
        self._counts = context.RawArray("q", [self.NOT_SERVING] * slots)

    def set(self, slot: int, count: int) -> None:
        self._counts[slot] = count

    def another_holds_fewer(self, slot: int) -> bool:
        own = self._counts[slot]
        return any(count < own for index, count in enumerate(self._counts) if index != slot)


class _OpenConnections(set[Any]):
    """uvicorn's set of open connections (`server_state.connections`) that tells the listener
    of every change: the protocols add themselves when they open and discard when they close
    (or hand the connection to another protocol, which adds itself)."""

    def __init__(self, on_change: Callable[[], None]) -> None:
        super().__init__()
        self._on_change = on_change

    def add(self, connection: Any) -> None:
        super().add(connection)
        self._on_change()

    def discard(self, connection: Any) -> None:
        super().discard(connection)
        self._on_change()


class BalancedListener:
    """Accepts from a socket shared with other workers, leaving a new connection to a worker
    that holds fewer. Has the `close` / `wait_closed` that uvicorn's shutdown calls."""

    def __init__(self, sock: socket.socket, protocol_factory: Callable[[], asyncio.Protocol],
                 table: ConnectionTable, slot: int, *, backlog: int, ssl: Any = None) -> None:
        self._loop = asyncio.get_running_loop()
        self._sock = sock
        self._fd = sock.fileno()
        self._protocol_factory = protocol_factory
        self._table = table
        self._slot = slot
        self._backlog = backlog
        self._ssl = ssl
        self._opening = 0
        self._open: set[Any] = set()
        self._reading = False
        self._closed = False
        self._resume_handle: asyncio.TimerHandle | None = None
        sock.setblocking(False)
        sock.listen(backlog)
        table.set(slot, 0)
        self._start_reading()

    def track(self, open_connections: set[Any]) -> None:
        """Count `open_connections` (uvicorn's, which the protocols keep) with the accepted
        connections whose protocol has not opened yet."""
        self._open = open_connections

    def publish(self) -> None:
        if not self._closed:
            self._table.set(self._slot, self._opening + len(self._open))

    def close(self) -> None:
        self._closed = True
        self._table.set(self._slot, ConnectionTable.NOT_SERVING)
        self._stop_reading()
        if self._resume_handle is not None:
            self._resume_handle.cancel()

    async def wait_closed(self) -> None:
        return None

    def _start_reading(self) -> None:
        if not self._reading and not self._closed:
            self._loop.add_reader(self._fd, self._on_readable)
            self._reading = True

    def _stop_reading(self) -> None:
        if self._reading:
            self._loop.remove_reader(self._fd)
            self._reading = False

    def _pause(self, seconds: float, then: Callable[[], None]) -> None:
        # The socket stays readable while a connection waits: without the pause a level-
        # triggered loop would call back at once, again and again.
        self._stop_reading()
        self._resume_handle = self._loop.call_later(seconds, self._resume, then)

    def _resume(self, then: Callable[[], None]) -> None:
        self._resume_handle = None
        if not self._closed:
            then()

    def _on_readable(self) -> None:
        for _ in range(self._backlog):
            if self._table.another_holds_fewer(self._slot):
                self._pause(ACCEPT_GRACE_SECONDS, then=self._take_one_left_waiting)
                return
            if not self._accept_one():
                return

    def _take_one_left_waiting(self) -> None:
        """After the grace: a connection still queued was left by everyone (or is a newer
        one, which this worker takes in turn)."""
        self._accept_one()
        if self._resume_handle is None:  # not backing off after an error
            self._start_reading()

    def _accept_one(self) -> bool:
        """Accept one queued connection; False when none is queued or accepting must wait."""
        try:
            conn, _ = self._sock.accept()
        except (BlockingIOError, InterruptedError):
            return False
        except ConnectionAbortedError:
            return True
        except OSError as exc:
            if exc.errno not in _RESOURCE_ERRNOS:
                raise
            log.error("accepting connections paused: %s", exc.strerror)
            self._pause(ACCEPT_BACKOFF_SECONDS, then=self._start_reading)
            return False
        self._serve(conn)
        return True

    def _serve(self, conn: socket.socket) -> None:
        conn.setblocking(False)
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._opening += 1
        self.publish()
        started = self._loop.create_task(
            self._loop.connect_accepted_socket(self._protocol_factory, conn, ssl=self._ssl))
        started.add_done_callback(lambda task: self._connection_started(task, conn))

    def _connection_started(self, task: asyncio.Task[Any], conn: socket.socket) -> None:
        self._opening -= 1
        if task.cancelled() or task.exception() is not None:
            # The protocol never opened (a TLS handshake refused, the peer gone).
            conn.close()
        self.publish()


class BalancedServer(uvicorn.Server):
    """uvicorn's server, accepting through a `BalancedListener` from the supervisor's socket."""

    def __init__(self, config: uvicorn.Config, table: ConnectionTable, slot: int) -> None:
        super().__init__(config)
        self._table = table
        self._slot = slot

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        if not sockets:
            await super().startup(sockets)
            return
        await self.lifespan.startup()
        if self.lifespan.should_exit:
            raise SystemExit(STARTUP_FAILURE)
        config = self.config

        def create_protocol() -> asyncio.Protocol:
            return config.http_protocol_class(  # type: ignore[call-arg]
                config=config, server_state=self.server_state, app_state=self.lifespan.state)

        listener = BalancedListener(sockets[0], create_protocol, self._table, self._slot,
                                    backlog=config.backlog, ssl=config.ssl)
        self.server_state.connections = _OpenConnections(listener.publish)
        listener.track(self.server_state.connections)
        self.servers = [listener]  # type: ignore[list-item]
        self.started = True


def _stop_with_supervisor(supervisor_pid: int) -> None:
    """A supervisor killed outright (SIGKILL, the OOM killer) cannot stop its workers: without
    this they would go on holding the port, and the next supervisor could not bind it."""
    if sys.platform == "linux":
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != supervisor_pid:  # it died before the request above took effect
        os.kill(os.getpid(), signal.SIGTERM)


def _serve_worker(build_app: Callable[[int], Any], options: dict[str, Any], sock: socket.socket,
                  table: ConnectionTable, slot: int, supervisor_pid: int) -> None:
    _stop_with_supervisor(supervisor_pid)
    try:
        app = build_app(slot)
    except Exception:
        # Every worker would fail the same way: the supervisor stops instead of restarting.
        log.exception("web worker %d could not build the app", slot)
        raise SystemExit(STARTUP_FAILURE) from None
    config = uvicorn.Config(app, **options)
    BalancedServer(config, table, slot).run(sockets=[sock])


def serve_workers(build_app: Callable[[int], Any], *, workers: int, host: str, port: int,
                  **options: Any) -> None:
    """Serve `build_app(slot)` from `workers` processes on one socket, until SIGINT or SIGTERM.

    `build_app` runs in each worker (a module-level function: it is pickled to the spawned
    process); slot 0 is the worker that may also run jobs. A worker that dies is replaced in
    its slot; one that fails to start stops the whole server, since every other would too."""
    context = multiprocessing.get_context("spawn")
    table = ConnectionTable(context, workers)
    config = uvicorn.Config(None, host=host, port=port, **options)  # type: ignore[arg-type]
    sock = config.bind_socket()
    stop = threading.Event()
    exit_code = 0

    def start(slot: int) -> SpawnProcess:
        process = context.Process(target=_serve_worker, name=f"web-{slot}",
                                  args=(build_app, {"host": host, "port": port, **options}, sock, table, slot,
                                        os.getpid()))
        process.start()
        return process

    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    processes = [start(slot) for slot in range(workers)]
    log.info("serving with %d worker processes", workers, extra={"fields": {"port": port}})
    try:
        while not stop.wait(0.5):
            for slot, process in enumerate(processes):
                if process.is_alive():
                    continue
                if process.exitcode == STARTUP_FAILURE:
                    log.error("web worker %d failed to start; stopping", slot)
                    exit_code = STARTUP_FAILURE
                    stop.set()
                    break
                log.warning("web worker %d exited (code %s); starting another", slot, process.exitcode)
                table.set(slot, ConnectionTable.NOT_SERVING)
                processes[slot] = start(slot)
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join()
        sock.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if exit_code:
        raise SystemExit(exit_code)
