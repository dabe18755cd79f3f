"""The `onewindow` command: init, serve, demo, check-config, db, user add, device add, booking add,
reports."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import uvicorn

from queue_server import config_transfer, demo
from queue_server.accounts import AccountError, add_device, add_user, remove_device, set_disabled
from queue_server.app import collect_as_a_server, create_app, package_settings
from queue_server.auth import DeviceKind, Role
from queue_server.clock import SystemClock, clock_from_environment
from queue_server.config import (
    BUILT_IN_CONFIG,
    CONFIG_NAME,
    LOG_FORMATS,
    LOG_LEVELS,
    ConfigError,
    ConfigLocation,
    Settings,
    find_config,
    load_settings,
)
from queue_server.domain.errors import DomainError, NotFound
from queue_server.domain.model import HallSpec
from queue_server.files import StoreInUse, StoreLock, private_dir
from queue_server.hall_set import hall_now, hall_set
from queue_server.messages import translate
from queue_server.notices import tell_servers
from queue_server.ops.logs import log_config
from queue_server.reports import cli as reports_cli
from queue_server.reports import rating_export
from queue_server.serving import uvicorn_options
from queue_server.storage import Store, StoreSetupFailed, StoreUnavailable, open_store
from queue_server.storage.backup import BackupError, backup, restore
from queue_server.ticketing.bookings import add_staff_booking
from queue_server.ticketing.settings import check_printers

# Who the audit says made a change from the command line (the server's shell, not a person).
CLI_ACTOR = "system:cli"
_T = TypeVar("_T")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="onewindow", description="OneWindow queue server")
    parser.add_argument(
        "--config",
        help="path to config.toml (default: $ONEWINDOW_CONFIG, else ./config.toml, "
        "else the built-in demo hall with its files in $ONEWINDOW_DATA or ~/.local/share/onewindow)",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    init = commands.add_parser("init", help="write a commented config.toml and a var/ folder")
    init.add_argument("dir", nargs="?", default=".", help="where (default: this folder)")
    serve = commands.add_parser("serve", help="run the server")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int, default=1, help="processes (needs bus = redis://)")
    serve.add_argument(
        "--access-log", action="store_true", help="log every request's status and time ([logging] requests)"
    )
    serve.add_argument("--log-level", choices=LOG_LEVELS, help="[logging] level (default info)")
    serve.add_argument(
        "--log-format", choices=LOG_FORMATS, help="[logging] format: plain lines or JSON lines"
    )
    schema = commands.add_parser("db", help="the database schema")
    schema.add_subparsers(dest="action", required=True).add_parser(
        "upgrade", help="apply every migration not yet applied"
    )
    demo = commands.add_parser(
        "demo", help="run the demo hall (its own store var/demo.db) with demo accounts, devices and printer"
    )
    demo.add_argument("--host")
    demo.add_argument("--port", type=int)
    commands.add_parser("check-config", help="validate the config file and say what is wrong")
    config = commands.add_parser("config", help="the halls' live settings as config.toml, and back")
    config_actions = config.add_subparsers(dest="action", required=True)
    config_export = config_actions.add_parser(
        "export", help="the config with every hall's settings as they are live (to stdout or -o FILE)"
    )
    config_export.add_argument("-o", "--output", help="write to FILE instead of standard output")
    config_actions.add_parser(
        "import", help="apply FILE's hall settings live, as the admin page would (refused with the reason)"
    ).add_argument("file")

    user = commands.add_parser("user", help="manage accounts").add_subparsers(dest="action", required=True)
    user_add = user.add_parser("add", help="add or reset an account (password from stdin or prompt)")
    user_add.add_argument("name")
    user_add.add_argument("--role", required=True, choices=[r.value for r in Role])
    user_add.add_argument("--hall", help="the hall a clerk or supervisor works in")
    user.add_parser("disable", help="refuse the account's sign-in and end its sessions").add_argument("name")
    user.add_parser("enable", help="let a disabled account sign in again").add_argument("name")

    device = commands.add_parser("device", help="manage devices").add_subparsers(dest="action", required=True)
    device_add = device.add_parser("add", help="register a screen, kiosk or printer; prints its token")
    device_add.add_argument("name")
    device_add.add_argument("--kind", required=True, choices=[k.value for k in DeviceKind])
    device_add.add_argument("--hall")
    device_add.add_argument("--window", type=int, help="a screen: the window whose visitors it rates")
    device_remove = device.add_parser("remove", help="forget a device: its token stops working")
    device_remove.add_argument("name")
    device_remove.add_argument("--hall")
    booking = commands.add_parser("booking", help="manage bookings").add_subparsers(
        dest="action", required=True
    )
    booking_add = booking.add_parser("add", help="book a slot; prints the booking code")
    booking_add.add_argument("--hall", required=True)
    booking_add.add_argument("--category", required=True)
    booking_add.add_argument("--start", required=True, help='hall local time, "2026-11-23 10:00"')
    booking_add.add_argument("--end", required=True, help='hall local time, "2026-11-23 10:30"')
    commands.add_parser(
        "backup", help="copy the store to FILE (SQLite: safe while the server runs; PostgreSQL: pg_dump)"
    ).add_argument("file")
    commands.add_parser(
        "restore", help="replace the store's content with FILE's (stop the server first)"
    ).add_argument("file")
    reports_cli.add_parsers(commands)
    rating_export.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "init":
        return _init(Path(args.dir))
    location = find_config(args.config)
    try:
        settings = load_settings(location)
        package_settings(settings)
    except ConfigError as exc:
        _say_problems(exc, f"config {exc.source} is not valid:")
        return 2
    try:
        if args.command == "check-config":
            return _check_config(settings)
        if args.command == "config":
            return (
                _export_config(settings, args.output)
                if args.action == "export"
                else _import_config(settings, Path(args.file))
            )
        if args.command == "serve":
            if location.built_in:
                print(
                    f"no {CONFIG_NAME} here: serving the built-in demo hall, its files in "
                    f"{location.base_dir} (onewindow init writes a config to edit)",
                    file=sys.stderr,
                )
            settings = _with_logging_flags(settings, args)
            return _serve(settings, args.host, args.port, args.workers, location)
        if args.command == "backup":
            print(backup(settings.server.store, Path(args.file)))
            return 0
        if args.command == "restore":
            return _restore(settings, Path(args.file))
        if args.command == "db":
            _with_store(settings, _report_schema)
            return 0
        if args.command == "demo":
            return demo.run(settings, args.host, args.port, _serve)
        if args.command == "user" and args.action in ("disable", "enable"):
            disabled = args.action == "disable"
            _with_store(
                settings,
                lambda store: set_disabled(store, SystemClock(), args.name, disabled, actor=CLI_ACTOR),
            )
            _tell_servers(settings, args.name)
            print(f"user {args.name} {args.action}d" + ("; their sign-ins have ended" if disabled else ""))
            return 0
        if args.command == "device" and args.action == "remove":
            _with_store(
                settings,
                lambda store: remove_device(
                    store, settings, SystemClock(), args.name, args.hall, actor=CLI_ACTOR
                ),
            )
            _tell_servers(settings, None)
            print(f"device {args.name} removed; its token no longer works")
            return 0
        if args.command == "user":
            password = _read_password()
            user = _with_store(
                settings,
                lambda store: add_user(
                    store,
                    settings,
                    SystemClock(),
                    args.name,
                    Role(args.role),
                    password,
                    args.hall,
                    actor=CLI_ACTOR,
                ),
            )
            _tell_servers(settings, user.username)  # a reset ends the old password's sign-ins
            print(f"user {user.username} ({user.role}, hall {user.hall or 'all'}) saved")
            return 0
        if args.command == "device":
            token = _with_store(settings, lambda store: _add_device(store, settings, args))
            print(token)
            return 0
        if args.command == "booking":
            return _add_booking(settings, args)
        if args.command in reports_cli.COMMANDS:
            return reports_cli.run(settings, args)
        if args.command == rating_export.COMMAND:
            return _export_ratings(settings, args)
    except BackupError as exc:
        print(f"onewindow {args.command}: {exc}", file=sys.stderr)
        return 1
    except (AccountError, ValueError) as exc:
        print(f"onewindow: {exc}", file=sys.stderr)
        return 2
    except DomainError as exc:
        print(f"onewindow: {translate(exc.key, 'en', **exc.params)}", file=sys.stderr)
        return 2
    except StoreInUse as exc:
        print(
            f"onewindow: onewindow demo-data is writing into the store {exc}; "
            "start the server when it is done",
            file=sys.stderr,
        )
        return 1
    except (StoreUnavailable, StoreSetupFailed, OSError) as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"onewindow: the store at {settings.server.store} failed: {first_line}", file=sys.stderr)
        return 1
    return 2


async def _add_device(store: Store, settings: Settings, args: argparse.Namespace) -> str:
    """A device of any hall the store serves: config.toml's and those added live (with its
    windows as they are now), not a retired one. Only the device's hall's settings are read."""
    halls = await hall_set(store, settings.halls)
    if args.hall in halls.retired:
        raise NotFound("error.hall_retired", hall=args.hall)
    served = halls.served  # a device of a server of several halls names one (AccountError)
    if args.hall is not None or len(served) == 1:
        spec = await hall_now(store, settings.halls, args.hall or served[0].id)
        served = [] if spec is None else [spec]
    return await add_device(
        store,
        replace(settings, halls=tuple(served)),
        SystemClock(),
        args.name,
        DeviceKind(args.kind),
        args.hall,
        window=args.window,
        actor=CLI_ACTOR,
    )


def _add_booking(settings: Settings, args: argparse.Namespace) -> int:
    spec = settings.hall(args.hall)
    if spec is None:
        print(f"onewindow booking: unknown hall {args.hall!r}", file=sys.stderr)
        return 2
    start = datetime.fromisoformat(args.start).replace(tzinfo=spec.timezone)
    end = datetime.fromisoformat(args.end).replace(tzinfo=spec.timezone)
    try:
        booking = _with_store(
            settings,
            lambda store: add_staff_booking(
                store, spec, args.category, start, end, "cli", SystemClock().now()
            ),
        )
    except DomainError as exc:
        print(f"onewindow booking: {translate(exc.key, 'en', **exc.params)}", file=sys.stderr)
        return 2
    print(booking.code)
    return 0


def _export_config(settings: Settings, output: str | None) -> int:
    clock = clock_from_environment()
    halls = _with_store(settings, lambda store: config_transfer.live_halls(store, settings, clock))
    text = config_transfer.export_text(settings, halls, clock.now())
    if output:
        Path(output).write_text(text, encoding="utf-8")
        print(f"the live settings of {', '.join(h.id for h in halls)} -> {output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def _import_config(settings: Settings, source: Path) -> int:
    try:
        incoming = load_settings(source)
    except ConfigError as exc:
        _say_problems(exc, f"onewindow config import: {exc.source} is not valid; nothing was changed:")
        return 2
    # On SQLite a running server never reads what another process wrote: it must be stopped.
    lock = _store_alone(
        settings,
        "config import",
        "; stop it first, or change the settings on its admin page (PUT /api/halls/{hall}/settings)",
    )
    if lock is None:
        return 1
    actor = f"cli:{getpass.getuser()}"
    try:
        imported = _with_store(
            settings,
            lambda store: config_transfer.import_halls(
                store, settings, incoming, clock_from_environment(), actor, check_printers
            ),
        )
    except config_transfer.ImportRefused as exc:
        print(f"onewindow config import: {exc}. Nothing was changed.", file=sys.stderr)
        return 1
    finally:
        lock.release()
    for hall in imported:
        said = "unchanged" if hall.seq is None else f"settings applied (ledger seq {hall.seq})"
        print(f"hall {hall.hall}: {said}")
    return 0


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
    location: ConfigLocation | None = None,
) -> int:
    if workers > 1 and not settings.server.bus.startswith(("redis://", "rediss://")):
        raise AccountError("--workers above 1 needs bus = redis:// (the memory bus is one process)")
    # Held while serving: demo-data will not write beside a live server.
    lock = StoreLock(settings.server.store, exclusive=False)
    # Worker processes find the same config (asgi.app reads these).
    if location is not None and location.built_in:
        os.environ["ONEWINDOW_DATA"] = str(location.base_dir)
    elif location is not None:
        os.environ["ONEWINDOW_CONFIG"] = str(location.path.resolve())
    collect_as_a_server()  # with --workers, each worker (a process of its own) in asgi.app too
    uvicorn.run(
        "queue_server.asgi:app" if workers > 1 else create_app(settings, clock_from_environment()),
        factory=workers > 1,
        workers=workers,
        host=host or settings.server.host,
        port=port or settings.server.port,
        log_config=log_config(settings.logging),
        log_level=settings.logging.level,
        access_log=False,  # ObservedRequests logs requests, with their times ([logging] requests)
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
    lock.release()
    return 0


def _with_logging_flags(settings: Settings, args: argparse.Namespace) -> Settings:
    """`serve`'s --log-level, --log-format and --access-log over the file's [logging]."""
    logging = settings.logging
    logging = replace(
        logging,
        level=args.log_level or logging.level,
        format=args.log_format or logging.format,
        requests=args.access_log or logging.requests,
    )
    return replace(settings, logging=logging)


def _restore(settings: Settings, source: Path) -> int:
    lock = _store_alone(
        settings, "restore", " (or demo-data is writing into it); stop it first (systemctl stop onewindow)"
    )
    if lock is None:
        return 1
    try:
        print(restore(source, settings.server.store))
    finally:
        lock.release()
    print("start the server again: it brings the schema up to date if the backup is older")
    return 0


def _say_problems(exc: ConfigError, heading: str) -> None:
    print(heading, file=sys.stderr)
    for problem in exc.problems:
        print(f"  - {problem}", file=sys.stderr)


def _store_alone(settings: Settings, command: str, advice: str) -> StoreLock | None:
    """The store's lock taken alone: every server holds it shared, so none is running on it.
    None, having said so with `advice`, while one is."""
    try:
        return StoreLock(settings.server.store, exclusive=True)
    except StoreInUse as exc:
        print(
            f"onewindow {command}: a server is running on the store {exc}{advice}. Nothing was changed.",
            file=sys.stderr,
        )
        return None


def _tell_servers(settings: Settings, account: str | None) -> None:
    """Running servers on Redis drop the account's (None: every device's) sign-ins at once;
    otherwise they see the change within 2 s (docs/SECURITY.md)."""
    asyncio.run(tell_servers(settings.server.bus, account))


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


def _export_ratings(settings: Settings, args: argparse.Namespace) -> int:
    wanted = args.hall or settings.halls[0].id

    async def export(store: Store) -> tuple[HallSpec, date, date, list[dict[str, Any]]]:
        # A hall added live, or retired, has its ratings in the store like config.toml's.
        spec = await hall_now(store, settings.halls, wanted)
        if spec is None:
            raise ValueError(f"no hall {wanted!r} in {settings.source} or in the store")
        first, last = rating_export.export_days(spec, args.start, args.end, SystemClock().now())
        return spec, first, last, await rating_export.export_rows(store, spec, first, last)

    spec, first, last, rows = _with_store(settings, export)
    text = rating_export.export_text(spec, first, last, rows, args.format)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8", newline="")
        print(f"{len(rows)} ratings of {spec.id} {first}..{last} -> {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text.removeprefix("\ufeff"))
    return 0


def _init(directory: Path) -> int:
    """A config.toml to edit (the demo hall's, commented) and a private var/ folder."""
    config = directory / CONFIG_NAME
    if config.exists():
        print(f"onewindow init: {config} exists already; it was left as it is", file=sys.stderr)
        return 2
    directory.mkdir(parents=True, exist_ok=True)
    config.write_text(INIT_HEADER + BUILT_IN_CONFIG.read_text(encoding="utf-8"), encoding="utf-8")
    var = private_dir(directory / "var")
    print(f"wrote {config} and {var}/")
    print(f"next: edit the halls in {config}, then, in {directory}:")
    print("  onewindow check-config")
    print("  onewindow user add admin --role admin")
    print("  onewindow serve")
    return 0


INIT_HEADER = """\
# Written by `onewindow init`: the demo hall, to edit into your own.
# `onewindow check-config` says what is wrong with it; relative paths (the store below, the
# displays' voice pack and cache) start from this file's folder. ONEWINDOW_STORE and
# ONEWINDOW_BUS override [server] store and bus.

"""
