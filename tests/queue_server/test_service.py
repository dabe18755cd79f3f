"""The queue service (queue_server/service.py) on the embedded backends, without HTTP.

What the routes rely on it for: who is asking (sign-in, tokens), who may do what where (a
kiosk's limits, a clerk's own window, a hall's own staff), the opening hours for visitors
taking a number themselves, idempotency keys in the caller's own name, and the day's end.
"""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from queue_server.accounts import add_device, add_user
from queue_server.auth import DeviceKind, NotAuthenticated, Principal, Role
from queue_server.backends import open_backends
from queue_server.clock import ManualClock
from queue_server.domain.errors import Conflict, Forbidden, Invalid, NotFound
from queue_server.domain.model import GREEN_CHANNEL, NORMAL
from queue_server.service import QueueService, WindowCommand, idempotency_key
from queue_server.storage.base import OnlineClaim, StoreUnavailable
from tests.conftest import GAOXIN, PASSWORD, make_settings

HALL = "weiyang"


@pytest.fixture
async def service(tmp_path: Path, clock: ManualClock) -> AsyncIterator[QueueService]:
    settings = make_settings(tmp_path)
    service = QueueService(settings, open_backends(settings, clock), clock)
    await service.start()
    for name, role in [("clerk1", Role.CLERK), ("clerk2", Role.CLERK), ("supervisor", Role.SUPERVISOR)]:
        await add_user(service.store, settings, clock, name, role, PASSWORD, HALL)
    try:
        yield service
    finally:
        await service.stop()


async def signed_in(service: QueueService, name: str) -> Principal:
    token, _ = await service.login(name, PASSWORD, "127.0.0.1")
    return await service.authenticate(token)


KIOSK = Principal(name="kiosk-1", device=DeviceKind.KIOSK, hall=HALL)


async def issue(
    service: QueueService, who: Principal, priority: str = NORMAL, channel: str | None = None
) -> str:
    view = await service.issue_ticket(
        HALL, who, category="business", priority=priority, channel=channel, appointment=None
    )
    number: str = view["number"]
    return number


async def test_a_token_from_sign_in_says_who_is_asking(service: QueueService) -> None:
    token, principal = await service.login("clerk1", PASSWORD, "127.0.0.1")
    assert await service.authenticate(token) == principal == Principal("clerk1", role=Role.CLERK, hall=HALL)


async def test_a_wrong_password_and_an_unknown_name_are_refused_alike(service: QueueService) -> None:
    for name, password in [("clerk1", "wrong " + PASSWORD), ("nobody", PASSWORD)]:
        with pytest.raises(NotAuthenticated) as refused:
            await service.login(name, password, "127.0.0.1")
        assert refused.value.key == "error.bad_credentials"
    with pytest.raises(NotAuthenticated):
        await service.authenticate(None)


async def test_a_device_token_names_its_device_and_a_device_cannot_sign_out(
    service: QueueService,
) -> None:
    token = await add_device(
        service.store, service.settings, service.clock, "kiosk-1", DeviceKind.KIOSK, HALL
    )
    kiosk = await service.authenticate(token)
    assert (kiosk.name, kiosk.device, kiosk.hall) == ("kiosk-1", DeviceKind.KIOSK, HALL)
    with pytest.raises(Forbidden):
        await service.logout(kiosk)


async def test_a_kiosk_offers_neither_green_channel_nor_appointments_but_staff_give_green(
    service: QueueService,
) -> None:
    with pytest.raises(Forbidden) as refused:
        await issue(service, KIOSK, priority=GREEN_CHANNEL)
    assert refused.value.key == "error.kiosk_priority"
    assert await issue(service, await signed_in(service, "clerk1"), priority=GREEN_CHANNEL)


async def test_after_hours_a_kiosk_is_refused_even_claiming_the_counter_and_staff_are_not(
    service: QueueService, clock: ManualClock
) -> None:
    clock.advance(timedelta(hours=10))  # 20:00 in Shanghai
    with pytest.raises(Conflict) as refused:
        await issue(service, KIOSK, channel="counter")
    assert refused.value.params["next_opening"] is not None  # it says when to come back
    assert await issue(service, await signed_in(service, "clerk1"))


async def test_a_clerk_acts_only_on_the_window_they_opened_a_supervisor_on_any(
    service: QueueService,
) -> None:
    clerk1, clerk2 = await signed_in(service, "clerk1"), await signed_in(service, "clerk2")
    supervisor = await signed_in(service, "supervisor")
    await service.window_action(HALL, 1, WindowCommand("open"), clerk1)
    await issue(service, KIOSK)
    with pytest.raises(Forbidden) as refused:
        await service.window_action(HALL, 1, WindowCommand("call-next"), clerk2)
    assert refused.value.params == {"window": 1, "clerk": "clerk1"}
    with pytest.raises(Forbidden):
        await service.window_action(HALL, 1, WindowCommand("set-services", categories=["tax"]), clerk1)
    called = await service.window_action(HALL, 1, WindowCommand("call-next"), supervisor)
    assert called["ticket"]["status"] == "called" and called["window"]["clerk"] == "clerk1"


async def test_staff_of_another_hall_are_refused(service: QueueService) -> None:
    elsewhere = Principal("visiting", role=Role.SUPERVISOR, hall="another-hall")
    with pytest.raises(Forbidden) as refused:
        await issue(service, elsewhere)
    assert refused.value.key == "error.forbidden_hall"


def test_an_idempotency_key_is_the_callers_own() -> None:
    assert idempotency_key("device:kiosk-1", "k1") != idempotency_key("device:kiosk-2", "k1")
    assert idempotency_key("device:kiosk-1", None) is None
    for bad in ("", "x" * 101, "line\nbreak"):
        with pytest.raises(Invalid):
            idempotency_key("device:kiosk-1", bad)


async def test_at_the_days_end_what_was_left_waiting_expires(
    service: QueueService, clock: ManualClock
) -> None:
    view = await service.issue_ticket(
        HALL, KIOSK, category="business", priority=NORMAL, channel=None, appointment=None
    )
    clock.advance(timedelta(days=1))
    await service.roll_over()
    assert (await service.ticket_view(HALL, view["id"]))["status"] == "expired"


async def test_a_retirement_whose_last_writes_fail_still_refuses_the_halls_people_at_once(
    service: QueueService, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The step is in the ledger; marking the hall's row fails (the store went away): the hall's
    # accounts are refused from the step on, not left signed in until a restart.
    admin = Principal(name="admin", role=Role.ADMIN)
    await service.create_hall(copy.deepcopy(GAOXIN), admin, check=lambda spec: None)
    await add_user(
        service.store, service.settings, service.clock, "gaoxin-clerk", Role.CLERK, PASSWORD, "gaoxin"
    )
    token, _ = await service.login("gaoxin-clerk", PASSWORD, "127.0.0.1")

    async def store_gone(hall: str, at: object) -> None:
        raise StoreUnavailable("the store went away")

    monkeypatch.setattr(service.store, "retire_hall", store_gone)
    with pytest.raises(StoreUnavailable):
        await service.retire_hall("gaoxin", admin)
    with pytest.raises(NotAuthenticated, match="token_hall_retired"):
        await service.authenticate(token)
    with pytest.raises(NotAuthenticated, match="token_hall_retired"):
        await service.login("gaoxin-clerk", PASSWORD, "127.0.0.1")
    with pytest.raises(NotFound, match="hall_retired"):
        service.hall("gaoxin")


async def test_a_hall_retired_in_its_ledger_but_not_in_the_store_stays_retired_after_a_restart(
    service: QueueService,
) -> None:
    """A process that stopped between the retirement step and marking the hall's row: the next
    start reads the ledger's word, marks the row and serves the hall no more."""
    admin = Principal(name="admin", role=Role.ADMIN)
    await service.create_hall(copy.deepcopy(GAOXIN), admin, check=lambda spec: None)
    now = service.clock.now()
    await service.store.add_online_claim(OnlineClaim("online", "gaoxin", now.date(), "hash", now))
    await service.hall("gaoxin").run(lambda state, now: state.retire(now, admin.actor))
    await service.stop()

    again = QueueService(service.settings, open_backends(service.settings, service.clock), service.clock)
    await again.start()
    try:
        assert "gaoxin" not in again.halls and "gaoxin" in again.retired
        (row,) = [r for r in await again.store.halls() if r.id == "gaoxin"]
        assert row.retired_at is not None
        assert await again.store.online_claims("gaoxin", now.date(), "hash") == 0  # its phones erased
    finally:
        await again.stop()
    await service.start()  # for the fixture's stop
