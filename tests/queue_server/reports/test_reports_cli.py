"""`onewindow demo-data`, `report` and `plan` end to end on a temporary database, and the plan
on the real Anonymous Bank month."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
import tomli_w
from starlette.testclient import TestClient

from queue_server.app import create_app
from queue_server.cli import main
from queue_server.clock import SystemClock
from queue_server.config import load_settings
from tests.conftest import demo_config, login_all, seed_people
from tests.server_process import ServerProcess

BANK = Path("/work/shared/data/anonymous-bank/anonymous_bank_february_1999.txt")
SHIFTS = BANK.with_name("anonymous_bank_shifts.csv")


@pytest.fixture
def config(tmp_path: Path) -> Path:
    raw = demo_config()
    raw["server"]["store"] = f"sqlite:///{tmp_path / 'demo.db'}"
    path = tmp_path / "config.toml"
    path.write_bytes(tomli_w.dumps(raw).encode())
    return path


def test_demo_data_report_and_plan(config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--config", str(config)]
    store = ["--store", f"sqlite:///{tmp_path / 'demo.db'}"]  # the store report and plan read
    # Wed 2026-11-18 … Sat 2026-11-21: three weekdays and a Saturday
    assert main([*args, "demo-data", *store, "--days", "4", "--end", "2026-11-21", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert "4 open days 2026-11-18..2026-11-21" in out
    # a second fill of the same days is refused, naming the reason
    assert main([*args, "demo-data", *store, "--days", "4", "--end", "2026-11-21"]) == 2
    assert "already has" in capsys.readouterr().err

    report_file = tmp_path / "r.json"
    assert (
        main(
            [
                *args,
                "report",
                "--from",
                "2026-11-18",
                "--to",
                "2026-11-21",
                "--format",
                "json",
                "-o",
                str(report_file),
            ]
        )
        == 0
    )
    report = json.loads(report_file.read_text(encoding="utf-8"))
    overall = report["overall"]
    assert 1200 < overall["issued"] < 2600
    assert overall["no_show"] > 0 and overall["transferred"] > 0 and overall["served"] > 0
    assert report["source"]["open_legs"] == 0
    saturday = next(c for c in report["by_day"] if c["day"] == "2026-11-21")
    weekday = next(c for c in report["by_day"] if c["day"] == "2026-11-18")
    assert saturday["issued"] < weekday["issued"] / 2
    sat_categories = {c["category"] for c in report["by_category"]}
    assert "tax" in sat_categories  # on weekdays
    hours = {h["hour"]: h["issued"] for h in report["by_hour"]}
    assert hours["10"] > hours["09"] / 2 and hours.get("12", 0) < hours["10"] / 5  # lunch dip
    assert report["extended"]["days_with_extension"] >= 1

    assert main([*args, "report", "--from", "2026-11-21", "--to", "2026-11-21", "--category", "tax"]) == 0
    csv_out = capsys.readouterr().out.splitlines()
    assert csv_out[0].startswith("group,key,issued")
    assert csv_out[1] == "overall,all,0,0,0,0,0,0,0,,,,0,,,,"  # tax is not served at weekends

    assert (
        main(
            [
                *args,
                "plan",
                "--from",
                "2026-11-18",
                "--to",
                "2026-11-21",
                "--weekday",
                "2",
                "--replications",
                "3",
                "--json",
            ]
        )
        == 0
    )
    plan = json.loads(capsys.readouterr().out)
    names = [c["name"] for c in plan["comparison"]]
    assert names == ["all_windows", "plan", "roster", "weekend_all_windows", "weekend_plan"]
    by = {c["name"]: c for c in plan["comparison"]}
    assert by["plan"]["staff_hours"] < by["all_windows"]["staff_hours"]
    assert by["plan"]["service_level"] > 0.7
    assert by["roster"]["staff_hours"] >= by["plan"]["staff_hours"]
    assert plan["all_windows"] == 13 and plan["weekday"] == 2
    assert {c["category"] for c in plan["weekend"]["categories"]} <= {
        "business",
        "social",
        "medical",
        "realestate",
        "residence",
        "pickup",
    }

    assert (
        main(
            [
                *args,
                "plan",
                "--from",
                "2026-11-18",
                "--to",
                "2026-11-21",
                "--weekday",
                "2",
                "--replications",
                "2",
            ]
        )
        == 0
    )
    text = capsys.readouterr().out
    assert "Roster Wed (OPTIMAL" in text and "every window" in text
    assert main([*args, "report", "--hall", "nowhere"]) == 2
    assert "no hall 'nowhere'" in capsys.readouterr().err


def _ledger_rows(db: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("select hall, seq, type, at, ticket from ledger order by seq").fetchall()


def test_demo_data_goes_to_the_demos_own_store_and_says_so(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--config", str(config), "demo-data", "--days", "1", "--end", "2026-11-18"]) == 0
    out = capsys.readouterr().out
    demo_store = tmp_path / "var" / "demo.db"
    assert f"written to the demo's own store sqlite:///{demo_store}" in out
    assert f"the hall's store sqlite:///{tmp_path / 'demo.db'} was not touched" in out
    assert len(_ledger_rows(demo_store)) > 100
    assert not (tmp_path / "demo.db").exists()


def test_demo_data_refuses_a_store_with_a_live_day_and_changes_nothing(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Run next to a live hall (a window opened and a ticket issued today), demo-data used to
    drop the live day's ledger rows; now it refuses in words and writes nothing."""
    settings = load_settings(config)
    tokens = seed_people(settings, SystemClock())
    with TestClient(create_app(settings)) as client:
        login_all(client, tokens)
        staff = {"Authorization": f"Bearer {tokens['clerk1']}"}
        assert client.post("/api/halls/weiyang/windows/1/open", headers=staff).status_code == 200
        issued = client.post("/api/halls/weiyang/tickets", json={"category": "social"}, headers=staff)
        assert issued.status_code == 201, issued.text
    db = tmp_path / "demo.db"
    before = _ledger_rows(db)
    assert len(before) == 2
    assert main(["--config", str(config), "demo-data", "--store", f"sqlite:///{db}", "--days", "3"]) == 2
    err = capsys.readouterr().err
    assert "already has 1 tickets and 2 recorded steps" in err
    assert "2 of the steps today: a live day" in err and "Nothing was written" in err
    assert _ledger_rows(db) == before


def test_demo_data_refuses_to_write_beside_a_running_server(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server = ServerProcess(config).start()
    try:
        url = f"sqlite:///{tmp_path / 'demo.db'}"
        result = main(["--config", str(config), "demo-data", "--store", url, "--days", "1"])
        assert result == 2
        assert f"a server (onewindow serve or demo) is running on {url}" in capsys.readouterr().err
        assert _ledger_rows(tmp_path / "demo.db") == []  # nothing written
    finally:
        server.stop()


@pytest.mark.skipif(not BANK.exists(), reason="bank data not available")
def test_plan_holds_on_the_bank_month(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "--config",
                str(config),
                "plan",
                "--bank",
                str(BANK),
                "--shifts",
                str(SHIFTS),
                "--weekday",
                "1",
                "--target-wait",
                "60",
                "--replications",
                "4",
                "--json",
            ]
        )
        == 0
    )
    plan = json.loads(capsys.readouterr().out)
    assert plan["history"]["records"] == 31_125
    by = {c["name"]: c for c in plan["comparison"]}
    # fewer staff hours than every agent all day, at (close to) the 80 % target, checked on
    # random numbers the plan was not fitted to
    assert by["plan"]["staff_hours"] < 0.8 * by["all_windows"]["staff_hours"]
    assert by["plan"]["service_level"] > 0.8
    assert by["roster"]["staff_hours"] >= by["plan"]["staff_hours"]
    assert plan["roster"]["status"] == "OPTIMAL"
