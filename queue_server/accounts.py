"""Accounts and devices in the store: create, disable, reset, change, rename, re-issue, revoke.

The CLI, the demo and the administration API (queue_server.administration, which checks who
may) all change them here. Given an `actor`, a change is written to the audit with who made it
and when; the demo's and the tests' seeding passes none.
"""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import replace
from typing import Any

from queue_server.auth import (
    MIN_PASSWORD_CHARS,
    DeviceKind,
    Role,
    hash_device_token,
    hash_password,
    new_device_token,
    password_problem,
)
from queue_server.clock import Clock
from queue_server.config import Settings
from queue_server.domain.errors import Conflict, Invalid, NotFound
from queue_server.messages import translate
from queue_server.storage.base import AuditEntry, DeviceRecord, Store, UserRecord


class AccountError(Invalid):
    """Input the accounts refuse (422): worded in English by str() for the CLI, in the caller's
    language by the API."""

    def __str__(self) -> str:
        return translate(self.key, "en", **self.params)


def account_hall(settings: Settings, hall: str | None, role: Role) -> str | None:
    """The hall an account of `role` is bound to: none for admins; for the others the one given,
    or the only hall of a one-hall server."""
    if role is Role.ADMIN:
        return None
    return device_hall(settings, hall)


def device_hall(settings: Settings, hall: str | None) -> str:
    if hall is None:
        if len(settings.halls) != 1:
            raise AccountError("error.hall_required", known=", ".join(h.id for h in settings.halls))
        return settings.halls[0].id
    if settings.hall(hall) is None:
        raise NotFound("error.unknown_hall", hall=hall)
    return hall


async def _audit(
    store: Store,
    clock: Clock,
    actor: str | None,
    kind: str,
    subject: str,
    hall: str | None,
    data: dict[str, Any] | None = None,
) -> None:
    if actor is not None:
        await store.add_audit(AuditEntry(clock.now(), actor, kind, subject, hall, data or {}))


def _check_password(password: str) -> None:
    problem = password_problem(password)
    if problem is not None:
        raise AccountError(problem, minimum=MIN_PASSWORD_CHARS)


async def existing_user(store: Store, name: str) -> UserRecord:
    user = await store.get_user(name)
    if user is None:
        raise NotFound("error.unknown_account", username=name)
    return user


async def add_user(
    store: Store,
    settings: Settings,
    clock: Clock,
    name: str,
    role: Role,
    password: str,
    hall: str | None,
    *,
    actor: str | None = None,
) -> UserRecord:
    """Creates the account, or resets an existing one (new password, role and hall, enabled)."""
    _check_password(password)
    existing = await store.get_user(name)
    user = UserRecord(
        username=name,
        role=role.value,
        hall=account_hall(settings, hall, role),
        password_hash=await asyncio.to_thread(hash_password, password),
        created_at=clock.now() if existing is None else existing.created_at,
        # A reset revokes every token signed in with the old password, and enables again.
        token_generation=0 if existing is None else existing.token_generation + 1,
    )
    await store.add_user(user)
    kind = "account.created" if existing is None else "account.password_reset"
    await _audit(store, clock, actor, kind, name, user.hall, {"role": user.role})
    return user


async def set_disabled(
    store: Store, clock: Clock, name: str, disabled: bool, *, actor: str | None = None
) -> UserRecord:
    """A disabled account can no longer sign in, and its tokens stop working on every process."""
    user = await existing_user(store, name)
    # Enabling again starts a new generation too: tokens from before the disabling stay dead.
    changed = replace(user, disabled=disabled, token_generation=user.token_generation + 1)
    await store.add_user(changed)
    kind = "account.disabled" if disabled else "account.enabled"
    await _audit(store, clock, actor, kind, name, user.hall)
    return changed


async def reset_password(
    store: Store, clock: Clock, name: str, password: str, *, actor: str | None = None
) -> UserRecord:
    """A new password; every token signed in with the old one stops working."""
    _check_password(password)
    user = await existing_user(store, name)
    changed = replace(
        user,
        password_hash=await asyncio.to_thread(hash_password, password),
        token_generation=user.token_generation + 1,
    )
    await store.add_user(changed)
    await _audit(store, clock, actor, "account.password_reset", name, user.hall)
    return changed


async def change_role(
    store: Store,
    settings: Settings,
    clock: Clock,
    name: str,
    role: Role,
    hall: str | None,
    *,
    actor: str | None = None,
) -> UserRecord:
    """A new role and hall. A token names both, so the account's tokens stop working."""
    user = await existing_user(store, name)
    changed = replace(
        user,
        role=role.value,
        hall=account_hall(settings, hall, role),
        token_generation=user.token_generation + 1,
    )
    await store.add_user(changed)
    await _audit(
        store,
        clock,
        actor,
        "account.changed",
        name,
        changed.hall,
        {"role": [user.role, changed.role], "hall": [user.hall, changed.hall]},
    )
    return changed


async def add_device(
    store: Store,
    settings: Settings,
    clock: Clock,
    name: str,
    kind: DeviceKind,
    hall: str | None,
    token: str | None = None,
    window: int | None = None,
    *,
    actor: str | None = None,
) -> str:
    """Registers a device and returns its token: shown once, only its hash is kept.

    `token` registers a token issued before (the demo's, after its store was reset). A screen
    bound to a `window` is that window's rating device (评价器)."""
    hall_id = device_hall(settings, hall)
    if window is not None:
        spec = settings.hall(hall_id)
        if kind is not DeviceKind.SCREEN:
            raise AccountError("error.window_binds_screen")
        if spec is None or spec.window(window) is None:
            raise NotFound("error.unknown_window", hall=hall_id, window=window)
    token = token or new_device_token()
    await store.add_device(
        DeviceRecord(
            id=secrets.token_hex(8),
            name=name,
            kind=kind.value,
            hall=hall_id,
            token_hash=hash_device_token(token),
            created_at=clock.now(),
            window=window,
        )
    )
    await _audit(store, clock, actor, "device.added", name, hall_id, {"kind": kind.value, "window": window})
    return token


async def unused_device_name(store: Store, hall: str, name: str) -> None:
    """Screens, kiosks and printers are told apart by name (presence, print jobs, config): the
    administration API gives no two the same (the demo registers its own again on every start)."""
    if any(device.name == name for device in await store.list_devices(hall)):
        raise Conflict("error.device_exists", hall=hall, device=name)


async def remove_device(
    store: Store, settings: Settings, clock: Clock, name: str, hall: str | None, *, actor: str | None = None
) -> None:
    """The device's token stops working on every process (`onewindow device remove`)."""
    hall_id = device_hall(settings, hall)
    device = next((d for d in await store.list_devices(hall_id) if d.name == name), None)
    if device is None:
        raise NotFound("error.unknown_device", hall=hall_id, device=name)
    await revoke_device(store, clock, device, actor=actor)


async def hall_device(store: Store, hall: str, device_id: str) -> DeviceRecord:
    device = await store.get_device(device_id)
    if device is None or device.hall != hall:
        raise NotFound("error.unknown_device", hall=hall, device=device_id)
    return device


async def revoke_device(
    store: Store, clock: Clock, device: DeviceRecord, *, actor: str | None = None
) -> None:
    await store.forget_device(device.id)
    await _audit(store, clock, actor, "device.revoked", device.name, device.hall, {"kind": device.kind})


async def rename_device(
    store: Store, clock: Clock, device: DeviceRecord, name: str, *, actor: str | None = None
) -> DeviceRecord:
    if name == device.name:
        return device
    await unused_device_name(store, device.hall or "", name)
    renamed = replace(device, name=name)
    await store.save_device(renamed)
    await _audit(
        store, clock, actor, "device.renamed", name, device.hall, {"kind": device.kind, "before": device.name}
    )
    return renamed


async def reissue_device(
    store: Store, clock: Clock, device: DeviceRecord, *, actor: str | None = None
) -> str:
    """A new token for the device, shown once; the old one stops working."""
    token = new_device_token()
    await store.save_device(replace(device, token_hash=hash_device_token(token)))
    await _audit(
        store, clock, actor, "device.token_reissued", device.name, device.hall, {"kind": device.kind}
    )
    return token
