"""The console's /api routes, merged into the server's OpenAPI document."""

from __future__ import annotations

from typing import Any

from clerk_console.audit import DAY_PATTERN, FILTER_MAX_CHARS
from clerk_console.schemas import (
    AccountChange,
    NewPassword,
    NewUserBody,
    NoticeBody,
    PrioritiseBody,
    RatingBody,
)
from queue_server.api.openapi import HALL_PARAM, WINDOW_PARAM, ApiDoc, HallValues
from queue_server.config import Settings


def _path_param(name: str) -> dict[str, Any]:
    known = {"hall": HALL_PARAM, "window": WINDOW_PARAM}
    return known.get(name) or {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


def _values(settings: Settings) -> HallValues:
    """The halls' rating reasons as they are live (the document is rebuilt after a change)."""
    return {
        "rating-reasons": sorted({code for hall in settings.halls for code in hall.rating_reason_codes()})
    }


def _op(
    summary: str, params: list[str], body: str | None = None, public: bool = False, ok: str = "200"
) -> Any:
    operation: dict[str, Any] = {
        "summary": summary,
        "parameters": [_path_param(p) for p in params],
        "responses": {
            ok: {"description": "OK", "content": {"application/json": {}}},
            "4XX": {
                "description": "Worded error",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            },
        },
    }
    if body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{body}"}}},
        }
    if public:
        operation["security"] = []
    return operation


_H = "/api/halls/{hall}"
PATHS: dict[str, Any] = {
    f"{_H}/windows/{{window}}/console": {
        "get": _op("A window's console: current ticket, held, its queue (staff)", ["hall", "window"])
    },
    f"{_H}/clerks/{{clerk}}/stats": {
        "get": _op("A clerk's figures today from the ledger (self, or managers)", ["hall", "clerk"])
    },
    f"{_H}/alerts": {"get": _op("Alerts and extended service now (managers)", ["hall"])},
    f"{_H}/board": {"get": _op("The supervisor's dashboard view (managers)", ["hall"])},
    f"{_H}/notices": {"post": _op("Post a notice to the hall screens", ["hall"], "NoticeBody", ok="201")},
    f"{_H}/tickets/{{ticket}}/history": {
        "get": _op("Every ledger entry of a ticket (staff)", ["hall", "ticket"])
    },
    f"{_H}/tickets/{{ticket}}/transfer": {
        "post": _op("Move a ticket (managers)", ["hall", "ticket"], "TransferTarget")
    },
    f"{_H}/tickets/{{ticket}}/prioritise": {
        "post": _op("Set a waiting ticket's priority (managers)", ["hall", "ticket"], "PrioritiseBody")
    },
    f"{_H}/tickets/{{ticket}}/rating": {
        "post": _op(
            "Rate a finished ticket once (public by ticket id; a screen token = device)",
            ["hall", "ticket"],
            "RatingBody",
            public=True,
            ok="201",
        )
    },
    "/api/users": {
        "get": _op("Accounts (admin: all; supervisor: their hall's clerks)", []),
        "post": _op("Add an account (admin; supervisor: a clerk of their hall)", [], "NewUserBody", ok="201"),
    },
    "/api/users/{username}": {
        "patch": _op(
            "Change an account's role and hall (admin); its tokens stop working",
            ["username"],
            "AccountChange",
        )
    },
    "/api/users/{username}/disable": {
        "post": _op("Disable an account: its tokens and open consoles stop at once", ["username"])
    },
    "/api/users/{username}/enable": {"post": _op("Let a disabled account sign in again", ["username"])},
    "/api/audit": {
        "get": {
            **_op("The day's changes to accounts, devices and halls, newest first (managers)", []),
            "parameters": [
                {
                    "name": "day",
                    "in": "query",
                    "schema": {"type": "string", "format": "date", "pattern": DAY_PATTERN},
                    "description": "The hall's local day, 2000-01-01 … 2999-12-31 (default today)",
                },
                {
                    "name": "actor",
                    "in": "query",
                    "schema": {"type": "string", "minLength": 1, "maxLength": FILTER_MAX_CHARS},
                },
                {
                    "name": "kind",
                    "in": "query",
                    "schema": {"type": "string", "minLength": 1, "maxLength": FILTER_MAX_CHARS},
                },
            ],
        }
    },
    "/api/users/{username}/password": {
        "post": _op("Set a new password; the account's tokens stop working", ["username"], "NewPassword")
    },
}

DOC = ApiDoc(
    PATHS, (RatingBody, PrioritiseBody, NoticeBody, NewUserBody, AccountChange, NewPassword), _values
)
