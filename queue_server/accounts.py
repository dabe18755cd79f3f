"""Creating accounts and devices (used by the CLI and the demo)."""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import replace

from queue_server.auth import (
    DeviceKind,
    Role,
    hash_device_token,
    hash_password,
    new_device_token,
    password_problem,
)
from queue_server.clock import Clock
from queue_server.config import Settings
from queue_server.storage.base import DeviceRecord, Store, UserRecord


class AccountError(Exception):
    pass


def _check_hall(settings: Settings, hall: str | None, needed: bool) -> str | None:
    if hall is None and needed:
        if len(settings.halls) != 1:
            raise AccountError("--hall is required: this server runs several halls")
        return settings.halls[0].id
    if hall is not None and settings.hall(hall) is None:
        raise AccountError(f"unknown hall {hall!r} (known: {', '.join(h.id for h in settings.halls)})")
    return hall


async def add_user(
    store: Store,
    settings: Settings,
    clock: Clock,
    name: str,
    role: Role,
    password: str,
    hall: str | None,
) -> UserRecord:
    problem = password_problem(password)
    if problem is not None:
        raise AccountError(problem)
    existing = await store.get_user(name)
    user = UserRecord(
        username=name,
        role=role.value,
        hall=_check_hall(settings, hall, needed=role is not Role.ADMIN),
        password_hash=await asyncio.to_thread(hash_password, password),
        created_at=clock.now(),
        # A reset revokes every token signed in with the old password, and enables again.
        token_generation=0 if existing is None else existing.token_generation + 1,
    )
    await store.add_user(user)
    return user


async def disable_user(store: Store, name: str) -> None:
    """The account can no longer sign in, and its tokens stop working on every process."""
    user = await store.get_user(name)
    if user is None:
        raise AccountError(f"no account {name!r}")
    await store.add_user(replace(user, disabled=True, token_generation=user.token_generation + 1))


async def remove_device(store: Store, settings: Settings, name: str, hall: str | None) -> None:
    """The device's token stops working on every process."""
    hall_id = _check_hall(settings, hall, needed=True)
    assert hall_id is not None
    if not await store.remove_device(hall_id, name):
        raise AccountError(f"no device {name!r} in hall {hall_id}")


async def add_device(
    store: Store,
    settings: Settings,
    clock: Clock,
    name: str,
    kind: DeviceKind,
    hall: str | None,
    token: str | None = None,
    window: int | None = None,
) -> str:
    """Registers a device and returns its token: shown once, only its hash is kept.

    `token` registers a token issued before (the demo's, after its store was reset). A screen
    bound to a `window` is that window's rating device (评价器)."""
    hall_id = _check_hall(settings, hall, needed=True)
    if window is not None:
        spec = settings.hall(hall_id or "")
        if kind is not DeviceKind.SCREEN:
            raise AccountError("--window binds a screen (the window's rating device) only")
        if spec is None or spec.window(window) is None:
            raise AccountError(f"hall {hall_id} has no window {window}")
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
    return token
