"""Visitor notifications at a real gateway receiver: "3 ahead" and "called, window N", once each,
only for visitors who agreed, and nothing kept or sent while notifications are off."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from queue_server.app import create_app
from queue_server.clock import ManualClock
from queue_server.config import parse_settings
from queue_server.storage import open_store
from queue_server.storage.base import VisitorContact
from tests.conftest import Hall, demo_config, login_all, seed_people
from tests.queue_server.outbound.receiver import GATEWAY, Receiver

MONDAY = date(2026, 11, 23)
SECRET = "gateway-secret-of-the-hall"
PHONE = "13800138000"


def contacts(hall: Hall) -> list[VisitorContact]:
    """Monday's contacts not yet told they are called."""

    async def read() -> list[VisitorContact]:
        store = open_store(hall.settings.server.store)
        await store.start()
        try:
            return await store.visitor_contacts("weiyang", MONDAY)
        finally:
            await store.close()

    return asyncio.run(read())


@pytest.fixture
def gateway(clock: ManualClock) -> Iterator[Receiver]:
    receiver = Receiver(now=lambda: clock.now().timestamp()).up()
    receiver.secrets[GATEWAY] = SECRET
    yield receiver
    receiver.down()


def hall_with_notifier(tmp_path: Path, clock: ManualClock, notifier: dict[str, Any]) -> Iterator[Hall]:
    raw = demo_config()
    raw["server"]["store"] = f"sqlite:///{tmp_path / 'onewindow.db'}"
    raw["outbound"] = {"notifier": notifier}
    settings = parse_settings(raw, base_dir=tmp_path)
    tokens = seed_people(settings, clock)
    with TestClient(create_app(settings, clock)) as client:
        login_all(client, tokens)
        yield Hall(client, clock, settings, tokens)


@pytest.fixture
def notifying(tmp_path: Path, clock: ManualClock, gateway: Receiver) -> Iterator[Hall]:
    notifier = {"enabled": True, "url": gateway.url, "secret": SECRET, "ahead": 3, "poll_seconds": 0.05}
    yield from hall_with_notifier(tmp_path, clock, notifier)


def take_online(hall: Hall, phone: str, **body: Any) -> dict[str, Any]:
    hall.clock.advance(timedelta(seconds=1))  # visitors come one after the other
    response = hall.client.post(
        "/api/halls/weiyang/online-tickets", json={"category": "business", "phone": phone, **body}
    )
    assert response.status_code == 201, response.text
    ticket: dict[str, Any] = response.json()["ticket"]
    return ticket


def messages(gateway: Receiver, count: int, timeout_s: float = 10) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and len(gateway.deliveries) < count:
        time.sleep(0.05)
    time.sleep(0.3)  # and no more than that come
    assert all(d.signed for d in gateway.deliveries)
    return [d.body for d in gateway.deliveries]


def test_a_consenting_visitor_hears_3_ahead_then_called_once_each(notifying: Hall, gateway: Receiver) -> None:
    hall = notifying
    for _ in range(4):
        hall.clock.advance(timedelta(seconds=1))
        hall.issue()
    mine = take_online(hall, PHONE, notify=True)
    take_online(hall, "13900139000")  # no consent: never told
    english = take_online(hall, "13700137000", notify=True, language="en")
    assert messages(gateway, 1, timeout_s=1) == []  # 4 ahead: not yet

    hall.ok(1, "open")
    hall.ok(1, "call-next")
    ahead = messages(gateway, 1)
    assert ahead == [
        {
            "hall": "weiyang",
            "ticket": mine["id"],
            "number": mine["number"],
            "phone": PHONE,
            "language": "zh-CN",
            "kind": "ahead",
            "text": f"【未央区政务服务中心】您的 {mine['number']} 号前面还有 3 位，请回到大厅留意叫号。",
            "window": None,
            "ahead": 3,
        }
    ]
    for _ in range(3):
        hall.ok(1, "start")
        hall.ok(1, "finish")
        hall.ok(1, "call-next")
    hall.ok(1, "start")
    hall.ok(1, "finish")
    hall.ok(1, "call-next")  # mine, at window 1
    got = messages(gateway, 3)
    assert (got[0]["kind"], got[0]["number"]) == ("ahead", mine["number"])
    # The other two may come in one look, in either order.
    later = {(m["kind"], m["number"]): m for m in got[1:]}
    assert set(later) == {("ahead", english["number"]), ("called", mine["number"])}
    # Told once, at the first look that found 3 or fewer ahead (the calls go on meanwhile).
    told = later["ahead", english["number"]]
    assert 1 <= told["ahead"] <= 3
    assert told["text"] == (
        f"[Weiyang District Government Service Centre] {english['number']}: {told['ahead']} ahead of you. "
        "Please come back to the hall."
    )
    called = later["called", mine["number"]]
    assert called["text"] == f"【未央区政务服务中心】请 {mine['number']} 号到 1 号窗口办理。"
    assert called["window"] == 1 and called["phone"] == PHONE
    assert [c.ticket_id for c in contacts(hall)] == [english["id"]]  # mine is done with

    hall.clock.advance(timedelta(days=1))  # the next day, the numbers still kept are erased
    deadline = time.monotonic() + 10
    while contacts(hall) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert contacts(hall) == []


def test_with_notifications_off_no_number_is_kept(
    tmp_path: Path, clock: ManualClock, gateway: Receiver
) -> None:
    for hall in hall_with_notifier(tmp_path, clock, {"enabled": False, "url": gateway.url}):
        take_online(hall, PHONE, notify=True)
        hall.ok(1, "open")
        hall.ok(1, "call-next")
        assert contacts(hall) == []
    assert messages(gateway, 1, timeout_s=0.5) == []


@pytest.mark.parametrize(
    ("notifier", "problem"),
    [
        ({"enabled": True}, "outbound.notifier.url"),
        ({"templates": {"called": "请到 {counter} 号窗口"}}, "outbound.notifier.templates.called"),
        ({"ahead": 0}, "outbound.notifier.ahead"),
    ],
)
def test_a_bad_notifier_table_is_named(notifier: dict[str, Any], problem: str) -> None:
    from queue_server.config import ConfigError
    from queue_server.outbound.settings import parse_outbound_settings

    with pytest.raises(ConfigError) as refused:
        parse_outbound_settings({"notifier": notifier})
    assert any(p.startswith(problem) for p in refused.value.problems), refused.value.problems
