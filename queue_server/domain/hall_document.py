"""A hall as a document: the [[halls]] table of config.toml, or the same as JSON.

One reader for both: config.toml is read with it at start, and a settings change (the admin
page, `onewindow config import`) is read with it before the hall takes it; the ledger's
`hall.configured` events carry the document, and replaying one reads it again. Every problem
names its key, and all of them are collected rather than the first only. Pure: no files, no
clock (a time zone's rules are the standard library's data, as everywhere in the domain).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from queue_server.domain.events import Event, EventType
from queue_server.domain.model import (
    DEFAULT_PAUSE_REASONS,
    DEFAULT_RATING_REASONS,
    PAPER_WIDTHS,
    PRINT_MODES,
    Category,
    HallPolicy,
    HallSpec,
    OpeningHours,
    PrinterSpec,
    PriorityClass,
    Reason,
    SpecialDay,
    WindowSpec,
)

_CODE = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
_RESERVED_PRIORITIES = {"normal", "green", "appointment"}
_T = TypeVar("_T")


class Reader:
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


def parse_hall(reader: Reader, raw: Any, path: str) -> HallSpec | None:
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
    hours = _parse_hours(reader, raw, path)
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
        # At least a day: the phone's daily limit counts the day's claims.
        phone_retention=timedelta(days=reader.positive(raw, path, "phone_retention_days", 30)),
        ticket_footer=reader.get(raw, path, "ticket_footer", str, ""),
        ticket_footer_en=reader.get(raw, path, "ticket_footer_en", str, ""),
        kiosk_printers=_kiosk_printers(reader, raw, path),
        pause_reasons=parse_reasons(reader, raw, path, "pause_reasons") or DEFAULT_PAUSE_REASONS,
        rating_reasons=parse_reasons(reader, raw, path, "rating_reasons") or DEFAULT_RATING_REASONS,
        printers=parse_printers(reader, raw, path) or (),
    )


def _parse_hours(reader: Reader, raw: dict[str, Any], path: str) -> OpeningHours:
    """The [hours] table with the hall's dated days beside it: `holidays` (法定节假日, closed)
    and `workdays` (调休, a Saturday or Sunday worked on weekday hours)."""
    hours_raw = reader.get(raw, path, "hours", dict, {})
    hours = OpeningHours(
        weekdays=reader.sessions(hours_raw.get("weekdays", [["09:00", "17:00"]]), f"{path}.hours.weekdays"),
        weekend=reader.sessions(hours_raw.get("weekend", []), f"{path}.hours.weekend"),
        special=_parse_all(reader, hours_raw, f"{path}.hours", "special", _parse_special_day, required=False),
        holidays=reader.dates(raw.get("holidays", []), f"{path}.holidays"),
        workdays=_workdays(reader, raw, path),
    )
    _unique(reader, f"{path}.hours", "special", "date", [d.day.isoformat() for d in hours.special])
    for day in sorted(hours.holidays & hours.workdays):
        reader.problems.append(f"{path}.workdays: {day} is also a holiday; keep it in one list only")
    return hours


def _workdays(reader: Reader, raw: dict[str, Any], path: str) -> frozenset[date]:
    workdays = reader.dates(raw.get("workdays", []), f"{path}.workdays")
    for day in sorted(workdays):
        if day.weekday() < 5:
            reader.problems.append(
                f"{path}.workdays: {day} is not a Saturday or Sunday (a make-up working day is)"
            )
    return workdays


def _kiosk_printers(reader: Reader, raw: dict[str, Any], path: str) -> tuple[tuple[str, str], ...]:
    pairs: list[tuple[str, str]] = []
    for i, item in enumerate(reader.get(raw, path, "kiosk_printers", list, [])):
        where = f"{path}.kiosk_printers[{i}]"
        if not isinstance(item, dict):
            reader.problems.append(f'{where}: expected {{ kiosk = "...", printer = "..." }}')
            continue
        kiosk, printer = reader.get(item, where, "kiosk", str), reader.get(item, where, "printer", str)
        if kiosk and printer:
            pairs.append((kiosk, printer))
    _unique(reader, path, "kiosk_printers", "kiosk", [kiosk for kiosk, _ in pairs])
    return tuple(pairs)


# The hall's own lists that an older document (written before the hall had them) may lack:
# reading it with the settings before (`read_hall(..., before=)`) keeps theirs.
INHERITED = ("pause_reasons", "rating_reasons", "printers")
_REASONS_MAX = 20


def parse_reasons(reader: Reader, raw: Mapping[str, Any], path: str, key: str) -> tuple[Reason, ...] | None:
    """`key`'s list of {code, name, name_en} tables (at least one), or None when left out: the
    reasons a clerk pauses the window for, or a visitor gives for a bad rating."""
    if key not in raw:
        return None
    value = raw[key]
    if not isinstance(value, list) or not value:
        reader.problems.append(f'{path}.{key}: expected at least one {{ code = "...", name = "..." }}')
        return None
    if len(value) > _REASONS_MAX:
        reader.problems.append(f"{path}.{key}: at most {_REASONS_MAX} reasons, got {len(value)}")
    reasons = tuple(
        reason
        for i, item in enumerate(value)
        if (reason := _parse_reason(reader, item, f"{path}.{key}[{i}]"))
    )
    _unique(reader, path, key, "code", [r.code for r in reasons])
    return reasons


def _parse_reason(reader: Reader, raw: Any, path: str) -> Reason | None:
    if not isinstance(raw, dict):
        reader.problems.append(f"{path}: expected a table")
        return None
    code, name = reader.get(raw, path, "code", str), reader.get(raw, path, "name", str)
    if code is not None and not _CODE.match(code):
        reader.problems.append(f"{path}.code: {code!r} must be lower-case letters, digits, - or _")
    if name is not None and not name.strip():
        reader.problems.append(f"{path}.name: must not be empty")
    if code is None or name is None:
        return None
    return Reason(code, name, reader.get(raw, path, "name_en", str, "") or name)


def parse_printers(reader: Reader, raw: Mapping[str, Any], path: str) -> tuple[PrinterSpec, ...] | None:
    """The hall's ticket printers (an empty list: none), or None when left out."""
    if "printers" not in raw:
        return None
    value = raw["printers"]
    if not isinstance(value, list):
        reader.problems.append(f'{path}.printers: expected a list of {{ name = "...", kiosks = [...] }}')
        return None
    printers = tuple(
        printer
        for i, item in enumerate(value)
        if (printer := _parse_printer(reader, item, f"{path}.printers[{i}]"))
    )
    _unique(reader, path, "printers", "name", [p.name for p in printers])
    kiosks = [kiosk for p in printers for kiosk in p.kiosks]
    for kiosk in sorted({k for k in kiosks if kiosks.count(k) > 1}):
        reader.problems.append(f"{path}.printers: kiosk {kiosk!r} is listed by two printers")
    return printers


def _parse_printer(reader: Reader, raw: Any, path: str) -> PrinterSpec | None:
    if not isinstance(raw, dict):
        reader.problems.append(f"{path}: expected a table")
        return None
    name = reader.get(raw, path, "name", str)
    if name is not None and not name.strip():
        reader.problems.append(f"{path}.name: the printer's device name must not be empty")
    kiosks = reader.get(raw, path, "kiosks", list, [])
    if not all(isinstance(k, str) and k for k in kiosks):
        reader.problems.append(f"{path}.kiosks: expected a list of kiosk device names, got {kiosks!r}")
        kiosks = []
    paper_mm = reader.get(raw, path, "paper_mm", int, 80)
    if paper_mm not in PAPER_WIDTHS:
        reader.problems.append(f"{path}.paper_mm: must be 58 or 80, got {paper_mm}")
    mode = reader.get(raw, path, "mode", str, "native")
    if mode not in PRINT_MODES:
        reader.problems.append(f'{path}.mode: must be "native" or "image", got {mode!r}')
    connection = reader.get(raw, path, "connection", dict, {})
    if not all(isinstance(v, str | int | float | bool) for v in connection.values()):
        reader.problems.append(f"{path}.connection: expected a table of plain values, got {connection!r}")
        connection = {}
    if not name:
        return None
    return PrinterSpec(name, tuple(kiosks), paper_mm, mode, tuple(sorted(connection.items())))


def _parse_all(
    reader: Reader,
    raw: dict[str, Any],
    path: str,
    key: str,
    parse: Callable[[Reader, Any, str], _T | None],
    required: bool = True,
) -> tuple[_T, ...]:
    parsed = (
        parse(reader, item, f"{path}.{key}[{i}]")
        for i, item in enumerate(_list(reader, raw, path, key, required))
    )
    return tuple(item for item in parsed if item is not None)


def _list(reader: Reader, raw: dict[str, Any], path: str, key: str, required: bool = True) -> list[Any]:
    value = raw.get(key)
    if value is None and not required:
        return []
    if not isinstance(value, list) or (required and not value):
        reader.problems.append(f"{path}.{key}: at least one [[{path.split('[')[0]}.{key}]] is required")
        return []
    return value


def _unique(reader: Reader, path: str, table: str, key: str, values: list[Any]) -> None:
    for dup in sorted({v for v in values if values.count(v) > 1}, key=str):
        reader.problems.append(f"{path}.{table}: {key} {dup!r} is used twice")


def _parse_category(reader: Reader, raw: Any, path: str) -> Category | None:
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


def _parse_window(reader: Reader, raw: Any, path: str, codes: set[str]) -> WindowSpec | None:
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
            if not isinstance(code, str) or code not in codes:
                reader.problems.append(f"{path}.categories: unknown category {code!r}")
        categories = [code for code in categories if isinstance(code, str)]
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


def _parse_priority(reader: Reader, raw: Any, path: str) -> PriorityClass | None:
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


def _parse_special_day(reader: Reader, raw: Any, path: str) -> SpecialDay | None:
    """A dated exception to the weekly hours: an announced extended-service evening (延时服务),
    a working Saturday (调休), or a closed day (no sessions)."""
    if not isinstance(raw, dict):
        reader.problems.append(f"{path}: expected a table")
        return None
    days = reader.dates([raw.get("date")], f"{path}.date")
    sessions = reader.sessions(raw.get("sessions", []), f"{path}.sessions")
    note = reader.get(raw, path, "note", str, "")
    if not days:
        return None
    return SpecialDay(day=next(iter(days)), sessions=sessions, note=note)


class InvalidHallDocument(Exception):
    """A hall document that does not describe a hall: every problem, each naming its key."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


def read_hall(raw: Any, path: str = "hall", before: HallSpec | None = None) -> HallSpec:
    """The hall a document describes (a [[halls]] table of config.toml, or the same as JSON);
    what it leaves out of `INHERITED` is kept from `before`, the settings it follows."""
    if before is not None and isinstance(raw, dict):
        kept = hall_document(before)
        raw = {**{key: kept[key] for key in INHERITED if key not in raw}, **raw}
    reader = Reader()
    spec = parse_hall(reader, raw, path)
    if reader.problems or spec is None:
        raise InvalidHallDocument(reader.problems or [f"{path}: not a hall"])
    return spec


def settings_after(spec: HallSpec, events: Iterable[Event]) -> HallSpec:
    """The hall's settings after these events: those of the last `hall.configured` among them."""
    for event in reversed(list(events)):
        if event.type is EventType.HALL_CONFIGURED:
            return read_hall(event.data["settings"], before=spec)
    return spec


def settings_version(spec: HallSpec) -> str:
    """Names the hall's settings as they are: another version means someone changed them since
    (a save from the older ones is refused rather than silently undoing that change)."""
    text = json.dumps(hall_document(spec), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def hall_document(spec: HallSpec) -> dict[str, Any]:
    """The hall as a document that read_hall reads back into the same spec: JSON-able, and the
    shape of a [[halls]] table, so that it is written as config.toml as it is."""
    policy = spec.policy
    return {
        "id": spec.id,
        "name": spec.name,
        "name_en": spec.name_en,
        "timezone": spec.timezone.key,
        "max_wait_minutes": _minutes(policy.max_wait),
        "no_show_grace_minutes": _minutes(policy.no_show_grace),
        "no_show_requeue_behind": policy.no_show_requeue_behind,
        "priority_ratio": policy.priority_ratio,
        "aging_minutes": _minutes(policy.aging),
        "number_width": policy.number_width,
        "default_handling_minutes": _minutes(policy.default_handling),
        "notice": spec.notice,
        "holidays": sorted(day.isoformat() for day in spec.hours.holidays),
        "workdays": sorted(day.isoformat() for day in spec.hours.workdays),
        "phone_retention_days": spec.phone_retention.days,
        "hours": {
            "weekdays": _sessions(spec.hours.weekdays),
            "weekend": _sessions(spec.hours.weekend),
            "special": [
                {"date": d.day.isoformat(), "sessions": _sessions(d.sessions), "note": d.note}
                for d in sorted(spec.hours.special, key=lambda d: d.day)
            ],
        },
        "categories": [
            {
                "code": c.code,
                "prefix": c.prefix,
                "name": c.name,
                "name_en": c.name_en,
                "weekend": c.weekend,
                "time_limit_minutes": c.time_limit_minutes,
            }
            for c in spec.categories
        ],
        "windows": [_window_document(w) for w in spec.windows],
        "priorities": [{"code": p.code, "name": p.name, "name_en": p.name_en} for p in spec.priorities],
        "ticket_footer": spec.ticket_footer,
        "ticket_footer_en": spec.ticket_footer_en,
        "kiosk_printers": [{"kiosk": kiosk, "printer": printer} for kiosk, printer in spec.kiosk_printers],
        "pause_reasons": [reason.public() for reason in spec.pause_reasons],
        "rating_reasons": [reason.public() for reason in spec.rating_reasons],
        "printers": [_printer_document(printer) for printer in spec.printers],
    }


def _printer_document(printer: PrinterSpec) -> dict[str, Any]:
    document: dict[str, Any] = {
        "name": printer.name,
        "kiosks": list(printer.kiosks),
        "paper_mm": printer.paper_mm,
        "mode": printer.mode,
    }
    if printer.connection:  # left out: the agent's own --printer
        document["connection"] = dict(printer.connection)
    return document


def _window_document(window: WindowSpec) -> dict[str, Any]:
    document: dict[str, Any] = {"number": window.number, "name": window.name, "name_en": window.name_en}
    if window.categories is not None:  # left out: a comprehensive window
        document["categories"] = sorted(window.categories)
    document["green_channel"] = window.green_channel
    document["green_channel_serves_others"] = window.green_channel_serves_others
    return document


def _sessions(sessions: tuple[tuple[time, time], ...]) -> list[list[str]]:
    return [[f"{start:%H:%M}", f"{end:%H:%M}"] for start, end in sessions]


def _minutes(span: timedelta) -> int:
    return int(span.total_seconds() // 60)
