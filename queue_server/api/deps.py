"""What every route needs from a request: the service, the caller and a validated body."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from typing import Any, NamedTuple, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.convertors import Convertor, register_url_convertor
from starlette.requests import HTTPConnection, Request

from queue_server.administration import Administration
from queue_server.api.errors import BadRequest
from queue_server.auth import DeviceKind, Principal, Role
from queue_server.domain.errors import NotFound
from queue_server.domain.model import HallSpec
from queue_server.service import QueueService
from queue_server.ticketing.ticketing import Ticketing

_Model = TypeVar("_Model", bound=BaseModel)

# No field takes a number longer than this. Python would refuse to convert a longer one (4,300
# digits) with an error that names nothing: in a JSON body it reads as infinity instead, so the
# schema names the field; in a path or query ("²" passes str.isdigit() but not int()) it is not
# a number at all.
MAX_NUMBER_DIGITS = 18


def _json_int(text: str) -> int | float:
    return int(text) if len(text.lstrip("-")) <= MAX_NUMBER_DIGITS else math.inf


# Made once: json.loads with a parse_int builds a decoder at every call.
_BODY_DECODER = json.JSONDecoder(parse_int=_json_int)
# JSON may escape half of a UTF-16 pair ("\ud800") with no other half: no text holds one, and an
# answer naming the field's value could not be encoded. Only a body with such an escape is walked.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


class LoneSurrogate(ValueError):
    """JSON text holding half of a UTF-16 pair."""


def json_value(text: str) -> Any:
    """JSON text (a body, an agent's message) as Python values; a number too long to convert is
    infinity. ValueError if it is not JSON or holds half a UTF-16 pair, RecursionError if it is
    nested too deeply."""
    value = _BODY_DECODER.decode(text)
    if _SURROGATE_ESCAPE.search(text) and _holds_lone_surrogate(value):
        raise LoneSurrogate(text)
    return value


def _holds_lone_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        return not value.isascii() and any("\ud800" <= char <= "\udfff" for char in value)
    if isinstance(value, dict):
        return any(_holds_lone_surrogate(k) or _holds_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_lone_surrogate(item) for item in value)
    return False


def whole_number(raw: str) -> int | None:
    """A path or query segment as a non-negative whole number, or None if it is not one."""
    if not (raw.isascii() and raw.isdigit()) or len(raw) > MAX_NUMBER_DIGITS:
        return None
    return int(raw)


def service(conn: HTTPConnection) -> QueueService:
    svc: QueueService = conn.state.service
    return svc


def administration(conn: HTTPConnection) -> Administration:
    result: Administration = conn.state.administration
    return result


def ticketing(conn: HTTPConnection) -> Ticketing:
    result: Ticketing = conn.state.ticketing
    return result


def bearer_token(conn: HTTPConnection) -> str | None:
    header = conn.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    # Browsers cannot set headers on a WebSocket: screens pass their token in the query.
    return conn.query_params.get("token") or None


async def principal(conn: HTTPConnection) -> Principal:
    return await service(conn).authenticate(bearer_token(conn))


class InHall(NamedTuple):
    """What a hall's route starts from: the hall of its path, the service, the hall's spec and
    the caller allowed there."""

    hall: str
    svc: QueueService
    spec: HallSpec
    caller: Principal


async def in_hall(
    request: Request, *, roles: tuple[Role, ...] = (), devices: tuple[DeviceKind, ...] = ()
) -> InHall:
    """The opening of a hall's route, in this order: an unknown hall is a 404, no valid token
    a 401, a caller that is none of `roles` or `devices` of the hall a 403."""
    hall: str = request.path_params["hall"]
    svc = service(request)
    spec = svc.hall(hall).state.spec
    caller = await principal(request)
    caller.require(hall, roles=roles, devices=devices)
    return InHall(hall, svc, spec, caller)


async def body(request: Request, model: type[_Model], *, optional: bool = False) -> _Model:
    raw = await request.body()
    if not raw.strip() and optional:
        data: Any = {}
    else:
        try:
            # As json.loads reads bytes: UTF-8, -16 or -32, told apart by the first bytes; but
            # strictly, so that the bytes of half a UTF-16 pair are not text either.
            data = json_value(raw.decode(json.detect_encoding(raw)))
        except LoneSurrogate:
            raise BadRequest(400, "error.lone_surrogate") from None
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise BadRequest(400, "error.bad_json") from None
        except RecursionError:
            raise BadRequest(400, "error.json_too_deep") from None
        if not isinstance(data, dict):
            raise BadRequest(400, "error.bad_json")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise BadRequest.from_validation(exc) from None


def window_number(request: Request) -> int:
    """Path segment to window number; anything else is an unknown window, named as given."""
    raw: str = request.path_params["window"]
    hall: str = request.path_params["hall"]
    number = whole_number(raw)
    if number is None:
        raise NotFound("error.unknown_window", hall=hall, window=raw)
    return number


def path_choices(name: str, choices: Iterable[str]) -> None:
    """`{param:name}` matches only these segments. A route taking a verb as a path parameter
    then leaves the other paths beside it alone: a POST to GET .../console is answered 405 with
    its Allow header rather than by the verb route, and a made-up verb is a 404."""

    class Choice(Convertor[str]):
        regex = "|".join(re.escape(choice) for choice in choices)

        def convert(self, value: str) -> str:
            return value

        def to_string(self, value: str) -> str:
            return value

    register_url_convertor(name, Choice())
