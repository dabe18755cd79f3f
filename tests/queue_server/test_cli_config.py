"""`onewindow config export` and `onewindow config import FILE`: the live settings as a valid
config.toml, and back through the same refusals as the admin page."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from starlette.testclient import TestClient

from queue_server.app import create_app
from queue_server.cli import main
from queue_server.clock import TEST_CLOCK_ENV, ManualClock
from queue_server.config import load_settings
from queue_server.files import StoreLock
from tests.conftest import MONDAY_10AM, PASSWORD, demo_config, seed_people

PASSPORT = {"code": "passport", "prefix": "P", "name": "出入境", "name_en": "Exit-entry"}


def hall_folder(folder: Path) -> Path:
    """A hall's config.toml (the demo hall's) with its store in its own var/."""
    folder.mkdir()
    raw = demo_config()
    raw["server"]["store"] = "sqlite:///var/onewindow.db"
    (folder / "var").mkdir()
    config = folder / "config.toml"
    config.write_text(tomli_w.dumps(raw), encoding="utf-8")
    return config


@pytest.fixture(autouse=True)
def monday(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The commands' clock, the same Monday 10:00 as the server's in these tests."""
    clock_file = tmp_path / "clock"
    clock_file.write_text(MONDAY_10AM.isoformat(), encoding="utf-8")
    monkeypatch.setenv(TEST_CLOCK_ENV, str(clock_file))


def change_live(config: Path, change: Any) -> str | None:
    """Runs the server on the config, lets `change` edit the settings and PUTs them; gives the
    number of a waiting tax ticket issued before."""
    settings = load_settings(config)
    clock = ManualClock(MONDAY_10AM)
    seed_people(settings, clock)
    with TestClient(create_app(settings, clock)) as client:
        token = client.post("/api/auth/login", json={"username": "supervisor", "password": PASSWORD}).json()[
            "token"
        ]
        auth = {"Authorization": f"Bearer {token}"}
        ticket = client.post("/api/halls/weiyang/tickets", json={"category": "tax"}, headers=auth).json()
        read = client.get("/api/halls/weiyang/settings", headers=auth).json()
        document = {**read["settings"], "version": read["version"]}
        document.pop("id")
        change(document)
        response = client.put("/api/halls/weiyang/settings", json=document, headers=auth)
        assert response.status_code == 200, response.text
        number: str = ticket["number"]
        return number


def add_passport(document: dict[str, Any]) -> None:
    document["categories"].append(PASSPORT)
    document["notice"] = "出入境业务今起在 14 号窗口办理"
    document["hours"]["special"] = [
        {"date": "2026-11-27", "sessions": [["09:00", "20:00"]], "note": "延时服务"}
    ]
    document["windows"].append({"number": 14, "name": "出入境窗口", "categories": ["passport"]})


def export(config: Path, out: Path) -> dict[str, Any]:
    assert main(["--config", str(config), "config", "export", "-o", str(out)]) == 0
    exported: dict[str, Any] = tomllib.loads(out.read_text(encoding="utf-8"))
    return exported


def test_the_export_is_the_live_settings_and_a_valid_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = hall_folder(tmp_path / "hall")
    change_live(config, add_passport)
    out = tmp_path / "exported.toml"
    exported = export(config, out)
    (hall,) = exported["halls"]
    assert hall["categories"][-1] == {**PASSPORT, "weekend": True, "time_limit_minutes": 30}
    assert hall["windows"][-1]["name"] == "出入境窗口"
    assert hall["hours"]["special"] == [
        {"date": "2026-11-27", "sessions": [["09:00", "20:00"]], "note": "延时服务"}
    ]
    assert exported["ticketing"] == demo_config()["ticketing"]  # the rest of the file as it was
    assert main(["--config", str(out), "check-config"]) == 0
    assert (
        "hall weiyang (未央区政务服务中心, Asia/Shanghai): 11 categories, 14 windows"
        in capsys.readouterr().out
    )


def test_an_export_imported_into_another_hall_gives_the_same_settings(tmp_path: Path) -> None:
    first = hall_folder(tmp_path / "first")
    change_live(first, add_passport)
    exported = tmp_path / "exported.toml"
    before = export(first, exported)
    second = hall_folder(tmp_path / "second")  # config.toml's settings, a store of its own
    assert main(["--config", str(second), "config", "import", str(exported)]) == 0
    after = export(second, tmp_path / "again.toml")
    assert after["halls"] == before["halls"]
    # The imported settings are what the server starts with.
    settings = load_settings(second)
    with TestClient(create_app(settings, ManualClock(MONDAY_10AM))) as client:
        document = client.get("/api/openapi.json").json()
        categories = document["components"]["schemas"]["IssueTicketBody"]["properties"]["category"]["enum"]
        assert "passport" in categories


def test_an_import_that_would_strand_tickets_is_refused_with_the_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = hall_folder(tmp_path / "hall")
    number = change_live(config, lambda document: None)  # a tax ticket waits
    raw = tomllib.loads(config.read_text(encoding="utf-8"))
    raw["halls"][0]["categories"] = [c for c in raw["halls"][0]["categories"] if c["code"] != "tax"]
    for window in raw["halls"][0]["windows"]:
        if "categories" in window:
            window["categories"] = [c for c in window["categories"] if c != "tax"]
    without_tax = tmp_path / "without-tax.toml"
    without_tax.write_text(tomli_w.dumps(raw), encoding="utf-8")
    assert main(["--config", str(config), "config", "import", str(without_tax)]) == 1
    err = capsys.readouterr().err
    assert f"hall weiyang: Category Tax still has 1 open tickets ({number})" in err
    assert "Nothing was changed." in err
    exported = export(config, tmp_path / "exported.toml")
    assert "tax" in [c["code"] for c in exported["halls"][0]["categories"]]


def test_an_import_is_refused_beside_a_running_sqlite_server_and_for_a_bad_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = hall_folder(tmp_path / "hall")
    settings = load_settings(config)
    running = StoreLock(settings.server.store, exclusive=False)  # what `onewindow serve` holds
    try:
        assert main(["--config", str(config), "config", "import", str(config)]) == 1
    finally:
        running.release()
    assert "a server is running on the store" in capsys.readouterr().err
    bad = tmp_path / "bad.toml"
    raw = demo_config()
    raw["halls"][0]["categories"][1]["prefix"] = "A"
    bad.write_text(tomli_w.dumps(raw), encoding="utf-8")
    assert main(["--config", str(config), "config", "import", str(bad)]) == 2
    assert "halls[0].categories: prefix 'A' is used twice" in capsys.readouterr().err


def test_device_add_registers_a_device_of_a_hall_added_live_and_refuses_a_retired_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = hall_folder(tmp_path / "hall")
    settings = load_settings(config)
    clock = ManualClock(MONDAY_10AM)
    seed_people(settings, clock)
    hall = {
        "name": "高新区政务服务中心",
        "categories": [{"code": "business", "prefix": "A", "name": "企业开办"}],
    }
    with TestClient(create_app(settings, clock)) as client:
        token = client.post("/api/auth/login", json={"username": "admin", "password": PASSWORD}).json()[
            "token"
        ]
        auth = {"Authorization": f"Bearer {token}"}
        for hall_id in ("gaoxin", "xixian"):
            document = {**hall, "id": hall_id, "windows": [{"number": 1}, {"number": 2}]}
            assert client.post("/api/halls", json=document, headers=auth).status_code == 201
        assert client.delete("/api/halls/xixian", headers=auth).status_code == 200
    command = ["--config", str(config), "device", "add", "rate-2", "--kind", "screen", "--hall", "gaoxin"]
    assert main([*command, "--window", "2"]) == 0
    assert capsys.readouterr().out.startswith("owd_")
    assert main([*command[:-1], "xixian", "--window", "2"]) == 2
    assert "Hall xixian has been retired" in capsys.readouterr().err
