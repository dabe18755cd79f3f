"""Steps as Redis stream entries and hash fields, and back again."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any, cast

from redis.asyncio import Redis

from queue_server.domain.events import Event
from queue_server.domain.hall import Outcome
from queue_server.domain.model import HallSpec
from queue_server.storage.rows import (
    event_from_json,
    ticket_from_json,
    ticket_to_json,
    window_from_json,
    window_to_json,
)

Entry = tuple[str, dict[str, str]]


async def read_range(redis: Redis, hall_stream: str, after: int, count: int | None = None) -> list[Entry]:
    """Stream entries with seq > `after`, oldest first (redis-py's own types are loose)."""
    entries = await redis.xrange(hall_stream, min=f"{after + 1}-0", max="+", count=count)
    return cast(list[Entry], entries or [])


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def ticket_field(ticket_id: str) -> str:
    return f"t:{ticket_id}"


def window_field(number: int) -> str:
    return f"w:{number}"


def counter_field(category: str, day: date) -> str:
    return f"c:{category}:{day.isoformat()}"


def entry_seq(entry_id: str) -> int:
    return int(entry_id.split("-", 1)[0])


def changes_of(outcome: Outcome, hall: str, seq: int) -> dict[str, Any]:
    return {
        "tickets": [ticket_to_json(t, seq) for t in outcome.tickets.values()],
        "windows": [window_to_json(hall, w, seq) for w in outcome.windows.values()],
        "counters": [[c, d.isoformat(), last] for (c, d), last in outcome.counters.items()],
        "day": None if outcome.service_day is None else outcome.service_day.isoformat(),
        "forget": list(outcome.forget),
    }


def append_arguments(hall: str, outcomes: Sequence[Outcome], base_seq: int, maxlen: int) -> list[Any]:
    """ARGV for the APPEND script: the hash fields to set and delete and the stream entries."""
    to_set: list[str] = []
    to_delete: list[str] = []
    entries: list[str] = []
    seq = base_seq
    for outcome in outcomes:
        if not outcome.events:
            continue
        seq = outcome.events[-1].seq
        changes = changes_of(outcome, hall, seq)
        for row in changes["tickets"]:
            to_set += [ticket_field(row["id"]), dumps(row)]
        for row in changes["windows"]:
            to_set += [window_field(row["number"]), dumps(row)]
        for category, day, last in changes["counters"]:
            to_set += [counter_field(category, date.fromisoformat(day)), str(last)]
        to_delete += [ticket_field(t) for t in outcome.forget]
        for event in outcome.events:
            last_of_step = event is outcome.events[-1]
            entries += [
                f"{event.seq}-0",
                dumps(event.to_json()),
                dumps(changes) if last_of_step else "",
            ]
    return [
        base_seq,
        seq,
        maxlen,
        len(to_set) // 2,
        *to_set,
        len(to_delete),
        *to_delete,
        len(entries) // 3,
        *entries,
    ]


def outcomes_from_entries(entries: Sequence[Entry], spec: HallSpec) -> list[Outcome]:
    """Rebuild the steps recorded in stream entries (each closed by the entry with `c`)."""
    outcomes: list[Outcome] = []
    events: list[Event] = []
    for _, fields in entries:
        events.append(event_from_json(json.loads(fields["e"])))
        if "c" not in fields:
            continue
        changes = json.loads(fields["c"])
        tickets = [ticket_from_json(row) for row in changes["tickets"]]
        windows = [
            window_from_json(row, window_spec)
            for row in changes["windows"]
            if (window_spec := spec.window(row["number"])) is not None
        ]
        outcomes.append(
            Outcome(
                events=events,
                tickets={t.id: t for t in tickets},
                windows={w.number: w for w in windows},
                counters={(c, date.fromisoformat(d)): last for c, d, last in changes["counters"]},
                service_day=None if changes["day"] is None else date.fromisoformat(changes["day"]),
                forget=list(changes["forget"]),
            )
        )
        events = []
    return outcomes
