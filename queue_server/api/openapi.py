"""GET /api/openapi.json: the API described once, with request schemas taken from the models."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from queue_server.api.schemas import IssueTicketBody, LoginBody, WindowActionBody
from queue_server.service import WINDOW_VERBS

_ERRORS = {
    "400": "Body is not a JSON object",
    "401": "No token, or a bad or expired one",
    "403": "Wrong role, hall or window",
    "404": "Unknown hall, category, window or ticket (named in the message)",
    "409": "A step the ticket's or window's state does not allow",
    "413": "The body is larger than the server's limit ([server] max_body_bytes)",
    "422": "A field is missing or invalid (named in the message)",
    "429": "Too many failed sign-ins: wait the Retry-After seconds",
    "503": "The store is unavailable; retry",
}


def responses(ok: str, *codes: str) -> dict[str, Any]:
    responses: dict[str, Any] = {ok: {"description": "OK", "content": {"application/json": {}}}}
    for code in codes:
        responses[code] = {
            "description": _ERRORS[code],
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
    return responses


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


HALL_PARAM = param("hall", description="Hall id, e.g. weiyang")


@dataclass(frozen=True)
class ApiDoc:
    """What a package adds to the document: its /api paths and request schemas."""

    paths: dict[str, Any]
    schemas: dict[str, Any] = field(default_factory=dict)


def build_document(*parts: ApiDoc) -> dict[str, Any]:
    schemas: dict[str, Any] = {
        model.__name__: model.model_json_schema(ref_template="#/components/schemas/{model}")
        for model in (IssueTicketBody, WindowActionBody, LoginBody)
    }
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
                    "summary": "Screens, kiosks and printers: connected or not, last seen",
                    "parameters": [HALL_PARAM],
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
                        {**param("action"), "schema": {"enum": ["cancel", "reactivate"]}},
                    ],
                    "responses": responses("200", "401", "403", "404", "409", "503"),
                }
            },
            "/api/halls/{hall}/windows/{window}/call": {
                "post": {
                    "summary": "Call a given number (特呼) at this window",
                    "parameters": [HALL_PARAM, param("window", kind="integer")],
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
            "/api/halls/{hall}/windows/{window}/{verb}": {
                "post": {
                    "summary": "A clerk's verb or a window state change",
                    "description": 'call-next with nobody waiting answers {"ticket": null}',
                    "parameters": [
                        HALL_PARAM,
                        param("window", kind="integer"),
                        {**param("verb"), "schema": {"enum": [v for v in WINDOW_VERBS if v != "call"]}},
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
    for part in parts:
        document["paths"].update(part.paths)
        schemas.update(part.schemas)
    return document


def routes(*parts: ApiDoc) -> list[Route]:
    document = build_document(*parts)

    async def openapi(request: Request) -> JSONResponse:
        return JSONResponse(document)

    return [Route("/api/openapi.json", openapi, methods=["GET"])]
