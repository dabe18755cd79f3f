"""The server's ledger (服务日志台账) read as `VisitRecord`s for the planning core.

Which tickets: those of the hall whose service day (the hall-local date of issue, the `ticket`
table's `service_day`) lies in [start, end]. Their ledger events are replayed in `seq` order
into *legs*, one `VisitRecord` per leg:

* `ticket.issued` opens a leg: `issued_at` = event time, category = the ticket's category;
* the first `ticket.called` / `called_back` of a leg sets `called_at`, the window and the clerk
  (recalls do not move `called_at`; the wait is issue → first call);
* `ticket.started` sets `started_at` (first start of the leg), window and clerk;
* `ticket.finished` ends the leg as **served** (`finished_at`);
* `ticket.no_show` marks the leg **no_show**; a `ticket.reactivated` visitor goes on in the
  same leg (the first call still counts for the wait), and the leg's final step decides;
* `ticket.held` / `called_back`: the same leg goes on (the visitor fetched a missing paper);
* `ticket.transferred` of a called or started ticket ends the leg as **transferred**
  (`finished_at` = transfer time if handling had started) and opens a new leg in the target
  category with `issued_at` = transfer time; a transfer while still waiting only changes the
  open leg's category;
* `ticket.cancelled` ends the leg as **cancelled** (`finished_at` = the time the visitor left);
* `ticket.expired` (still waiting, held or missed at the hall's midnight) ends the leg as
  **abandoned** with no known leaving time — or keeps **no_show** if the visitor had missed the
  call and never came back;
* a leg still open at the time of reading (waiting, called, serving today) is left out and
  counted in `LedgerRead.open_legs`.

The clerk is the user name of the event's actor (`clerk:wang` → `wang`); device or system
actors give no clerk. Ratings: a ticket's rating (`level` 1..5, `reason`) is put on its last
served leg.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime, time
from typing import Any

from queue_server.domain.model import HallSpec
from queue_server.planning.model import HallCalendar, Outcome, VisitRecord
from queue_server.service import QueueService
from queue_server.storage.base import Store


def hall_calendar(spec: HallSpec, holidays: frozenset[date] | None = None) -> HallCalendar:
    """The hall's opening hours as a planning calendar: weekday sessions Monday–Friday, weekend
    sessions Saturday and Sunday (closed when the config lists none), the worked weekend days
    (调休) on weekday sessions, and the hall's holidays (`holidays` in its config, or the ones
    given)."""
    hours: dict[int, tuple[tuple[time, time], ...]] = {}
    for weekday in range(7):
        sessions = spec.hours.weekend if weekday >= 5 else spec.hours.weekdays
        if sessions:
            hours[weekday] = tuple(sessions)
    return HallCalendar(
        tz=spec.timezone.key,
        hours=hours,
        holidays=spec.holidays if holidays is None else holidays,
        special_days={day: spec.hours.weekdays for day in spec.hours.workdays},
    )


@dataclass(frozen=True)
class LedgerRead:
    records: tuple[VisitRecord, ...]
    tickets: int
    events: int
    open_legs: int
    ratings: bool
    """Whether a rating table was found."""
    skipped: dict[str, int] = field(default_factory=dict)


@dataclass
class _Leg:
    category: str
    issued_at: datetime
    priority: str
    ticket: str
    window: str | None = None
    clerk: str | None = None
    called_at: datetime | None = None
    started_at: datetime | None = None
    missed: bool = False
    missed_at: datetime | None = None

    def close(self, hall: str, outcome: Outcome, finished_at: datetime | None) -> VisitRecord:
        """The leg as a record; only served/transferred legs keep their handling start, and
        a finish time is kept when handling started, the visitor left (cancel) or the clerk
        marked the no-show (the window was held until then)."""
        started = self.started_at if outcome in ("served", "transferred") else None
        if outcome == "no_show":
            finished_at = self.missed_at
        elif started is None and outcome not in ("cancelled", "abandoned"):
            finished_at = None
        return VisitRecord(
            hall=hall,
            category=self.category,
            window=self.window,
            clerk=self.clerk,
            issued_at=self.issued_at,
            called_at=self.called_at,
            started_at=started,
            finished_at=finished_at,
            outcome=outcome,
            priority=self.priority,
            ticket=self.ticket,
        )


def _clerk(actor: str | None) -> str | None:
    if not actor or ":" not in actor:
        return None
    role, name = actor.split(":", 1)
    return name if role in ("clerk", "supervisor", "admin") else None


def replay(
    hall: str, events: list[dict[str, Any]], *, skipped: dict[str, int] | None = None
) -> tuple[list[VisitRecord], bool]:
    """Legs of one ticket from its events (dicts with type, at, actor, window, category,
    to_category, priority), in seq order. Returns the records and whether a leg is still open."""
    out: list[VisitRecord] = []
    leg: _Leg | None = None
    for e in events:
        kind, at = e["type"], e["at"]
        window = None if e["window"] is None else str(e["window"])
        if kind == "ticket.issued":
            leg = _Leg(e["category"] or "?", at, e["priority"] or "normal", e["ticket"])
            continue
        if leg is None:
            if skipped is not None:
                skipped["events_before_issue"] = skipped.get("events_before_issue", 0) + 1
            continue
        if kind in ("ticket.called", "ticket.called_back"):
            if leg.called_at is None:
                leg.called_at = at
            leg.window, leg.clerk, leg.missed = window, _clerk(e["actor"]), False
        elif kind == "ticket.started":
            if leg.started_at is None:
                leg.started_at = at
            leg.window, leg.clerk = window or leg.window, _clerk(e["actor"]) or leg.clerk
        elif kind == "ticket.finished":
            out.append(leg.close(hall, "served", at))
            leg = None
        elif kind == "ticket.no_show":
            leg.missed = True
            leg.missed_at = at
        elif kind == "ticket.reactivated":
            leg.missed = False
        elif kind == "ticket.transferred":
            target = e["to_category"] or e["category"] or leg.category
            if leg.called_at is None:
                leg.category = target
                continue
            out.append(leg.close(hall, "transferred", at if leg.started_at else None))
            leg = _Leg(target, at, leg.priority, leg.ticket)
        elif kind == "ticket.cancelled":
            out.append(leg.close(hall, "cancelled", at))
            leg = None
        elif kind == "ticket.expired":
            out.append(leg.close(hall, "no_show", None) if leg.missed else leg.close(hall, "abandoned", None))
            leg = None
    if leg is not None and leg.missed:
        # missed and not back (yet): the ledger's final word on this leg is the no-show
        out.append(leg.close(hall, "no_show", None))
        leg = None
    return out, leg is not None


async def read_ledger(
    store: Store,
    spec: HallSpec,
    start: date,
    end: date,
    *,
    category: str | None = None,
) -> LedgerRead:
    """The legs of the hall's tickets issued on local dates start..end (see module docstring).

    `category` keeps only the legs of that category (after transfers)."""
    ledger = await store.ticket_ledger(spec.id, start, end)
    ids, ratings = ledger.tickets, ledger.ratings
    records: list[VisitRecord] = []
    open_legs = 0
    skipped: dict[str, int] = {}
    events = 0
    for ticket_id in ids:
        evs = [asdict(e) for e in ledger.entries.get(ticket_id, [])]
        events += len(evs)
        legs, still_open = replay(spec.id, evs, skipped=skipped)
        open_legs += still_open
        if ticket_id in ratings:
            served = [i for i, r in enumerate(legs) if r.outcome == "served"]
            if served:
                level, reason = ratings[ticket_id]
                legs[served[-1]] = replace(legs[served[-1]], rating=level, rating_reason=reason)
        records.extend(legs)
    if category is not None:
        records = [r for r in records if r.category == category]
    records.sort(key=lambda r: r.issued_at)
    # The store's schema always has the rating table.
    return LedgerRead(tuple(records), len(ids), events, open_legs, True, skipped)


async def hall_ledger(
    svc: QueueService, spec: HallSpec, start: date, end: date, *, category: str | None = None
) -> LedgerRead:
    """`read_ledger` of the service's store: what the pages read (the store is the server's)."""
    return await read_ledger(svc.store, spec, start, end, category=category)
