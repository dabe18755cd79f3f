"""A network ESC/POS printer on 127.0.0.1 for tests: records jobs, answers status, misbehaves.

    with FakeNetworkPrinter() as printer:
        result = send(printer.config(), render(ticket, layout))
        assert printer.wait_for_jobs(1) == [render(ticket, layout)]

It serves one connection at a time, as printers on port 9100 do, in a background thread, so
synchronous and asyncio tests can both use it. After a command it does not know it keeps every
further byte as job data and answers no more status queries (it can no longer tell them apart).
"""

import contextlib
import socket
import struct
import threading
import time
from dataclasses import dataclass
from types import TracebackType
from typing import Final, Literal, Self

from ticket_printer.connections import PrinterConfig
from ticket_printer.escpos_stream import STATUS_QUERY, Command, UnknownCommandError, scan

PaperLevel = Literal["ok", "near_end", "out"]

_HOST: Final = "127.0.0.1"
_FIXED_BITS: Final = 0x12  # bits 1 and 4 are set in every ESC/POS status byte


@dataclass
class FakePrinterStatus:
    """The condition the fake printer reports; change it between jobs to simulate faults."""

    online: bool = True  # False: offline for a reason it does not report (feed button held)
    cover_open: bool = False
    paper: PaperLevel = "ok"
    error: bool = False

    def reply(self, n: int) -> bytes:
        """The byte a printer sends for DLE EOT n (1, 2 and 4 are what `send` asks; others get
        no answer here)."""
        paper_out = self.paper == "out"
        if n == 1:
            offline = not self.online or self.cover_open or paper_out or self.error
            return bytes([_FIXED_BITS | (0x08 if offline else 0)])
        if n == 2:
            cause = (
                (0x04 if self.cover_open else 0) | (0x20 if paper_out else 0) | (0x40 if self.error else 0)
            )
            return bytes([_FIXED_BITS | cause])
        if n == 4:
            # The near-end sensor also sees an empty roll, so "out" sets both pairs of bits.
            near_end = 0x0C if self.paper != "ok" else 0
            return bytes([_FIXED_BITS | near_end | (0x60 if paper_out else 0)])
        return b""


class FakeNetworkPrinter:
    """A fake ESC/POS network printer.

    refuse_connections: the port is bound but not listening, so connecting is refused.
    answer_status: False makes it a printer without a back channel (status queries go unanswered).
    drop_after_bytes: after receiving this many bytes on a connection it resets the connection,
    like a printer losing power mid-job.
    reply_delay_s: each status answer comes this late, so that a job takes a while (to hold a
    job in the middle, e.g. while a test cuts the print agent's connection to the server).
    """

    def __init__(
        self,
        *,
        status: FakePrinterStatus | None = None,
        answer_status: bool = True,
        refuse_connections: bool = False,
        drop_after_bytes: int | None = None,
        reply_delay_s: float = 0.0,
    ) -> None:
        self.status = status or FakePrinterStatus()
        self.answer_status = answer_status
        self.drop_after_bytes = drop_after_bytes
        self.reply_delay_s = reply_delay_s
        self._refuse = refuse_connections
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind((_HOST, 0))  # an unused port chosen by the kernel, kept while we live
        self.host: str = _HOST
        self.port: int = self._socket.getsockname()[1]
        self._changed = threading.Condition()
        self._jobs: list[bytes] = []
        self._status_queries: list[int] = []
        self._received = bytearray()
        self._connection: socket.socket | None = None
        self._stopping = False
        self._thread = threading.Thread(target=self._serve, name="fake printer", daemon=True)

    def start(self) -> Self:
        if not self._refuse:
            self._socket.listen()
            self._thread.start()
        return self

    def stop(self) -> None:
        with self._changed:
            self._stopping = True
            connection = self._connection
        if connection is not None:
            _shutdown(connection)  # wakes the server blocked in recv()
        if self._thread.is_alive():
            # A connection of our own wakes the server blocked in accept().
            with socket.create_connection((self.host, self.port), timeout=5):
                pass
            self._thread.join(timeout=5)
        self._socket.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def config(
        self, *, timeout_s: float = 5.0, status_timeout_s: float = 1.0, query_status: bool = True
    ) -> PrinterConfig:
        """A PrinterConfig that reaches this printer."""
        return PrinterConfig(
            kind="network",
            host=self.host,
            port=self.port,
            timeout_s=timeout_s,
            status_timeout_s=status_timeout_s,
            query_status=query_status,
        )

    @property
    def received(self) -> bytes:
        """Every byte received so far, over all connections, status queries included."""
        with self._changed:
            return bytes(self._received)

    @property
    def status_queries(self) -> list[int]:
        """The n of every DLE EOT n received, in order."""
        with self._changed:
            return list(self._status_queries)

    @property
    def printed(self) -> list[bytes]:
        """The jobs so far that carried data (status-only connections left out)."""
        with self._changed:
            return [job for job in self._jobs if job]

    def wait_for_jobs(self, count: int, timeout_s: float = 5.0) -> list[bytes]:
        """The data of the first `count` closed connections, status queries taken out.

        Waits until that many connections have ended (a client's close reaches the server a
        moment after the client returns); raises TimeoutError if they do not within `timeout_s`.
        """
        with self._changed:
            if not self._changed.wait_for(lambda: len(self._jobs) >= count, timeout_s):
                raise TimeoutError(f"{len(self._jobs)} of {count} print jobs ended")
            return list(self._jobs)

    def _serve(self) -> None:
        while True:
            connection, _ = self._socket.accept()
            with self._changed:
                if self._stopping:
                    connection.close()
                    return
                self._connection = connection
            with connection:
                job = self._receive_job(connection)
            with self._changed:
                self._connection = None
                self._jobs.append(job)
                self._changed.notify_all()

    def _receive_job(self, connection: socket.socket) -> bytes:
        job = bytearray()
        pending = b""  # the start of a command whose remaining bytes have not arrived yet
        received = 0
        lost_step = False
        try:
            while self.drop_after_bytes is None or received < self.drop_after_bytes:
                limit = 4096 if self.drop_after_bytes is None else self.drop_after_bytes - received
                chunk = connection.recv(min(4096, limit))
                if not chunk:
                    break
                received += len(chunk)
                with self._changed:
                    self._received += chunk
                if lost_step:  # after a command it does not know, every byte is job data
                    job += chunk
                    continue
                try:
                    tokens, used = scan(pending + chunk)
                except UnknownCommandError:
                    job += pending + chunk
                    pending, lost_step = b"", True
                    continue
                pending = (pending + chunk)[used:]
                for token in tokens:
                    if isinstance(token, Command) and token.code == STATUS_QUERY:
                        self._answer(connection, token.params[0])
                    else:
                        job += token.raw
            else:
                # SO_LINGER 0 makes close() send a reset, as a printer that lost power would.
                connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass  # the client reset the connection; keep what arrived
        return bytes(job + pending)

    def _answer(self, connection: socket.socket, n: int) -> None:
        with self._changed:
            self._status_queries.append(n)
        if self.answer_status:
            time.sleep(self.reply_delay_s)
            connection.sendall(self.status.reply(n))


def _shutdown(connection: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed by the other side
        connection.shutdown(socket.SHUT_RDWR)
