"""The ticketing package's /api routes, merged into the server's OpenAPI document."""

from __future__ import annotations

from typing import Any, Final

from displays.ticketing.booking import DAY_PATTERN
from displays.ticketing.schemas import (
    BookingBody,
    CancelBookingBody,
    CheckInBody,
    KioskIssueBody,
    OnlineIssueBody,
    ReprintBody,
)
from queue_server.api.openapi import HALL_PARAM, ApiDoc, param
from queue_server.api.schemas import HALL_VALUES

_TICKET: Final = {"name": "ticket", "in": "path", "required": True, "schema": {"type": "string"}}
_CODE: Final = {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}


def _query(name: str, description: str, required: bool = False, **constraints: Any) -> dict[str, Any]:
    query = param(name, where="query", description=description)
    query["schema"].update(constraints)
    return {**query, "required": required}


def _body(name: str, required: bool = True) -> dict[str, Any]:
    schema = {"$ref": f"#/components/schemas/{name}"}
    return {"required": required, "content": {"application/json": {"schema": schema}}}


def _responses(ok: str, *errors: str) -> dict[str, Any]:
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    return {ok: {"description": "OK"}, **{code: {"description": code, **error} for code in errors}}


PATHS: Final[dict[str, Any]] = {
    # The kiosk's own API (kiosk device token): what its page offers, taking and checking in.
    "/kiosk/api/halls/{hall}": {
        "get": {
            "summary": "What this kiosk offers now: categories open for issuing, priority classes, printer",
            "parameters": [HALL_PARAM],
            "responses": _responses("200", "401", "403", "404"),
        }
    },
    "/kiosk/api/halls/{hall}/tickets": {
        "post": {
            "summary": "Take a ticket and print it at this kiosk (normal or a priority class; never "
            "green channel or appointment: 403)",
            "parameters": [HALL_PARAM],
            "requestBody": _body("KioskIssueBody"),
            "responses": _responses("201", "400", "401", "403", "404", "409", "422", "503"),
        }
    },
    "/kiosk/api/halls/{hall}/check-in": {
        "post": {
            "summary": "A booking code becomes an appointment ticket for its slot, printed here",
            "parameters": [HALL_PARAM],
            "requestBody": _body("CheckInBody"),
            "responses": _responses("201", "400", "401", "403", "404", "409", "422", "429", "503"),
        }
    },
    "/api/halls/{hall}/tickets/{ticket}/reprint": {
        "post": {
            "summary": "Print a ticket again (staff on any printer, a kiosk its own tickets)",
            "parameters": [HALL_PARAM, _TICKET],
            "requestBody": _body("ReprintBody", required=False),
            "responses": _responses("200", "400", "401", "403", "404", "409", "422"),
        }
    },
    "/api/halls/{hall}/printers": {
        "get": {
            "summary": "The hall's ticket printers: state, connected agent, jobs per state",
            "parameters": [HALL_PARAM],
            "responses": _responses("200", "401", "403", "404"),
        }
    },
    "/api/halls/{hall}/online": {
        "get": {
            "summary": "Opening now and the categories a visitor may take a number for",
            "security": [],
            "parameters": [HALL_PARAM],
            "responses": _responses("200", "404"),
        }
    },
    "/api/halls/{hall}/online-tickets": {
        "post": {
            "summary": "Take a number online (per-address rate limit, per-phone daily limit)",
            "security": [],
            "parameters": [HALL_PARAM],
            "requestBody": _body("OnlineIssueBody"),
            "responses": _responses("201", "400", "404", "409", "422", "429"),
        }
    },
    "/api/halls/{hall}/booking-slots": {
        "get": {
            "summary": "Public: the days a category can be booked on, and one day's 30-minute slots "
            "with the places left (409 when the day cannot be booked for it)",
            "security": [],
            "parameters": [
                HALL_PARAM,
                _query("category", "Category code", required=True, **{HALL_VALUES: "categories"}),
                _query(
                    "date",
                    "Hall-local day, YYYY-MM-DD (default: the first bookable day)",
                    format="date",
                    pattern=DAY_PATTERN,
                ),
            ],
            "responses": _responses("200", "404", "409", "422"),
        }
    },
    "/api/halls/{hall}/bookings": {
        "get": {
            "summary": "Staff: the day's bookings by slot (code, matter, status: booked, checked_in, "
            "cancelled or missed, the ticket's number)",
            "parameters": [
                HALL_PARAM,
                _query(
                    "date", "Hall-local day, YYYY-MM-DD (default: today)", format="date", pattern=DAY_PATTERN
                ),
            ],
            "responses": _responses("200", "401", "403", "404", "422"),
        },
        "post": {
            "summary": "Book a slot; answers the booking code. Anonymous with the visitor's phone (one of "
            "the day's 30-minute slots, within the hall's places and per-phone rules, limited per "
            "address: 429), or staff (any slot inside a session). 409 when the hall does not serve the "
            "category then, the slot is full or the phone is over a limit",
            "security": [{}, {"bearer": []}],
            "parameters": [HALL_PARAM],
            "requestBody": _body("BookingBody"),
            "responses": _responses("201", "400", "401", "403", "404", "409", "422", "429"),
        },
    },
    "/api/halls/{hall}/bookings/{code}": {
        "delete": {
            "summary": "Public: cancel a booking with the phone it was made with (404 for an unknown code "
            "and another phone alike; limited per address: 429)",
            "security": [],
            "parameters": [HALL_PARAM, _CODE],
            "requestBody": _body("CancelBookingBody"),
            "responses": _responses("200", "400", "404", "409", "422", "429"),
        }
    },
}


DOC = ApiDoc(
    paths=PATHS,
    models=(ReprintBody, OnlineIssueBody, BookingBody, CancelBookingBody, KioskIssueBody, CheckInBody),
)
