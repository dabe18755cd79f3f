"""Reading config.toml into typed settings; a bad file names the key and what is wrong."""

from __future__ import annotations

import ipaddress
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Final

from queue_server.domain.hall_document import Reader, parse_hall, parse_printers, parse_reasons
from queue_server.domain.model import HallSpec


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
    # What a hall's settings that leave them out take from the file's other tables ([console]'s
    # reasons): config.toml's [[halls]] and the halls added live alike.
    hall_seeds: Mapping[str, Any] = field(default_factory=dict)

    def section(self, name: str) -> Mapping[str, Any]:
        return self.sections.get(name, {})

    def hall(self, hall_id: str) -> HallSpec | None:
        return next((h for h in self.halls if h.id == hall_id), None)


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
    reader = Reader()
    base_dir = base_dir or Path.cwd()
    server = _parse_server(reader, raw.get("server", {}), base_dir)
    halls_raw = raw.get("halls")
    halls: list[HallSpec] = []
    seeds = _hall_seeds(reader, raw)
    if not isinstance(halls_raw, list) or not halls_raw:
        reader.problems.append("halls: at least one [[halls]] table is required")
    else:
        for i, hall_raw in enumerate(halls_raw):
            if isinstance(hall_raw, dict):
                hall_raw = {**seeds, **_printers_seed(raw, hall_raw.get("id")), **hall_raw}
            hall = parse_hall(reader, hall_raw, f"halls[{i}]")
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
        hall_seeds=seeds,
    )


def _hall_seeds(reader: Reader, raw: dict[str, Any]) -> dict[str, Any]:
    """What a [[halls]] table that leaves them out takes from the file's other tables: the
    reasons of [console] (where they were kept before each hall had its own)."""
    console = raw.get("console", {})
    if not isinstance(console, dict):
        return {}
    reasons = ("pause_reasons", "rating_reasons")
    return {key: console[key] for key in reasons if parse_reasons(reader, console, "console", key)}


def _printers_seed(raw: dict[str, Any], hall: Any) -> dict[str, Any]:
    """The hall's printers of [[ticketing.printers]] (where printers were defined before each
    hall had its own), for a [[halls]] table that leaves `printers` out. A bad entry seeds
    nothing: the [ticketing] reader names it under its own key and the server refuses to start."""
    section = raw.get("ticketing", {})
    listed = section.get("printers", []) if isinstance(section, dict) else []
    if not isinstance(listed, list):
        return {}
    own = [
        {k: v for k, v in p.items() if k != "hall"}
        for p in listed
        if isinstance(p, dict) and p.get("hall") == hall
    ]
    if not own:
        return {}
    trial = Reader()
    parse_printers(trial, {"printers": own}, "ticketing")
    return {} if trial.problems else {"printers": own}


def _parse_logging(reader: Reader, raw: dict[str, Any]) -> LoggingSettings:
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


def _parse_metrics(reader: Reader, raw: dict[str, Any]) -> MetricsSettings:
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


def _parse_server(reader: Reader, raw: dict[str, Any], base_dir: Path) -> ServerSettings:
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
    reader: Reader, table: dict[str, Any], path: str, key: str, default: tuple[str, ...]
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
