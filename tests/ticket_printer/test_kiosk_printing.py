"""Kiosk tickets through the server, the print agent and a fake network printer.

Failures lose nothing: whatever the printer does, the ticket is issued and valid, and the job
is printed exactly once when the printer can print again.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from queue_server.messages import translate
from tests.ticket_printer.fake_printer import FakePrinterStatus
from tests.ticket_printer.live import AgentThread, LiveHall, agent_options
from ticket_printer.agent import AgentRefused, PrintAgent


def test_a_kiosk_ticket_is_printed_with_its_tracking_link(live_hall: LiveHall, agent: AgentThread) -> None:
    reply = live_hall.kiosk_issue("business", language="zh-CN")
    assert reply.status_code == 201, reply.text
    body = reply.json()
    ticket = body["ticket"]
    assert ticket["number"] == "A001" and ticket["status"] == "waiting"
    assert body["print"]["printed"] is True
    assert body["tracking_url"] == f"{live_hall.url}/t/{ticket['id']}"
    [job] = live_hall.printer.printed
    assert b"A001" in job
    assert body["tracking_url"].encode() in job  # in the QR code command
    assert "过号请重新取号".encode("gb18030") in job
    assert live_hall.printer_state()["jobs"] == {"printed": 1}


def test_refused_connection_keeps_the_ticket_and_reports_the_printer(
    live_hall: LiveHall, agent: AgentThread, tmp_path: Path
) -> None:
    live_hall.printer.stop()  # the printer is switched off: its port refuses connections
    live_hall.wait_for(
        lambda: live_hall.printer_state()["state"] == "offline", what="printer reported offline"
    )
    reply = live_hall.kiosk_issue("social")
    assert reply.status_code == 201
    body = reply.json()
    assert body["print"]["printed"] is False
    assert body["print"]["printer"]["state"] == "offline"
    # The ticket is valid: it waits in the queue and its page answers.
    ticket = live_hall.get(f"/api/halls/weiyang/tickets/{body['ticket']['id']}").json()
    assert ticket["status"] == "waiting"
    assert live_hall.get(f"/t/{body['ticket']['id']}").status_code == 200
    state = live_hall.printer_state()
    assert state["connected"] is True and state["jobs"] == {"queued": 1}


def test_paper_out_keeps_the_job_and_prints_it_once_the_paper_is_back(
    live_hall: LiveHall, agent: AgentThread
) -> None:
    live_hall.printer.status.paper = "out"
    live_hall.wait_for(lambda: live_hall.printer_state()["state"] == "paper_out", what="paper out")
    reply = live_hall.kiosk_issue("business")
    assert reply.status_code == 201
    assert reply.json()["print"]["printed"] is False
    assert reply.json()["print"]["printer"]["state"] == "paper_out"
    assert live_hall.printer.printed == []

    live_hall.printer.status = FakePrinterStatus()  # paper replaced
    live_hall.wait_for(lambda: live_hall.printer_state()["jobs"] == {"printed": 1}, what="print")
    assert live_hall.printer_state()["state"] == "ok"
    [job] = live_hall.printer.printed
    assert b"A001" in job


def test_a_cut_connection_mid_job_prints_the_job_once(live_hall: LiveHall, tmp_path: Path) -> None:
    """The agent prints while its connection to the server is cut; the server sends the job
    again after the reconnect, and the agent acknowledges it without printing it again."""
    live_hall.printer.reply_delay_s = 0.25  # a job now takes about 1.5 s
    with TcpProxy(live_hall.url.rsplit(":", 1)[1]) as proxy:
        options = agent_options(live_hall, tmp_path, server=f"http://127.0.0.1:{proxy.port}")
        agent = AgentThread(options).start()
        try:
            agent.wait_connected()
            live_hall.wait_for(lambda: live_hall.printer_state()["state"] == "ok", 10, "ready")
            issue = threading.Thread(target=live_hall.kiosk_issue, args=("business",))
            issue.start()
            live_hall.wait_for(lambda: live_hall.printer_state()["jobs"] == {"sent": 1}, what="job sent")
            proxy.cut()  # while the agent is printing
            issue.join(10)
            live_hall.wait_for(
                lambda: live_hall.printer_state()["jobs"] == {"printed": 1}, 15, "job acknowledged"
            )
        finally:
            agent.stop()
    assert len(live_hall.printer.printed) == 1
    assert agent.agent.printed.path.read_text().count("\n") == 1


def test_staff_and_the_kiosk_reprint_a_ticket(live_hall: LiveHall, agent: AgentThread) -> None:
    ticket = live_hall.kiosk_issue("business").json()["ticket"]
    path = f"/api/halls/weiyang/tickets/{ticket['id']}/reprint"
    by_staff = live_hall.post(path, "clerk1")
    assert by_staff.status_code == 200, by_staff.text
    assert by_staff.json()["print"]["printed"] is True
    by_kiosk = live_hall.post(path, "kiosk", language="en")
    assert by_kiosk.status_code == 200, by_kiosk.text
    jobs = live_hall.printer.printed
    assert len(jobs) == 3 and all(b"A001" in job for job in jobs)
    assert b"People ahead of you" in jobs[2]  # the kiosk asked for English
    assert live_hall.printer_state()["jobs"] == {"printed": 3}


def test_a_kiosk_reprints_only_its_own_tickets_and_only_a_few_times(
    live_hall: LiveHall, agent: AgentThread
) -> None:
    counter = live_hall.post(
        "/api/halls/weiyang/tickets", "clerk1", category="business", channel="counter"
    ).json()
    refused = live_hall.post(f"/api/halls/weiyang/tickets/{counter['id']}/reprint", "kiosk")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "reprint_not_own"
    own = live_hall.kiosk_issue("business").json()["ticket"]
    path = f"/api/halls/weiyang/tickets/{own['id']}/reprint"
    for _ in range(3):
        assert live_hall.post(path, "kiosk").status_code == 200
    assert live_hall.post(path, "kiosk").json()["error"]["code"] == "reprint_limit"


def test_a_kiosk_without_a_printer_still_issues(live_hall: LiveHall) -> None:
    """No agent connected at all: the kiosk is told at once, without waiting."""
    reply = live_hall.kiosk_issue("business")
    assert reply.status_code == 201
    assert reply.json()["print"]["printed"] is False
    assert reply.json()["print"]["printer"]["connected"] is False


def test_the_print_agent_needs_a_printer_token(live_hall: LiveHall, tmp_path: Path) -> None:
    options = replace(agent_options(live_hall, tmp_path), token=live_hall.tokens["kiosk"])
    agent = PrintAgent(options)
    with pytest.raises(AgentRefused) as refused:
        asyncio.run(asyncio.wait_for(agent.run(), 10))
    # What the agent logs says why, in words, for whoever looks after the printer.
    assert (
        str(refused.value)
        == f"server refused the agent: {translate('error.forbidden_role', 'zh-CN')} (forbidden_role)"
    )


class TcpProxy:
    """Forwards a local port to the live hall; cut() drops every open connection."""

    def __init__(self, upstream_port: str) -> None:
        self._upstream = ("127.0.0.1", int(upstream_port))
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()

    def __enter__(self) -> TcpProxy:
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._listener.close()
        self.cut()

    def cut(self) -> None:
        with self._lock:
            sockets, self._open = self._open, []
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            server = socket.create_connection(self._upstream)
            with self._lock:
                self._open += [client, server]
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=_pump, args=(source, target), daemon=True).start()


def _pump(source: socket.socket, target: socket.socket) -> None:
    try:
        while chunk := source.recv(65536):
            target.sendall(chunk)
    except OSError:
        pass
    for sock in (source, target):
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
