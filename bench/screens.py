"""A lean swarm of WebSocket screens in a process of its own, for the fan-out benchmark.

The `websockets` client parses, unmasks, decodes and queues every frame on every socket,
which at 10,000 screens made the load generator the limit (the bare floor itself took 5 s to
reach its last screen). This reader is an asyncio Protocol per socket that does the
handshake and then only finds frame boundaries: it answers pings (the server closes a
screen that does not), and looks for `marker` in each data frame without copying or
decoding it. Nothing is parsed.

    python bench/screens.py '"ticket.called"' ws://127.0.0.1:8000/ws 5000 [URL COUNT ...]

It connects COUNT sockets to each URL, waits for each one's first frame (the snapshot), and
prints `ready`. Then, each time the k-th frame holding the marker has reached every socket, it
prints `k <time.perf_counter() of the last arrival>` (CLOCK_MONOTONIC, the same clock in every
process of the machine), and `closed <stage>` when a socket is closed under it (`refused
<status>` when its handshake is). It stops when its stdin closes. With --arrivals it prints
instead, once its stdin closes, one line per marked frame per socket: `<index of its URL>
<data.ticket.id of the frame> <time it arrived>`.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import sys
import time
from collections import Counter
from typing import cast
from urllib.parse import urlsplit

CONNECTING_AT_ONCE = 200
RETRIES = 3  # of a screen whose connection was refused or reset before its snapshot
# Client frames must be masked; a zero mask leaves the payload as it is.
PONG_HEAD = bytes([0x8A])
ZERO_MASK = b"\x00\x00\x00\x00"


class Swarm:
    def __init__(self, count: int, marker: bytes, each: bool) -> None:
        self.count, self.marker, self.each = count, marker, each
        self.arrivals: list[tuple[int, bytes, float]] = []  # --arrivals: (URL, frame, time)
        self.arrived: Counter[int] = Counter()  # k → sockets that have had the k-th marked frame
        self.snapshots = 0
        self.stopping = False
        self.transports: list[asyncio.Transport] = []
        self._reconnecting: set[asyncio.Task[None]] = set()
        # Made once, before any screen: a snapshot may arrive before create_connection returns.
        self.all_ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def reconnect(self, tag: int, address: tuple[str, int], request: bytes, tries: int) -> None:
        task = asyncio.ensure_future(self.open_screen(tag, address, request, tries))
        self._reconnecting.add(task)
        task.add_done_callback(self._reconnecting.discard)

    async def open_screen(self, tag: int, address: tuple[str, int], request: bytes, tries: int = 0) -> None:
        loop = asyncio.get_running_loop()
        try:
            transport, _ = await loop.create_connection(
                lambda: Screen(self, tag, address, request, tries), *address
            )
        except OSError:
            if tries >= RETRIES:
                raise
            await self.open_screen(tag, address, request, tries + 1)
            return
        self.transports.append(transport)

    def snapshot(self) -> None:
        self.snapshots += 1
        if self.snapshots == self.count and not self.all_ready.done():
            self.all_ready.set_result(None)

    def marked(self, k: int, tag: int, frame: bytearray, at: int, end: int) -> None:
        if self.each:
            self.arrivals.append((tag, bytes(frame[at:end]), time.perf_counter()))
            return
        self.arrived[k] += 1
        if self.arrived[k] == self.count:
            print(k, repr(time.perf_counter()), flush=True)
            del self.arrived[k]

    def closed(self, stage: str) -> None:
        if self.stopping:
            return
        print("closed", stage, flush=True)
        if not self.all_ready.done():
            self.all_ready.set_exception(ConnectionError("a screen was closed while connecting"))


class Screen(asyncio.Protocol):
    def __init__(
        self, swarm: Swarm, tag: int, address: tuple[str, int], handshake: bytes, tries: int
    ) -> None:
        self.swarm, self.tag, self.address, self.handshake, self.tries = swarm, tag, address, handshake, tries
        self.buffer = bytearray()
        self.upgraded = False
        self.frames = 0
        self.marked = 0
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass of it
        self.transport.write(self.handshake)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.frames and self.tries < RETRIES and not self.swarm.stopping:
            # Reset while the server was too busy to take it (a loaded, pinned server takes
            # longer than its read deadline to answer some of 10,000 handshakes): a real
            # screen connects again.
            self.swarm.reconnect(self.tag, self.address, self.handshake, self.tries + 1)
            return
        stage = "after-snapshot" if self.frames else "after-upgrade" if self.upgraded else "before-upgrade"
        self.swarm.closed(stage if exc is None else f"{stage}:{type(exc).__name__}")

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer
        buffer += data
        if not self.upgraded:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            if not buffer.startswith(b"HTTP/1.1 101"):
                status = bytes(buffer[: buffer.find(b"\r\n")]).decode(errors="replace")
                print("refused", status.replace(" ", "_"), flush=True)
                assert self.transport is not None
                self.transport.close()
                return
            del buffer[: end + 4]
            self.upgraded = True
        at, size = 0, len(buffer)
        while size - at >= 2:
            length, head = buffer[at + 1] & 0x7F, 2  # a server's frames are not masked
            if length == 126:
                if size - at < 4:
                    break
                length, head = int.from_bytes(buffer[at + 2 : at + 4]), 4
            elif length == 127:
                if size - at < 10:
                    break
                length, head = int.from_bytes(buffer[at + 2 : at + 10]), 10
            end = at + head + length
            if end > size:
                break
            opcode = buffer[at] & 0x0F
            if opcode == 0x9:  # ping: pong with its payload (≤ 125 bytes)
                assert self.transport is not None
                payload = bytes(buffer[at + head : end])
                self.transport.write(PONG_HEAD + bytes([0x80 | len(payload)]) + ZERO_MASK + payload)
            elif opcode in (0x0, 0x1, 0x2):
                self.frames += 1
                if self.frames == 1:
                    self.swarm.snapshot()
                elif buffer.find(self.swarm.marker, at + head, end) >= 0:
                    self.marked += 1
                    self.swarm.marked(self.marked, self.tag, buffer, at + head, end)
            at = end
        if at:
            del buffer[:at]


def handshake(url: str) -> tuple[str, int, bytes]:
    parts = urlsplit(url)
    key = base64.b64encode(os.urandom(16)).decode()
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    request = (
        f"GET {target} HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    return parts.hostname or "127.0.0.1", parts.port or 80, request.encode()


async def run(marker: bytes, screens: list[tuple[str, int]], each: bool) -> None:
    loop = asyncio.get_running_loop()
    swarm = Swarm(sum(count for _, count in screens), marker, each)
    for tag, (url, count) in enumerate(screens):
        host, port, request = handshake(url)
        for start in range(0, count, CONNECTING_AT_ONCE):
            await asyncio.gather(
                *(
                    swarm.open_screen(tag, (host, port), request)
                    for _ in range(start, min(count, start + CONNECTING_AT_ONCE))
                )
            )
    await asyncio.wait_for(swarm.all_ready, 300)
    print("ready", flush=True)
    await loop.run_in_executor(None, sys.stdin.read)  # until the benchmark closes our stdin
    swarm.stopping = True
    for transport in swarm.transports:
        transport.abort()
    for tag, frame, at in swarm.arrivals:
        print(tag, json.loads(frame)["data"]["ticket"]["id"], repr(at))


MARKER = '"ticket.called"'  # in OneWindow's event frame and the floor's alike


def split(screens: list[tuple[str, int]], processes: int) -> list[list[tuple[str, int]]]:
    """`(URL, count)` pairs shared out over at most `processes` swarms, as evenly as they go."""
    each = -(-sum(count for _, count in screens) // processes)
    shares: list[list[tuple[str, int]]] = [[]]
    room = each
    for url, count in screens:
        while count:
            if not room:
                shares.append([])
                room = each
            taken = min(count, room)
            shares[-1].append((url, taken))
            count, room = count - taken, room - taken
    return shares


class Swarms:
    """Screens read by lean processes of their own (this file run once per share), so that
    reading thousands of sockets does not take the CPU of the process that times the calls."""

    def __init__(
        self, shares: list[list[tuple[str, int]]], processes: list[asyncio.subprocess.Process]
    ) -> None:
        self.shares, self.processes = shares, processes

    @classmethod
    async def open(
        cls, shares: list[list[tuple[str, int]]], cpu: int | None, *, arrivals: bool = False
    ) -> Swarms:
        """`cpu`: pinned there (taskset); `arrivals`: every arrival kept (see `arrivals()`)."""
        pinned = [] if cpu is None else ["taskset", "-c", str(cpu)]
        each = ["--arrivals"] if arrivals else []
        swarms = cls(shares, [])
        try:
            for share in shares:
                swarms.processes.append(
                    await asyncio.create_subprocess_exec(
                        *pinned,
                        sys.executable,
                        __file__,
                        *each,
                        MARKER,
                        *(str(part) for pair in share for part in pair),
                        stdin=asyncio.subprocess.PIPE,
                        stdout=asyncio.subprocess.PIPE,
                        limit=1 << 20,
                    )
                )
            for process in swarms.processes:
                line = await swarms.line(process, 600)
                if line != "ready":
                    raise RuntimeError(f"a screen swarm did not connect: {line!r}")
        except BaseException:
            await swarms.close()
            raise
        return swarms

    @staticmethod
    async def line(process: asyncio.subprocess.Process, timeout: float) -> str:
        assert process.stdout is not None
        return (await asyncio.wait_for(process.stdout.readline(), timeout)).decode().strip()

    async def last_arrival(self, call: int) -> float:
        """When the `call`-th marked frame had reached the last screen of every swarm."""
        arrivals = []
        for process in self.processes:
            line = await self.line(process, 60)
            k, at = line.split()
            if k != str(call):
                raise RuntimeError(f"screens were closed or missed a call: {line!r}")
            arrivals.append(float(at))
        return max(arrivals)

    async def arrivals(self) -> list[tuple[str, str, float]]:
        """Stops the swarms (opened with `arrivals=True`): `(URL, ticket id, arrival)` of every
        marked frame at every screen."""
        outputs = await self._stop()
        lines = [
            (share, line.split())
            for share, output in zip(self.shares, outputs, strict=True)
            for line in output.decode().splitlines()
        ]
        return [
            (share[int(tag)][0], ticket, float(at)) for share, (tag, ticket, at) in lines if tag != "closed"
        ]

    async def close(self) -> None:
        await self._stop()

    async def _stop(self) -> list[bytes]:
        for process in self.processes:
            assert process.stdin is not None
            process.stdin.close()
        outputs = []
        for process in self.processes:
            assert process.stdout is not None
            try:
                outputs.append(await asyncio.wait_for(process.stdout.read(), 60))
                await asyncio.wait_for(process.wait(), 30)
            except TimeoutError:
                process.kill()
                await process.wait()
                outputs.append(b"")
        return outputs


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--arrivals", action="store_true", help="every marked frame's arrival, at the end")
    parser.add_argument("marker")
    parser.add_argument("screens", nargs="+", help="URL COUNT, repeated")
    args = parser.parse_args()
    pairs = args.screens
    if len(pairs) % 2:
        parser.error("URL COUNT, repeated")
    screens = [(url, int(count)) for url, count in zip(pairs[::2], pairs[1::2], strict=True)]
    coroutine = run(args.marker.encode(), screens, args.arrivals)
    try:
        import uvloop
    except ImportError:
        asyncio.run(coroutine)
    else:
        uvloop.run(coroutine)


if __name__ == "__main__":
    main()
