"""Clients issuing tickets as fast as they can, in a process of their own.

Started by `bench/fanout.py --issuers N` beside the client that measures call → screen, so
that the issuers' work does not delay the measuring client's reading of its screen. Prints
"ready" once every client's first ticket was answered, issues until its standard input
closes, then prints how many tickets it issued and how many were refused.

    python bench/issuers.py URL --clients 8 [--token TOKEN]
"""

from __future__ import annotations

import argparse
import asyncio
import sys

import httpx2 as httpx

TICKET = {"category": "social", "channel": "counter"}


async def issue(url: str, clients: int, token: str | None) -> tuple[int, int]:
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    counts = {"issued": 0, "refused": 0}
    loop = asyncio.get_running_loop()
    stdin = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stdin), sys.stdin)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(timeout=60, headers=headers, limits=limits) as client:

        async def one() -> None:
            while True:
                response = await client.post(url, json=TICKET)
                counts["issued" if response.is_success else "refused"] += 1

        async def first() -> None:
            response = await client.post(url, json=TICKET)
            response.raise_for_status()

        await asyncio.gather(*(first() for _ in range(clients)))
        print("ready", flush=True)
        tasks = [asyncio.create_task(one()) for _ in range(clients)]
        await stdin.read()  # until the benchmark closes our standard input
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return counts["issued"], counts["refused"]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("url")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--token")
    args = parser.parse_args()
    issued, refused = asyncio.run(issue(args.url, args.clients, args.token))
    print(issued, refused, flush=True)


if __name__ == "__main__":
    main()
