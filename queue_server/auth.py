"""Accounts, passwords, bearer tokens and device tokens; who may do what."""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path

import argon2

from queue_server.domain.errors import Forbidden

TOKEN_LIFETIME = timedelta(hours=12)
TOKENS_REMEMBERED = 10_000
MIN_PASSWORD_CHARS = 12
# argon2id at OWASP's minimum (19 MiB, 2 passes, 1 lane): ~20 ms a sign-in on one core.
_ARGON2 = argon2.PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)


class Role(StrEnum):
    CLERK = "clerk"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class DeviceKind(StrEnum):
    SCREEN = "screen"
    KIOSK = "kiosk"
    PRINTER = "printer"


class NotAuthenticated(Exception):
    def __init__(self, key: str = "error.not_authenticated") -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True)
class Principal:
    """Who is asking: a signed-in person (role) or a device (kind), bound to a hall or to all."""

    name: str
    role: Role | None = None
    device: DeviceKind | None = None
    hall: str | None = None
    window: int | None = None  # a rating device's window

    @property
    def actor(self) -> str:
        return f"device:{self.name}" if self.device else f"{self.role}:{self.name}"

    @property
    def label(self) -> str:
        return (self.device or self.role or "").__str__()

    def in_hall(self, hall: str) -> bool:
        return self.hall is None or self.hall == hall

    def require_hall(self, hall: str) -> None:
        if not self.in_hall(hall):
            raise Forbidden("error.forbidden_hall", hall=hall)

    def require(
        self, hall: str, *, roles: tuple[Role, ...] = (), devices: tuple[DeviceKind, ...] = ()
    ) -> None:
        allowed = (self.role is not None and self.role in roles) or (
            self.device is not None and self.device in devices
        )
        if not allowed:
            raise Forbidden("error.forbidden_role", role=self.label)
        self.require_hall(hall)


STAFF = (Role.CLERK, Role.SUPERVISOR, Role.ADMIN)
MANAGERS = (Role.SUPERVISOR, Role.ADMIN)


def hash_password(password: str) -> str:
    """argon2id (CPU-heavy: call it in a thread from async code)."""
    return _ARGON2.hash(password)


def verify_password(password: str, stored: str) -> bool:
    """Against an argon2id hash, or a scrypt one from before (upgraded at the next sign-in)."""
    if stored.startswith("$argon2"):
        try:
            return _ARGON2.verify(stored, password)
        except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
            return False
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        candidate = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p))
    except ValueError:
        return False
    return hmac.compare_digest(candidate.hex(), digest)


def needs_rehash(stored: str) -> bool:
    """A hash from an older scheme or weaker parameters: replace it once the password is known."""
    return not stored.startswith("$argon2id$") or _ARGON2.check_needs_rehash(stored)


def password_problem(password: str) -> str | None:
    """The message key of why a new password is refused (too short, too common), or None."""
    if len(password) < MIN_PASSWORD_CHARS:
        return "error.password_short"
    if password.strip().lower() in common_passwords():
        return "error.password_common"
    return None


@functools.cache
def common_passwords() -> frozenset[str]:
    text = (Path(__file__).parent / "common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def new_device_token() -> str:
    return "owd_" + secrets.token_urlsafe(32)


def hash_device_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class TokenSigner:
    """Stateless signed bearer tokens, so that any server process can check any token."""

    def __init__(self, key: bytes) -> None:
        self._key = key
        # What checking a token found (it is the same every time, the key being fixed): a
        # signed-in person's every request carries the same token, so its signature is
        # checked once, and its lifetime at every request.
        self._checked: dict[str, tuple[Principal, int, int]] = {}

    def issue(self, username: str, role: Role, hall: str | None, generation: int, now: datetime) -> str:
        claims = {
            "sub": username,
            "role": role.value,
            "hall": hall,
            "gen": generation,
            "exp": int((now + TOKEN_LIFETIME).timestamp()),
        }
        body = _b64(json.dumps(claims, separators=(",", ":")).encode())
        return f"owu_{body}.{self._sign(body)}"

    def verify(self, token: str, now: datetime) -> tuple[Principal, int]:
        """The signed-in person and the token generation the token was issued in."""
        checked = self._checked.get(token)
        if checked is None:
            checked = self._check(token)
            if len(self._checked) >= TOKENS_REMEMBERED:
                self._checked.clear()  # a few thousand staff tokens: rarely reached
            self._checked[token] = checked
        principal, generation, expires = checked
        if expires < now.timestamp():
            raise NotAuthenticated("error.bad_token")
        return principal, generation

    def _check(self, token: str) -> tuple[Principal, int, int]:
        """The token's person, generation and expiry, if its signature is ours."""
        try:
            body, signature = token.removeprefix("owu_").split(".")
            if not hmac.compare_digest(signature, self._sign(body)):
                raise NotAuthenticated("error.bad_token")
            claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
            principal = Principal(name=claims["sub"], role=Role(claims["role"]), hall=claims["hall"])
            return principal, int(claims["gen"]), int(claims["exp"])
        except (ValueError, KeyError, TypeError):
            raise NotAuthenticated("error.bad_token") from None

    def _sign(self, body: str) -> str:
        return _b64(hmac.new(self._key, body.encode(), hashlib.sha256).digest())


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
