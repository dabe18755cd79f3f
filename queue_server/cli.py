"""The `onewindow` command: serve, demo, check-config, user add, device add."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TypeVar

import uvicorn
from sqlalchemy.exc import SQLAlchemyError

from queue_server.accounts import AccountError, add_device, add_user, disable_user, remove_device
from queue_server.app import check_package_sections, create_app
from queue_server.auth import DeviceKind, Role
from queue_server.clock import SystemClock
from queue_server.config import ConfigError, Settings, load_settings
from queue_server.reports import cli as reports_cli
from queue_server.serving import uvicorn_options
from queue_server.storage import Store, StoreUnavailable, open_store

_T = TypeVar("_T")
DEMO_PASSWORD = "onewindow-demo"


def _default_config() -> str:
    return os.environ.get("ONEWINDOW_CONFIG", "config.toml")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="onewindow", description="OneWindow queue server")
    parser.add_argument("--config", default=_default_config(), help="path to config.toml")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the server")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int, default=1, help="processes (needs bus = redis://)")
    serve.add_argument("--access-log", action="store_true", help="log every request (off: it costs)")
    schema = commands.add_parser("db", help="the database schema")
    schema.add_subparsers(dest="action", required=True).add_parser(
        "upgrade", help="apply every migration not yet applied"
    )
    demo = commands.add_parser("demo", help="run the demo hall with demo accounts and devices")
    demo.add_argument("--host")
    demo.add_argument("--port", type=int)
    commands.add_parser("check-config", help="validate the config file and say what is wrong")

    user = commands.add_parser("user", help="manage accounts").add_subparsers(dest="action", required=True)
    user_add = user.add_parser("add", help="add or reset an account (password from stdin or prompt)")
    user_add.add_argument("name")
    user_add.add_argument("--role", required=True, choices=[r.value for r in Role])
    user_add.add_argument("--hall", help="the hall a clerk or supervisor works in")
    user.add_parser("disable", help="refuse the account's sign-in and end its sessions").add_argument("name")

    device = commands.add_parser("device", help="manage devices").add_subparsers(dest="action", required=True)
    device_add = device.add_parser("add", help="register a screen, kiosk or printer; prints its token")
    device_add.add_argument("name")
    device_add.add_argument("--kind", required=True, choices=[k.value for k in DeviceKind])
    device_add.add_argument("--hall")
    device_add.add_argument("--window", type=int, help="a screen: the window whose visitors it rates")
    device_remove = device.add_parser("remove", help="forget a device: its token stops working")
    device_remove.add_argument("name")
    device_remove.add_argument("--hall")
    reports_cli.add_parsers(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings(args.config)
        check_package_sections(settings)
    except ConfigError as exc:
        print(f"config {exc.source} is not valid:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 2
    try:
        if args.command == "check-config":
            return _check_config(settings)
        if args.command == "serve":
            return _serve(settings, args.host, args.port, args.workers, args.config, args.access_log)
        if args.command == "db":
            _with_store(settings, _report_schema)
            return 0
        if args.command == "demo":
            _with_store(settings, lambda store: _prepare_demo(store, settings))
            return _serve(settings, args.host, args.port)
        if args.command == "user" and args.action == "disable":
            _with_store(settings, lambda store: disable_user(store, args.name))
            print(f"user {args.name} disabled; their sign-ins have ended")
            return 0
        if args.command == "device" and args.action == "remove":
            _with_store(settings, lambda store: remove_device(store, settings, args.name, args.hall))
            print(f"device {args.name} removed; its token no longer works")
            return 0
        if args.command == "user":
            password = _read_password()
            user = _with_store(
                settings,
                lambda store: add_user(
                    store, settings, SystemClock(), args.name, Role(args.role), password, args.hall
                ),
            )
            print(f"user {user.username} ({user.role}, hall {user.hall or 'all'}) saved")
            return 0
        if args.command == "device":
            token = _with_store(
                settings,
                lambda store: add_device(
                    store, settings, SystemClock(), args.name, DeviceKind(args.kind), args.hall, args.window
                ),
            )
            print(token)
            return 0
        if args.command in reports_cli.COMMANDS:
            return reports_cli.run(settings, args)
    except (AccountError, ValueError) as exc:
        print(f"onewindow: {exc}", file=sys.stderr)
        return 2
    except (StoreUnavailable, SQLAlchemyError, OSError) as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"onewindow: the store at {settings.server.store} failed: {first_line}", file=sys.stderr)
        return 1
    return 2


def _check_config(settings: Settings) -> int:
    print(f"{settings.source}: OK")
    print(f"  store {settings.server.store}, bus {settings.server.bus}")
    for hall in settings.halls:
        comprehensive = sum(1 for w in hall.windows if w.categories is None)
        print(
            f"  hall {hall.id} ({hall.name}, {hall.timezone.key}): "
            f"{len(hall.categories)} categories, "
            f"{len(hall.windows)} windows ({comprehensive} comprehensive)"
        )
    return 0


async def _report_schema(store: Store) -> None:
    """Opening the store migrates it; say where it now stands."""
    print(f"schema of {settings_url(store)} is at revision {await store.schema_revision()}")


def settings_url(store: Store) -> str:
    return getattr(store, "url", "the store").split("@")[-1]


def _serve(
    settings: Settings,
    host: str | None,
    port: int | None,
    workers: int = 1,
    config: str = "",
    access_log: bool = False,
) -> int:
    if workers > 1 and not settings.server.bus.startswith(("redis://", "rediss://")):
        raise AccountError("--workers above 1 needs bus = redis:// (the memory bus is one process)")
    os.environ["ONEWINDOW_CONFIG"] = str(Path(config or settings.source).resolve())
    uvicorn.run(
        "queue_server.asgi:app" if workers > 1 else create_app(settings),
        factory=workers > 1,
        workers=workers,
        host=host or settings.server.host,
        port=port or settings.server.port,
        log_level="info",
        access_log=access_log,
        ws_ping_interval=20,
        ws_ping_timeout=20,
        # Every event goes to many screens as the same text; compressing it again for each
        # one costs more CPU than the hall LAN saves.
        ws_per_message_deflate=False,
        # Keep-alive (longer than clients and proxies keep idle connections, so the server is
        # never the one closing a connection just as a request goes out on it), read deadline,
        # connection caps: docs/SECURITY.md.
        **uvicorn_options(settings.server),
    )
    return 0


def _read_password() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("password: ")
    if first != getpass.getpass("again: "):
        raise AccountError("the two passwords differ")
    return first


def _with_store(settings: Settings, work: Callable[[Store], Awaitable[_T]]) -> _T:
    async def run() -> _T:
        store = open_store(settings.server.store)
        await store.start()
        try:
            return await work(store)
        finally:
            await store.close()

    return asyncio.run(run())


async def _prepare_demo(store: Store, settings: Settings) -> None:
    """Demo accounts (password onewindow-demo) and device tokens, written to var/demo-tokens.txt."""
    clock = SystemClock()
    hall = settings.halls[0].id
    accounts = [("supervisor", Role.SUPERVISOR), ("admin", Role.ADMIN)] + [
        (f"clerk{i}", Role.CLERK) for i in range(1, 4)
    ]
    for name, role in accounts:
        if await store.get_user(name) is None:
            await add_user(
                store,
                settings,
                clock,
                name,
                role,
                DEMO_PASSWORD,
                None if role is Role.ADMIN else hall,
            )
    tokens_file = Path(settings.source).resolve().parent / "var" / "demo-tokens.txt"
    if not tokens_file.exists():
        tokens_file.parent.mkdir(parents=True, exist_ok=True)
        lines = [
            f"{kind.value}={await add_device(store, settings, clock, f'demo-{kind.value}', kind, hall)}"
            for kind in DeviceKind
        ]
        tokens_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"demo hall {hall}: users supervisor, admin, clerk1-3 (password {DEMO_PASSWORD})")
    print(f"device tokens in {tokens_file}")
