"""A hall's printing settings changed live (PUT /api/halls/{hall}/settings): which printer a
kiosk prints on, the ticket's footer, and the printer's paper and mode, in the next ticket a
real agent prints."""

from __future__ import annotations

from typing import Any

import pytest

from tests.ticket_printer.fake_printer import FakeNetworkPrinter
from tests.ticket_printer.live import AgentThread, LiveHall
from ticket_printer.escpos_stream import Command, Token, tokenize

# GS ! n: the number's size, 3 x 3 on 80 mm paper and 2 x 2 on 58 mm; GS v 0: a raster image.
NUMBER_3X3, NUMBER_2X2, RASTER = b"\x1d!\x22", b"\x1d!\x11", b"\x1dv0"


@pytest.fixture
def ticketing_config(fake_printer: FakeNetworkPrinter) -> dict[str, Any]:
    """printer-1 serves no kiosk by the config file: only the hall's live settings give it one."""
    connection = {"kind": "network", "host": fake_printer.host, "port": fake_printer.port, "timeout_s": 2.0}
    return {"printers": [{"name": "printer-1", "hall": "weiyang", "kiosks": [], "connection": connection}]}


def settings(hall: LiveHall) -> dict[str, Any]:
    read = hall.get("/api/halls/weiyang/settings", "supervisor").json()
    document: dict[str, Any] = {**read["settings"], "version": read["version"]}
    document.pop("id")
    return document


def put(hall: LiveHall, document: dict[str, Any]) -> Any:
    """Saves the document and, saved, takes its new version: the next save goes on from it."""
    reply = hall.client.put("/api/halls/weiyang/settings", json=document, headers=hall.auth("supervisor"))
    if reply.status_code == 200:
        document["version"] = reply.json()["version"]
    return reply


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


def commands(tokens: list[Token]) -> list[bytes]:
    return [t.raw[:3] for t in tokens if isinstance(t, Command)]


def test_a_connected_agent_prints_at_the_paper_and_mode_the_live_settings_give(
    live_hall: LiveHall, agent: AgentThread
) -> None:
    """The hall's printers seeded from [ticketing] on the empty store, then changed on the
    settings page: the agent, connected all along, prints the next ticket the new way."""
    document = settings(live_hall)
    [printer] = document["printers"]
    assert (printer["name"], printer["kiosks"], printer["paper_mm"], printer["mode"]) == (
        "printer-1",
        [],
        80,
        "native",
    )
    assert printer["connection"]["host"] == live_hall.printer.host  # the agent is told where at connecting

    def print_one() -> list[Token]:
        before = len(live_hall.printer.printed)
        reply = live_hall.kiosk_issue("business", language="zh-CN")
        assert reply.json()["print"]["printed"] is True, reply.text
        assert len(live_hall.printer.printed) == before + 1
        return tokenize(live_hall.printer.printed[-1])

    printer["kiosks"] = ["kiosk-1"]
    assert put(live_hall, document).status_code == 200
    assert NUMBER_3X3 in commands(print_one())  # 80 mm

    printer["paper_mm"] = 58
    assert put(live_hall, document).status_code == 200
    printed = commands(print_one())
    assert NUMBER_2X2 in printed and NUMBER_3X3 not in printed

    printer["mode"] = "image"
    assert put(live_hall, document).status_code == 200
    images = [t for t in print_one() if isinstance(t, Command) and t.code == RASTER]
    assert images and all((image.params[1] + 256 * image.params[2]) * 8 == 384 for image in images)

    document["printers"] = []
    assert put(live_hall, document).status_code == 200
    assert live_hall.kiosk_issue("business").json()["print"]["printed"] is False
    assert live_hall.get("/api/halls/weiyang/printers", "supervisor").json()["printers"] == []


def test_a_printer_whose_connection_its_agent_cannot_use_is_refused_naming_it(live_hall: LiveHall) -> None:
    document = settings(live_hall)
    document["printers"].append({"name": "printer-2", "connection": {"kind": "network"}})
    refused = put(live_hall, document)
    assert refused.status_code == 409
    assert (
        refused.json()["error"]["message"] == "打印机 printer-2 的连接设置有误：a network printer needs host"
    )


def test_a_printer_file_other_than_a_device_is_refused(live_hall: LiveHall) -> None:
    """The agent on the kiosk PC writes where the settings say: never over its other files."""
    document = settings(live_hall)
    elsewhere = {"kind": "file", "file_path": "/dev/../home/agent/.profile"}
    document["printers"].append({"name": "printer-2", "connection": elsewhere})
    refused = put(live_hall, document)
    assert refused.status_code == 409
    assert "/home/agent/.profile" in refused.json()["error"]["message"]
    document["printers"][-1]["connection"] = {"kind": "file", "file_path": "/dev/usb/lp0"}
    assert put(live_hall, document).status_code == 200
