"""A hall's pause and rating reasons changed live (PUT /api/halls/{hall}/settings): the next
rating takes the new ones and refuses a removed one, the OpenAPI document lists them, the
snapshot carries them, bad lists are refused naming the field, and the export still words a
rating whose reason was removed since."""

from __future__ import annotations

from typing import Any

from tests.clerk_console.test_rating_export import EXPORT, MONDAY, serve_and_rate
from tests.conftest import Hall
from tests.queue_server.api.test_hall_settings import current, put

QUEUE = {"code": "queue", "name": "排队太久", "name_en": "Queued too long"}


def rate(hall: Hall, ticket: dict[str, Any], **body: Any) -> Any:
    return hall.client.post(f"/api/halls/weiyang/tickets/{ticket['id']}/rating", json=body)


def reason_enum(hall: Hall) -> list[str]:
    document = hall.client.get("/api/openapi.json").json()
    enum: list[str] = document["components"]["schemas"]["RatingBody"]["properties"]["reason"]["anyOf"][0][
        "enum"
    ]
    return enum


def test_new_rating_reasons_are_taken_at_once_and_a_removed_one_refused(hall: Hall) -> None:
    hall.ok(1, "open", "clerk1")
    rated = serve_and_rate(hall, "business", 1, "clerk1", 5, level=1, reason="wait")
    assert "wait" in reason_enum(hall) and "queue" not in reason_enum(hall)
    settings = current(hall)
    settings["rating_reasons"] = [QUEUE]
    assert put(hall, settings).status_code == 200
    assert reason_enum(hall) == ["queue"]
    snapshot = hall.client.get("/api/halls/weiyang", headers=hall.auth("screen")).json()
    assert snapshot["hall"]["rating_reasons"] == [QUEUE]

    hall.issue("business")
    ticket = hall.ok(1, "call-next", "clerk1")["ticket"]
    hall.ok(1, "start", "clerk1")
    hall.ok(1, "finish", "clerk1")
    refused = rate(hall, ticket, level=2, reason="wait")
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["code"] == "rating_unknown_reason"
    assert rate(hall, ticket, level=2, reason="queue").status_code == 201

    # The export words both: the removed reason as the hall had it, the new one as it has it.
    rows = hall.client.get(EXPORT, params={"from": MONDAY, "to": MONDAY}, headers=hall.auth("supervisor"))
    by_ticket = {row["ticket"]: row for row in rows.json()["ratings"]}
    assert (by_ticket[rated["id"]]["reason"], by_ticket[rated["id"]]["reason_en"]) == (
        "等候时间太长",
        "Waited too long",
    )
    assert by_ticket[ticket["id"]]["reason"] == "排队太久"


def test_a_save_that_leaves_the_reasons_out_keeps_them(hall: Hall) -> None:
    settings = current(hall)
    settings["pause_reasons"] = [{"code": "training", "name": "业务培训"}, {"code": "other", "name": "其他"}]
    assert put(hall, settings).status_code == 200
    settings = current(hall)
    del settings["pause_reasons"], settings["rating_reasons"]
    settings["notice"] = "今日延时服务"
    assert put(hall, settings).status_code == 200
    assert [r["code"] for r in current(hall)["pause_reasons"]] == ["training", "other"]


def test_bad_reason_lists_are_refused_naming_the_field(hall: Hall) -> None:
    settings = current(hall)
    empty = put(hall, {**settings, "pause_reasons": []}, language="en")
    assert empty.status_code == 422
    assert empty.json()["error"]["params"]["field"] == "pause_reasons"
    nameless = put(hall, {**settings, "rating_reasons": [{"code": "queue"}]}, language="en")
    assert nameless.status_code == 422
    assert nameless.json()["error"]["params"]["field"] == "rating_reasons.0.name"
    twice = put(hall, {**settings, "rating_reasons": [QUEUE, {**QUEUE, "name": "人多"}]}, language="en")
    assert twice.status_code == 409
    assert twice.json()["error"]["message"] == (
        "The hall's settings are not valid: settings.rating_reasons: code 'queue' is used twice"
    )
    assert current(hall)["rating_reasons"] == settings["rating_reasons"]  # nothing changed
