"""好差评: the rules a rating must follow, and keeping and reading ratings (in the store).

Levels run from 5 (非常满意) to 1 (非常不满意), so that an average reads the natural way.
A bad rating (不满意 or 非常不满意) needs a reason: every one is followed up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from queue_server.domain.errors import Conflict, Invalid
from queue_server.storage.base import RatingRecord, Store

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


async def since(store: Store, hall: str, start: datetime) -> list[Rating]:
    return [Rating(**record.__dict__) for record in await store.ratings_since(hall, start)]
