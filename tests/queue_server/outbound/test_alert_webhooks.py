"""The hall's alerts reach webhooks as `hall.alert` events: each recorded once when it is raised,
not at every look, also with two servers on one store and after a restart; on both backends,
with a real receiver and the injected clock."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from queue_server.app import create_app
from queue_server.clock import ManualClock
from queue_server.config import Settings, parse_settings
from tests.conftest import Hall, demo_config, login_all, seed_people
from tests.queue_server.outbound.receiver import Receiver
from tests.queue_server.outbound.test_webhook_api import register, wait_for

LOOK_S = 0.1  # [outbound] alert_poll_seconds in these tests
LOOKS = 10 * LOOK_S  # long enough for every server to have looked several times


def alert_settings(tmp_path: Path, backend: dict[str, str]) -> Settings:
    raw = demo_config()
    raw["server"].update(backend)
    raw["outbound"] = {"poll_seconds": 0.1, "alert_poll_seconds": LOOK_S}
    return parse_settings(raw, base_dir=tmp_path)


@contextlib.contextmanager
def served(settings: Settings, clock: ManualClock, tokens: dict[str, str]) -> Iterator[Hall]:
    with TestClient(create_app(settings, clock)) as client:
        login_all(client, tokens)
        yield Hall(client, clock, settings, tokens)


@pytest.fixture
def receiver(clock: ManualClock) -> Iterator[Receiver]:
    listening = Receiver(now=lambda: clock.now().timestamp()).up()
    yield listening
    listening.down()


def alerts_heard(receiver: Receiver, hook: dict[str, Any], *kinds: str) -> list[dict[str, Any]]:
    """The hall.alert events received, of `kinds` (default: the queue's, not the devices'), each
    once: a delivery POSTed just before a server stops comes again after it starts (at least
    once), and a receiver drops what it has (docs/WEBHOOKS.md)."""
    wanted = kinds or ("long_wait", "long_pause")
    events = {e["seq"]: e for e in receiver.events(hook["id"])}
    return [e for e in events.values() if e["type"] == "hall.alert" and e["data"]["kind"] in wanted]


def test_an_alert_is_sent_once_when_raised_and_again_only_when_raised_again(
    tmp_path: Path, clock: ManualClock, backend: dict[str, str], receiver: Receiver
) -> None:
    settings = alert_settings(tmp_path, backend)
    tokens = seed_people(settings, clock)
    with served(settings, clock, tokens) as hall:
        hook = register(hall, receiver.url, ["hall.alert"])
        receiver.secrets[hook["id"]] = hook["secret"]
        first = hall.issue("business", who="supervisor")
        hall.ok(2, "open")
        hall.ok(2, "pause", reason="午休")
        clock.advance(timedelta(minutes=31))  # 10:31: A001 waited over 30 min, window 2 paused 31
        heard = wait_for(lambda: len(alerts_heard(receiver, hook)) >= 2 and alerts_heard(receiver, hook))
        by_kind = {e["data"]["kind"]: e for e in heard}
        assert set(by_kind) == {"long_wait", "long_pause"}
        wait = by_kind["long_wait"]
        assert wait["data"]["params"]["number"] == first["number"] == "A001"
        assert wait["data"]["params"]["minutes"] == 31 and wait["data"]["params"]["limit"] == 30
        assert wait["ticket"] == first["id"] and wait["actor"] == "server:alerts"
        assert (
            by_kind["long_pause"]["window"] == 2
            and by_kind["long_pause"]["data"]["params"]["reason"] == "午休"
        )
        assert all(d.signed for d in receiver.deliveries)

        # Still over the limit, looked at again and again, a newer ticket late too: no new alert.
        second = hall.issue("business", who="supervisor")  # 10:31
        clock.advance(timedelta(minutes=35))  # 11:06: A002 is over the limit as well
        time.sleep(LOOKS)
        assert len(alerts_heard(receiver, hook)) == 2
        board = hall.client.get("/api/halls/weiyang/alerts", headers=hall.auth("supervisor")).json()
        assert {a["kind"] for a in board["alerts"]} == {"long_wait", "long_pause", "device_offline"}

        # A001 is called: A002 is now the longest waiter, and it went over the limit after the
        # alert that named A001, so that is a new alert. Once A002 is called too, nothing more.
        hall.ok(1, "open")
        hall.ok(1, "call-next")
        heard = wait_for(lambda: len(alerts_heard(receiver, hook)) >= 3 and alerts_heard(receiver, hook))
        assert heard[-1]["data"]["params"]["number"] == second["number"] == "A002"
        assert heard[-1]["ticket"] == second["id"]
        hall.ok(1, "no-show")
        hall.ok(1, "call-next")
        clock.advance(timedelta(minutes=10))
        time.sleep(LOOKS)
        assert len(alerts_heard(receiver, hook)) == 3
        seqs = [e["seq"] for e in heard]
        assert seqs == sorted(seqs)

        # The test's devices were never seen (staff issue the tickets here): the dashboard lists
        # them offline, the ledger waits until a device has been seen and lost.
        assert alerts_heard(receiver, hook, "device_offline") == []

    # A restart remembers what the hall raised today: nothing is sent again.
    with served(settings, clock, tokens):
        clock.advance(timedelta(minutes=1))
        time.sleep(LOOKS)
        assert len(alerts_heard(receiver, hook)) == 3
        assert alerts_heard(receiver, hook, "device_offline") == []


def test_a_device_seen_and_then_lost_is_sent_once(
    tmp_path: Path, clock: ManualClock, receiver: Receiver
) -> None:
    settings = alert_settings(tmp_path, {"store": f"sqlite:///{tmp_path / 'hall.db'}", "bus": "memory://"})
    tokens = seed_people(settings, clock)
    with served(settings, clock, tokens) as hall:
        hook = register(hall, receiver.url, ["hall.alert"])
        receiver.secrets[hook["id"]] = hook["secret"]
        hall.issue("social")  # the kiosk is seen at 10:00...
        clock.advance(timedelta(seconds=61))  # ...and unseen past the 60 s grace
        heard = wait_for(lambda: alerts_heard(receiver, hook, "device_offline"))
        time.sleep(LOOKS)
        assert [e["data"]["params"]["device"] for e in alerts_heard(receiver, hook, "device_offline")] == [
            "kiosk-1"
        ]
        assert heard[0]["data"]["key"] == "device_offline:device:kiosk-1"


@pytest.mark.redis
@pytest.mark.postgres
def test_two_servers_on_one_store_record_an_alert_once(
    tmp_path: Path, clock: ManualClock, receiver: Receiver
) -> None:
    from tests.conftest import POSTGRES_URL, REDIS_URL, reset_scaled_backends

    reset_scaled_backends()
    settings = alert_settings(tmp_path, {"store": POSTGRES_URL, "bus": REDIS_URL})
    tokens = seed_people(settings, clock)
    with served(settings, clock, tokens) as one, served(settings, clock, dict(tokens)) as other:
        hook = register(one, receiver.url, ["hall.alert"])
        receiver.secrets[hook["id"]] = hook["secret"]
        one.ok(1, "open")
        one.ok(2, "open")
        for _ in range(3):  # three spells of both alerts, each looked at by both servers
            other.issue("business", who="supervisor")
            one.ok(2, "pause", reason="培训")
            clock.advance(timedelta(minutes=31))
            time.sleep(LOOKS)
            one.ok(1, "call-next")  # the late visitor is called (and does not come), the pause ends
            one.ok(1, "no-show")
            other.ok(2, "resume")
        wait_for(lambda: len(alerts_heard(receiver, hook)) >= 6)
        time.sleep(LOOKS)
        heard = alerts_heard(receiver, hook)
        assert sorted(e["data"]["kind"] for e in heard) == ["long_pause"] * 3 + ["long_wait"] * 3
        assert alerts_heard(receiver, hook, "device_offline") == []  # never seen, so never lost
        assert [e["data"]["params"]["number"] for e in heard if e["data"]["kind"] == "long_wait"] == [
            "A001",
            "A002",
            "A003",
        ]
