"""The print agent: runs next to a ticket printer, takes its jobs from the server, prints them.

It keeps one WebSocket to the server (WS /print/agent) and reconnects whenever it drops, with
growing pauses (up to `reconnect_max_s`), for as long as it takes: connection refused, a closed
socket and 5xx answers are all retried; only 401/403 (bad token) stop it. Jobs
are printed one at a time in arrival order. A job is never printed twice because of a retry:
its id goes into a small local file (PrintedLog) before the acknowledgement is sent, so a job
the server sends again (its ack was lost with the connection) is acknowledged, not printed; and
a job that arrives again while it is still queued or printing here is ignored.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import os
import random
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus, WebSocketException

from ticket_printer.connections import PrinterConfig
from ticket_printer.delivery import PrintResult, check, send
from ticket_printer.escpos_stream import printed_lines, tokenize
from ticket_printer.status import PrinterState

log = logging.getLogger(__name__)

KEEP_PRINTED: Final = 2000  # job ids remembered: far more than a day's retries can re-send
# A bad token or a device that is not a printer: no retry can change that answer. Every other
# refusal (502/503 while a server or proxy restarts, ...) is retried for as long as it lasts.
REFUSED_STATUSES: Final = frozenset({401, 403})


class AgentRefused(Exception):
    """The server turned the agent away (bad token, not a printer): retrying will not help."""


class PrintedLog:
    """Ids of the jobs this agent printed, one per line in a file that survives restarts."""

    def __init__(self, path: Path, keep: int = KEEP_PRINTED) -> None:
        self.path = path
        self._ids: deque[str] = deque(maxlen=keep)
        if path.exists():
            self._ids.extend(path.read_text(encoding="utf-8").split())
        path.parent.mkdir(parents=True, exist_ok=True)
        # Rewritten at start so the file stays small; appended to (and synced) afterwards.
        path.write_text("".join(f"{job_id}\n" for job_id in self._ids), encoding="utf-8")

    def __contains__(self, job_id: object) -> bool:
        return job_id in self._ids

    def add(self, job_id: str) -> None:
        with self.path.open("a", encoding="utf-8") as file:
            file.write(f"{job_id}\n")
            file.flush()
            os.fsync(file.fileno())
        self._ids.append(job_id)


@dataclass(frozen=True)
class AgentOptions:
    server: str  # http(s)://host:port of the queue server
    token: str  # the printer's device token
    printed_log: Path
    printer: PrinterConfig | None = None  # None: use the connection the server sends
    probe_s: float = 5.0  # how often a faulty printer is checked for being fixed
    idle_probe_s: float = 60.0  # how often a ready printer is checked between jobs
    reconnect_max_s: float = 10.0
    text_copy: Path | None = None  # each printed ticket appended here as text, to read

    @property
    def url(self) -> str:
        base = self.server.rstrip("/")
        return base.replace("https://", "wss://", 1).replace("http://", "ws://", 1) + "/print/agent"


@dataclass(frozen=True)
class _Job:
    id: str
    ticket: str
    data: bytes


class PrintAgent:
    def __init__(
        self,
        options: AgentOptions,
        printer_send: Callable[[PrinterConfig, bytes], PrintResult] = send,
        printer_check: Callable[[PrinterConfig], PrintResult] = check,
    ) -> None:
        self.options = options
        self.printed = PrintedLog(options.printed_log)
        self._send, self._check = printer_send, printer_check
        self._queue: asyncio.Queue[_Job] = asyncio.Queue()
        self._waiting: set[str] = set()  # queued or printing here
        self._ws: ClientConnection | None = None
        self._printer: PrinterConfig | None = options.printer
        self._state: PrinterState | None = None
        self._device = asyncio.Lock()  # one connection to the printer at a time
        self.connected = asyncio.Event()

    async def run(self) -> None:
        """Serve until cancelled; raises AgentRefused if the server will never accept us."""
        tasks = [asyncio.create_task(self._work()), asyncio.create_task(self._watch_printer())]
        backoff = 0.5
        try:
            while True:
                try:
                    async with connect(
                        self.options.url,
                        additional_headers={"Authorization": f"Bearer {self.options.token}"},
                        open_timeout=10,
                    ) as ws:
                        backoff = 0.5
                        await self._session(ws)
                except InvalidStatus as exc:
                    if exc.response.status_code in REFUSED_STATUSES:
                        raise AgentRefused(f"server refused the connection: {exc}") from exc
                    # 502/503 while a server or its proxy restarts: it will be back.
                    log.warning("server %s answered %s; retrying", self.options.url, exc)
                except (OSError, TimeoutError, WebSocketException, ValueError) as exc:
                    # ValueError: not the server's JSON (a proxy's page, a cut frame).
                    log.warning("connection to %s lost: %s; retrying", self.options.url, exc)
                finally:
                    self._ws = None
                    self.connected.clear()
                # Full jitter: agents cut off together do not all come back in the same instant.
                await asyncio.sleep(backoff * random.uniform(0.5, 1.0))
                backoff = min(backoff * 2, self.options.reconnect_max_s)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _session(self, ws: ClientConnection) -> None:
        hello = json.loads(await ws.recv())
        if hello.get("type") == "error":
            raise AgentRefused(f"server refused the agent: {hello.get('message')} ({hello.get('code')})")
        if self.options.printer is None and hello.get("connection"):
            self._printer = PrinterConfig.from_server(hello["connection"])
        log.info("connected as printer %s; printing on %s", hello.get("printer"), self._where())
        self._ws = ws
        self._state = None  # tell the server how the printer is, first thing on every connection
        await self._report(await self._probe())
        self.connected.set()
        async for raw in ws:
            message = json.loads(raw)
            if message.get("type") == "job":
                await self._accept(message)

    async def _accept(self, message: dict[str, Any]) -> None:
        job_id = str(message["job_id"])
        if job_id in self.printed:
            log.info("job %s was printed before; acknowledging it again", job_id)
            await self._ack(job_id, True, PrintResult(PrinterState.OK, "printed before", True))
        elif job_id not in self._waiting:
            self._waiting.add(job_id)
            data = base64.b64decode(message["data"])
            self._queue.put_nowait(_Job(job_id, str(message.get("ticket", "")), data))

    async def _work(self) -> None:
        while True:
            job = await self._queue.get()
            try:
                if self._printer is None:
                    result = _no_printer()
                else:
                    async with self._device:
                        result = await asyncio.to_thread(self._send, self._printer, job.data)
                if result.ok:
                    self.printed.add(job.id)  # before the ack: a lost ack must not reprint
                    if self.options.text_copy is not None:
                        append_text_copy(self.options.text_copy, job.id, job.ticket, job.data)
                self._state = result.state
                await self._ack(job.id, result.ok, result)
            finally:
                self._waiting.discard(job.id)

    async def _watch_printer(self) -> None:
        """Check a faulty printer often and a ready one now and then; report any change."""
        while True:
            faulty = self._state is not None and self._state is not PrinterState.OK
            await asyncio.sleep(self.options.probe_s if faulty else self.options.idle_probe_s)
            if self._ws is not None and self._queue.empty() and not self._waiting:
                result = await self._probe()
                if result.state is not self._state:
                    await self._report(result)

    async def _probe(self) -> PrintResult:
        if self._printer is None:
            return _no_printer()
        async with self._device:
            return await asyncio.to_thread(self._check, self._printer)

    async def _report(self, result: PrintResult) -> None:
        self._state = result.state
        await self._post(
            {
                "type": "status",
                "state": result.state.value,
                "message": result.message,
                "paper_low": result.paper_low,
            }
        )

    async def _ack(self, job_id: str, printed: bool, result: PrintResult) -> None:
        await self._post(
            {
                "type": "ack",
                "job_id": job_id,
                "printed": printed,
                "state": result.state.value,
                "message": result.message,
                "paper_low": result.paper_low,
            }
        )

    async def _post(self, message: dict[str, Any]) -> None:
        # Without a connection the message is dropped: the server sends unacknowledged jobs
        # again after the reconnect, and the agent reports its printer first thing then.
        ws = self._ws
        if ws is None:
            return
        try:
            await ws.send(json.dumps(message))
        except ConnectionClosed:
            log.info("connection closed before %s could be sent", message["type"])

    def _where(self) -> str:
        return "(no printer configured)" if self._printer is None else self._printer.describe()


def append_text_copy(path: Path, job_id: str, ticket: str, data: bytes) -> None:
    """The text a printer prints for `data`, appended to `path` under a line naming the job."""
    try:
        lines = [line.text for line in printed_lines(tokenize(data))]
    except ValueError as exc:  # a job this reader cannot follow is still printed; say so
        lines = [f"(not readable as text: {exc})"]
    body = "\n".join(lines)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as file:
        file.write(f"--- {ticket or '?'} (job {job_id}) ---\n{body}\n\n")


def _no_printer() -> PrintResult:
    return PrintResult(
        PrinterState.ERROR,
        "no printer connection: pass --printer or set the printer's connection in the hall's settings",
        sent=False,
    )
