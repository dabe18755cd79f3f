"""The operations routes in the server's OpenAPI document."""

from __future__ import annotations

from typing import Any

from queue_server.api.openapi import ApiDoc, responses


def _answer(text: str, content: str = "application/json") -> dict[str, Any]:
    return {"description": text, "content": {content: {}}}


DOC = ApiDoc(
    paths={
        "/healthz": {
            "get": {
                "summary": "The process is up",
                "security": [],
                "responses": {"200": _answer('{"status": "ok"}')},
            }
        },
        "/readyz": {
            "get": {
                "summary": "Ready: the store and the bus answer, the schema is at the newest migration",
                "security": [],
                "responses": {
                    "200": _answer('{"status": "ready"}'),
                    "503": _answer('{"status": "not ready", "reasons": [{"code", "message"}]}'),
                },
            }
        },
        "/metrics": {
            "get": {
                "summary": "Prometheus metrics of this process",
                "description": "Open to the networks in [metrics] allow (default: this machine), "
                "with the bearer token [metrics] token when one is set.",
                "security": [],
                "responses": {
                    **responses("200", "401", "403"),
                    "200": _answer("The Prometheus text exposition format", "text/plain"),
                },
            }
        },
    }
)
