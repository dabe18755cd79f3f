"""Creating accounts and devices (used by the CLI and the demo)."""

from __future__ import annotations

import secrets

from queue_server.auth import DeviceKind, Role, hash_device_token, hash_password, new_device_token
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
    if len(password) < 8:
        raise AccountError("the password must have at least 8 characters")
    user = UserRecord(
        username=name,
        role=role.value,
        hall=_check_hall(settings, hall, needed=role is not Role.ADMIN),
        password_hash=hash_password(password),
        created_at=clock.now(),
    )
    await store.add_user(user)
    return user


async def add_device(
    store: Store,
    settings: Settings,
    clock: Clock,
    name: str,
    kind: DeviceKind,
    hall: str | None,
    token: str | None = None,
) -> str:
    """Registers a device and returns its token: shown once, only its hash is kept.

    `token` registers a token issued before (the demo's, after its store was reset)."""
    token = token or new_device_token()
    await store.add_device(
        DeviceRecord(
            id=secrets.token_hex(8),
            name=name,
            kind=kind.value,
            hall=_check_hall(settings, hall, needed=True),
            token_hash=hash_device_token(token),
            created_at=clock.now(),
        )
    )
    return token
