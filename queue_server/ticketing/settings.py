"""The `[ticketing]` section of config.toml: ticket wording, online limits; and a hall's
printers as the ticketing side uses them.

The queue server's reader keeps this table as read (Settings.section); it is typed here, once
at start, and checked the same way, every problem naming its key. Without the section the
defaults apply. The printers are each hall's settings (`HallSpec.printers`, changed live):
`[[ticketing.printers]]` only seeds a hall that leaves its own out (queue_server.config), and is
checked here like the rest. A kiosk without a printer shows every ticket on screen to be
photographed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final, cast

from queue_server.config import ConfigError, Settings
from queue_server.domain.errors import Conflict
from queue_server.domain.model import HallSpec, PrinterSpec
from queue_server.ticketing.booking_rules import BookingRules, parse_booking_rules
from ticket_printer.connections import PrinterConfig
from ticket_printer.layout import PaperWidth, RenderMode, TicketLayout

SECTION: Final = "ticketing"


class TicketingConfigError(ConfigError):
    """A bad [ticketing] table: reported and refused like the rest of the config."""


@dataclass(frozen=True)
class PrinterEntry:
    """A ticket printer: the printer device whose agent drives it, and the kiosks it serves.

    `connection` is sent to the agent when it connects, so that printers are configured in one
    place; None means the agent must be given `--printer` on its own command line.
    """

    name: str
    hall: str
    kiosks: tuple[str, ...]
    layout: TicketLayout
    connection: PrinterConfig | None = None


@dataclass(frozen=True)
class TicketingSettings:
    public_base_url: str = ""  # "" = the address the kiosk reached the server at
    footer: str = "过号请重新取号"
    footer_en: str = "Missed your number? Please take a new one."
    # A ticket not printed within this long is dropped from the printer's queue: the visitor has
    # left with the on-screen number by then, and a pile of stale tickets helps nobody.
    print_within_s: int = 180
    # How long a kiosk waits for "printed" before it shows the number to be photographed.
    kiosk_print_wait_s: float = 6.0
    reprints_per_ticket: int = 3
    online_daily_limit: int = 3
    online_per_ip_per_hour: int = 30
    booking_per_ip_per_hour: int = 20  # visitors' bookings and cancellations from one address
    checkin_early_minutes: int = 30
    # Visitors' bookings per hall ([ticketing.booking], queue_server.ticketing.booking_rules).
    booking: Mapping[str, BookingRules] = field(default_factory=dict)

    def footer_in(self, spec: HallSpec, language: str) -> str:
        """The hall's own footer (its live settings), else this section's."""
        own = spec.ticket_footer_en if language == "en" else spec.ticket_footer
        return own or (self.footer_en if language == "en" else self.footer)


def printer_entry(spec: HallSpec, printer: PrinterSpec) -> PrinterEntry:
    """One of the hall's printers as printing takes it: its layout, and its agent's connection.
    `check_printers` has refused settings whose connection this cannot read."""
    connection = PrinterConfig.from_mapping(dict(printer.connection)) if printer.connection else None
    layout = TicketLayout(paper_mm=cast(PaperWidth, printer.paper_mm), mode=cast(RenderMode, printer.mode))
    return PrinterEntry(printer.name, spec.id, printer.kiosks, layout, connection)


def hall_printers(spec: HallSpec) -> list[PrinterEntry]:
    return [printer_entry(spec, printer) for printer in spec.printers]


def printer_of(spec: HallSpec, name: str) -> PrinterEntry | None:
    """The hall's printer of that device name, as its settings are now."""
    printer = spec.printer(name)
    return None if printer is None else printer_entry(spec, printer)


def printer_for_kiosk(spec: HallSpec, kiosk: str) -> PrinterEntry | None:
    """The printer the hall's live settings name for the kiosk, else the one listing it."""
    printer = spec.printer_for_kiosk(kiosk)
    return None if printer is None else printer_entry(spec, printer)


def check_printers(spec: HallSpec) -> None:
    """Conflict naming a printer the hall's settings give a kiosk but the hall lacks, or a
    printer whose connection its agent could not use."""
    known = {p.name for p in spec.printers}
    for kiosk, printer in spec.kiosk_printers:
        if printer not in known:
            raise Conflict(
                "error.settings_unknown_printer",
                kiosk=kiosk,
                printer=printer,
                known="、".join(sorted(known)) or "-",
            )
    for defined in spec.printers:
        try:
            if defined.connection:
                PrinterConfig.from_server(dict(defined.connection))
        except (ValueError, TypeError) as exc:
            raise Conflict("error.settings_bad_connection", printer=defined.name, problem=str(exc)) from None


_NUMBERS: Final[Mapping[str, type]] = {
    "print_within_s": int,
    "kiosk_print_wait_s": float,
    "reprints_per_ticket": int,
    "online_daily_limit": int,
    "online_per_ip_per_hour": int,
    "booking_per_ip_per_hour": int,
    "checkin_early_minutes": int,
}
_TEXTS: Final = ("public_base_url", "footer", "footer_en")
_PRINTER_KEYS: Final = frozenset({"name", "hall", "kiosks", "paper_mm", "mode", "connection"})


def load_ticketing(settings: Settings) -> TicketingSettings:
    """The section of `settings`; defaults when there is none."""
    section = dict(settings.section(SECTION))
    retention = {h.id: h.phone_retention.days for h in settings.halls}
    return parse_ticketing(section, set(retention), settings.source, retention)


def parse_ticketing(
    raw: Any, halls: set[str], source: str = "<memory>", retention_days: Mapping[str, int] | None = None
) -> TicketingSettings:
    """The section; `retention_days` is each hall's `phone_retention_days` (default 30)."""
    problems: list[str] = []
    if not isinstance(raw, dict):
        raise TicketingConfigError(source, [f"{SECTION}: expected a table"])
    values: dict[str, Any] = {}
    retention = retention_days if retention_days is not None else dict.fromkeys(halls, 30)
    values["booking"] = parse_booking_rules(raw.get("booking", {}), retention, f"{SECTION}.booking", problems)
    for key in sorted(set(raw) - set(_NUMBERS) - set(_TEXTS) - {"printers", "booking"}):
        problems.append(f"{SECTION}.{key}: unknown setting")
    for key in _TEXTS:
        if key in raw:
            if isinstance(raw[key], str):
                values[key] = raw[key].rstrip("/") if key == "public_base_url" else raw[key]
            else:
                problems.append(f"{SECTION}.{key}: expected a string, got {raw[key]!r}")
    for key, kind in _NUMBERS.items():
        if key in raw:
            value = raw[key]
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                problems.append(f"{SECTION}.{key}: expected a number >= 0, got {value!r}")
            elif kind is int and not isinstance(value, int):
                problems.append(f"{SECTION}.{key}: expected a whole number, got {value!r}")
            else:
                values[key] = kind(value)
    printers = raw.get("printers", [])
    if not isinstance(printers, list):
        problems.append(f"{SECTION}.printers: expected [[{SECTION}.printers]] tables")
        printers = []
    entries = (_printer(item, f"{SECTION}.printers[{i}]", halls, problems) for i, item in enumerate(printers))
    parsed = [e for e in entries if e is not None]
    names = [p.name for p in parsed]
    for dup in sorted({n for n in names if names.count(n) > 1}):
        problems.append(f"{SECTION}.printers: printer {dup!r} is declared twice")
    kiosks = [(p.hall, k) for p in parsed for k in p.kiosks]
    for hall, kiosk in sorted({k for k in kiosks if kiosks.count(k) > 1}):
        problems.append(f"{SECTION}.printers: kiosk {kiosk!r} of hall {hall} has two printers")
    if problems:
        raise TicketingConfigError(source, problems)
    return TicketingSettings(**values)


def _printer(raw: Any, path: str, halls: set[str], problems: list[str]) -> PrinterEntry | None:
    if not isinstance(raw, dict):
        problems.append(f"{path}: expected a table")
        return None
    for key in sorted(set(raw) - _PRINTER_KEYS):
        problems.append(f"{path}.{key}: unknown setting")
    name, hall, kiosks = raw.get("name"), raw.get("hall"), raw.get("kiosks", [])
    if not isinstance(name, str) or not name:
        problems.append(f"{path}.name: the printer's device name is required")
    if hall not in halls:
        problems.append(f"{path}.hall: unknown hall {hall!r} (known: {', '.join(sorted(halls))})")
    if not isinstance(kiosks, list) or not all(isinstance(k, str) for k in kiosks):
        problems.append(f"{path}.kiosks: expected a list of kiosk device names")
        kiosks = []
    try:
        layout = TicketLayout(paper_mm=raw.get("paper_mm", 80), mode=raw.get("mode", "native"))
    except ValueError as exc:
        problems.append(f"{path}: {exc}")
        layout = TicketLayout()
    connection = None
    if "connection" in raw:
        try:
            if not isinstance(raw["connection"], dict):
                raise ValueError('expected a table such as { kind = "network", host = "..." }')
            connection = PrinterConfig.from_mapping(raw["connection"])
        except (ValueError, TypeError) as exc:
            problems.append(f"{path}.connection: {exc}")
    if not isinstance(name, str) or not name or not isinstance(hall, str):
        return None
    return PrinterEntry(name, hall, tuple(kiosks), layout, connection)
