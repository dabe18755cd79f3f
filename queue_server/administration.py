"""The administration verbs behind the admin pages: who may change which account or device.

Admins manage every account and device. A supervisor manages the clerk accounts of their own
hall (create, disable, enable, reset the password) and the devices of their own hall; roles and
halls are changed by admins only. Every change is written to the audit with who made it
(queue_server.accounts), and one that takes access away is told to every process at once
(queue_server.notices): their cached sign-ins are dropped and their open sockets checked again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from queue_server import accounts
from queue_server.auth import MANAGERS, DeviceKind, Principal, Role
from queue_server.clock import Clock
from queue_server.config import Settings
from queue_server.domain.errors import Conflict, Forbidden, NotFound
from queue_server.notices import Notices
from queue_server.storage.base import AuditEntry, DeviceRecord, Store, UserRecord

# The hall ledger's events that are staff changes rather than service (the audit page shows
# them beside the accounts' and devices'): a hall's settings, a window's categories, a ticket
# made a priority, a notice to the screens.
AUDITED_EVENTS = ("hall.configured", "window.services_changed", "ticket.prioritised", "hall.notice")
NOTICE_SHOWN_CHARS = 80

# Whether a device's name is written in the configuration (a kiosk or printer of [ticketing]
# printers, or of the hall's settings): renaming it in the store alone would break its printing.
NamedInConfig = Callable[[str, str], bool]


def account_view(user: UserRecord) -> dict[str, Any]:
    return {
        "username": user.username,
        "role": user.role,
        "hall": user.hall,
        "disabled": user.disabled,
        "created_at": user.created_at.isoformat(),
    }


def device_view(device: DeviceRecord) -> dict[str, Any]:
    return {
        "id": device.id,
        "name": device.name,
        "kind": device.kind,
        "hall": device.hall,
        "window": device.window,
        "created_at": device.created_at.isoformat(),
    }


class Administration:
    def __init__(
        self,
        store: Store,
        settings: Callable[[], Settings],
        clock: Clock,
        notices: Notices,
        named_in_config: NamedInConfig,
    ) -> None:
        self.store, self._settings, self.clock, self.notices = store, settings, clock, notices
        self._named_in_config = named_in_config

    @property
    def settings(self) -> Settings:
        """The settings with the halls served now (added and retired live)."""
        return self._settings()

    # ---- accounts ---------------------------------------------------------------------

    async def users(self, caller: Principal) -> list[dict[str, Any]]:
        """Every account for an admin; a supervisor's own hall's clerks for a supervisor."""
        _require_manager(caller)
        return [
            account_view(user)
            for user in await self.store.list_users()
            if caller.role is Role.ADMIN or (user.role == Role.CLERK and user.hall == caller.hall)
        ]

    async def create_user(
        self, caller: Principal, name: str, role: Role, password: str, hall: str | None
    ) -> dict[str, Any]:
        _require_manager(caller)
        if caller.role is Role.SUPERVISOR:
            hall = hall or caller.hall
        _may_manage(caller, role, accounts.account_hall(self.settings, hall, role))
        if await self.store.get_user(name) is not None:
            raise Conflict("error.user_exists", username=name)
        user = await accounts.add_user(
            self.store, self.settings, self.clock, name, role, password, hall, actor=caller.actor
        )
        return account_view(user)

    async def set_disabled(self, caller: Principal, name: str, disabled: bool) -> dict[str, Any]:
        user = await self._managed(caller, name)
        if disabled and user.role == Role.ADMIN and not user.disabled:
            await self._keep_an_admin(user)
        changed = await accounts.set_disabled(self.store, self.clock, name, disabled, actor=caller.actor)
        await self.notices.revoked(name)
        return account_view(changed)

    async def reset_password(self, caller: Principal, name: str, password: str) -> dict[str, Any]:
        await self._managed(caller, name)
        changed = await accounts.reset_password(self.store, self.clock, name, password, actor=caller.actor)
        await self.notices.revoked(name)
        return account_view(changed)

    async def change_role(self, caller: Principal, name: str, role: Role, hall: str | None) -> dict[str, Any]:
        if caller.role is not Role.ADMIN:
            raise Forbidden("error.forbidden_role", role=caller.label)
        user = await accounts.existing_user(self.store, name)
        if user.role == Role.ADMIN and role is not Role.ADMIN and not user.disabled:
            await self._keep_an_admin(user)
        changed = await accounts.change_role(
            self.store, self.settings, self.clock, name, role, hall, actor=caller.actor
        )
        await self.notices.revoked(name)
        return account_view(changed)

    async def _managed(self, caller: Principal, name: str) -> UserRecord:
        _require_manager(caller)
        user = await accounts.existing_user(self.store, name)
        _may_manage(caller, Role(user.role), user.hall)
        return user

    async def _keep_an_admin(self, user: UserRecord) -> None:
        """The last enabled admin stays one: nobody could manage the accounts after it."""
        others = [
            u
            for u in await self.store.list_users()
            if u.role == Role.ADMIN and not u.disabled and u.username != user.username
        ]
        if not others:
            raise Conflict("error.last_admin", username=user.username)

    # ---- the audit ----------------------------------------------------------------------

    async def audit(
        self, caller: Principal, day: date | None, actor: str | None, kind: str | None
    ) -> dict[str, Any]:
        """The day's changes, newest first: an admin's of every hall and account, a supervisor's
        of their own hall. `actors` and `kinds` are those of the whole day, to filter by."""
        _require_manager(caller)
        home = self.settings.hall(caller.hall or "") or self.settings.halls[0]
        zone = home.timezone
        day = day or self.clock.now().astimezone(zone).date()
        start = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
        end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
        # Oldest first, so that of two changes in the same instant the later stays later.
        entries = [
            _audit_view(entry)
            for entry in reversed(await self.store.audit(start, end))
            if caller.role is Role.ADMIN or entry.hall == caller.hall
        ]
        for spec in self.settings.halls:
            if caller.in_hall(spec.id):
                for event in await self.store.events_since(spec.id, start, AUDITED_EVENTS):
                    # A hall's first settings are its creation, audited as such (hall.created).
                    if event.at < end and event.actor is not None and not event.data.get("created"):
                        entries.append(
                            _event_view(event.hall, event.type.value, event.at, event.actor, event.data)
                        )
        entries.sort(key=lambda entry: str(entry["at"]))
        entries.reverse()
        shown = [
            e
            for e in entries
            if (actor is None or e["actor"] == actor) and (kind is None or e["kind"] == kind)
        ]
        return {
            "day": day.isoformat(),
            "timezone": zone.key,
            "entries": shown,
            "actors": sorted({e["actor"] for e in entries}),
            "kinds": sorted({e["kind"] for e in entries}),
        }

    # ---- devices ----------------------------------------------------------------------

    async def add_device(
        self, caller: Principal, hall: str, name: str, kind: DeviceKind, window: int | None
    ) -> dict[str, Any]:
        self._hall_manager(caller, hall)
        await accounts.unused_device_name(self.store, hall, name)
        token = await accounts.add_device(
            self.store, self.settings, self.clock, name, kind, hall, window=window, actor=caller.actor
        )
        device = next(d for d in await self.store.list_devices(hall) if d.name == name)
        return {**device_view(device), "token": token}

    async def rename_device(self, caller: Principal, hall: str, device_id: str, name: str) -> dict[str, Any]:
        device = await self._device(caller, hall, device_id)
        if name != device.name and self._named_in_config(hall, device.name):
            raise Conflict("error.device_in_config", device=device.name, kind=device.kind)
        renamed = await accounts.rename_device(self.store, self.clock, device, name, actor=caller.actor)
        # Its open sockets go on under the old name until they reconnect: they are closed.
        await self.notices.revoked(None)
        return device_view(renamed)

    async def revoke_device(self, caller: Principal, hall: str, device_id: str) -> None:
        device = await self._device(caller, hall, device_id)
        await accounts.revoke_device(self.store, self.clock, device, actor=caller.actor)
        await self.notices.revoked(None)

    async def reissue_device(self, caller: Principal, hall: str, device_id: str) -> dict[str, Any]:
        device = await self._device(caller, hall, device_id)
        token = await accounts.reissue_device(self.store, self.clock, device, actor=caller.actor)
        await self.notices.revoked(None)
        return {**device_view(device), "token": token}

    async def _device(self, caller: Principal, hall: str, device_id: str) -> DeviceRecord:
        self._hall_manager(caller, hall)
        return await accounts.hall_device(self.store, hall, device_id)

    def _hall_manager(self, caller: Principal, hall: str) -> None:
        if self.settings.hall(hall) is None:
            raise NotFound("error.unknown_hall", hall=hall)
        caller.require(hall, roles=MANAGERS)


def _audit_view(entry: AuditEntry) -> dict[str, Any]:
    return {
        "at": entry.at.isoformat(),
        "actor": entry.actor,
        "kind": entry.kind,
        "hall": entry.hall,
        "subject": entry.subject,
        "data": entry.data,
    }


def _event_view(hall: str, kind: str, at: datetime, actor: str, data: dict[str, Any]) -> dict[str, Any]:
    """A ledger event as an audit entry: what it changed, named for a person."""
    window, ticket = data.get("window") or {}, data.get("ticket") or {}
    subject = {
        "window.services_changed": str(window.get("number", "")),
        "ticket.prioritised": str(ticket.get("number", "")),
        "hall.notice": str(data.get("text", ""))[:NOTICE_SHOWN_CHARS],
    }.get(kind, hall)
    details: dict[str, Any] = {}
    if kind == "window.services_changed":
        details["categories"] = window.get("categories")
    elif kind == "ticket.prioritised":
        details["priority"] = [data.get("previous"), ticket.get("priority")]
    elif kind == "hall.configured":  # compared with the settings before, when the step was taken
        details["changes"] = data.get("changes", [])
    return {
        "at": at.isoformat(),
        "actor": actor,
        "kind": kind,
        "hall": hall,
        "subject": subject,
        "data": details,
    }


def _require_manager(caller: Principal) -> None:
    if caller.role not in MANAGERS:
        raise Forbidden("error.forbidden_role", role=caller.label)


def _may_manage(caller: Principal, role: Role, hall: str | None) -> None:
    """Admins manage every account; a supervisor only the clerks of their own hall."""
    if caller.role is Role.ADMIN:
        return
    if role is not Role.CLERK:
        raise Forbidden("error.forbidden_account", role=role.value)
    if hall != caller.hall:
        raise Forbidden("error.forbidden_hall", hall=hall or "-")
