"""`dashboard` / `python -m dashboard`: run, worker, migrate, createuser, seed-demo, openapi.

Every command uses the configured servers, or attaches to (or starts) the embedded ones
under the data directory, so it works next to a `dashboard run` that is already running.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import os
import signal
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from dashboard.logs import configure_logging
from dashboard.settings import Settings, get_settings


def _services() -> Settings:
    from dashboard.embedded import ensure_services

    settings = get_settings()
    return ensure_services(settings) if settings.embedded else settings


async def _with_orm(settings: Settings, work: Callable[[], Awaitable[Any]]) -> Any:
    from dashboard.core import cache
    from dashboard.core.db import close_orm, init_orm

    await init_orm(settings.database_url)  # type: ignore[arg-type]
    await cache.connect(settings.redis_url)  # type: ignore[arg-type]
    try:
        return await work()
    finally:
        await cache.close()
        await close_orm()


async def _migrate(settings: Settings) -> list[str]:
    from dashboard.core.db import apply_migrations, create_database

    await create_database(settings.database_url)  # type: ignore[arg-type]
    return await apply_migrations(settings.database_url)  # type: ignore[arg-type]


def cmd_migrate(_: argparse.Namespace) -> int:
    settings = _services()
    applied = asyncio.run(_migrate(settings))
    print("applied: " + (", ".join(applied) if applied else "nothing (up to date)"))
    return 0


async def _seed_if_empty(settings: Settings) -> bool:
    from dashboard.demo.generate import generate_university, university_is_empty

    if settings.demo_students == 0 or not await university_is_empty(settings.database_url):  # type: ignore[arg-type]
        return False
    print(f"Loading the demo university ({settings.demo_students} students)...", flush=True)
    await generate_university(settings.database_url, students=settings.demo_students, seed=settings.demo_seed)  # type: ignore[arg-type]
    return True


def _banner(host: str, port: int, embedded: bool) -> str:
    from dashboard.demo.generate import DEMO_LOGINS, DEMO_PASSWORD

    shown_host = "localhost" if host in ("0.0.0.0", "127.0.0.1", "::") else host  # noqa: S104 - compares, binds nothing
    base = f"http://{shown_host}:{port}"
    lines = [
        "",
        "University Dashboard is starting",
        f"  API docs     {base}/docs",
        f"  Admin panel  {base}/admin/login",
        f"  Health       {base}/health/ready",
    ]
    if embedded:
        lines.append(f"  Demo logins (password {DEMO_PASSWORD}):")
        lines += [f"    {role:<8} {email}" for role, email in DEMO_LOGINS.items()]
    lines.append("")
    return "\n".join(lines)


# uvloop and httptools by name (pyproject.toml installs both): "auto" would fall back silently
# to asyncio and h11, which cost a keep-alive request a ~40 ms stall.
SERVER_OPTIONS: dict[str, Any] = {
    "log_config": None, "access_log": False, "proxy_headers": False, "server_header": False,
    "loop": "uvloop", "http": "httptools",
}


def build_web_app(slot: int, *, run_worker: bool) -> Any:
    """The app of one web worker process (`dashboard run --workers N`): only the first runs
    the embedded jobs worker, so that one process holds the cron schedule."""
    from dashboard.app import create_app

    settings = get_settings()
    configure_logging(settings.log_level)
    return create_app(settings, run_worker=run_worker and slot == 0)


def cmd_run(args: argparse.Namespace) -> int:
    import functools

    import uvicorn

    from dashboard.app import create_app
    from dashboard.web.serving import serve_workers

    if args.workers < 1:
        print("error: --workers must be at least 1", file=sys.stderr)
        return 2
    embedded = get_settings().embedded
    settings = _services()
    configure_logging(settings.log_level)
    if embedded:
        asyncio.run(_migrate(settings))
        asyncio.run(_seed_if_empty(settings))
    port = args.port or int(os.environ.get("PORT", 8000))
    print(_banner(args.host, port, embedded), flush=True)
    run_worker = embedded and not args.no_worker
    # uvicorn shuts down gracefully on SIGTERM, then re-raises the signal; with the default
    # action the process would die before stopping the embedded servers, so end normally.
    signal.signal(signal.SIGTERM, _exit_normally)
    exit_code = 0
    try:
        if args.workers == 1:
            uvicorn.run(create_app(settings, run_worker=run_worker), host=args.host, port=port, **SERVER_OPTIONS)
        else:
            serve_workers(functools.partial(build_web_app, run_worker=run_worker), workers=args.workers,
                          host=args.host, port=port, **SERVER_OPTIONS)
    except (KeyboardInterrupt, _Terminated):
        pass
    except SystemExit as exc:  # the server could not start (uvicorn's exit code 3)
        exit_code = exc.code if isinstance(exc.code, int) else 1
    finally:
        if embedded:
            from dashboard.embedded import stop_services

            stop_services()
    return exit_code


class _Terminated(SystemExit):
    """SIGTERM, the way a process manager stops the server: a normal end."""


def _exit_normally(signum: int, _frame: object) -> None:
    raise _Terminated(128 + signum)


def cmd_worker(_: argparse.Namespace) -> int:
    from jobs.worker import run_standalone

    settings = _services()
    configure_logging(settings.log_level)
    # Every queue (default and bulk) in this one process, cron jobs scheduled once.
    run_standalone(settings.database_url, settings.redis_url)  # type: ignore[arg-type]
    return 0


def _ask(value: str | None, prompt: str, *, secret: bool = False) -> str:
    if value:
        return value
    if not sys.stdin.isatty():
        raise SystemExit(f"missing --{prompt.lower().replace(' ', '-')} (no terminal to ask on)")
    return getpass.getpass(f"{prompt}: ") if secret else input(f"{prompt}: ").strip()


def cmd_createuser(args: argparse.Namespace) -> int:
    from dashboard.core.actor import Actor
    from dashboard.core.errors import DomainError
    from dashboard.services.users import create_user
    from models.enums import UserType

    role = UserType(_ask(args.role, "Role"))
    email = _ask(args.email, "Email")
    username = _ask(args.username, "Username")
    password = _ask(args.password, "Password", secret=True)
    settings = _services()

    async def work() -> Any:
        return await create_user(
            Actor.system(), user_type=role, email=email, user_name=username, password=password,
            first_name=args.first_name or username, last_name=args.last_name or role.value.title(),
        )

    try:
        user = asyncio.run(_with_orm(settings, work))
    except DomainError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    print(f"created {role.value} {user.email} (id {user.id})")
    return 0


def cmd_seed_demo(args: argparse.Namespace) -> int:
    from dashboard.demo.generate import UniversityNotEmpty, generate_university

    if args.students < 1:
        print("error: --students must be at least 1", file=sys.stderr)
        return 2
    settings = _services()
    configure_logging(settings.log_level)
    asyncio.run(_migrate(settings))
    try:
        report = asyncio.run(generate_university(settings.database_url, students=args.students, seed=args.seed))  # type: ignore[arg-type]
    except UniversityNotEmpty as exc:
        print(f"error: {exc} (the demo university loads only into an empty database)", file=sys.stderr)
        return 1
    print(report.as_text())
    return 0


def cmd_openapi(_: argparse.Namespace) -> int:
    from api import create_api

    print(json.dumps(create_api().openapi(), indent=2))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dashboard", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="serve the API and admin panel")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=None, help="default: $PORT or 8000")
    run.add_argument("--no-worker", action="store_true", help="do not run jobs in this process")
    # A string default goes through `type` too, so a malformed WEB_CONCURRENCY is a usage error.
    run.add_argument("--workers", type=int, default=os.environ.get("WEB_CONCURRENCY", "1"),
                     help="web worker processes, their connections kept balanced (default: $WEB_CONCURRENCY or 1)")
    run.set_defaults(handler=cmd_run)

    commands.add_parser("worker", help="run the background job worker").set_defaults(handler=cmd_worker)
    commands.add_parser("migrate", help="apply pending migrations").set_defaults(handler=cmd_migrate)

    create = commands.add_parser("createuser", help="create a user (the first admin, say)")
    create.add_argument("--role", choices=["admin", "staff", "faculty", "student", "parent"])
    create.add_argument("--email")
    create.add_argument("--username")
    create.add_argument("--password")
    create.add_argument("--first-name")
    create.add_argument("--last-name")
    create.set_defaults(handler=cmd_createuser)

    seed = commands.add_parser("seed-demo", help="load a generated demo university")
    seed.add_argument("--students", type=int, default=None)
    seed.add_argument("--seed", type=int, default=None)
    seed.set_defaults(handler=cmd_seed_demo)

    commands.add_parser("openapi", help="print the OpenAPI document").set_defaults(handler=cmd_openapi)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "students", "absent") is None:
        args.students = get_settings().demo_students
    if getattr(args, "seed", "absent") is None:
        args.seed = get_settings().demo_seed
    return int(args.handler(args) or 0)
