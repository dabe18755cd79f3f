"""PUT /api/halls/{hall}/settings: a hall's settings changed live, refused in words when the
running day would not survive it, and kept over config.toml after a restart."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from starlette.testclient import TestClient

from queue_server.app import create_app
from tests.conftest import Hall, login_all

SETTINGS = "/api/halls/weiyang/settings"
PASSPORT = {"code": "passport", "prefix": "P", "name": "出入境", "name_en": "Exit-entry"}


def current(hall: Hall) -> dict[str, Any]:
    response = hall.client.get(SETTINGS, headers=hall.auth("supervisor"))
    assert response.status_code == 200, response.text
    settings: dict[str, Any] = response.json()["settings"]
    settings.pop("id")
    settings["version"] = response.json()["version"]  # saved from what was read, as the page does
    return settings


def put(hall: Hall, settings: dict[str, Any], who: str = "supervisor", language: str = "zh-CN") -> Any:
    return hall.client.put(SETTINGS, json=settings, headers={**hall.auth(who), "Accept-Language": language})


def test_a_category_added_is_issued_by_the_next_ticket_and_described(hall: Hall) -> None:
    settings = current(hall)
    settings["categories"].append(PASSPORT)
    response = put(hall, settings)
    assert response.status_code == 200, response.text
    assert response.json()["settings"]["categories"][-1]["code"] == "passport"
    assert hall.issue("passport")["number"] == "P001"
    snapshot = hall.client.get("/api/halls/weiyang", headers=hall.auth("screen")).json()
    assert "出入境" in [c["name"] for c in snapshot["categories"]]
    document = hall.client.get("/api/openapi.json").json()
    issue = document["components"]["schemas"]["IssueTicketBody"]["properties"]["category"]
    assert "passport" in issue["enum"]
    # In the ledger with who and when: the event on the hall's stream.
    seq = response.json()["seq"]
    with hall.client.websocket_connect(
        f"/ws/halls/weiyang?token={hall.tokens['supervisor']}&after={seq - 1}"
    ) as ws:
        event = ws.receive_json()
    assert (event["seq"], event["type"], event["actor"]) == (seq, "hall.configured", "supervisor:supervisor")
    assert event["at"] == hall.clock.now().isoformat()
    assert event["data"]["settings"]["categories"][-1] == {
        **PASSPORT,
        "weekend": True,
        "time_limit_minutes": 30,
    }


def test_a_save_from_settings_changed_since_is_refused_naming_who_and_when(hall: Hall) -> None:
    """Two managers open the same settings; the second save would silently undo the first."""
    opened = hall.client.get(SETTINGS, headers=hall.auth("admin")).json()
    settings = {key: value for key, value in opened["settings"].items() if key != "id"}
    assert put(hall, {**settings, "notice": "周六照常办公", "version": opened["version"]}).status_code == 200
    hall.clock.advance(timedelta(minutes=5))
    mine = {**settings, "max_wait_minutes": 20, "version": opened["version"]}
    refused = put(hall, mine, who="admin")
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"]["code"] == "settings_stale"
    at = f"{(hall.clock.now() - timedelta(minutes=5)).astimezone(ZoneInfo('Asia/Shanghai')):%Y-%m-%d %H:%M}"
    assert f"大厅设置已由 supervisor 于 {at} 修改" in refused.json()["error"]["message"]
    english = put(hall, mine, who="admin", language="en").json()["error"]["message"]
    assert f"changed by supervisor at {at}" in english
    assert (current(hall)["notice"], current(hall)["max_wait_minutes"]) == (
        "周六照常办公",
        settings["max_wait_minutes"],
    )
    # Reloaded, the change is made on top of the other one.
    reloaded = hall.client.get(SETTINGS, headers=hall.auth("admin")).json()
    saved = put(hall, {**current(hall), "max_wait_minutes": 20, "version": reloaded["version"]}, who="admin")
    assert saved.status_code == 200, saved.text
    assert (current(hall)["notice"], current(hall)["max_wait_minutes"]) == ("周六照常办公", 20)
    assert saved.json()["version"] == hall.client.get(SETTINGS, headers=hall.auth("admin")).json()["version"]


def test_removing_a_category_with_a_waiting_ticket_is_refused_naming_it(hall: Hall) -> None:
    number = hall.issue("tax")["number"]
    settings = current(hall)
    settings["categories"] = [c for c in settings["categories"] if c["code"] != "tax"]
    settings["windows"] = [
        {**w, "categories": [c for c in w.get("categories", []) if c != "tax"]} for w in settings["windows"]
    ]
    for window in settings["windows"]:
        if not window["categories"]:
            del window["categories"]
    refused = put(hall, settings)
    assert refused.status_code == 409
    assert refused.json()["error"]["message"] == (
        f"业务类别「税务办理」还有 1 张未办完的号（{number}）：请先把这些号转到其他类别，再删除它"
    )
    in_english = put(hall, settings, language="en")
    assert in_english.json()["error"]["message"].startswith(
        f"Category Tax still has 1 open tickets ({number})"
    )
    assert hall.issue("tax")["number"] == "E002"  # nothing changed


def test_a_save_without_the_version_it_was_read_at_is_refused(hall: Hall) -> None:
    settings = current(hall)
    del settings["version"]
    refused = put(hall, {**settings, "notice": "周六照常办公"})
    assert refused.status_code == 428, refused.text
    assert refused.json()["error"]["code"] == "settings_version_required"
    assert refused.json()["error"]["message"].startswith("保存大厅设置需要读取时的版本（version）")
    english = put(hall, settings, language="en").json()["error"]["message"]
    assert english.startswith("Saving the hall's settings needs the version they were read at")
    assert current(hall)["notice"] == settings["notice"]  # nothing changed
    document = hall.client.get("/api/openapi.json").json()
    assert "428" in document["paths"]["/api/halls/{hall}/settings"]["put"]["responses"]


def test_settings_that_contradict_themselves_are_refused_naming_the_key(hall: Hall) -> None:
    settings = current(hall)
    settings["categories"][1]["prefix"] = "A"
    refused = put(hall, settings, language="en")
    assert refused.status_code == 409
    assert refused.json()["error"]["message"] == (
        "The hall's settings are not valid: settings.categories: prefix 'A' is used twice"
    )
    settings["categories"][1]["prefix"] = "AB"
    malformed = put(hall, settings, language="en")
    assert malformed.status_code == 422
    assert malformed.json()["error"]["params"]["field"] == "categories.1.prefix"


def test_only_the_halls_managers_change_its_settings(hall: Hall) -> None:
    settings = current(hall)
    assert put(hall, settings, who="clerk1").status_code == 403
    assert put(hall, settings, who="screen").status_code == 403
    assert hall.client.get(SETTINGS, headers=hall.auth("clerk1")).status_code == 403
    assert put(hall, settings, who="admin").status_code == 200
    assert (
        hall.client.put("/api/halls/nowhere/settings", json=settings, headers=hall.auth("admin")).status_code
        == 404
    )


def test_the_stored_settings_win_over_config_toml_after_a_restart(hall: Hall) -> None:
    settings = current(hall)
    settings["categories"].append(PASSPORT)
    settings["windows"].append({"number": 14, "name": "出入境窗口", "categories": ["passport"]})
    assert put(hall, settings).status_code == 200
    hall.client.close()
    with TestClient(create_app(hall.settings, hall.clock)) as again:
        hall.client = again
        login_all(again, hall.tokens)
        stored = current(hall)
        assert stored["categories"][-1]["code"] == "passport"
        assert stored["windows"][-1] == {
            "number": 14,
            "name": "出入境窗口",
            "name_en": "Window 14",
            "categories": ["passport"],
            "green_channel": False,
            "green_channel_serves_others": False,
        }
        assert hall.issue("passport")["number"] == "P001"
        assert hall.ok(14, "open", who="supervisor")["window"]["name"] == "出入境窗口"
