"""The [ticketing] config section: every problem names its key; its printers seed the halls'."""

from __future__ import annotations

import pytest

from queue_server.config import parse_settings
from queue_server.ticketing.settings import TicketingConfigError, parse_ticketing, printer_for_kiosk
from tests.conftest import demo_config

HALLS = {"weiyang"}
WEIYANG = parse_settings(demo_config()).halls[0]


def test_defaults_without_a_section() -> None:
    settings = parse_ticketing({}, HALLS)
    assert settings.footer == "过号请重新取号"
    assert printer_for_kiosk(WEIYANG, "kiosk-1") is None


def test_a_seeded_printer_serves_its_kiosks_with_its_connection() -> None:
    raw = demo_config()
    raw["ticketing"] = {
        "public_base_url": "https://queue.example.gov.cn/",
        "printers": [
            {
                "name": "printer-1",
                "hall": "weiyang",
                "kiosks": ["kiosk-1", "kiosk-2"],
                "paper_mm": 58,
                "connection": {"kind": "network", "host": "10.0.0.7"},
            }
        ],
    }
    settings = parse_ticketing(raw["ticketing"], HALLS)
    printer = printer_for_kiosk(parse_settings(raw).halls[0], "kiosk-2")
    assert printer is not None and printer.name == "printer-1"
    assert printer.layout.paper_mm == 58
    assert printer.connection is not None and printer.connection.port == 9100
    assert settings.public_base_url == "https://queue.example.gov.cn"


def test_every_problem_names_its_key() -> None:
    with pytest.raises(TicketingConfigError) as caught:
        parse_ticketing(
            {
                "footr": "x",
                "print_within_s": -1,
                "printers": [
                    {"name": "p", "hall": "nowhere", "kiosks": ["k"], "paper_mm": 57},
                    {"name": "p", "hall": "weiyang", "kiosks": ["k"], "connection": {"kind": "x"}},
                ],
            },
            HALLS,
        )
    problems = "\n".join(caught.value.problems)
    assert "ticketing.footr: unknown setting" in problems
    assert "ticketing.print_within_s: expected a number >= 0" in problems
    assert "ticketing.printers[0].hall: unknown hall 'nowhere'" in problems
    assert "ticketing.printers[0]: paper_mm must be 58 or 80" in problems
    assert "ticketing.printers[1].connection: printer kind must be one of" in problems
    assert "printer 'p' is declared twice" in problems
