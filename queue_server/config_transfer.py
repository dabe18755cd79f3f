"""`onewindow config export` and `onewindow config import FILE`: a hall's live settings as
config.toml and back.

The export is the config file as read, with each hall's [[halls]] table as the store has it
now (the newest `hall.configured` in its ledger, else the file's own): a valid config.toml
that `onewindow check-config` takes, and that `import` applies again. The import reads the
file as the server would, then takes each hall's settings through the same step as the admin
page (`HallState.configure`), so it is refused for the same reasons, named; nothing is written
unless every hall takes its settings. It writes beside running servers on PostgreSQL (they
catch up from the ledger, as after any other process's step); on SQLite the server must be
stopped (the caller holds the store's lock alone), since it never reads what others wrote.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import tomli_w

from queue_server.clock import Clock
from queue_server.config import Settings
from queue_server.domain.errors import DomainError
from queue_server.domain.hall import HallState, Outcome
from queue_server.domain.hall_document import hall_document
from queue_server.domain.model import HallSpec
from queue_server.domain.numbering import service_day
from queue_server.hall_set import hall_set
from queue_server.messages import translate
from queue_server.storage import Store

# Another process may take a step between reading a hall and writing its settings: read again.
_ATTEMPTS = 10


class ImportRefused(Exception):
    """The file's settings cannot be taken; the message says why. Nothing was changed."""


async def live_halls(store: Store, settings: Settings, clock: Clock) -> list[HallSpec]:
    """Every hall served (the config's and those added live, not the retired ones) as the store
    has its settings now."""
    return [(await _load(store, spec, clock)).spec for spec in (await hall_set(store, settings.halls)).served]


def export_text(settings: Settings, halls: list[HallSpec], now: datetime) -> str:
    """The config file as read, with these halls' tables: what `onewindow config export` prints."""
    raw: dict[str, Any] = tomllib.loads(Path(settings.source).read_text(encoding="utf-8"))
    raw["halls"] = [hall_document(spec) for spec in halls]
    header = (
        f"# Written by `onewindow config export` at {now.isoformat(timespec='seconds')}: the halls'\n"
        "# settings as they are live; `onewindow config import FILE` applies a file like this one.\n\n"
    )
    return header + tomli_w.dumps(raw)


@dataclass(frozen=True)
class Imported:
    hall: str
    seq: int | None  # the seq of its `hall.configured`; None: the settings were these already


async def import_halls(
    store: Store,
    settings: Settings,
    incoming: Settings,
    clock: Clock,
    actor: str,
    check: Callable[[HallSpec], None] = lambda spec: None,
) -> list[Imported]:
    """Each of `incoming`'s halls takes its settings; ImportRefused naming the first hall and
    reason if one cannot, before anything is written. `check` as the admin page's (the
    kiosks' printers)."""
    known = {spec.id: spec for spec in (await hall_set(store, settings.halls)).served}
    for spec in incoming.halls:
        if spec.id not in known:
            raise ImportRefused(
                f"hall {spec.id!r} is not one of this server's ({', '.join(known)}); "
                "a new hall is added on the admin page (POST /api/halls)"
            )
    for _ in range(_ATTEMPTS):
        decided: list[tuple[HallState, Outcome]] = []
        for spec in incoming.halls:
            state = await _load(store, known[spec.id], clock)
            decided.append((state, _configure(state, spec, clock.now(), actor, check)))
        done: list[Imported] = []
        for state, outcome in decided:
            if not outcome.events:
                done.append(Imported(state.spec.id, None))
            elif await store.append([outcome], state.seq, []):
                done.append(Imported(state.spec.id, outcome.events[-1].seq))
            else:
                break  # another process took a step first: decide again on the newer state
        else:
            return done
    raise ImportRefused(f"the halls kept changing during {_ATTEMPTS} attempts; try again")


def _configure(
    state: HallState, spec: HallSpec, now: datetime, actor: str, check: Callable[[HallSpec], None]
) -> Outcome:
    try:
        check(spec)
        return state.configure(spec, now, actor)
    except DomainError as exc:
        raise ImportRefused(f"hall {spec.id}: {translate(exc.key, 'en', **exc.params)}") from None


async def _load(store: Store, spec: HallSpec, clock: Clock) -> HallState:
    return await store.load_hall(spec, service_day(clock.now(), spec.timezone), 0)
