"""The queue service: halls, the store and the bus put together behind the verbs the API offers."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import secrets
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from queue_server.auth import (
    MANAGERS,
    STAFF,
    DeviceKind,
    NotAuthenticated,
    Principal,
    Role,
    TokenSigner,
    hash_device_token,
    hash_password,
    needs_rehash,
    verify_password,
)
from queue_server.backends import Backends
from queue_server.bus.base import SubscriberOverflow
from queue_server.clock import Clock
from queue_server.config import Settings
from queue_server.domain.errors import Conflict, Forbidden, Invalid, NotFound
from queue_server.domain.events import EventType
from queue_server.domain.hall import Appointment, HallState, Outcome
from queue_server.domain.hall_document import InvalidHallDocument, hall_document, read_hall, settings_version
from queue_server.domain.model import (
    APPOINTMENT,
    GREEN_CHANNEL,
    NORMAL,
    Category,
    HallSpec,
    Ticket,
    TicketStatus,
    Window,
    WindowState,
)
from queue_server.domain.numbering import service_day
from queue_server.domain.opening import issue_refusal, next_opening
from queue_server.hall_set import hall_set
from queue_server.notices import EVERYONE
from queue_server.presence import open_presence
from queue_server.recent_reads import RecentReads
from queue_server.runtime import Decision, HallRuntime
from queue_server.storage.base import LEDGER_START, AuditEntry
from queue_server.throttle import LoginThrottle, MemoryCounters, RedisCounters, TooManyAttempts

log = logging.getLogger(__name__)

ROLLOVER_CHECK_S = 30.0
# How soon a hall added or retired on another process is served or gone here: the store's set
# of halls is read again this often (a retired hall takes no step meanwhile: its ledger says so).
HALLS_CHECK_S = 1.0
# Bookings this far ahead still keep a hall from being retired.
BOOKINGS_AHEAD = timedelta(days=366)
# How stale this process's view of revocations may be (another process signed out, an admin
# disabled an account or removed a device).
REVOCATION_CHECK_S = 2.0
IDEMPOTENCY_KEY_MAX = 100


@functools.cache
def _unknown_name_hash() -> str:
    """What a sign-in with a name that does not exist is checked against, so that it costs what
    a real one does. Made on the first such sign-in: at import it cost every process 0.1 s."""
    return hash_password(secrets.token_hex(8))


class _StaleSettings(Conflict):
    """A save from settings changed since: named (who, when) once out of the hall's step."""


@dataclass(frozen=True)
class WindowCommand:
    """A clerk's or supervisor's action at a window, already validated for shape."""

    verb: str
    number: str | None = None
    ticket: str | None = None
    to_category: str | None = None
    to_window: int | None = None
    reason: str | None = None
    categories: list[str] | None = None


class QueueService:
    def __init__(self, settings: Settings, backends: Backends, clock: Clock) -> None:
        self._settings, self.backends, self.clock = settings, backends, clock
        self._live: tuple[tuple[int, ...], Settings] = ((), settings)
        self.store, self.bus = backends.store, backends.bus
        self.halls: dict[str, HallRuntime] = {}
        # The halls retired (by any process), with when: their URLs say so rather than "unknown".
        self.retired: dict[str, datetime] = {}
        self._halls_follower: asyncio.Task[None] | None = None
        self._looking_at_halls = asyncio.Lock()
        self._signer: TokenSigner | None = None
        # Devices and accounts as last read from the store, kept REVOCATION_CHECK_S.
        self._devices = RecentReads(self._read_device, REVOCATION_CHECK_S)
        self._accounts = RecentReads(self._read_generation, REVOCATION_CHECK_S)
        self._ticker: asyncio.Task[None] | None = None
        redis = backends.shared_state
        self.presence = open_presence(redis, clock)
        counters = MemoryCounters(clock) if redis is None else RedisCounters(redis)
        self.throttle = LoginThrottle(counters)
        # First of the listeners: what the others re-check is then read from the store again.
        backends.notices.listen(self._revoked)

    @property
    def settings(self) -> Settings:
        """The settings read at start, with every hall's as it is now: a hall's settings change
        live (`configure_hall`), and whoever reads them here reads the current ones."""
        if not self.halls:
            return self._settings  # not started: config.toml's
        specs = self.specs()
        key = tuple(id(spec) for spec in specs)
        if key != self._live[0]:
            self._live = (key, replace(self._settings, halls=specs))
        return self._live[1]

    # ---- life cycle -----------------------------------------------------------------

    async def start(self) -> None:
        await self.backends.start()
        key = await self.store.secret("token_key", secrets.token_hex(32))
        self._signer = TokenSigner(bytes.fromhex(key))
        # config.toml's halls seed the store's set of halls; the store's set is then the one
        # served (with the halls added live, without those retired).
        await self.store.seed_halls([spec.id for spec in self._settings.halls], self.clock.now())
        await self._serve()
        self._ticker = asyncio.create_task(self._roll_over_days(), name="day-rollover")
        self._halls_follower = asyncio.create_task(self._follow_halls(), name="halls")

    async def stop(self) -> None:
        for task in (self._ticker, self._halls_follower):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        await self.backends.close()

    async def _serve(self) -> None:
        """Serves the store's halls not served yet and leaves the retired ones. One look at a
        time (a new hall and the follower both look): a hall loaded twice would leave two
        runtimes, the replaced one perhaps with a step the other does not know."""
        async with self._looking_at_halls:
            halls = await hall_set(self.store, self._settings.halls, self.halls)
            newly = halls.retired.keys() - self.retired.keys()
            for hall_id, at in halls.retired.items():
                self.retired[hall_id] = at
                self.halls.pop(hall_id, None)
            if newly:
                # Retired by another process: this one's open sockets of the hall are closed now.
                self.backends.notices.here(EVERYONE)
            for spec in halls.served:
                hall_log = self.backends.hall_log(spec)
                runtime = HallRuntime(await hall_log.load(), hall_log, self.clock)
                if runtime.state.retired:  # by a process that stopped before marking its row
                    await self._erase_phones(spec.id, self.clock.now())
                    await self.store.retire_hall(spec.id, self.clock.now())
                    self.retired[spec.id] = self.clock.now()
                    continue
                self.halls[spec.id] = runtime

    async def _follow_halls(self) -> None:
        while True:
            await asyncio.sleep(HALLS_CHECK_S)
            try:
                await self._serve()
            except Exception:
                log.exception("reading the set of halls failed; will retry")

    async def roll_over(self) -> None:
        """Expire what is left of earlier days in every hall whose local date has changed."""
        # A copy: halls are added and retired while this awaits.
        for runtime in list(self.halls.values()):
            spec = runtime.state.spec
            if runtime.state.today != service_day(self.clock.now(), spec.timezone):
                await runtime.run(lambda state, now: state.roll_over(now))

    async def _roll_over_days(self) -> None:
        while True:
            await asyncio.sleep(ROLLOVER_CHECK_S)
            try:
                await self.roll_over()
            except Exception:
                log.exception("day roll-over failed; will retry")

    # ---- who is asking --------------------------------------------------------------

    async def login(self, username: str, password: str, address: str) -> tuple[str, Principal]:
        wait = await self.throttle.retry_after_s(username, address)
        if wait:
            raise TooManyAttempts(wait)
        user = await self.store.get_user(username)
        # Hashing takes tens of ms of CPU: in a thread, so the hall's calls go on meanwhile. The
        # same work whether or not the name exists.
        matches = await asyncio.to_thread(
            lambda: verify_password(password, _unknown_name_hash() if user is None else user.password_hash)
        )
        if user is None or not matches:
            await self.throttle.failed(username, address)
            raise NotAuthenticated("error.bad_credentials")
        await self.throttle.succeeded(username, address)
        if needs_rehash(user.password_hash):
            user = replace(user, password_hash=await asyncio.to_thread(hash_password, password))
            await self.store.add_user(user)
        if user.disabled:
            raise NotAuthenticated("error.account_disabled")
        if user.hall is not None and self._is_retired(user.hall):
            raise NotAuthenticated("error.token_hall_retired")
        role = Role(user.role)
        token = self.signer.issue(user.username, role, user.hall, user.token_generation, self.clock.now())
        return token, Principal(name=user.username, role=role, hall=user.hall)

    async def logout(self, principal: Principal) -> None:
        """Ends every session of the signed-in person (all their tokens), on every process."""
        if principal.role is None:
            raise Forbidden("error.logout_device")
        user = await self.store.get_user(principal.name)
        if user is not None:
            await self.store.add_user(replace(user, token_generation=user.token_generation + 1))
        self._accounts.forget(principal.name)

    async def authenticate(self, token: str | None) -> Principal:
        if not token:
            raise NotAuthenticated()
        if token.startswith("owd_"):
            device_principal = self._served(await self._device(hash_device_token(token)))
            await self.presence.seen(device_principal)
            return device_principal
        principal, generation = self.signer.verify(token, self.clock.now())
        current = await self._current_generation(principal.name)
        if isinstance(current, str):
            raise NotAuthenticated(current)
        if current != generation:
            raise NotAuthenticated("error.token_revoked")
        return self._served(principal)

    def _served(self, principal: Principal) -> Principal:
        """A device or account of a retired hall is refused (an admin, bound to no hall, is not)."""
        if principal.hall is not None and self._is_retired(principal.hall):
            raise NotAuthenticated("error.token_hall_retired")
        return principal

    def _revoked(self, account: str) -> None:
        """A revocation notice (queue_server.notices): forget what was read of the account, or
        of every account and device."""
        if account:
            self._accounts.forget(account)
        else:
            self._accounts.forget()
            self._devices.forget()

    async def _device(self, digest: str) -> Principal:
        """The device of a token; read from the store again after REVOCATION_CHECK_S."""
        device = await self._devices.get(digest)
        if device is None:
            raise NotAuthenticated("error.device_not_registered")
        return device

    async def _read_device(self, digest: str) -> Principal | None:
        device = await self.store.device_by_token_hash(digest)
        if device is None:
            return None
        return Principal(
            name=device.name, device=DeviceKind(device.kind), hall=device.hall, window=device.window
        )

    async def _current_generation(self, username: str) -> str | int:
        """The account's token generation, or why it has none (the message key: gone or
        disabled), read from the store again after REVOCATION_CHECK_S, so a revocation on any
        process holds here that soon (at once with its notice)."""
        return await self._accounts.get(username)

    async def _read_generation(self, username: str) -> str | int:
        user = await self.store.get_user(username)
        if user is None:
            return "error.token_revoked"
        return "error.account_disabled" if user.disabled else user.token_generation

    @property
    def signer(self) -> TokenSigner:
        if self._signer is None:
            raise RuntimeError("service not started")
        return self._signer

    # ---- reading --------------------------------------------------------------------

    def _is_retired(self, hall_id: str) -> bool:
        # A hall retired by another process is retired here at its next look at the store's
        # set; one whose retirement this process already caught up with in the ledger, at once.
        runtime = self.halls.get(hall_id)
        return hall_id in self.retired or (runtime is not None and runtime.state.retired)

    def hall(self, hall_id: str) -> HallRuntime:
        if self._is_retired(hall_id):
            raise NotFound("error.hall_retired", hall=hall_id)
        runtime = self.halls.get(hall_id)
        if runtime is None:
            raise NotFound("error.unknown_hall", hall=hall_id)
        return runtime

    async def snapshot(self, hall_id: str) -> dict[str, Any]:
        return await self.hall(hall_id).snapshot()

    def spec(self, hall_id: str) -> HallSpec:
        """The hall's settings as this process has them now (changed live by `configure_hall`)."""
        return self.hall(hall_id).state.spec

    def specs(self) -> tuple[HallSpec, ...]:
        return tuple(runtime.state.spec for runtime in self.halls.values())

    async def hall_settings(self, hall_id: str, principal: Principal) -> dict[str, Any]:
        """The hall's settings as a document (config.toml's [[halls]] table), with the seq and
        their version (what a save from them gives back, to be refused if they changed since)."""
        principal.require(hall_id, roles=MANAGERS)
        state = await self.hall(hall_id).current()
        return {
            "settings": hall_document(state.spec),
            "seq": state.seq,
            "version": settings_version(state.spec),
        }

    async def configure_hall(
        self,
        hall_id: str,
        document: dict[str, Any],
        principal: Principal,
        check: Callable[[HallSpec], None] = lambda spec: None,
        version: str | None = None,
    ) -> dict[str, Any]:
        """New settings for the hall, live on every process from its next step; Conflict naming
        what is in the way. The `hall.configured` event records who changed what, and when.
        `check` refuses what other packages' settings do not allow (a kiosk's printer). With the
        `version` the settings were read at, a save from settings changed since is refused,
        naming who changed them and when (checked in the step: of two saves, the second)."""
        principal.require(hall_id, roles=MANAGERS)
        runtime = self.hall(hall_id)
        try:
            spec = read_hall({**document, "id": hall_id}, "settings", before=runtime.state.spec)
        except InvalidHallDocument as exc:
            raise Conflict("error.settings_invalid", problems="; ".join(exc.problems)) from None
        check(spec)

        def configure(state: HallState, now: datetime) -> Outcome:
            if version is not None and settings_version(state.spec) != version:
                raise _StaleSettings("error.settings_stale")
            return state.configure(spec, now, principal.actor)

        try:
            outcome = await runtime.run(configure)
        except _StaleSettings:
            raise await self._stale_settings(hall_id) from None
        seq = outcome.events[-1].seq if outcome.events else runtime.state.seq  # unchanged: as it is
        return {"settings": hall_document(spec), "seq": seq, "version": settings_version(spec)}

    async def create_hall(
        self, document: dict[str, Any], principal: Principal, check: Callable[[HallSpec], None]
    ) -> dict[str, Any]:
        """A new hall (admin): served here at once and on every other process at its next look
        at the store's set of halls. Its first step is its settings, so it loads as any hall."""
        if principal.role is not Role.ADMIN:
            raise Forbidden("error.forbidden_role", role=principal.label)
        try:
            spec = read_hall({**self._settings.hall_seeds, **document}, "hall")
        except InvalidHallDocument as exc:
            raise Conflict("error.settings_invalid", problems="; ".join(exc.problems)) from None
        check(spec)
        if spec.id in self.halls or spec.id in self.retired:
            raise Conflict("error.hall_exists", hall=spec.id)
        now = self.clock.now()
        first = HallState(spec, today=service_day(now, spec.timezone)).create(now, principal.actor)
        if not await self.store.add_hall(spec.id, now, first):
            raise Conflict("error.hall_exists", hall=spec.id)
        await self._serve()
        await self.store.add_audit(
            AuditEntry(
                now,
                principal.actor,
                "hall.created",
                spec.id,
                spec.id,
                {"name": spec.name, "name_en": spec.name_en},
            )
        )
        return {
            "settings": hall_document(spec),
            "seq": first.events[-1].seq,
            "version": settings_version(spec),
        }

    async def retire_hall(self, hall_id: str, principal: Principal) -> dict[str, Any]:
        """No more service in the hall (admin), its ledger kept; refused while visitors hold
        open tickets or bookings ahead, or for the last hall."""
        if principal.role is not Role.ADMIN:
            raise Forbidden("error.forbidden_role", role=principal.label)
        # Under the halls' lock: two retirements at once here cannot both pass "not the last".
        async with self._looking_at_halls:
            outcome, now = await self._retire(hall_id, principal)
        await self.store.add_audit(AuditEntry(now, principal.actor, "hall.retired", hall_id, hall_id, {}))
        return {"hall": hall_id, "retired_at": now.isoformat(), "seq": outcome.events[-1].seq}

    async def _retire(self, hall_id: str, principal: Principal) -> tuple[Outcome, datetime]:
        runtime = self.hall(hall_id)
        if len(self.halls) == 1:
            raise Conflict("error.hall_last", hall=hall_id)
        now = self.clock.now()
        booked = [
            b
            for b in await self.store.bookings_between(hall_id, now, now + BOOKINGS_AHEAD)
            if b.status == "booked"
        ]
        if booked:
            first = min(b.slot_start for b in booked).astimezone(runtime.state.spec.timezone)
            raise Conflict(
                "error.hall_retire_bookings",
                hall=hall_id,
                bookings=len(booked),
                first=f"{first:%Y-%m-%d %H:%M}",
            )
        outcome = await runtime.run(lambda state, now: state.retire(now, principal.actor))
        # Retired here from the step on, even if what follows fails. This process's open sockets
        # of the hall are closed now; the others' at their next look at the store's set of
        # halls (within HALLS_CHECK_S), which tells them the same.
        self.retired[hall_id] = now
        self.halls.pop(hall_id, None)
        self.backends.notices.here(EVERYONE)
        # Erased before its row is marked: a process stopping in between erases at its next start.
        await self._erase_phones(hall_id, now)
        await self.store.retire_hall(hall_id, now)
        return outcome, now

    async def _erase_phones(self, hall_id: str, now: datetime) -> None:
        """Erases at once what the retired hall keeps of visitors' phones (docs/PRIVACY.md): the
        daily retention job walks the halls served only. Past every row: a booking cancelled for
        a slot ahead keeps its phone hash too, and none is later than BOOKINGS_AHEAD."""
        past_all = now + BOOKINGS_AHEAD
        erased = (
            await self.store.erase_online_claims(hall_id, past_all)
            + await self.store.erase_booking_phones(hall_id, past_all, past_all)
            + await self.store.erase_visitor_contacts(hall_id, past_all.date())
        )
        log.info("hall %s retired: erased %d phone hashes and numbers of its visitors", hall_id, erased)

    async def _stale_settings(self, hall_id: str) -> Conflict:
        """The refusal of a save from older settings: who changed them last, and when (in the
        hall's time zone)."""
        zone = self.spec(hall_id).timezone
        changes = await self.store.events_since(hall_id, LEDGER_START, (EventType.HALL_CONFIGURED.value,))
        if not changes:  # changed by a restart with another config.toml
            return Conflict("error.settings_stale_unknown")
        last = changes[-1]
        who = (last.actor or "").partition(":")[2] or last.actor or "-"
        return Conflict("error.settings_stale", actor=who, at=f"{last.at.astimezone(zone):%Y-%m-%d %H:%M}")

    async def devices(self, hall_id: str) -> list[dict[str, Any]]:
        """Every registered device of the hall, with whether it is connected and last seen."""
        self.hall(hall_id)
        result = []
        for device in await self.store.list_devices(hall_id):
            seen = await self.presence.get(hall_id, device.name)
            entry = {
                "id": device.id,
                "name": device.name,
                "kind": device.kind,
                "hall": hall_id,
                "window": device.window,
                "created_at": device.created_at.isoformat(),
                "connected": False,
                "last_seen": None,
            }
            if seen is not None:
                entry.update(seen.public())
            result.append(entry)
        return result

    async def answered(self, hall_id: str, key: str | None) -> dict[str, Any] | None:
        """The ticket a step asked with this idempotency key already gave, if it was taken."""
        if key is None:
            return None
        runtime = self.hall(hall_id)
        reply = await runtime.answered(key)
        if reply is None or reply.ticket is None:
            return None
        return await self.ticket_view(hall_id, reply.ticket)

    async def hall_of_ticket(self, ticket_id: str) -> str | None:
        """The hall of a ticket: today's tickets are in memory, older ones in the store."""
        for hall_id, runtime in self.halls.items():
            if ticket_id in runtime.state.tickets:
                return hall_id
        for hall_id in list(self.halls):  # a copy: halls change while this awaits
            if await self.store.get_ticket(hall_id, ticket_id) is not None:
                return hall_id
        return None

    async def changes(self, hall_id: str) -> AsyncIterator[None]:
        """Yields at once, then after each of the hall's events: for a page that shows a view
        of the hall rather than the events. One that fell behind a burst is subscribed again
        (and yields at once again), so that it never misses the latest state."""
        self.hall(hall_id)
        while True:
            subscription = await self.bus.subscribe(hall_id, None)
            try:
                yield
                async for _ in subscription:
                    yield
            except SubscriberOverflow:
                continue
            finally:
                await subscription.close()

    async def ticket_view(self, hall_id: str, ticket_id: str) -> dict[str, Any]:
        # Current with every committed step, whichever process took it.
        state = await self.hall(hall_id).current()
        ticket = state.tickets.get(ticket_id) or await self.store.get_ticket(hall_id, ticket_id)
        if ticket is None:
            raise NotFound("error.unknown_ticket", hall=hall_id, ticket=ticket_id)
        return ticket_view(state, ticket)

    # ---- acting ---------------------------------------------------------------------

    async def issue_ticket(
        self,
        hall_id: str,
        principal: Principal,
        *,
        category: str,
        priority: str,
        channel: str | None,
        appointment: Appointment | None,
        key: str | None = None,
    ) -> dict[str, Any]:
        principal.require(hall_id, roles=STAFF, devices=(DeviceKind.KIOSK,))
        if principal.device is DeviceKind.KIOSK:
            self._check_kiosk_may_issue(hall_id, priority, appointment)
        # A kiosk cannot claim to be the counter to get round the opening hours.
        channel = "kiosk" if principal.device is DeviceKind.KIOSK else channel or "counter"
        return await self.issue_for_visitor(
            hall_id,
            principal.actor,
            category=category,
            priority=priority,
            channel=channel,
            appointment=appointment,
            key=key,
        )

    def _check_kiosk_may_issue(self, hall_id: str, priority: str, appointment: Appointment | None) -> None:
        """Green channel and appointments are given by staff and bookings (checked in with their
        code), never chosen at a kiosk: the API refuses what the kiosk page does not offer."""
        offered = {NORMAL} | self.hall(hall_id).state.spec.priority_codes()
        if priority in (GREEN_CHANNEL, APPOINTMENT) or appointment is not None:
            raise Forbidden(
                "error.kiosk_priority",
                priority="appointment" if appointment else priority,
                allowed=sorted(offered),
            )

    async def ticket_action(
        self, hall_id: str, ticket_id: str, action: str, principal: Principal
    ) -> dict[str, Any]:
        """Cancel or reactivate a ticket (staff at the counter)."""
        principal.require(hall_id, roles=STAFF)
        if action == "cancel":
            return await self._ticket_step(hall_id, lambda s, now: s.cancel(ticket_id, now, principal.actor))
        return await self._ticket_step(hall_id, lambda s, now: s.reactivate(ticket_id, now, principal.actor))

    async def _ticket_step(self, hall_id: str, decide: Decision) -> dict[str, Any]:
        """Runs a step on one ticket and answers with that ticket's view."""
        runtime = self.hall(hall_id)
        outcome = await runtime.run(decide)
        assert outcome.ticket is not None  # every ticket step puts its ticket
        ticket = runtime.state.tickets.get(outcome.ticket.id, outcome.ticket)
        return ticket_view(runtime.state, ticket)

    async def window_action(
        self,
        hall_id: str,
        number: int,
        command: WindowCommand,
        principal: Principal,
        key: str | None = None,
    ) -> dict[str, Any]:
        principal.require(hall_id, roles=STAFF)
        if command.verb == "set-services" and principal.role not in MANAGERS:
            raise Forbidden("error.forbidden_role", role=principal.label)
        runtime = self.hall(hall_id)
        act = _WINDOW_ACTIONS[command.verb]

        def decide(state: HallState, now: datetime) -> Outcome:
            _check_window_owner(state.window(number), command.verb, principal)
            return act(state, number, command, now, principal)

        outcome = await runtime.run(decide, key, window_step=True)
        state = runtime.state
        window = state.window(number)
        ticket = outcome.ticket
        if ticket is not None:
            ticket = state.tickets.get(ticket.id, ticket)
        return {
            "ticket": None if ticket is None else ticket_view(state, ticket),
            "window": window.public(),
        }

    # ---- issuing for visitors (kiosk, online, booking check-in) -----------------------

    # Channels where visitors take a number themselves, so the opening hours apply.
    SELF_SERVICE_CHANNELS = frozenset({"kiosk", "online"})

    async def issue_for_visitor(
        self,
        hall_id: str,
        actor: str,
        *,
        category: str,
        priority: str,
        channel: str,
        appointment: Appointment | None,
        key: str | None = None,
    ) -> dict[str, Any]:
        """Issue for a caller already authorised: by issue_ticket, or by the online and booking
        routes, which check visitors themselves. Visitors taking a number themselves (kiosk,
        online) are held to the opening hours; staff at the counter are not."""
        runtime = self.hall(hall_id)
        ticket_id = secrets.token_urlsafe(16)

        def decide(state: HallState, now: datetime) -> Outcome:
            cat = state.spec.category(category)
            if channel in self.SELF_SERVICE_CHANNELS and cat is not None:
                self._refuse_outside_hours(state.spec, cat, now)
            return state.issue(ticket_id, category, priority, channel, now, actor, appointment)

        outcome = await runtime.run(decide, key)
        if outcome.ticket is None:  # a key retried after its ticket left the live state
            raise NotFound("error.unknown_ticket", hall=hall_id, ticket="-")
        return ticket_view(runtime.state, runtime.state.tickets.get(ticket_id, outcome.ticket), outcome.ahead)

    @staticmethod
    def _refuse_outside_hours(spec: HallSpec, category: Category, now: datetime) -> None:
        """409 naming the reason (closed, 今日取号已结束, weekday-only matter) and next opening."""
        refusal = issue_refusal(spec.hours, spec.timezone, category, now)
        if refusal is None:
            return
        upcoming = next_opening(spec.hours, spec.timezone, now)
        raise Conflict(
            refusal.value,
            category=category.name,
            category_en=category.name_en,
            next_opening=None if upcoming is None else upcoming.isoformat(),
            next="-" if upcoming is None else upcoming.strftime("%Y-%m-%d %H:%M"),
        )

    # ---- supervisors and visitors (clerk console) ------------------------------------

    async def transfer_ticket(
        self,
        hall_id: str,
        ticket_id: str,
        principal: Principal,
        *,
        to_category: str | None,
        to_window: int | None,
    ) -> dict[str, Any]:
        """A supervisor moves any live ticket to another category or window."""
        principal.require(hall_id, roles=MANAGERS)
        return await self._ticket_step(
            hall_id,
            lambda s, now: s.transfer(
                ticket_id, now, principal.actor, to_category=to_category, to_window=to_window
            ),
        )

    async def prioritise_ticket(
        self, hall_id: str, ticket_id: str, priority: str, principal: Principal
    ) -> dict[str, Any]:
        principal.require(hall_id, roles=MANAGERS)
        return await self._ticket_step(
            hall_id, lambda s, now: s.prioritise(ticket_id, priority, now, principal.actor)
        )

    async def post_notice(self, hall_id: str, text: str, principal: Principal) -> int:
        """Returns the seq of the notice event."""
        principal.require(hall_id, roles=MANAGERS)
        outcome = await self.hall(hall_id).run(lambda s, now: s.post_notice(text, now, principal.actor))
        return outcome.events[-1].seq

    async def record_rating(self, hall_id: str, ticket_id: str, level: int, bad: bool, actor: str) -> None:
        """The ledger entry and live event of a rating the caller has already stored."""
        await self.hall(hall_id).run(lambda s, now: s.rate(ticket_id, level, bad, now, actor))

    async def ticket_history(
        self, hall_id: str, ticket_id: str, principal: Principal
    ) -> list[dict[str, Any]]:
        """Every ledger entry of one ticket, oldest first (服务日志台账)."""
        principal.require(hall_id, roles=STAFF)
        self.hall(hall_id)
        return [event.to_json() for event in await self.store.ticket_events(hall_id, ticket_id)]


def idempotency_key(actor: str, header: str | None) -> str | None:
    """The key a step is committed with: the caller's `Idempotency-Key`, in the caller's own
    name so that two callers choosing the same key never share an answer."""
    if header is None:
        return None
    if not header or len(header) > IDEMPOTENCY_KEY_MAX or not header.isprintable():
        raise Invalid(
            "error.bad_field",
            field="Idempotency-Key",
            problem=f"1 to {IDEMPOTENCY_KEY_MAX} printable characters",
        )
    return f"{actor}|{header}"


def ticket_view(state: HallState, ticket: Ticket, ahead: int | None = None) -> dict[str, Any]:
    """The ticket as its visitor sees it; `ahead` if already known (counted at issue)."""
    view = ticket.public()
    if ahead is None or ticket.status is not TicketStatus.WAITING:
        ahead = state.ahead_of(ticket)
    view["ahead"] = ahead
    view["position"] = ahead + 1 if view["status"] == "waiting" else None
    view["estimated_wait_s"] = state.estimated_wait_s(ticket, ahead)
    category = state.spec.category(ticket.category)
    view["category_name"] = None if category is None else category.name
    view["category_name_en"] = None if category is None else category.name_en
    return view


def _check_window_owner(window: Window, verb: str, principal: Principal) -> None:
    """A clerk acts only on the window they opened; supervisors on any window of their hall."""
    if principal.role is not Role.CLERK:
        return
    if window.state is WindowState.CLOSED:
        if verb == "open":
            return
        # Nobody holds a closed window: the clerk who just closed it hears that, not "opened by -".
        raise Conflict("error.window_not_open", window=window.number, state=window.state.value)
    if window.clerk != principal.name:
        raise Forbidden("error.forbidden_window", window=window.number, clerk=window.clerk or "-")


_Act = Callable[[HallState, int, WindowCommand, datetime, Principal], Outcome]


def _open(s: HallState, n: int, c: WindowCommand, now: datetime, p: Principal) -> Outcome:
    return s.open_window(n, p.name if p.role is Role.CLERK else None, now, p.actor)


_WINDOW_ACTIONS: dict[str, _Act] = {
    "call-next": lambda s, n, c, now, p: s.call_next(n, now, p.actor),
    "call": lambda s, n, c, now, p: s.call_number(n, c.number or "", now, p.actor),
    "recall": lambda s, n, c, now, p: s.recall(n, now, p.actor),
    "start": lambda s, n, c, now, p: s.start(n, now, p.actor),
    "finish": lambda s, n, c, now, p: s.finish(n, now, p.actor),
    "no-show": lambda s, n, c, now, p: s.no_show(n, now, p.actor),
    "hold": lambda s, n, c, now, p: s.hold(n, now, p.actor),
    "call-back": lambda s, n, c, now, p: s.call_back(n, c.ticket, now, p.actor),
    "transfer": lambda s, n, c, now, p: s.transfer_current(
        n, now, p.actor, to_category=c.to_category, to_window=c.to_window
    ),
    "pause": lambda s, n, c, now, p: s.pause(n, c.reason, now, p.actor),
    "resume": lambda s, n, c, now, p: s.resume(n, now, p.actor),
    "open": _open,
    "close": lambda s, n, c, now, p: s.close(n, now, p.actor),
    "set-services": lambda s, n, c, now, p: s.set_services(
        n, None if c.categories is None else frozenset(c.categories), now, p.actor
    ),
}


WINDOW_VERBS = tuple(_WINDOW_ACTIONS)
