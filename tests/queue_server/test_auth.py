"""Accounts and tokens (queue_server/auth.py): argon2id passwords hashed in a thread, old scrypt
hashes upgraded at sign-in, short and common passwords refused (issue #11, items 10 and 11);
signed tokens that expire and cannot be forged; who may act where."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import secrets
import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

import queue_server.auth
import queue_server.service
from queue_server.accounts import AccountError, add_user
from queue_server.auth import (
    MANAGERS,
    MIN_PASSWORD_CHARS,
    STAFF,
    TOKEN_LIFETIME,
    DeviceKind,
    NotAuthenticated,
    Principal,
    Role,
    TokenSigner,
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)
from queue_server.domain.errors import Forbidden
from queue_server.messages import translate
from queue_server.storage import Store, open_store
from tests.conftest import PASSWORD, Hall


def scrypt_hash(password: str) -> str:
    """A hash as OneWindow made them before argon2id (N=2^14, r=8, p=1)."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)
    return f"scrypt$16384$8$1${salt.hex()}${digest.hex()}"


def test_passwords_are_hashed_with_argon2id_at_owasp_minimum_or_above() -> None:
    stored = hash_password(PASSWORD)
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert verify_password(PASSWORD, stored) and not verify_password("wrong " + PASSWORD, stored)
    assert not needs_rehash(stored)
    assert needs_rehash(scrypt_hash(PASSWORD)) and verify_password(PASSWORD, scrypt_hash(PASSWORD))
    assert not verify_password(PASSWORD, "garbage") and not verify_password(PASSWORD, "$argon2id$broken")


@pytest.mark.parametrize("backend", ["embedded"], indirect=True)
def test_an_old_scrypt_hash_is_upgraded_at_sign_in_and_hashing_leaves_the_event_loop(
    hall: Hall, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def on_store(work: object) -> object:
        store: Store = open_store(hall.settings.server.store)
        await store.start()
        try:
            return await work(store)  # type: ignore[operator]
        finally:
            await store.close()

    async def downgrade(store: Store) -> None:
        user = await store.get_user("clerk1")
        assert user is not None
        await store.add_user(replace(user, password_hash=scrypt_hash(PASSWORD)))

    async def stored_hash(store: Store) -> str:
        user = await store.get_user("clerk1")
        assert user is not None
        return user.password_hash

    asyncio.run(on_store(downgrade))
    threads: list[int] = []
    real_verify = queue_server.auth.verify_password

    def recording_verify(password: str, stored: str) -> bool:
        threads.append(threading.get_ident())
        return real_verify(password, stored)

    monkeypatch.setattr(queue_server.service, "verify_password", recording_verify)
    r = hall.client.post("/api/auth/login", json={"username": "clerk1", "password": PASSWORD})
    assert r.status_code == 200
    upgraded = asyncio.run(on_store(stored_hash))
    assert isinstance(upgraded, str) and upgraded.startswith("$argon2id$")
    r = hall.client.post("/api/auth/login", json={"username": "clerk1", "password": PASSWORD})
    assert r.status_code == 200
    loop_threads = {threading.main_thread().ident}
    assert threads and not loop_threads & set(threads)


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("password", "at least 12 characters"),
        ("elevenchars", "at least 12 characters"),
        ("qwerty123456", "most common passwords"),
        ("1q2w3e4r5t6y", "most common passwords"),
        ("Q1W2E3R4T5Y6", "most common passwords"),
    ],
)
def test_short_and_common_passwords_are_refused(password: str, problem: str) -> None:
    key = password_problem(password)
    assert key is not None and problem in translate(key, "en", minimum=MIN_PASSWORD_CHARS)


def test_a_long_uncommon_password_is_fine() -> None:
    assert password_problem("窗口叫号 2026 tidal") is None
    assert password_problem(PASSWORD) is None


def test_the_api_refuses_a_common_password_in_words(hall: Hall) -> None:
    body = {"username": "clerk9", "role": "clerk", "hall": "weiyang", "password": "qwerty123456"}
    r = hall.client.post("/api/users", json=body, headers={**hall.auth("admin"), "Accept-Language": "en"})
    assert r.status_code == 422 and "most common passwords" in r.json()["error"]["message"]


def test_add_user_refuses_a_short_password(hall: Hall) -> None:
    async def run() -> None:
        store = open_store(hall.settings.server.store)
        await store.start()
        try:
            with pytest.raises(AccountError, match="12 characters"):
                await add_user(store, hall.settings, hall.clock, "x", Role.CLERK, "short", "weiyang")
        finally:
            await store.close()

    asyncio.run(run())


# ---- signed bearer tokens and principals --------------------------------------------

SIGNED_AT = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def test_a_token_names_its_person_and_generation_until_it_expires() -> None:
    signer = TokenSigner(b"k" * 32)
    token = signer.issue("clerk1", Role.CLERK, "weiyang", 3, SIGNED_AT)
    principal, generation = signer.verify(token, SIGNED_AT + TOKEN_LIFETIME - timedelta(seconds=1))
    assert principal == Principal("clerk1", role=Role.CLERK, hall="weiyang") and generation == 3
    with pytest.raises(NotAuthenticated):
        signer.verify(token, SIGNED_AT + TOKEN_LIFETIME + timedelta(seconds=1))


def test_a_token_changed_by_hand_or_signed_with_another_key_is_refused() -> None:
    signer = TokenSigner(b"k" * 32)
    token = signer.issue("clerk1", Role.CLERK, "weiyang", 0, SIGNED_AT)
    body, signature = token.removeprefix("owu_").split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    claims["role"] = "admin"
    forged_body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    for bad in (
        f"owu_{forged_body}.{signature}",
        TokenSigner(b"other key" * 4).issue("clerk1", Role.ADMIN, None, 0, SIGNED_AT),
        "owu_garbage",
        "",
    ):
        with pytest.raises(NotAuthenticated) as refused:
            signer.verify(bad, SIGNED_AT)
        assert refused.value.key == "error.bad_token"


def test_a_principal_may_act_only_in_its_hall_and_in_its_role() -> None:
    clerk = Principal("clerk1", role=Role.CLERK, hall="weiyang")
    admin = Principal("admin", role=Role.ADMIN, hall=None)
    kiosk = Principal("kiosk-1", device=DeviceKind.KIOSK, hall="weiyang")
    clerk.require("weiyang", roles=STAFF)
    admin.require("any-hall", roles=MANAGERS)  # an admin of no hall acts in every hall
    kiosk.require("weiyang", devices=(DeviceKind.KIOSK,))
    for who, hall, roles, key in [
        (clerk, "another-hall", STAFF, "error.forbidden_hall"),
        (clerk, "weiyang", MANAGERS, "error.forbidden_role"),
        (kiosk, "weiyang", STAFF, "error.forbidden_role"),
    ]:
        with pytest.raises(Forbidden) as refused:
            who.require(hall, roles=roles)
        assert refused.value.key == key
    assert (clerk.actor, kiosk.actor) == ("clerk:clerk1", "device:kiosk-1")
