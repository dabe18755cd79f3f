"""A hall's log when several processes serve it: Redis orders, PostgreSQL records.

Append is one Lua compare-and-set: if the hall's seq is still the one this process decided
on, the changed rows go into the live-state hash and the events into the hall's stream, in
one atomic step; otherwise the batch is decided again (StaleState). Only then is the step
written to the SQL record, and only after that is the caller answered: an acknowledged step
is in PostgreSQL, so losing Redis loses nothing acknowledged. A process that dies between
the two writes leaves the step in the stream, from where the outbox relay copies it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from queue_server.clock import Clock
from queue_server.domain.hall import HallState, Outcome
from queue_server.domain.model import HallSpec
from queue_server.domain.numbering import service_day
from queue_server.runtime import StaleState
from queue_server.scaleout import keys, lua
from queue_server.scaleout.entries import (
    append_arguments,
    counter_field,
    dumps,
    entry_seq,
    outcomes_from_entries,
    read_range,
    ticket_field,
    window_field,
)
from queue_server.storage.base import Store, StoreUnavailable
from queue_server.storage.rows import (
    event_from_json,
    ticket_from_json,
    ticket_to_json,
    window_from_json,
    window_to_json,
)

_APPENDED, _NOT_LOADED, _STALE = 1, -1, -2


class RedisLog:
    def __init__(self, redis: Redis, store: Store, spec: HallSpec, clock: Clock, recent: int) -> None:
        self._redis, self._store, self._spec, self._clock = redis, store, spec, clock
        self._recent = recent
        self._append = redis.register_script(lua.APPEND)
        self._load = redis.register_script(lua.LOAD)
        self._keys = [keys.seq_key(spec.id), keys.state_key(spec.id), keys.stream_key(spec.id)]

    async def load(self) -> HallState:
        """From Redis; if Redis is down at start-up, an empty placeholder that the first
        sync replaces (requests get 503 until then)."""
        try:
            return await self.sync(HallState(self._spec, seq=-1))
        except StoreUnavailable:
            return HallState(self._spec, seq=-1)

    async def sync(self, state: HallState) -> HallState:
        try:
            raw = await self._redis.get(self._keys[0])
            if raw is None:
                await self._rebuild()
                return await self._read_all()
            seq = int(raw)
            if seq == state.seq:
                return state
            if seq > state.seq:
                entries = await read_range(self._redis, self._keys[2], state.seq)
                if entries and entry_seq(entries[0][0]) == state.seq + 1 and entry_seq(entries[-1][0]) == seq:
                    for outcome in outcomes_from_entries(entries, self._spec):
                        state.apply(outcome)
                    return state
            # Too far behind for the stream, or ahead of a Redis that lost data: reload.
            return await self._read_all()
        except RedisError as exc:
            raise StoreUnavailable(f"redis: {exc}") from exc

    async def append(self, state: HallState, outcomes: Sequence[Outcome], base_seq: int) -> None:
        arguments = append_arguments(self._spec.id, outcomes, base_seq, keys.STREAM_MAXLEN)
        try:
            result = await self._append(keys=self._keys, args=arguments)
        except RedisError as exc:
            raise StoreUnavailable(f"redis: {exc}") from exc
        if result == _STALE:
            raise StaleState(self._spec.id)
        if result == _NOT_LOADED:
            raise StaleState(self._spec.id)  # the next sync rebuilds the live state first
        await self._store.commit(outcomes)

    async def _read_all(self) -> HallState:
        seq_raw, fields, recent = await self._read_redis()
        tickets, windows, counters = [], [], {}
        for field, value in fields.items():
            kind, _, key = field.partition(":")
            if kind == "t":
                tickets.append(ticket_from_json(json.loads(value)))
            elif kind == "w":
                data = json.loads(value)
                window_spec = self._spec.window(data["number"])
                if window_spec is not None:
                    windows.append(window_from_json(data, window_spec))
            elif kind == "c":
                category, _, day = key.rpartition(":")
                counters[(category, date.fromisoformat(day))] = int(value)
        return HallState(
            self._spec,
            tickets=tickets,
            windows=windows,
            counters=counters,
            seq=int(seq_raw or 0),
            recent_events=recent,
            today=service_day(self._clock.now(), self._spec.timezone),
        )

    async def _read_redis(self) -> tuple[Any, dict[str, str], list[Any]]:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.get(self._keys[0])
            pipe.hgetall(self._keys[1])
            pipe.xrevrange(self._keys[2], count=self._recent)
            seq_raw, fields, newest_first = await pipe.execute()
        recent = [event_from_json(json.loads(f["e"])) for _, f in reversed(newest_first)]
        return seq_raw, fields, recent

    async def _rebuild(self) -> None:
        """Redis has no live state for the hall (first start, or it restarted empty): load it
        from the record. seq jumps ahead so that screens resync rather than trust old events."""
        today = service_day(self._clock.now(), self._spec.timezone)
        state = await self._store.load_hall(self._spec, today, recent=0)
        seq = state.seq + keys.REBUILD_SEQ_GAP if state.seq else 0
        fields: list[str] = []
        for ticket in state.tickets.values():
            fields += [ticket_field(ticket.id), dumps(ticket_to_json(ticket, state.seq))]
        for window in state.windows.values():
            fields += [
                window_field(window.number),
                dumps(window_to_json(self._spec.id, window, state.seq)),
            ]
        for (category, day), last in state.counters.items():
            fields += [counter_field(category, day), str(last)]
        await self._load(keys=self._keys, args=[seq, *fields])
