"""A lean swarm of WebSocket screens in a process of its own, for the fan-out benchmark.

The `websockets` client parses, unmasks, decodes and queues every frame on every socket,
which at 10,000 screens made the load generator the limit (the bare floor itself took 5 s to
reach its last screen). This reader is an asyncio Protocol per socket that does the
handshake and then only finds frame boundaries: it answers pings (the server closes a
screen that does not), and looks for `marker` in each data frame without copying or
decoding it. Nothing is parsed.

    python bench/screens.py ws://127.0.0.1:8000/ws 5000 '"ticket.called"'

It connects `count` sockets, waits for each one's first frame (the snapshot), and prints
`ready`. Then, each time the k-th frame holding the marker has reached every socket, it prints
`k <time.perf_counter() of the last arrival>` (CLOCK_MONOTONIC, the same clock in every
process of the machine), and `closed <n>` when a socket is closed under it. It stops when its
stdin closes.
"""

from __future__ import annotations

import asyncio
import base64
import os
import sys
import time
from collections import Counter
from typing import cast
from urllib.parse import urlsplit

CONNECTING_AT_ONCE = 200
# Client frames must be masked; a zero mask leaves the payload as it is.
PONG_HEAD = bytes([0x8A])
ZERO_MASK = b"\x00\x00\x00\x00"


class Swarm:
    def __init__(self, count: int, marker: bytes) -> None:
        self.count, self.marker = count, marker
        self.arrived: Counter[int] = Counter()  # k → sockets that have had the k-th marked frame
        self.snapshots = 0
        self.stopping = False
        self.all_ready = asyncio.get_running_loop().create_future()

    def snapshot(self) -> None:
        self.snapshots += 1
        if self.snapshots == self.count and not self.all_ready.done():
            self.all_ready.set_result(None)

    def marked(self, k: int) -> None:
        self.arrived[k] += 1
        if self.arrived[k] == self.count:
            print(k, repr(time.perf_counter()), flush=True)
            del self.arrived[k]

    def closed(self) -> None:
        if self.stopping:
            return
        print("closed", 1, flush=True)
        if not self.all_ready.done():
            self.all_ready.set_exception(ConnectionError("a screen was closed while connecting"))


class Screen(asyncio.Protocol):
    def __init__(self, swarm: Swarm, handshake: bytes) -> None:
        self.swarm, self.handshake = swarm, handshake
        self.buffer = bytearray()
        self.upgraded = False
        self.frames = 0
        self.marked = 0
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass of it
        self.transport.write(self.handshake)

    def connection_lost(self, exc: Exception | None) -> None:
        self.swarm.closed()

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer
        buffer += data
        if not self.upgraded:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            if not buffer.startswith(b"HTTP/1.1 101"):
                raise ConnectionError(bytes(buffer[: buffer.find(b"\r\n")]).decode(errors="replace"))
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
                    self.swarm.marked(self.marked)
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


async def run(url: str, count: int, marker: bytes) -> None:
    loop = asyncio.get_running_loop()
    swarm = Swarm(count, marker)
    host, port, request = handshake(url)
    transports: list[asyncio.BaseTransport] = []
    for start in range(0, count, CONNECTING_AT_ONCE):
        opened = await asyncio.gather(
            *(
                loop.create_connection(lambda: Screen(swarm, request), host, port)
                for _ in range(start, min(count, start + CONNECTING_AT_ONCE))
            )
        )
        transports.extend(transport for transport, _ in opened)
    await asyncio.wait_for(swarm.all_ready, 300)
    print("ready", flush=True)
    await loop.run_in_executor(None, sys.stdin.read)  # until the benchmark closes our stdin
    swarm.stopping = True
    for transport in transports:
        transport.abort()


def main() -> None:
    url, count, marker = sys.argv[1], int(sys.argv[2]), sys.argv[3].encode()
    try:
        import uvloop
    except ImportError:
        asyncio.run(run(url, count, marker))
    else:
        uvloop.run(run(url, count, marker))


if __name__ == "__main__":
    main()
