"""The halls a server serves: the store's set (config.toml's seeded into it, those an admin added
since), less the retired ones; read by the service every HALLS_CHECK_S and by `config export`."""

from __future__ import annotations

import logging
from collections.abc import Container, Sequence
from dataclasses import dataclass
from datetime import datetime

from queue_server.domain.hall_document import read_hall
from queue_server.domain.model import HallSpec
from queue_server.storage.base import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HallSet:
    served: list[HallSpec]
    """As seeds (a hall loads its newest settings itself): config.toml's first, in its order."""
    retired: dict[str, datetime]


async def hall_set(store: Store, configured: Sequence[HallSpec], loaded: Container[str] = ()) -> HallSet:
    """The store's halls; the settings of one added live are read unless it is `loaded` already
    (left out of `served` then, as the caller has it)."""
    records = await store.halls()
    retired = {r.id: r.retired_at for r in records if r.retired_at is not None}
    served = [spec for spec in configured if spec.id not in retired and spec.id not in loaded]
    seeded = {spec.id for spec in configured}
    for record in records:
        if record.id in seeded or record.id in retired or record.id in loaded:
            continue
        document = await store.configured_settings(record.id)
        if document is None:
            log.warning("hall %s is in the store without settings: not served", record.id)
            continue
        served.append(read_hall(document))
    return HallSet(served, retired)


async def hall_now(store: Store, configured: Sequence[HallSpec], hall: str) -> HallSpec | None:
    """One hall's settings as they are now, served or retired, reading no other hall: the
    newest its ledger has (a change made live, or the settings it was added with), read over
    config.toml's as the store's own load does, else config.toml's; None if neither knows it."""
    seed = next((spec for spec in configured if spec.id == hall), None)
    document = await store.configured_settings(hall)
    return seed if document is None else read_hall(document, before=seed)
