"""好差评: the rules a rating must follow, and keeping and reading ratings (in the store).

Levels run from 5 (非常满意) to 1 (非常不满意), so that an average reads the natural way.
A bad rating (不满意 or 非常不满意) needs a reason: every one is followed up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from queue_server.domain.errors import Conflict, Forbidden, Invalid, NotFound
from queue_server.domain.events import EventType
from queue_server.domain.hall import HallState
from queue_server.domain.model import HallSpec, Reason, TicketStatus
from queue_server.service import QueueService
from queue_server.storage.base import LEDGER_START, RatingRecord, Store

LEVELS = (5, 4, 3, 2, 1)
BAD_LEVELS = frozenset({2, 1})
COMMENT_MAX_CHARS = 200


@dataclass(frozen=True)
class Rating(RatingRecord):
    """A stored rating, with the hall's rule for what counts as bad."""

    @property
    def bad(self) -> bool:
        return is_bad(self.level)


def is_bad(level: int) -> bool:
    return level in BAD_LEVELS


def check_rating(level: int, reason: str | None, comment: str | None, reasons: frozenset[str]) -> None:
    """Refuses a rating that breaks the rules, naming the rule (pure: unit-tested)."""
    if level not in LEVELS:
        raise Invalid("error.rating_level")
    if reason is not None and reason not in reasons:
        raise Invalid("error.rating_unknown_reason", reason=reason)
    if is_bad(level) and reason is None and not (comment or "").strip():
        raise Invalid("error.rating_needs_reason")


async def save(store: Store, rating: Rating, number: str) -> None:
    """Stores the rating; a second one for the same ticket is a 409."""
    if not await store.add_rating(rating):
        raise Conflict("error.already_rated", number=number)


async def withdraw(store: Store, ticket: str) -> None:
    """Undoes save() when the ledger entry that goes with it could not be written."""
    await store.remove_rating(ticket)


async def reasons_named(store: Store, spec: HallSpec) -> dict[str, Reason]:
    """Every rating reason the hall has offered, by code, in the words it had last: a rating
    keeps its reason's code only, and one removed from the settings since is still told in
    words (from the `hall.configured` steps in the ledger: their settings, and what they removed)."""
    named: dict[str, Reason] = {}
    changed = await store.events_since(spec.id, LEDGER_START, (EventType.HALL_CONFIGURED.value,))
    for event in changed:
        removed = [
            c for c in event.data.get("changes", []) if c.get("part") == "rating_reasons" and "code" in c
        ]
        for item in [*removed, *event.data["settings"].get("rating_reasons", [])]:
            named[item["code"]] = Reason(item["code"], item["name"], item.get("name_en") or item["name"])
    return {**named, **{reason.code: reason for reason in spec.rating_reasons}}


async def hall_reasons_named(svc: QueueService, spec: HallSpec) -> dict[str, Reason]:
    """`reasons_named` of the service's store: what the reports page words reasons with."""
    return await reasons_named(svc.store, spec)


async def since(store: Store, hall: str, start: datetime) -> list[Rating]:
    return [Rating(**record.__dict__) for record in await store.ratings_since(hall, start)]


@dataclass(frozen=True)
class Given:
    """What a rater gave, and who: the visitor's phone (`window` None, the ticket named by its
    id) or the rating device of `window` (the ticket named by id or number)."""

    level: int
    reason: str | None
    comment: str | None
    channel: str
    actor: str
    window: int | None = None


async def rate(svc: QueueService, hall: str, ticket: str, given: Given) -> tuple[Rating, str]:
    """Keeps the rating of a finished ticket, once: the row, then its ledger entry (the row is
    withdrawn if the entry cannot be written). The rating and the ticket's number. Its reason
    is one of the hall's live settings'."""
    state = await svc.hall(hall).current()
    check_rating(given.level, given.reason, given.comment, state.spec.rating_reason_codes())
    ticket_id = ticket if given.window is None else _finished_at(state, given.window, ticket)
    found = state.tickets.get(ticket_id)
    if found is None:
        old = await svc.store.get_ticket(hall, ticket_id)
        if old is None:
            raise NotFound("error.unknown_ticket", hall=hall, ticket=ticket_id)
        raise Conflict("error.rating_closed", number=old.number)
    if found.status is not TicketStatus.DONE:
        raise Conflict("error.rating_not_done", number=found.number, status=found.status.value)
    if given.window is not None and found.window != given.window:
        raise Forbidden("error.rating_other_window", number=found.number, window=given.window)
    rating = Rating(
        hall=hall,
        ticket=ticket_id,
        window=found.window,
        clerk=await _clerk_who_finished(svc, hall, ticket_id, state),
        level=given.level,
        reason=given.reason,
        comment=given.comment,
        at=svc.clock.now(),
        channel=given.channel,
    )
    await save(svc.store, rating, found.number)
    try:
        await svc.record_rating(hall, ticket_id, given.level, rating.bad, given.actor)
    except BaseException:
        await withdraw(svc.store, ticket_id)  # no rating without its ledger entry
        raise
    return rating, found.number


def _finished_at(state: HallState, window: int, id_or_number: str) -> str:
    """A rating device names the visitor by number (it never receives ids): today's ticket of
    that number finished at its window, if any; else what it gave, as an id."""
    matches = [
        t
        for t in state.tickets.values()
        if t.number == id_or_number.upper() and t.window == window and t.status is TicketStatus.DONE
    ]
    return max(matches, key=lambda t: t.finished_at or t.issued_at).id if matches else id_or_number


async def _clerk_who_finished(svc: QueueService, hall: str, ticket_id: str, state: HallState) -> str | None:
    """The clerk of the window at the finish, from the ledger. Scaled out, the ledger is written
    a moment after the step: until then the window's clerk now (a visitor rates within a
    minute, before the clerk has left) stands in."""
    for event in reversed(await svc.store.ticket_events(hall, ticket_id)):
        if event.type is EventType.TICKET_FINISHED:
            clerk = (event.data.get("window") or {}).get("clerk")
            return clerk if isinstance(clerk, str) else None
    window = state.tickets[ticket_id].window
    return None if window is None else state.window(window).clerk
