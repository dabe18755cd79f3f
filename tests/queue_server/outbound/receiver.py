"""A webhook receiver on a real socket, checking signatures with the snippet of docs/WEBHOOKS.md."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.server_process import REPO, free_port

Verify = Callable[..., bool]
GATEWAY = "gateway"


def documented_verify() -> Verify:
    """The `verify` function exactly as docs/WEBHOOKS.md shows it to receivers."""
    text = (REPO / "docs" / "WEBHOOKS.md").read_text(encoding="utf-8")
    section = text.split("## Verifying a delivery", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, "docs/WEBHOOKS.md has no verification snippet"
    scope: dict[str, Any] = {}
    exec(compile(match.group(1), "docs/WEBHOOKS.md", "exec"), scope)
    verify: Verify = scope["verify"]
    return verify


@dataclass
class Delivery:
    headers: dict[str, str]
    body: dict[str, Any]
    signed: bool


@dataclass
class Receiver:
    """Collects deliveries; `down()` closes its socket (connections refused), `up()` reopens it
    on the same port. `secrets` maps a webhook id to its secret; `now` gives the instant the
    signature's freshness is judged at (the server's test clock)."""

    now: Callable[[], float]
    port: int = field(default_factory=free_port)
    secrets: dict[str, str] = field(default_factory=dict)
    deliveries: list[Delivery] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def up(self) -> Receiver:
        verify = documented_verify()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                body = json.loads(raw)
                # A webhook's secret by its id; the notifier's gateway under GATEWAY.
                secret = receiver.secrets.get(body.get("webhook", GATEWAY), "")
                signed = verify(secret, self.headers.get("OneWindow-Signature", ""), raw, now=receiver.now())
                receiver.deliveries.append(Delivery(dict(self.headers.items()), body, signed))
                self.send_response(204 if signed else 401)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def down(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def events(self, webhook: str) -> list[dict[str, Any]]:
        return [d.body["event"] for d in self.deliveries if d.body["webhook"] == webhook]
