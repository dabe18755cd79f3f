"""GET /api/openapi.json: the API described once, with request schemas taken from the models."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from starlette.requests import Request
from starlette.routing import Route

from queue_server.api.responses import JSONResponse
from queue_server.api.schemas import (
    HALL_VALUES,
    DeviceNameBody,
    IssueTicketBody,
    LoginBody,
    NewDeviceBody,
    TransferTarget,
    WindowActionBody,
)
from queue_server.api.tickets import TICKET_ACTIONS
from queue_server.api.windows import OTHER_VERBS
from queue_server.config import Settings

_ERRORS = {
    "400": "Body is not a JSON object",
    "401": "No token, or a bad or expired one",
    "403": "Wrong role, hall or window",
    "404": "Unknown hall, category, window or ticket (named in the message)",
    "409": "A step the state does not allow: the ticket's or window's, the hall's opening hours, "
    "the ledger's data",
    "413": "The body is larger than the server's limit ([server] max_body_bytes)",
    "422": "A field is missing or invalid (named in the message)",
    "428": "The body lacks the version of what it changes (GET it first)",
    "429": "Too many failed sign-ins: wait the Retry-After seconds",
    "503": "The store is unavailable; retry",
}


def responses(ok: str, *codes: str) -> dict[str, Any]:
    responses: dict[str, Any] = {ok: {"description": "OK", "content": {"application/json": {}}}}
    for code in codes:
        responses[code] = error_response(code)
    return responses


def error_response(code: str) -> dict[str, Any]:
    return {
        "description": _ERRORS[code],
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def body(name: str, required: bool = True) -> dict[str, Any]:
    return {
        "required": required,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}},
    }


def param(name: str, where: str = "path", kind: str = "string", description: str = "") -> dict[str, Any]:
    return {
        "name": name,
        "in": where,
        "required": where == "path",
        "schema": {"type": kind},
        "description": description,
    }


HALL_PARAM = {
    **param("hall", description="Hall id, e.g. weiyang"),
    "schema": {"type": "string", HALL_VALUES: "halls"},
}
WINDOW_PARAM = {
    **param("window", kind="integer", description="Window number"),
    "schema": {"type": "integer", HALL_VALUES: "windows"},
}

# Lists from the configuration, by the name a schema gives them in HALL_VALUES.
HallValues = dict[str, list[Any]]


def _configured_values(settings: Settings) -> HallValues:
    """Every hall's values (one document for the server): with one hall, exactly its own. With
    several, a category or window of another hall is answered 404, as documented, but a priority
    class of another hall 422: halls that differ in priority classes are not described exactly."""

    def union(values: list[Any]) -> list[Any]:
        return sorted(set(values))

    return {
        "halls": [hall.id for hall in settings.halls],
        "windows": union([w.number for hall in settings.halls for w in hall.windows]),
        "categories": union([c.code for hall in settings.halls for c in hall.categories]),
        "priority-classes": union([p.code for hall in settings.halls for p in hall.priorities]),
    }


def model_schemas(*models: type[BaseModel]) -> dict[str, Any]:
    """The models' JSON Schemas as components, with the models they nest (pydantic's $defs)
    as components of their own, where the references point."""
    schemas: dict[str, Any] = {}
    for model in models:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    return schemas


@dataclass(frozen=True)
class ApiDoc:
    """What a package adds to the document: its /api paths, the models of its request bodies
    (their schemas are made with the document, not at import) and the configured values its
    schemas name (HALL_VALUES)."""

    paths: dict[str, Any]
    models: tuple[type[BaseModel], ...] = ()
    values: Callable[[Settings], HallValues] | None = None


def _restrict(schema: dict[str, Any], values: list[Any]) -> None:
    """The configured values as the schema's enum: added to the fixed ones a schema lists
    (normal, green...), through a nullable field's anyOf and into an array's items."""
    if "anyOf" in schema:
        for branch in schema["anyOf"]:
            if branch.get("type") != "null":
                _restrict(branch, values)
    elif schema.get("type") == "array":
        _restrict(schema.setdefault("items", {}), values)
    else:
        fixed = schema.get("enum", [])
        schema["enum"] = [*fixed, *(v for v in values if v not in fixed)]


def _fill_values(node: Any, values: HallValues) -> None:
    if isinstance(node, dict):
        kind = node.pop(HALL_VALUES, None)
        if kind is not None:
            _restrict(node, values[kind])
        for child in node.values():
            _fill_values(child, values)
    elif isinstance(node, list):
        for child in node:
            _fill_values(child, values)


def build_document(settings: Settings, *parts: ApiDoc) -> dict[str, Any]:
    """The document for the halls of these settings: their ids, windows, categories and
    priority classes are the enums, so that a request the document admits is one the server
    can act on (or answers 404/409 for, as documented)."""
    schemas = model_schemas(
        IssueTicketBody, WindowActionBody, TransferTarget, LoginBody, NewDeviceBody, DeviceNameBody
    )
    schemas["Error"] = {
        "type": "object",
        "properties": {
            "error": {
                "type": "object",
                "properties": {
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                    "params": {"type": "object"},
                },
            }
        },
    }
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "OneWindow queue server",
            "version": "0.1.0",
            "description": "Tickets, undifferentiated windows, calls and the live event stream "
            "(WS /ws/halls/{hall}?after=seq&token=...) of a government service hall.",
        },
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
        "paths": {
            "/api/auth/login": {
                "post": {
                    "summary": "Sign in: user name and password for a bearer token",
                    "security": [],
                    "requestBody": body("LoginBody"),
                    "responses": responses("200", "400", "401", "422", "429"),
                }
            },
            "/api/auth/logout": {
                "post": {
                    "summary": "Sign out: ends every token of the signed-in account, on every process",
                    "responses": {**responses("204", "401", "403"), "204": {"description": "Signed out"}},
                }
            },
            "/api/halls": {
                "get": {
                    "summary": "The halls this server runs",
                    "security": [],
                    "responses": responses("200"),
                }
            },
            "/api/halls/{hall}": {
                "get": {
                    "summary": "Snapshot: categories, windows, waiting counts, recent calls, seq",
                    "parameters": [HALL_PARAM],
                    "responses": responses("200", "401", "403", "404"),
                }
            },
            "/api/halls/{hall}/devices": {
                "get": {
                    "summary": "Screens, kiosks and printers: connected or not, last seen (managers)",
                    "parameters": [HALL_PARAM],
                    "responses": responses("200", "401", "403", "404"),
                },
                "post": {
                    "summary": "Register a device; its token is in the answer, shown this once (managers)",
                    "parameters": [HALL_PARAM],
                    "requestBody": body("NewDeviceBody"),
                    "responses": responses("201", "400", "401", "403", "404", "409", "422"),
                },
            },
            "/api/halls/{hall}/devices/{device}": {
                "patch": {
                    "summary": "Rename a device (managers)",
                    "parameters": [HALL_PARAM, param("device", description="The device's id")],
                    "requestBody": body("DeviceNameBody"),
                    "responses": responses("200", "400", "401", "403", "404", "409", "422"),
                },
                "delete": {
                    "summary": "Revoke a device: its token stops working, its connection closes at once",
                    "parameters": [HALL_PARAM, param("device", description="The device's id")],
                    "responses": {
                        **responses("204", "401", "403", "404"),
                        "204": {"description": "Revoked"},
                    },
                },
            },
            "/api/halls/{hall}/devices/{device}/token": {
                "post": {
                    "summary": "A new token for the device, shown this once; the old one stops working",
                    "parameters": [HALL_PARAM, param("device", description="The device's id")],
                    "responses": responses("200", "401", "403", "404"),
                }
            },
            "/api/halls/{hall}/tickets": {
                "post": {
                    "summary": "Take a ticket (kiosk device token or staff)",
                    "parameters": [HALL_PARAM],
                    "requestBody": body("IssueTicketBody"),
                    "responses": responses("201", "400", "401", "403", "404", "422", "503"),
                }
            },
            "/api/halls/{hall}/tickets/{ticket}": {
                "get": {
                    "summary": "A ticket with status, position, people ahead and estimated wait",
                    "security": [],
                    "parameters": [HALL_PARAM, param("ticket")],
                    "responses": responses("200", "404"),
                }
            },
            "/api/halls/{hall}/tickets/{ticket}/{action}": {
                "post": {
                    "summary": "Cancel a waiting ticket, or reactivate a recent no-show",
                    "parameters": [
                        HALL_PARAM,
                        param("ticket"),
                        {**param("action"), "schema": {"enum": list(TICKET_ACTIONS)}},
                    ],
                    "responses": responses("200", "401", "403", "404", "409", "503"),
                }
            },
            "/api/halls/{hall}/windows/{window}/call": {
                "post": {
                    "summary": "Call a given number (特呼) at this window",
                    "parameters": [HALL_PARAM, WINDOW_PARAM],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "allOf": [{"$ref": "#/components/schemas/WindowActionBody"}],
                                    "required": ["number"],
                                    "properties": {"number": {"type": "string", "minLength": 1}},
                                }
                            }
                        },
                    },
                    "responses": responses("200", "400", "401", "403", "404", "409", "422", "503"),
                }
            },
            "/api/halls/{hall}/windows/{window}/transfer": {
                "post": {
                    "summary": "Transfer the window's current ticket to a category or a window (转移)",
                    "parameters": [HALL_PARAM, WINDOW_PARAM],
                    "requestBody": body("TransferTarget"),
                    "responses": responses("200", "400", "401", "403", "404", "409", "422", "503"),
                }
            },
            "/api/halls/{hall}/windows/{window}/{verb}": {
                "post": {
                    "summary": "A clerk's verb or a window state change",
                    "description": 'call-next with nobody waiting answers {"ticket": null}',
                    "parameters": [
                        HALL_PARAM,
                        WINDOW_PARAM,
                        {**param("verb"), "schema": {"enum": list(OTHER_VERBS)}},
                    ],
                    "requestBody": body("WindowActionBody", required=False),
                    "responses": responses("200", "400", "401", "403", "404", "409", "422", "503"),
                }
            },
            "/api/openapi.json": {
                "get": {"summary": "This document", "security": [], "responses": responses("200")}
            },
        },
    }
    values = _configured_values(settings)
    for part in parts:
        for path, methods in part.paths.items():  # a package may add methods to a path
            document["paths"][path] = {**document["paths"].get(path, {}), **methods}
        schemas.update(model_schemas(*part.models))
        if part.values is not None:
            values.update(part.values(settings))
    # A copy: the parts' paths and schemas are shared module data, filled anew per document.
    document = copy.deepcopy(document)
    _fill_values(document, values)
    _document_body_limit(document)
    return document


def _document_body_limit(document: dict[str, Any]) -> None:
    """Every operation that takes a body may be answered 413 (BodyLimit, before the route)."""
    for methods in document["paths"].values():
        for operation in methods.values():
            if "requestBody" in operation:
                operation["responses"].setdefault("413", error_response("413"))


def routes(*parts: ApiDoc) -> list[Route]:
    """The document of the halls as they are now: built on its first request (not while the
    server starts, which most never ask it) and again after a hall's settings change (its
    categories and windows are enums), once per change."""
    built: list[tuple[Settings, dict[str, Any]]] = []

    async def openapi(request: Request) -> JSONResponse:
        live: Settings = request.state.service.settings
        if not built or live is not built[0][0]:
            built[:] = [(live, build_document(live, *parts))]
        return JSONResponse(built[0][1])

    return [Route("/api/openapi.json", openapi, methods=["GET"])]
