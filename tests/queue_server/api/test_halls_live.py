"""Halls added and retired live (POST /api/halls, DELETE /api/halls/{hall}): served at once,
refused in words while visitors are in the way, gone with a clear 404, their ledger kept."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from queue_server.app import create_app
from queue_server.clock import ManualClock
from queue_server.config import parse_settings
from queue_server.config_transfer import live_halls
from queue_server.storage import open_store
from queue_server.storage.base import Booking, OnlineClaim
from tests.conftest import PASSWORD, Hall, demo_config, login_all, seed_people

NEW_HALL: dict[str, Any] = {
    "id": "gaoxin",
    "name": "高新区政务服务中心",
    "name_en": "Gaoxin Government Service Centre",
    "timezone": "Asia/Shanghai",
    "categories": [{"code": "business", "prefix": "A", "name": "企业开办", "name_en": "Business"}],
    "windows": [{"number": 1}],
    "hours": {"weekdays": [["09:00", "17:00"]]},
}


def create(hall: Hall, document: dict[str, Any], who: str = "admin") -> Any:
    return hall.client.post("/api/halls", json=document, headers=hall.auth(who))


def kiosk_of(hall: Hall, hall_id: str) -> str:
    added = hall.client.post(
        f"/api/halls/{hall_id}/devices", json={"name": "kiosk-1", "kind": "kiosk"}, headers=hall.auth("admin")
    )
    assert added.status_code == 201, added.text
    token: str = added.json()["token"]
    return token


def test_a_hall_added_is_served_at_once_and_retired_when_nobody_waits(hall: Hall) -> None:
    assert create(hall, NEW_HALL, who="supervisor").status_code == 403
    created = create(hall, NEW_HALL)
    assert created.status_code == 201, created.text
    assert created.json()["settings"]["name"] == "高新区政务服务中心"
    listed = [h["id"] for h in hall.client.get("/api/halls").json()["halls"]]
    assert listed == ["weiyang", "gaoxin"]
    paths = hall.client.get("/api/openapi.json").json()["paths"]
    assert "gaoxin" in paths["/api/halls/{hall}/settings"]["get"]["parameters"][0]["schema"]["enum"]

    kiosk = {"Authorization": f"Bearer {kiosk_of(hall, 'gaoxin')}"}
    issued = hall.client.post("/kiosk/api/halls/gaoxin/tickets", json={"category": "business"}, headers=kiosk)
    assert issued.status_code == 201, issued.text
    assert issued.json()["ticket"]["number"] == "A001"

    again = create(hall, NEW_HALL)
    assert again.status_code == 409 and "gaoxin" in again.json()["error"]["message"]

    refused = hall.client.delete("/api/halls/gaoxin", headers={**hall.auth("admin"), "Accept-Language": "en"})
    assert refused.status_code == 409
    assert refused.json()["error"]["message"] == (
        "Hall gaoxin still has 1 open tickets: finish or cancel them first"
    )
    ticket = issued.json()["ticket"]["id"]
    cancelled = hall.client.post(
        f"/api/halls/gaoxin/tickets/{ticket}/cancel", json={}, headers=hall.auth("admin")
    )
    assert cancelled.status_code == 200, cancelled.text
    retired = hall.client.delete("/api/halls/gaoxin", headers=hall.auth("admin"))
    assert retired.status_code == 200, retired.text

    gone = hall.client.get("/kiosk/api/halls/gaoxin", headers={**kiosk, "Accept-Language": "en"})
    assert gone.status_code == 404
    assert "retired" in gone.json()["error"]["message"]
    assert [h["id"] for h in hall.client.get("/api/halls").json()["halls"]] == ["weiyang"]
    assert create(hall, NEW_HALL).status_code == 409  # its id stays taken: the ledger is kept
    audit = hall.client.get("/api/audit", headers=hall.auth("admin")).json()["entries"]
    assert [e["kind"] for e in audit if e["subject"] == "gaoxin"][:2] == ["hall.retired", "hall.created"]
    assert hall.client.delete("/api/halls/weiyang", headers=hall.auth("admin")).status_code == 409  # the last


def test_a_hall_added_is_served_after_a_restart_and_a_retired_one_is_not(hall: Hall) -> None:
    assert create(hall, NEW_HALL).status_code == 201
    assert create(hall, {**NEW_HALL, "id": "qujiang", "name": "曲江"}).status_code == 201
    assert hall.client.delete("/api/halls/qujiang", headers=hall.auth("admin")).status_code == 200
    hall.client.__exit__(None, None, None)

    async def exported() -> list[str]:  # what `onewindow config export` writes
        store = open_store(hall.settings.server.store)
        await store.start()
        try:
            return [spec.id for spec in await live_halls(store, hall.settings, hall.clock)]
        finally:
            await store.close()

    assert asyncio.run(exported()) == ["weiyang", "gaoxin"]
    with type(hall.client)(create_app(hall.settings, hall.clock)) as client:
        login_all(client, hall.tokens)
        assert [h["id"] for h in client.get("/api/halls").json()["halls"]] == ["weiyang", "gaoxin"]
        assert client.get("/api/halls/qujiang", headers=hall.auth("admin")).status_code == 404


def test_a_retired_halls_visitors_phones_are_erased_at_once_and_another_halls_kept(hall: Hall) -> None:
    assert create(hall, NEW_HALL).status_code == 201
    now = hall.clock.now()
    earlier = now - timedelta(hours=2)

    async def phones(write: bool) -> dict[str, tuple[int, list[tuple[str | None, str | None]]]]:
        """Per hall: its online ticket's claims by the phone, and its bookings' hash and number."""
        store = open_store(hall.settings.server.store)
        await store.start()
        try:
            kept = {}
            for hall_id in ("weiyang", "gaoxin"):
                if write:
                    claim = OnlineClaim(f"{hall_id}-online", hall_id, now.date(), "hash", earlier)
                    await store.add_online_claim(claim)
                    for code, start, cancelled in (
                        (f"{hall_id}-earlier", earlier, None),  # its slot over an hour ago
                        (f"{hall_id}-ahead", now + timedelta(days=3), now),  # cancelled ahead
                    ):
                        booking = Booking(
                            code,
                            hall_id,
                            "business",
                            start,
                            start + timedelta(hours=1),
                            None,
                            None,
                            "hash",
                            "13800138000",
                        )
                        assert await store.book(booking, "visitor", earlier, earlier, lambda *_: None)
                        if cancelled is not None:
                            assert await store.cancel_booking(hall_id, code, cancelled, cancelled)
                bookings = await store.bookings_between(
                    hall_id, now - timedelta(days=1), now + timedelta(days=7)
                )
                kept[hall_id] = (
                    await store.online_claims(hall_id, now.date(), "hash"),
                    [(b.phone_hash, b.notify_phone) for b in bookings],
                )
            return kept
        finally:
            await store.close()

    visitor = (1, [("hash", "13800138000")] * 2)
    assert asyncio.run(phones(write=True)) == {"weiyang": visitor, "gaoxin": visitor}
    assert hall.client.delete("/api/halls/gaoxin", headers=hall.auth("admin")).status_code == 200
    assert asyncio.run(phones(write=False)) == {"weiyang": visitor, "gaoxin": (0, [(None, None)] * 2)}


def test_a_hall_added_live_takes_config_tomls_console_reasons_as_its_config_halls_do(
    tmp_path: Path, clock: ManualClock
) -> None:
    raw = demo_config()
    raw["server"]["store"] = f"sqlite:///{tmp_path / 'onewindow.db'}"
    own = {
        "pause_reasons": [{"code": "meeting", "name": "开会"}],
        "rating_reasons": [{"code": "slow", "name": "慢"}],
    }
    raw["console"] = {**raw.get("console", {}), **own}
    for table in raw["halls"]:
        table.pop("pause_reasons", None)
        table.pop("rating_reasons", None)
    settings = parse_settings(raw, base_dir=tmp_path)
    tokens = seed_people(settings, clock)
    with TestClient(create_app(settings, clock)) as client:
        login_all(client, tokens)
        added = Hall(client, clock, settings, tokens)
        assert create(added, NEW_HALL).status_code == 201
        for hall_id in ("weiyang", "gaoxin"):
            read = client.get(f"/api/halls/{hall_id}/settings", headers=added.auth("admin")).json()[
                "settings"
            ]
            assert [r["code"] for r in read["pause_reasons"]] == ["meeting"], hall_id
            assert [r["code"] for r in read["rating_reasons"]] == ["slow"], hall_id


def test_a_new_halls_body_has_no_version_in_its_schema_and_one_sent_is_refused_in_words(hall: Hall) -> None:
    schemas = hall.client.get("/api/openapi.json").json()["components"]["schemas"]
    assert "version" not in schemas["NewHallBody"]["properties"]
    assert "version" in schemas["HallSettingsBody"]["required"]
    refused = hall.client.post(
        "/api/halls",
        json={**NEW_HALL, "version": "x"},
        headers={**hall.auth("admin"), "Accept-Language": "en"},
    )
    assert refused.status_code in (400, 422), refused.text
    assert "version" in refused.json()["error"]["message"]


def test_a_retired_halls_clerk_moved_to_another_hall_signs_in_there_and_not_back(hall: Hall) -> None:
    assert create(hall, NEW_HALL).status_code == 201
    admin = {**hall.auth("admin"), "Accept-Language": "en"}
    account = {"username": "gaoxin-clerk", "role": "clerk", "hall": "gaoxin", "password": PASSWORD}
    assert hall.client.post("/api/users", json=account, headers=admin).status_code == 201
    assert hall.client.delete("/api/halls/gaoxin", headers=admin).status_code == 200
    sign_in = {"username": "gaoxin-clerk", "password": PASSWORD}
    refused = hall.client.post("/api/auth/login", json=sign_in, headers={"Accept-Language": "en"})
    assert refused.status_code == 401
    assert "retired" in refused.json()["error"]["message"]

    moved = hall.client.patch(
        "/api/users/gaoxin-clerk", json={"role": "clerk", "hall": "weiyang"}, headers=admin
    )
    assert moved.status_code == 200, moved.text
    signed_in = hall.client.post("/api/auth/login", json=sign_in)
    assert signed_in.status_code == 200, signed_in.text
    clerk = {"Authorization": f"Bearer {signed_in.json()['token']}"}
    assert hall.client.post("/api/halls/weiyang/windows/3/open", headers=clerk).status_code == 200
    # Not back to the retired hall: it is named as no hall the server serves.
    back = hall.client.patch(
        "/api/users/gaoxin-clerk", json={"role": "clerk", "hall": "gaoxin"}, headers=admin
    )
    assert back.status_code == 404
    assert "gaoxin" in back.json()["error"]["message"]
