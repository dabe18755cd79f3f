"""Reading config.toml into typed settings; a bad file names the key and what is wrong."""

from __future__ import annotations

import ipaddress
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from importlib import resources
from pathlib import Path
from typing import Any, Final, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from queue_server.domain.model import (
    Category,
    HallPolicy,
    HallSpec,
    OpeningHours,
    PriorityClass,
    WindowSpec,
)

_CODE = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
_RESERVED_PRIORITIES = {"normal", "green", "appointment"}
_T = TypeVar("_T")


class ConfigError(Exception):
    """Every problem found in a config file, each naming its key."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: " + "; ".join(problems))


@dataclass(frozen=True)
class ServerSettings:
    host: str = "127.0.0.1"
    port: int = 8000
    store: str = "sqlite:///var/onewindow.db"
    bus: str = "memory://"
    replay_events: int = 2000
    client_queue: int = 500
    # With bus = redis://: how long presence, printer states, rate limits, short locks and the
    # login throttle wait for a Redis answer before going on without it (a hung Redis).
    shared_state_timeout_ms: int = 1000
    # What one client may hold (issue #11): bodies, time to send a request, connections.
    max_body_bytes: int = 64 * 1024
    read_timeout_s: int = 10
    keep_alive_s: int = 75
    max_connections: int = 4096
    max_connections_per_client: int = 64
    # Addresses whose connections carry many clients (a reverse proxy on the same machine):
    # not capped per address; the proxy caps its clients itself (docs/nginx-onewindow.conf).
    proxies: tuple[str, ...] = ("127.0.0.1", "::1")


LOG_LEVELS: Final = ("debug", "info", "warning", "error")
LOG_FORMATS: Final = ("plain", "json")


@dataclass(frozen=True)
class LoggingSettings:
    """What `onewindow serve` logs, to standard error (docs/DEPLOY.md)."""

    level: str = "info"
    format: str = "plain"  # or "json": one JSON object a line
    requests: bool = False  # a line per request: method, path, status, milliseconds


@dataclass(frozen=True)
class MetricsSettings:
    """Who may read GET /metrics: a scraper from one of `allow` (networks), with `token` when set."""

    allow: tuple[str, ...] = ("127.0.0.1/32", "::1/128")
    token: str | None = None


@dataclass(frozen=True)
class Settings:
    server: ServerSettings
    halls: tuple[HallSpec, ...]
    logging: LoggingSettings = field(default_factory=LoggingSettings)
    metrics: MetricsSettings = field(default_factory=MetricsSettings)
    source: str = "<memory>"
    # The folder that relative paths in the file (store, caches, voice pack) start from: the
    # config file's own folder, or the data folder when the built-in config is used.
    base_dir: Path = field(default_factory=Path.cwd)
    # The tables of the other packages ([ticketing], [outbound], [displays], [console]) as read with the
    # rest of the file: each package types its own once at start (queue_server/app.py), so
    # the file is read once and the server core needs no knowledge of the pages' settings.
    sections: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def section(self, name: str) -> Mapping[str, Any]:
        return self.sections.get(name, {})

    def hall(self, hall_id: str) -> HallSpec | None:
        return next((h for h in self.halls if h.id == hall_id), None)


class _Reader:
    """Pulls typed values out of nested TOML tables, collecting problems instead of stopping."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def get(self, table: dict[str, Any], path: str, key: str, kind: type, default: Any = ...) -> Any:
        if key not in table:
            if default is ...:
                self.problems.append(f"{path}.{key}: missing")
            return None if default is ... else default
        value = table[key]
        ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
        if not ok:
            self.problems.append(f"{path}.{key}: expected {kind.__name__}, got {value!r}")
            return None if default is ... else default
        return value

    def positive(self, table: dict[str, Any], path: str, key: str, default: int, minimum: int = 1) -> int:
        value: int = self.get(table, path, key, int, default)
        if value < minimum:
            self.problems.append(f"{path}.{key}: must be at least {minimum}, got {value}")
            return default
        return value

    def dates(self, value: Any, path: str) -> frozenset[date]:
        """A list of dates: TOML dates or "YYYY-MM-DD" strings."""
        if not isinstance(value, list):
            self.problems.append(f'{path}: expected a list of dates like ["2026-10-01"]')
            return frozenset()
        out: set[date] = set()
        for i, item in enumerate(value):
            if isinstance(item, date) and not isinstance(item, datetime):
                out.add(item)
                continue
            try:
                out.add(date.fromisoformat(item))
            except (TypeError, ValueError):
                self.problems.append(f"{path}[{i}]: {item!r} is not a date (YYYY-MM-DD)")
        return frozenset(out)

    def sessions(self, value: Any, path: str) -> tuple[tuple[time, time], ...]:
        if not isinstance(value, list):
            self.problems.append(f'{path}: expected a list of ["HH:MM", "HH:MM"] pairs')
            return ()
        result: list[tuple[time, time]] = []
        for i, pair in enumerate(value):
            where = f"{path}[{i}]"
            try:
                start, end = (time.fromisoformat(p) for p in pair)
            except (TypeError, ValueError):
                self.problems.append(f'{where}: expected ["HH:MM", "HH:MM"], got {pair!r}')
                continue
            if end <= start:
                self.problems.append(f"{where}: ends ({end:%H:%M}) before it starts ({start:%H:%M})")
            elif result and start < result[-1][1]:
                self.problems.append(f"{where}: overlaps the session before it")
            result.append((start, end))
        return tuple(result)


# The demo hall, shipped inside the package so that an installed wheel has a hall to run.
# The tables the server's reader keeps for the packages that type them.
PACKAGE_SECTIONS: Final = ("ticketing", "outbound", "displays", "console")
BUILT_IN_CONFIG: Final = Path(str(resources.files("queue_server") / "default_config.toml"))
CONFIG_NAME: Final = "config.toml"


@dataclass(frozen=True)
class ConfigLocation:
    """Which config file to read, and the folder its relative paths start from."""

    path: Path
    base_dir: Path

    @property
    def built_in(self) -> bool:
        return self.path == BUILT_IN_CONFIG


def data_dir() -> Path:
    """Where the built-in config keeps its store and files: $ONEWINDOW_DATA, else the user's
    data folder ($XDG_DATA_HOME/onewindow, ~/.local/share/onewindow)."""
    explicit = os.environ.get("ONEWINDOW_DATA")
    if explicit:
        return Path(explicit).expanduser().resolve()
    xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(xdg).expanduser().resolve() / "onewindow"


def find_config(explicit: str | os.PathLike[str] | None = None) -> ConfigLocation:
    """`explicit` (--config), else $ONEWINDOW_CONFIG, else ./config.toml where one exists, else
    the built-in demo hall with its files in `data_dir()`."""
    named = explicit or os.environ.get("ONEWINDOW_CONFIG")
    if named:
        path = Path(named)
        if path.resolve() == BUILT_IN_CONFIG.resolve():  # never a store inside the package
            return ConfigLocation(BUILT_IN_CONFIG, data_dir())
        return ConfigLocation(path, path.resolve().parent)
    local = Path.cwd() / CONFIG_NAME
    if local.is_file():
        return ConfigLocation(local, Path.cwd())
    return ConfigLocation(BUILT_IN_CONFIG, data_dir())


def load_settings(path: str | os.PathLike[str] | ConfigLocation, base_dir: Path | None = None) -> Settings:
    if isinstance(path, ConfigLocation):
        return load_settings(path.path, path.base_dir)
    source = str(path)
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(source, ["file not found"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(source, [f"not valid TOML: {exc}"]) from None
    return parse_settings(raw, source=source, base_dir=base_dir or Path(path).resolve().parent)


def parse_settings(
    raw: dict[str, Any], *, source: str = "<memory>", base_dir: Path | None = None
) -> Settings:
    reader = _Reader()
    base_dir = base_dir or Path.cwd()
    server = _parse_server(reader, raw.get("server", {}), base_dir)
    halls_raw = raw.get("halls")
    halls: list[HallSpec] = []
    if not isinstance(halls_raw, list) or not halls_raw:
        reader.problems.append("halls: at least one [[halls]] table is required")
    else:
        for i, hall_raw in enumerate(halls_raw):
            hall = _parse_hall(reader, hall_raw, f"halls[{i}]")
            if hall is not None:
                halls.append(hall)
        ids = [h.id for h in halls]
        for dup in sorted({i for i in ids if ids.count(i) > 1}):
            reader.problems.append(f"halls: id {dup!r} is declared twice")
    logging = _parse_logging(reader, raw.get("logging", {}))
    metrics = _parse_metrics(reader, raw.get("metrics", {}))
    sections: dict[str, Mapping[str, Any]] = {}
    for name in PACKAGE_SECTIONS:
        table = raw.get(name, {})
        if isinstance(table, dict):
            sections[name] = table
        else:
            reader.problems.append(f"{name}: expected a table")
    if reader.problems:
        raise ConfigError(source, reader.problems)
    return Settings(
        server=server,
        halls=tuple(halls),
        logging=logging,
        metrics=metrics,
        source=source,
        base_dir=base_dir,
        sections=sections,
    )


def _parse_logging(reader: _Reader, raw: dict[str, Any]) -> LoggingSettings:
    defaults = LoggingSettings()
    level = reader.get(raw, "logging", "level", str, defaults.level).lower()
    if level not in LOG_LEVELS:
        reader.problems.append(f"logging.level: {level!r} is not one of {', '.join(LOG_LEVELS)}")
        level = defaults.level
    form = reader.get(raw, "logging", "format", str, defaults.format)
    if form not in LOG_FORMATS:
        reader.problems.append(f"logging.format: {form!r} is not one of {', '.join(LOG_FORMATS)}")
        form = defaults.format
    return LoggingSettings(
        level=level, format=form, requests=reader.get(raw, "logging", "requests", bool, defaults.requests)
    )


def _parse_metrics(reader: _Reader, raw: dict[str, Any]) -> MetricsSettings:
    defaults = MetricsSettings()
    allow = reader.get(raw, "metrics", "allow", list, list(defaults.allow))
    for item in allow:
        try:
            ipaddress.ip_network(item, strict=False)
        except (TypeError, ValueError):
            reader.problems.append(f"metrics.allow: {item!r} is not a network (like 10.0.0.0/8)")
    token = reader.get(raw, "metrics", "token", str, "") or None
    if token is not None and len(token) < 16:
        reader.problems.append("metrics.token: at least 16 characters (or leave it out)")
    return MetricsSettings(allow=tuple(str(item) for item in allow), token=token)


def _parse_server(reader: _Reader, raw: dict[str, Any], base_dir: Path) -> ServerSettings:
    defaults = ServerSettings()
    store = os.environ.get("ONEWINDOW_STORE") or reader.get(raw, "server", "store", str, defaults.store)
    bus = os.environ.get("ONEWINDOW_BUS") or reader.get(raw, "server", "bus", str, defaults.bus)
    if store.startswith("sqlite:///") and not store.startswith("sqlite:////"):
        relative = store.removeprefix("sqlite:///")
        if relative != ":memory:":
            store = "sqlite:///" + str((base_dir / relative).resolve())
    for key, value, schemes in (
        ("store", store, ("sqlite://", "postgresql://", "postgresql+asyncpg://")),
        ("bus", bus, ("memory://", "redis://", "rediss://")),
    ):
        if not value.startswith(schemes):
            reader.problems.append(f"server.{key}: unsupported URL {value!r} (use {', '.join(schemes)})")
    return ServerSettings(
        host=reader.get(raw, "server", "host", str, defaults.host),
        port=reader.positive(raw, "server", "port", defaults.port),
        store=store,
        bus=bus,
        replay_events=reader.positive(raw, "server", "replay_events", defaults.replay_events, 10),
        client_queue=reader.positive(raw, "server", "client_queue", defaults.client_queue, 10),
        shared_state_timeout_ms=reader.positive(
            raw, "server", "shared_state_timeout_ms", defaults.shared_state_timeout_ms, 50
        ),
        max_body_bytes=reader.positive(raw, "server", "max_body_bytes", defaults.max_body_bytes, 1024),
        read_timeout_s=reader.positive(raw, "server", "read_timeout_s", defaults.read_timeout_s),
        keep_alive_s=reader.positive(raw, "server", "keep_alive_s", defaults.keep_alive_s),
        max_connections=reader.positive(raw, "server", "max_connections", defaults.max_connections, 16),
        max_connections_per_client=reader.positive(
            raw, "server", "max_connections_per_client", defaults.max_connections_per_client, 4
        ),
        proxies=_addresses(reader, raw, "server", "proxies", defaults.proxies),
    )


def _addresses(
    reader: _Reader, table: dict[str, Any], path: str, key: str, default: tuple[str, ...]
) -> tuple[str, ...]:
    value = reader.get(table, path, key, list, list(default))
    if not all(isinstance(item, str) for item in value):
        reader.problems.append(f"{path}.{key}: expected a list of addresses, got {value!r}")
        return default
    for item in value:
        try:
            ipaddress.ip_address(item)
        except ValueError:
            reader.problems.append(f"{path}.{key}: {item!r} is not an IP address")
    return tuple(value)


def _parse_hall(reader: _Reader, raw: Any, path: str) -> HallSpec | None:
    if not isinstance(raw, dict):
        reader.problems.append(f"{path}: expected a table")
        return None
    hall_id = reader.get(raw, path, "id", str)
    if hall_id is not None and not _CODE.match(hall_id):
        reader.problems.append(f"{path}.id: {hall_id!r} must be lower-case letters, digits, - or _")
    tz_name = reader.get(raw, path, "timezone", str, "Asia/Shanghai")
    try:
        timezone = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        reader.problems.append(f"{path}.timezone: unknown time zone {tz_name!r}")
        timezone = ZoneInfo("Asia/Shanghai")
    categories = _parse_all(reader, raw, path, "categories", _parse_category)
    _unique(reader, path, "categories", "code", [c.code for c in categories])
    _unique(reader, path, "categories", "prefix", [c.prefix for c in categories])
    codes = {c.code for c in categories}
    windows = _parse_all(
        reader, raw, path, "windows", lambda r, item, where: _parse_window(r, item, where, codes)
    )
    _unique(reader, path, "windows", "number", [w.number for w in windows])
    priorities = _parse_all(reader, raw, path, "priorities", _parse_priority, required=False)
    hours_raw = reader.get(raw, path, "hours", dict, {})
    hours = OpeningHours(
        weekdays=reader.sessions(hours_raw.get("weekdays", [["09:00", "17:00"]]), f"{path}.hours.weekdays"),
        weekend=reader.sessions(hours_raw.get("weekend", []), f"{path}.hours.weekend"),
    )
    policy = HallPolicy(
        max_wait=timedelta(minutes=reader.positive(raw, path, "max_wait_minutes", 30)),
        no_show_grace=timedelta(minutes=reader.positive(raw, path, "no_show_grace_minutes", 30, 0)),
        no_show_requeue_behind=reader.positive(raw, path, "no_show_requeue_behind", 3, 0),
        priority_ratio=reader.positive(raw, path, "priority_ratio", 2),
        aging=timedelta(minutes=reader.positive(raw, path, "aging_minutes", 45)),
        number_width=reader.positive(raw, path, "number_width", 3),
        default_handling=timedelta(minutes=reader.positive(raw, path, "default_handling_minutes", 5)),
    )
    if hall_id is None:
        return None
    return HallSpec(
        id=hall_id,
        name=reader.get(raw, path, "name", str, hall_id),
        name_en=reader.get(raw, path, "name_en", str, hall_id),
        timezone=timezone,
        categories=categories,
        windows=windows,
        priorities=priorities,
        hours=hours,
        policy=policy,
        notice=reader.get(raw, path, "notice", str, ""),
        holidays=reader.dates(raw.get("holidays", []), f"{path}.holidays"),
        # At least a day: the phone's daily limit counts the day's claims.
        phone_retention=timedelta(days=reader.positive(raw, path, "phone_retention_days", 30)),
    )


def _parse_all(
    reader: _Reader,
    raw: dict[str, Any],
    path: str,
    key: str,
    parse: Callable[[_Reader, Any, str], _T | None],
    required: bool = True,
) -> tuple[_T, ...]:
    parsed = (
        parse(reader, item, f"{path}.{key}[{i}]")
        for i, item in enumerate(_list(reader, raw, path, key, required))
    )
    return tuple(item for item in parsed if item is not None)


def _list(reader: _Reader, raw: dict[str, Any], path: str, key: str, required: bool = True) -> list[Any]:
    value = raw.get(key)
    if value is None and not required:
        return []
    if not isinstance(value, list) or (required and not value):
        reader.problems.append(f"{path}.{key}: at least one [[{path.split('[')[0]}.{key}]] is required")
        return []
    return value


def _unique(reader: _Reader, path: str, table: str, key: str, values: list[Any]) -> None:
    for dup in sorted({v for v in values if values.count(v) > 1}, key=str):
        reader.problems.append(f"{path}.{table}: {key} {dup!r} is used twice")


def _parse_category(reader: _Reader, raw: Any, path: str) -> Category | None:
    if not isinstance(raw, dict):
        reader.problems.append(f"{path}: expected a table")
        return None
    code = reader.get(raw, path, "code", str)
    prefix = reader.get(raw, path, "prefix", str)
    if code is not None and not _CODE.match(code):
        reader.problems.append(f"{path}.code: {code!r} must be lower-case letters, digits, - or _")
    if prefix is not None and not re.fullmatch(r"[A-Z]", prefix):
        reader.problems.append(f"{path}.prefix: must be one capital letter A-Z, got {prefix!r}")
    name = reader.get(raw, path, "name", str)
    if code is None or prefix is None or name is None:
        return None
    return Category(
        code=code,
        prefix=prefix,
        name=name,
        name_en=reader.get(raw, path, "name_en", str, name),
        weekend=reader.get(raw, path, "weekend", bool, True),
        time_limit_minutes=reader.positive(raw, path, "time_limit_minutes", 30),
    )


def _parse_window(reader: _Reader, raw: Any, path: str, codes: set[str]) -> WindowSpec | None:
    if not isinstance(raw, dict):
        reader.problems.append(f"{path}: expected a table")
        return None
    number = reader.get(raw, path, "number", int)
    if number is None:
        return None
    if number < 1:
        reader.problems.append(f"{path}.number: must be at least 1, got {number}")
    categories = reader.get(raw, path, "categories", list, None)
    if categories is not None:
        if not categories:
            reader.problems.append(
                f"{path}.categories: leave it out for a comprehensive window, or list at least one"
            )
        for code in categories:
            if code not in codes:
                reader.problems.append(f"{path}.categories: unknown category {code!r}")
    green_channel = reader.get(raw, path, "green_channel", bool, False)
    serves_others = reader.get(raw, path, "green_channel_serves_others", bool, False)
    if serves_others and not green_channel:
        reader.problems.append(
            f"{path}.green_channel_serves_others: only for a window with green_channel = true"
        )
    return WindowSpec(
        number=number,
        name=reader.get(raw, path, "name", str, f"{number}号窗口"),
        name_en=reader.get(raw, path, "name_en", str, f"Window {number}"),
        categories=None if categories is None else frozenset(categories),
        green_channel=green_channel,
        green_channel_serves_others=serves_others,
    )


def _parse_priority(reader: _Reader, raw: Any, path: str) -> PriorityClass | None:
    if not isinstance(raw, dict):
        reader.problems.append(f"{path}: expected a table")
        return None
    code = reader.get(raw, path, "code", str)
    if code is None:
        return None
    if code in _RESERVED_PRIORITIES:
        reader.problems.append(f"{path}.code: {code!r} is built in and cannot be redefined")
    name = reader.get(raw, path, "name", str, code)
    return PriorityClass(code=code, name=name, name_en=reader.get(raw, path, "name_en", str, name))
