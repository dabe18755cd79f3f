"""python -m ticket_printer: the print agent, and booking administration.

    python -m ticket_printer --server http://hall-server:8000 --token owd_... \\
        [--printer network:192.168.10.21:9100] [--printed-log var/printed-jobs.txt] \\
        [--text-copy var/printed-tickets.txt]
    python -m ticket_printer booking add --hall weiyang --category business \\
        --start "2026-11-23 10:00" --end "2026-11-23 10:30" [--config config.toml]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from queue_server.clock import SystemClock
from queue_server.config import ConfigError, find_config, load_settings
from queue_server.domain.errors import DomainError
from queue_server.domain.model import HallSpec
from queue_server.messages import translate
from queue_server.storage import open_store
from queue_server.storage.base import Booking
from ticket_printer.agent import AgentOptions, AgentRefused, PrintAgent
from ticket_printer.bookings import Bookings
from ticket_printer.connections import PrinterConfig


def parse_printer(spec: str) -> PrinterConfig:
    """`network:HOST[:PORT]`, `usb:VENDOR:PRODUCT`, `serial:DEVICE[:BAUD]`, `file:PATH`,
    `cups[:QUEUE]` -> a PrinterConfig (raises ValueError naming what is wrong)."""
    kind, _, rest = spec.partition(":")
    parts = rest.split(":") if rest else []
    if kind == "network" and 1 <= len(parts) <= 2:
        port = int(parts[1]) if len(parts) == 2 else 9100
        return PrinterConfig(kind="network", host=parts[0], port=port)
    if kind == "usb" and len(parts) == 2:
        return PrinterConfig.from_mapping(
            {"kind": "usb", "usb_vendor_id": parts[0], "usb_product_id": parts[1]}
        )
    if kind == "serial" and 1 <= len(parts) <= 2:
        baud = int(parts[1]) if len(parts) == 2 else 9600
        return PrinterConfig(kind="serial", serial_device=parts[0], baudrate=baud)
    if kind == "file" and rest:
        return PrinterConfig(kind="file", file_path=rest)
    if kind == "cups":
        return PrinterConfig(kind="cups", cups_printer=rest)
    raise ValueError(
        f"--printer {spec!r}: use network:HOST[:PORT], usb:VENDOR:PRODUCT, "
        "serial:DEVICE[:BAUD], file:PATH or cups[:QUEUE]"
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m ticket_printer", description="OneWindow print agent")
    parser.add_argument("--server", help="the queue server, e.g. http://192.168.10.2:8000")
    parser.add_argument("--token", default=os.environ.get("ONEWINDOW_PRINTER_TOKEN"))
    parser.add_argument("--printer", help="overrides the connection configured on the server")
    parser.add_argument("--printed-log", type=Path, default=Path("var/printed-jobs.txt"))
    parser.add_argument("--text-copy", type=Path, help="append each printed ticket's text to this file")
    commands = parser.add_subparsers(dest="command")
    booking = commands.add_parser("booking", help="manage bookings").add_subparsers(
        dest="action", required=True
    )
    add = booking.add_parser("add", help="book a slot; prints the booking code")
    add.add_argument("--config", help="default: as onewindow finds it")
    add.add_argument("--hall", required=True)
    add.add_argument("--category", required=True)
    add.add_argument("--start", required=True, help='hall local time, "2026-11-23 10:00"')
    add.add_argument("--end", required=True, help='hall local time, "2026-11-23 10:30"')
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    if args.command == "booking":
        return _add_booking(args)
    if not args.server or not args.token:
        parser.error("the agent needs --server and --token (or ONEWINDOW_PRINTER_TOKEN)")
    try:
        printer = parse_printer(args.printer) if args.printer else None
    except ValueError as exc:
        parser.error(str(exc))
    options = AgentOptions(args.server, args.token, args.printed_log, printer, text_copy=args.text_copy)
    try:
        asyncio.run(PrintAgent(options).run())
    except AgentRefused as exc:
        print(f"print agent: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0
    return 0


def _add_booking(args: argparse.Namespace) -> int:
    try:
        settings = load_settings(find_config(args.config))
    except ConfigError as exc:
        print(f"config {exc}", file=sys.stderr)
        return 2
    spec = settings.hall(args.hall)
    if spec is None:
        print(f"unknown hall {args.hall!r}", file=sys.stderr)
        return 2
    try:
        start = datetime.fromisoformat(args.start).replace(tzinfo=spec.timezone)
        end = datetime.fromisoformat(args.end).replace(tzinfo=spec.timezone)
        store = settings.server.store
        booking = asyncio.run(_store_booking(store, spec, args.category, start, end))
    except ValueError as exc:
        print(f"booking: {exc}", file=sys.stderr)
        return 2
    except DomainError as exc:
        print(f"booking: {translate(exc.key, 'en', **exc.params)}", file=sys.stderr)
        return 2
    print(booking.code)
    return 0


async def _store_booking(
    store_url: str, spec: HallSpec, category: str, start: datetime, end: datetime
) -> Booking:
    store = open_store(store_url)
    await store.start()
    try:
        return await Bookings(store).add(spec, category, start, end, "cli", SystemClock().now())
    finally:
        await store.close()


if __name__ == "__main__":
    sys.exit(main())
