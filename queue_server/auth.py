"""Accounts, passwords, bearer tokens and device tokens; who may do what."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from queue_server.domain.errors import Forbidden

TOKEN_LIFETIME = timedelta(hours=12)
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1


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
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P)
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        candidate = hashlib.scrypt(
            password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p)
        )
    except ValueError:
        return False
    return hmac.compare_digest(candidate.hex(), digest)


def new_device_token() -> str:
    return "owd_" + secrets.token_urlsafe(32)


def hash_device_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class TokenSigner:
    """Stateless signed bearer tokens, so that any server process can check any token."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def issue(self, username: str, role: Role, hall: str | None, now: datetime) -> str:
        claims = {
            "sub": username,
            "role": role.value,
            "hall": hall,
            "exp": int((now + TOKEN_LIFETIME).timestamp()),
        }
        body = _b64(json.dumps(claims, separators=(",", ":")).encode())
        return f"owu_{body}.{self._sign(body)}"

    def verify(self, token: str, now: datetime) -> Principal:
        try:
            body, signature = token.removeprefix("owu_").split(".")
            if not hmac.compare_digest(signature, self._sign(body)):
                raise NotAuthenticated("error.bad_token")
            claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
            if claims["exp"] < now.timestamp():
                raise NotAuthenticated("error.bad_token")
            return Principal(name=claims["sub"], role=Role(claims["role"]), hall=claims["hall"])
        except (ValueError, KeyError, TypeError):
            raise NotAuthenticated("error.bad_token") from None

    def _sign(self, body: str) -> str:
        return _b64(hmac.new(self._key, body.encode(), hashlib.sha256).digest())


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
