"""好差评: the rating table, the rules a rating must follow, and reading ratings back.

Levels run from 5 (非常满意) to 1 (非常不满意), so that an average reads the natural way.
A bad rating (不满意 or 非常不满意) needs a reason: every one is followed up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Table, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import Field, SQLModel

from queue_server.domain.errors import Conflict, Invalid
from queue_server.storage.tables import UTCDateTime

LEVELS = (5, 4, 3, 2, 1)
BAD_LEVELS = frozenset({2, 1})
COMMENT_MAX_CHARS = 200
CHANNELS = ("device", "phone")


class RatingRow(SQLModel, table=True):
    __tablename__ = "rating"

    id: int | None = Field(default=None, primary_key=True)
    hall: str = Field(max_length=32, index=True)
    ticket: str = Field(max_length=40, unique=True)  # one rating per ticket
    window: int | None = None
    clerk: str | None = Field(default=None, max_length=64, index=True)
    level: int
    reason: str | None = Field(default=None, max_length=64)
    comment: str | None = Field(default=None, max_length=COMMENT_MAX_CHARS)
    at: datetime = Field(sa_type=UTCDateTime)
    channel: str = Field(max_length=16)


_RATINGS: Table = RatingRow.metadata.tables[RatingRow.__tablename__]


@dataclass(frozen=True)
class Rating:
    hall: str
    ticket: str
    window: int | None
    clerk: str | None
    level: int
    reason: str | None
    comment: str | None
    at: datetime
    channel: str

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


async def save(engine: AsyncEngine, rating: Rating, number: str) -> None:
    """Stores the rating; a second one for the same ticket is a 409."""
    try:
        async with engine.begin() as conn:
            await conn.execute(_RATINGS.insert(), [rating.__dict__])
    except IntegrityError:
        raise Conflict("error.already_rated", number=number) from None


async def withdraw(engine: AsyncEngine, ticket: str) -> None:
    """Undoes save() when the ledger entry that goes with it could not be written."""
    async with engine.begin() as conn:
        await conn.execute(delete(_RATINGS).where(_RATINGS.c.ticket == ticket))


async def since(engine: AsyncEngine, hall: str, start: datetime) -> list[Rating]:
    async with engine.connect() as conn:
        rows = await conn.execute(select(_RATINGS).where(_RATINGS.c.hall == hall, _RATINGS.c.at >= start))
        return [Rating(**{k: v for k, v in row.items() if k != "id"}) for row in rows.mappings()]


def engine_of(store: object) -> AsyncEngine:
    """The SQL engine under the queue server's store (ratings share its database)."""
    engine = getattr(store, "engine", None)
    if not isinstance(engine, AsyncEngine):
        raise RuntimeError("the store has no SQL engine for ratings")
    return engine
