"""A hall's printing settings changed live (PUT /api/halls/{hall}/settings): which printer a
kiosk prints on, and the ticket's footer, in the next ticket a real agent prints."""

from __future__ import annotations

from typing import Any

import pytest

from tests.ticket_printer.fake_printer import FakeNetworkPrinter
from tests.ticket_printer.live import AgentThread, LiveHall


@pytest.fixture
def ticketing_config(fake_printer: FakeNetworkPrinter) -> dict[str, Any]:
    """printer-1 serves no kiosk by the config file: only the hall's live settings give it one."""
    connection = {"kind": "network", "host": fake_printer.host, "port": fake_printer.port, "timeout_s": 2.0}
    return {"printers": [{"name": "printer-1", "hall": "weiyang", "kiosks": [], "connection": connection}]}


def settings(hall: LiveHall) -> dict[str, Any]:
    document: dict[str, Any] = hall.get("/api/halls/weiyang/settings", "supervisor").json()["settings"]
    document.pop("id")
    return document


def put(hall: LiveHall, document: dict[str, Any]) -> Any:
    return hall.client.put("/api/halls/weiyang/settings", json=document, headers=hall.auth("supervisor"))


def test_the_kiosk_prints_where_and_what_the_live_settings_say(
    live_hall: LiveHall, agent: AgentThread
) -> None:
    unprinted = live_hall.kiosk_issue("business")
    assert unprinted.json()["print"]["printed"] is False  # no printer for kiosk-1 yet
    document = settings(live_hall)
    document["kiosk_printers"] = [{"kiosk": "kiosk-1", "printer": "printer-1"}]
    document["ticket_footer"] = "请保管好号票，过号作废"
    assert put(live_hall, document).status_code == 200
    reply = live_hall.kiosk_issue("business", language="zh-CN")
    assert reply.json()["print"]["printed"] is True, reply.text
    [job] = live_hall.printer.printed
    assert b"A002" in job
    assert "请保管好号票，过号作废".encode("gb18030") in job
    assert "过号请重新取号".encode("gb18030") not in job  # the config's footer gave way


def test_a_kiosk_given_a_printer_the_hall_lacks_is_refused_naming_it(live_hall: LiveHall) -> None:
    document = settings(live_hall)
    document["kiosk_printers"] = [{"kiosk": "kiosk-1", "printer": "printer-9"}]
    refused = put(live_hall, document)
    assert refused.status_code == 409
    assert refused.json()["error"]["message"] == (
        "打印机 printer-9（给自助机 kiosk-1）不在本大厅的打印机中（现有：printer-1）"
    )
