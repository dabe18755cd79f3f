"""Query parameters of a GET route: parsed, held to their range, and refused with a 422 that
names the parameter and what it takes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from starlette.requests import Request

from queue_server.api.errors import BadRequest

_T = TypeVar("_T")


def bad_param(field: str, problem: str) -> BadRequest:
    return BadRequest(
        422, "error.bad_param", [{"field": field, "problem": problem}], field=field, problem=problem
    )


def query_param(request: Request, name: str, parse: Callable[[str], _T], default: _T, problem: str) -> _T:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        return parse(raw)
    except ValueError:
        raise bad_param(name, problem) from None


def bounded(kind: Callable[[str], _T], low: Any, high: Any) -> Callable[[str], _T]:
    def parse(raw: str) -> _T:
        value = kind(raw)
        if not low <= value <= high:
            raise ValueError(raw)
        return value

    return parse
