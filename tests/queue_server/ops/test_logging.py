"""What `onewindow serve` logs: the application's own lines, requests with status and time
when asked, plain or JSON lines, and never a token."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from websockets.sync.client import connect

from queue_server.ops.logs import redact
from tests.queue_server.ops.conftest import Served, serve


@pytest.fixture
def json_served(tmp_path: Path) -> Iterator[Served]:
    yield from serve(tmp_path, args=("--access-log",), logging={"format": "json"})


def _hall_stream(served: Served, token: str) -> None:
    url = served.process.url.replace("http://", "ws://") + f"/ws/halls/weiyang?token={token}"
    with connect(url) as ws:
        assert json.loads(ws.recv())["kind"] == "snapshot"


def test_the_log_has_the_apps_lines_and_requests_but_never_a_token(json_served: Served) -> None:
    served = json_served
    staff = served.login("clerk1")
    kiosk = {"Authorization": f"Bearer {served.devices['kiosk']}"}
    issued = served.client.post("/api/halls/weiyang/tickets", json={"category": "business"}, headers=kiosk)
    assert issued.status_code == 201, issued.text
    ticket = issued.json()["id"]
    # Tokens where browsers put them: a screen's and a console's WebSocket URL, a phone's link.
    _hall_stream(served, served.devices["screen"])
    _hall_stream(served, staff["Authorization"].removeprefix("Bearer "))
    assert served.client.get(f"/t/{ticket}").status_code == 200
    assert served.client.get(f"/t/{ticket}/qr.svg?token={served.devices['kiosk']}").status_code == 200
    served.process.stop()  # everything written

    lines = [json.loads(line) for line in served.log().splitlines() if line.startswith("{")]
    by_logger = {entry["logger"] for entry in lines}
    # The application's own loggers are configured: its start-up line is there.
    started = next(e for e in lines if e["logger"] == "queue_server.app")
    assert (started["level"], started["message"]) == (
        "INFO",
        f"serving halls weiyang; store sqlite:///{served.process.config.parent / 'hall.db'}, bus memory://",
    )
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+\+00:00", started["time"])
    # Requests: method, path, status and milliseconds.
    requests = [e["message"] for e in lines if e["logger"] == "queue_server.requests"]
    assert any(re.fullmatch(r"POST /api/halls/weiyang/tickets 201 \d+\.\dms", m) for m in requests)
    assert "GET /t/***/qr.svg?token=*** 200" in " ".join(requests)
    # uvicorn's WebSocket handshake lines, which carry the URL's token, are there redacted.
    handshakes = [e["message"] for e in lines if "WebSocket" in e["message"]]
    assert any('"WebSocket /ws/halls/weiyang?token=***" [accepted]' in m for m in handshakes), by_logger
    text = served.log()
    secrets = [*served.devices.values(), staff["Authorization"].removeprefix("Bearer "), ticket]
    assert [s for s in secrets if s in text] == []


def test_plain_lines_at_the_level_asked_for(tmp_path: Path) -> None:
    for served in serve(tmp_path, args=("--log-level", "warning")):
        assert served.client.get("/healthz").status_code == 200
        served.process.stop()
        text = served.log()
    assert "serving halls" not in text  # an info line, below the level asked for
    assert not any(line.startswith("{") for line in text.splitlines())


@pytest.mark.parametrize(
    ("line", "clean"),
    [
        ("GET /ws/halls/a?after=3&token=owd_abc.def HTTP/1.1", "GET /ws/halls/a?after=3&token=*** HTTP/1.1"),
        ("Authorization: Bearer owu_eyJ9.sig", "Authorization: Bearer ***"),
        ("link http://h/t/Zx_9-abcdefgh/ws ok", "link http://h/t/***/ws ok"),
        ("token owd_secret in a message", "token owd_*** in a message"),
        ("GET /api/halls/weiyang 200", "GET /api/halls/weiyang 200"),
    ],
)
def test_redaction_takes_out_each_kind_of_token_and_leaves_the_rest(line: str, clean: str) -> None:
    assert redact(line) == clean
