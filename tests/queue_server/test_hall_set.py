"""One hall's settings as they are now (queue_server/hall_set.py `hall_now`), as the commands
that read a single hall's records see them."""

from __future__ import annotations

import asyncio
from pathlib import Path

from queue_server.config import parse_settings
from queue_server.domain.events import Event, EventType
from queue_server.domain.hall import Outcome
from queue_server.domain.hall_document import hall_document
from queue_server.domain.model import HallSpec
from queue_server.hall_set import hall_now
from queue_server.storage.sql import SqlStore
from tests.conftest import GAOXIN, MONDAY_10AM, demo_config


def configured(hall: str, seq: int, settings: dict[str, object]) -> Outcome:
    event = Event(hall, seq, EventType.HALL_CONFIGURED, MONDAY_10AM, "admin", data={"settings": settings})
    return Outcome(events=[event])


def test_the_ledgers_newest_settings_read_over_config_tomls_and_a_hall_added_live(tmp_path: Path) -> None:
    raw = demo_config()
    raw["server"]["store"] = f"sqlite:///{tmp_path / 'onewindow.db'}"
    raw["halls"][0]["rating_reasons"] = [{"code": "queue", "name": "排队久", "name_en": "Long queue"}]
    settings = parse_settings(raw, base_dir=tmp_path)
    weiyang = settings.halls[0]
    # A change written before halls had their own reasons: config.toml's stay the hall's.
    older = {k: v for k, v in hall_document(weiyang).items() if k not in ("pause_reasons", "rating_reasons")}

    async def run() -> tuple[HallSpec | None, ...]:
        store = SqlStore(settings.server.store)
        await store.start()
        try:
            untouched = await hall_now(store, settings.halls, "weiyang")
            await store.commit([configured("weiyang", 1, {**older, "notice": "今日延时服务"})])
            await store.commit([configured("gaoxin", 1, GAOXIN)])
            return (
                untouched,
                await hall_now(store, settings.halls, "weiyang"),
                await hall_now(store, settings.halls, "gaoxin"),
                await hall_now(store, settings.halls, "nowhere"),
            )
        finally:
            await store.close()

    untouched, changed, added, unknown = asyncio.run(run())
    assert untouched == weiyang
    assert changed is not None and changed.notice == "今日延时服务"
    assert [r.code for r in changed.rating_reasons] == ["queue"]  # config.toml's own, kept
    assert added is not None and (added.id, added.name) == ("gaoxin", "高新区政务服务中心")
    assert unknown is None
