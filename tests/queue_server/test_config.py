"""A bad config names the key and what is wrong; the server refuses it; check-config says so."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import tomli_w

from queue_server.app import package_settings
from queue_server.config import BUILT_IN_CONFIG, ConfigError, load_settings, parse_settings
from tests.conftest import REPO, demo_config


def test_the_demo_hall_is_realistic() -> None:
    hall = load_settings(BUILT_IN_CONFIG).halls[0]
    assert len(hall.categories) >= 8
    assert sum(1 for w in hall.windows if w.categories is None) == 10
    assert any(w.green_channel for w in hall.windows)
    assert any(w.categories == frozenset({"crossprov"}) for w in hall.windows)
    assert hall.hours.weekend and hall.timezone.key == "Asia/Shanghai"
    assert {c.code for c in hall.categories if not c.weekend} >= {"tax"}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda raw: raw["halls"][0]["categories"][1].update(prefix="A"),
            "halls[0].categories: prefix 'A' is used twice",
        ),
        (
            lambda raw: raw["halls"][0]["categories"][0].update(prefix="AB"),
            "halls[0].categories[0].prefix: must be one capital letter",
        ),
        (
            lambda raw: raw["halls"][0].update(timezone="Mars/Olympus"),
            "halls[0].timezone: unknown time zone 'Mars/Olympus'",
        ),
        (
            lambda raw: raw["halls"][0]["windows"][10].update(categories=["nope"]),
            "halls[0].windows[10].categories: unknown category 'nope'",
        ),
        (lambda raw: raw["halls"][0].update(priority_ratio=0), "halls[0].priority_ratio: must be at least 1"),
        (
            lambda raw: raw["halls"][0]["windows"][0].update(green_channel_serves_others=True),
            "halls[0].windows[0].green_channel_serves_others: only for a window with green_channel = true",
        ),
        (
            lambda raw: raw["halls"][0]["hours"].update(weekdays=[["17:00", "09:00"]]),
            "halls[0].hours.weekdays[0]: ends (09:00) before it starts (17:00)",
        ),
        (lambda raw: raw["server"].update(store="mysql://x"), "server.store: unsupported URL 'mysql://x'"),
        (lambda raw: raw["halls"][0].pop("id"), "halls[0].id: missing"),
        (lambda raw: raw["server"].update(max_body_bytes=10), "server.max_body_bytes: must be at least 1024"),
        (lambda raw: raw["server"].update(proxies=["nginx"]), "server.proxies: 'nginx' is not an IP address"),
        (lambda raw: raw["server"].update(proxies="::1"), "server.proxies: expected list"),
        (
            lambda raw: raw["halls"][0].update(aging_minutes="soon"),
            "halls[0].aging_minutes: expected int, got 'soon'",
        ),
    ],
)
def test_bad_config_names_the_key(change: object, expected: str) -> None:
    raw = demo_config()
    change(raw)  # type: ignore[operator]
    with pytest.raises(ConfigError) as bad:
        parse_settings(raw)
    assert any(p.startswith(expected) for p in bad.value.problems), bad.value.problems


def test_check_config_and_serve_refuse_a_bad_file(tmp_path: Path) -> None:
    raw = demo_config()
    raw["halls"][0]["categories"][0]["prefix"] = "a"
    path = tmp_path / "bad.toml"
    path.write_bytes(tomli_w.dumps(raw).encode())
    for command in (["check-config"], ["serve", "--port", "1"]):
        result = subprocess.run(
            [sys.executable, "-m", "queue_server", "--config", str(path), *command],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=REPO,
        )
        assert result.returncode == 2
        assert "halls[0].categories[0].prefix: must be one capital letter A-Z, got 'a'" in result.stderr
        assert "Traceback" not in result.stderr
    good = subprocess.run(
        [sys.executable, "-m", "queue_server", "--config", str(BUILT_IN_CONFIG), "check-config"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )
    assert good.returncode == 0 and "weiyang" in good.stdout


def test_user_and_device_from_the_cli(tmp_path: Path) -> None:
    raw = demo_config()
    raw["server"]["store"] = f"sqlite:///{tmp_path / 'cli.db'}"
    path = tmp_path / "config.toml"
    path.write_bytes(tomli_w.dumps(raw).encode())

    def onewindow(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "queue_server", "--config", str(path), *args],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
            cwd=REPO,
        )

    added = onewindow("user", "add", "wang", "--role", "clerk", stdin="a long password\n")
    assert added.returncode == 0 and "wang (clerk, hall weiyang)" in added.stdout
    short = onewindow("user", "add", "li", "--role", "clerk", stdin="short\n")
    assert short.returncode == 2 and "at least 12 characters" in short.stderr
    device = onewindow("device", "add", "screen-east", "--kind", "screen")
    assert device.returncode == 0 and device.stdout.strip().startswith("owd_")
    unknown = onewindow("device", "add", "x", "--kind", "screen", "--hall", "nowhere")
    assert unknown.returncode == 2 and "Unknown hall: nowhere" in unknown.stderr


def test_check_config_covers_the_packages_sections(tmp_path: Path) -> None:
    raw = demo_config()
    raw["displays"] = {"repeat": 9}
    raw["ticketing"]["printers"][0]["paper_mm"] = 70
    path = tmp_path / "bad-sections.toml"
    path.write_bytes(tomli_w.dumps(raw).encode())
    result = subprocess.run(
        [sys.executable, "-m", "queue_server", "--config", str(path), "check-config"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "paper_mm" in result.stderr


def test_the_file_is_read_once_at_start_for_every_package(tmp_path: Path) -> None:
    raw = demo_config()
    raw["console"] = {"pause_limit_minutes": 7}
    raw["displays"] = {"repeat": 3}
    raw["ticketing"]["footer"] = "请妥善保管号票"
    path = tmp_path / "config.toml"
    path.write_bytes(tomli_w.dumps(raw).encode())
    settings = load_settings(path)
    path.unlink()  # what the packages use comes from that one reading, not from the file
    sections = package_settings(settings)
    assert sections.console.pause_limit == timedelta(minutes=7)
    assert sections.displays.repeat == 3
    assert sections.ticketing.footer == "请妥善保管号票"
