"""python -m ticket_printer: the print agent.

    python -m ticket_printer --server http://hall-server:8000 --token owd_... \\
        [--printer network:192.168.10.21:9100] [--printed-log var/printed-jobs.txt] \\
        [--text-copy var/printed-tickets.txt]

Bookings are made on the server: `onewindow booking add`.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from ticket_printer.agent import AgentOptions, AgentRefused, PrintAgent
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
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


if __name__ == "__main__":
    sys.exit(main())
