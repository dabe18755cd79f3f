"""The things a hall is made of: its layout (from config) and its live tickets and windows."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

NORMAL = "normal"
GREEN_CHANNEL = "green"
APPOINTMENT = "appointment"


class TicketStatus(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    HELD = "held"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class WindowState(StrEnum):
    OPEN = "open"
    PAUSED = "paused"
    CLOSED = "closed"


@dataclass(frozen=True)
class Category:
    code: str
    prefix: str
    name: str
    name_en: str
    weekend: bool = True
    time_limit_minutes: int = 30


@dataclass(frozen=True)
class WindowSpec:
    number: int
    name: str
    name_en: str
    # None means a comprehensive window: it serves every category.
    categories: frozenset[str] | None = None
    # 绿色通道: calls green-channel tickets only, unless it may serve others when none wait.
    green_channel: bool = False
    green_channel_serves_others: bool = False

    @property
    def green_only(self) -> bool:
        return self.green_channel and not self.green_channel_serves_others


@dataclass(frozen=True)
class PriorityClass:
    code: str
    name: str
    name_en: str


@dataclass(frozen=True)
class Reason:
    """A reason the hall offers, in both languages: a clerk's for pausing the window, a visitor's
    for a bad rating. The ledger keeps what was chosen in words, so removing one loses nothing."""

    code: str
    name: str
    name_en: str

    def public(self) -> dict[str, str]:
        return {"code": self.code, "name": self.name, "name_en": self.name_en}


# What a hall offers until its settings (or config.toml's [console]) say otherwise. A pause
# reason coded "other" lets the clerk write their own words.
DEFAULT_PAUSE_REASONS = (
    Reason("lunch", "午休", "Lunch"),
    Reason("meeting", "会议", "Meeting"),
    Reason("fault", "系统故障", "System fault"),
    Reason("other", "其他", "Other"),
)
DEFAULT_RATING_REASONS = (
    Reason("wait", "等候时间太长", "Waited too long"),
    Reason("attitude", "服务态度不好", "Unfriendly service"),
    Reason("unclear", "告知不清楚、多次跑", "Unclear instructions, had to come back"),
    Reason("slow", "办理效率低", "Slow handling"),
    Reason("not_done", "事项未办成", "Matter not resolved"),
    Reason("other", "其他原因", "Other"),
)


PAPER_WIDTHS = (58, 80)
PRINT_MODES = ("native", "image")


@dataclass(frozen=True)
class PrinterSpec:
    """A ticket printer of the hall: the device name its print agent connects with, the kiosks
    whose tickets it prints, its paper (mm) and how it prints Chinese (`native`: the printer's
    own font; `image`: drawn as a bitmap). `connection` is where the agent finds the printer,
    handed to the agent when it connects (empty: the agent's own --printer)."""

    name: str
    kiosks: tuple[str, ...] = ()
    paper_mm: int = 80
    mode: str = "native"
    connection: tuple[tuple[str, str | int | float | bool], ...] = ()


@dataclass(frozen=True)
class SpecialDay:
    """A day whose sessions are not the week's: an announced extended-service evening (延时服务),
    a working Saturday (调休); no sessions is a closed day."""

    day: date
    sessions: tuple[tuple[time, time], ...]
    note: str = ""


@dataclass(frozen=True)
class OpeningHours:
    weekdays: tuple[tuple[time, time], ...]
    weekend: tuple[tuple[time, time], ...]
    special: tuple[SpecialDay, ...] = ()
    holidays: frozenset[date] = frozenset()
    """Days the hall is closed (法定节假日): no sessions, and left out of every plan's history."""
    workdays: frozenset[date] = frozenset()
    """Saturdays and Sundays worked as weekdays (调休, making up for a holiday): weekday hours
    and every category, the weekday-only ones too."""

    def sessions_on(self, day: date) -> tuple[tuple[time, time], ...]:
        """A special day's own sessions first (an announced exception is what the hall said for
        that very date), then a holiday closes the day, then the weekday or weekend hours."""
        for special in self.special:
            if special.day == day:
                return special.sessions
        if day in self.holidays:
            return ()
        return self.weekend if self.weekend_on(day) else self.weekdays

    def weekend_on(self, day: date) -> bool:
        """Whether the weekend's rules apply on `day`: Saturday or Sunday, unless worked (调休)."""
        return day.weekday() >= 5 and day not in self.workdays


@dataclass(frozen=True)
class HallPolicy:
    max_wait: timedelta = timedelta(minutes=30)
    no_show_grace: timedelta = timedelta(minutes=30)
    no_show_requeue_behind: int = 3
    priority_ratio: int = 2
    aging: timedelta = timedelta(minutes=45)
    number_width: int = 3
    default_handling: timedelta = timedelta(minutes=5)


@dataclass(frozen=True)
class HallSpec:
    id: str
    name: str
    name_en: str
    timezone: ZoneInfo
    categories: tuple[Category, ...]
    windows: tuple[WindowSpec, ...]
    priorities: tuple[PriorityClass, ...]
    hours: OpeningHours
    policy: HallPolicy = field(default_factory=HallPolicy)
    notice: str = ""
    phone_retention: timedelta = timedelta(days=30)
    """How long what an online ticket's phone number leaves behind is kept (docs/PRIVACY.md)."""
    ticket_footer: str = ""
    ticket_footer_en: str = ""
    """The printed ticket's last line; empty: [ticketing] footer's."""
    kiosk_printers: tuple[tuple[str, str], ...] = ()
    """(kiosk, printer) device names: which of the hall's printers prints a kiosk's tickets,
    over the printers' own `kiosks` lists."""
    pause_reasons: tuple[Reason, ...] = DEFAULT_PAUSE_REASONS
    rating_reasons: tuple[Reason, ...] = DEFAULT_RATING_REASONS
    printers: tuple[PrinterSpec, ...] = ()

    @property
    def holidays(self) -> frozenset[date]:
        return self.hours.holidays

    def printer_of_kiosk(self, kiosk: str) -> str | None:
        return next((printer for name, printer in self.kiosk_printers if name == kiosk), None)

    def printer(self, name: str) -> PrinterSpec | None:
        return next((p for p in self.printers if p.name == name), None)

    def printer_for_kiosk(self, kiosk: str) -> PrinterSpec | None:
        """The printer `kiosk_printers` names for the kiosk, else the one listing it."""
        named = self.printer_of_kiosk(kiosk)
        if named is not None:
            return self.printer(named)
        return next((p for p in self.printers if kiosk in p.kiosks), None)

    def category(self, code: str) -> Category | None:
        return self._categories_by_code.get(code)

    @functools.cached_property
    def _categories_by_code(self) -> dict[str, Category]:
        # Looked up several times at every issue: a scan of the categories each time showed.
        return {c.code: c for c in reversed(self.categories)}  # the first of a code, as a scan

    def window(self, number: int) -> WindowSpec | None:
        return next((w for w in self.windows if w.number == number), None)

    @functools.cached_property
    def _priority_codes(self) -> frozenset[str]:
        return frozenset(p.code for p in self.priorities)

    def priority_codes(self) -> frozenset[str]:
        return self._priority_codes

    def rating_reason_codes(self) -> frozenset[str]:
        return frozenset(r.code for r in self.rating_reasons)


@dataclass
class Ticket:
    id: str
    hall: str
    service_day: date
    category: str
    number: str
    priority: str
    channel: str
    status: TicketStatus
    issued_at: datetime
    # FIFO key: the issue time, except for a no-show put back in line behind others.
    queue_at: datetime
    window: int | None = None
    target_window: int | None = None
    called_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    status_at: datetime | None = None
    calls: int = 0
    appointment_start: datetime | None = None
    appointment_end: datetime | None = None

    def public(self) -> dict[str, Any]:
        """What every client may see of a ticket (no visitor identity is kept at all)."""
        return {
            "id": self.id,
            "number": self.number,
            "category": self.category,
            "priority": self.priority,
            "channel": self.channel,
            "status": self.status.value,
            "window": self.window,
            "target_window": self.target_window,
            "service_day": self.service_day.isoformat(),
            "issued_at": _iso(self.issued_at),
            "called_at": _iso(self.called_at),
            "started_at": _iso(self.started_at),
            "finished_at": _iso(self.finished_at),
        }


@dataclass
class Window:
    spec: WindowSpec
    state: WindowState = WindowState.CLOSED
    clerk: str | None = None
    # The categories served right now; supervisors change them live (tide windows).
    categories: frozenset[str] | None = None
    current_ticket: str | None = None
    pause_reason: str | None = None
    priority_streak: int = 0
    state_since: datetime | None = None

    @property
    def number(self) -> int:
        return self.spec.number

    def serves(self, category: str) -> bool:
        return self.categories is None or category in self.categories

    def calls(self, ticket: Ticket) -> bool:
        """Whether call-next here may take this ticket (its category, the green channel)."""
        if self.spec.green_only and ticket.priority != GREEN_CHANNEL:
            return False
        return self.serves(ticket.category)

    def public(self) -> dict[str, Any]:
        return {
            "number": self.spec.number,
            "name": self.spec.name,
            "name_en": self.spec.name_en,
            "state": self.state.value,
            "clerk": self.clerk,
            "categories": None if self.categories is None else sorted(self.categories),
            "comprehensive": self.categories is None,
            "green_channel": self.spec.green_channel,
            "green_channel_serves_others": self.spec.green_channel_serves_others,
            "current_ticket": self.current_ticket,
            "pause_reason": self.pause_reason,
            "state_since": _iso(self.state_since),
        }


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()
