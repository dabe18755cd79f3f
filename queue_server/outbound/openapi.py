"""The webhook routes in the server's OpenAPI document."""

from __future__ import annotations

from typing import Any

from queue_server.api.openapi import HALL_PARAM, ApiDoc, body, param, responses
from queue_server.outbound.schemas import WebhookBody

_WEBHOOK = param("webhook", description="Webhook id, as registered")
_ADMIN = ("401", "403", "404")


def _op(summary: str, params: list[dict[str, Any]], ok: str = "200", *codes: str) -> dict[str, Any]:
    return {"summary": summary, "parameters": params, "responses": responses(ok, *_ADMIN, *codes)}


_W = "/api/halls/{hall}/webhooks"
PATHS: dict[str, Any] = {
    _W: {
        "get": _op("The hall's webhooks (admin)", [HALL_PARAM]),
        "post": {
            **_op(
                "Register a webhook; the answer shows its signing secret once (admin)",
                [HALL_PARAM],
                "201",
                "400",
                "422",
            ),
            "requestBody": body("WebhookBody"),
        },
    },
    _W + "/{webhook}": {
        "get": _op("A webhook and its delivery progress (admin)", [HALL_PARAM, _WEBHOOK]),
        "delete": {
            "summary": "Remove a webhook and its delivery log (admin)",
            "parameters": [HALL_PARAM, _WEBHOOK],
            "responses": {**responses("204", *_ADMIN), "204": {"description": "Removed"}},
        },
    },
    _W + "/{webhook}/enable": {
        "post": _op(
            "Enable a disabled webhook again, from the event it stopped at (admin)", [HALL_PARAM, _WEBHOOK]
        ),
    },
    _W + "/{webhook}/deliveries": {
        "get": _op(
            "The delivery log, newest attempt first (admin)",
            [HALL_PARAM, _WEBHOOK, param("limit", "query", "integer", "1 to 1000, default 100")],
            "200",
            "422",
        ),
    },
}

DOC = ApiDoc(PATHS, (WebhookBody,))
