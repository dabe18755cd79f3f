"""The 好差评 export of a known day, field by field, through the API (JSON, CSV) and the command."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from queue_server.cli import main
from tests.conftest import GAOXIN, MONDAY_10AM, Hall, demo_config, login_all

EXPORT = "/api/halls/weiyang/ratings/export"
MONDAY = "2026-11-23"


def serve_and_rate(
    hall: Hall, category: str, window: int, clerk: str, minutes: int, **rating: Any
) -> dict[str, Any]:
    """A visitor of the category served at the window and rating it `minutes` after Monday 10:00."""
    hall.issue(category)
    ticket = hall.ok(window, "call-next", clerk)["ticket"]
    hall.ok(window, "start", clerk)
    hall.ok(window, "finish", clerk)
    hall.clock.set(MONDAY_10AM + timedelta(minutes=minutes))
    response = hall.client.post(f"/api/halls/weiyang/tickets/{ticket['id']}/rating", json=rating)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = ticket
    return result


def export_command(hall: Hall, tmp_path: Path) -> list[str]:
    """`onewindow ratings-export` of Monday on the hall's store, with the demo's config.toml."""
    config = tmp_path / "export-config.toml"
    raw = demo_config()
    raw["server"]["store"] = hall.settings.server.store
    config.write_bytes(tomli_w.dumps(raw).encode())
    return ["--config", str(config), "ratings-export", "--from", MONDAY, "--to", MONDAY]


def known_day(hall: Hall) -> list[dict[str, Any]]:
    """Monday: three rated visitors; Tuesday: one more, outside the exported range."""
    hall.ok(1, "open", "clerk1")
    hall.ok(2, "open", "clerk2")
    a1 = serve_and_rate(hall, "business", 1, "clerk1", 5, level=5, comment="很好")
    a2 = serve_and_rate(hall, "business", 2, "clerk2", 12, level=1, reason="wait", comment="等了很久")
    b1 = serve_and_rate(hall, "social", 1, "clerk1", 20, level=3)
    hall.clock.set(MONDAY_10AM + timedelta(days=1))
    login_all(hall.client, hall.tokens)  # yesterday's sign-ins have expired
    serve_and_rate(hall, "social", 1, "clerk1", 24 * 60 + 5, level=4)

    def row(ticket: dict[str, Any], **fields: Any) -> dict[str, Any]:
        return {"hall": "weiyang", "ticket": ticket["id"], "number": ticket["number"], **fields}

    return [
        row(
            a1,
            matter_code="business",
            matter="企业开办",
            matter_en="Business start-up",
            window=1,
            clerk="clerk1",
            rated_at="2026-11-23T10:05:00+08:00",
            level=5,
            level_name="非常满意",
            level_name_en="Very satisfied",
            good=True,
            reason_code=None,
            reason=None,
            reason_en=None,
            comment="很好",
            channel="phone",
            follow_up="none",
        ),
        row(
            a2,
            matter_code="business",
            matter="企业开办",
            matter_en="Business start-up",
            window=2,
            clerk="clerk2",
            rated_at="2026-11-23T10:12:00+08:00",
            level=1,
            level_name="非常不满意",
            level_name_en="Very dissatisfied",
            good=False,
            reason_code="wait",
            reason="等候时间太长",
            reason_en="Waited too long",
            comment="等了很久",
            channel="phone",
            follow_up="pending",
        ),
        row(
            b1,
            matter_code="social",
            matter="社会保险",
            matter_en="Social insurance",
            window=1,
            clerk="clerk1",
            rated_at="2026-11-23T10:20:00+08:00",
            level=3,
            level_name="基本满意",
            level_name_en="Fairly satisfied",
            good=True,
            reason_code=None,
            reason=None,
            reason_en=None,
            comment=None,
            channel="phone",
            follow_up="none",
        ),
    ]


def as_csv_cells(row: dict[str, Any]) -> dict[str, str]:
    return {
        k: "" if v is None else ("true" if v is True else "false" if v is False else str(v))
        for k, v in row.items()
    }


def test_the_export_of_a_known_day_field_by_field(hall: Hall, tmp_path: Path) -> None:
    expected = known_day(hall)
    supervisor = hall.auth("supervisor")

    document = hall.client.get(f"{EXPORT}?from={MONDAY}&days=1", headers=supervisor).json()
    assert {k: v for k, v in document.items() if k != "ratings"} == {
        "layout": "onewindow.ratings/1",
        "hall": "weiyang",
        "hall_name": "未央区政务服务中心",
        "timezone": "Asia/Shanghai",
        "from": MONDAY,
        "to": MONDAY,
        "count": 3,
    }
    for got, want in zip(document["ratings"], expected, strict=True):
        assert got == want

    response = hall.client.get(f"{EXPORT}?from={MONDAY}&days=1&format=csv", headers=supervisor)
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(response.text.removeprefix("\ufeff"))))
    assert rows == [as_csv_cells(r) for r in expected]

    out = tmp_path / "ratings.csv"
    assert main([*export_command(hall, tmp_path), "--format", "csv", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("\ufeff")
    assert list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))) == [
        as_csv_cells(r) for r in expected
    ]

    two_days = hall.client.get(f"{EXPORT}?from={MONDAY}&days=2", headers=supervisor).json()
    assert two_days["count"] == 4 and two_days["ratings"][-1]["rated_at"] == "2026-11-24T10:05:00+08:00"


def test_only_managers_export_and_bad_ranges_are_named(hall: Hall) -> None:
    assert hall.client.get(EXPORT, headers=hall.auth("clerk1")).status_code == 403
    assert hall.client.get(EXPORT).status_code == 401
    bad = hall.client.get(f"{EXPORT}?from={MONDAY}&days=367", headers=hall.auth("supervisor"))
    assert bad.status_code == 422 and bad.json()["error"]["params"]["field"] == "days"
    bad = hall.client.get(f"{EXPORT}?format=xml", headers=hall.auth("admin"))
    assert bad.status_code == 422 and bad.json()["error"]["params"]["field"] == "format"


def test_the_command_exports_a_hall_added_live_and_names_one_it_does_not_know(
    hall: Hall, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    admin = hall.auth("admin")
    assert hall.client.post("/api/halls", json=GAOXIN, headers=admin).status_code == 201
    steps = "/api/halls/gaoxin/windows/1"
    assert hall.client.post(f"{steps}/open", headers=admin).status_code == 200
    issued = hall.client.post("/api/halls/gaoxin/tickets", json={"category": "business"}, headers=admin)
    assert issued.status_code == 201, issued.text
    for verb in ("call-next", "start", "finish"):
        assert hall.client.post(f"{steps}/{verb}", headers=admin).status_code == 200
    ticket = issued.json()["id"]
    rated = hall.client.post(f"/api/halls/gaoxin/tickets/{ticket}/rating", json={"level": 5})
    assert rated.status_code == 201, rated.text

    out = tmp_path / "gaoxin.json"
    command = export_command(hall, tmp_path)  # its config.toml has only weiyang
    assert main([*command, "--hall", "gaoxin", "-o", str(out)]) == 0
    document = json.loads(out.read_text(encoding="utf-8"))
    assert [(r["hall"], r["ticket"], r["level"]) for r in document["ratings"]] == [("gaoxin", ticket, 5)]

    assert main([*command, "--hall", "nowhere"]) == 2
    assert "no hall 'nowhere'" in capsys.readouterr().err
