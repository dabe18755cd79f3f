"""Domain errors carry a message key and its parameters; the HTTP layer words them."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every error the domain raises on purpose."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key, params)
        self.key = key
        self.params = params


class NotFound(DomainError):
    """An unknown hall, category, window or ticket (HTTP 404)."""


class Conflict(DomainError):
    """A step the current state does not allow (HTTP 409)."""


class Invalid(DomainError):
    """Well-formed input that names something impossible (HTTP 422)."""


class Forbidden(DomainError):
    """The actor may not do this here (HTTP 403)."""
