"""Sending a rendered ticket to a printer, with printer faults reported rather than raised."""

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from escpos.exceptions import DeviceNotFoundError

from ticket_printer.connections import (
    EscposPrinter,
    MissingDependencyError,
    PrinterConfig,
    ask_printer,
    open_printer,
)
from ticket_printer.status import PrinterState, PrinterStatus, read_status

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PrintResult:
    """How a print job went.

    `sent` says whether every byte of the job reached the printer (or its spooler); a job can be
    sent and still fail, e.g. when the paper ran out halfway through the ticket.
    """

    state: PrinterState
    message: str
    sent: bool
    paper_low: bool = False

    @property
    def ok(self) -> bool:
        return self.state is PrinterState.OK


def send(cfg: PrinterConfig, data: bytes, *, deadline_s: float | None = None) -> PrintResult:
    """Print `data` (from `render`) on the printer `cfg` describes. Never raises for faults.

    The printer is asked for its status first where it can answer: a ticket is not sent to a
    printer that is out of paper, has its cover open or reports an error, because a visitor
    would not get it and a printer would print it whenever someone fixes it. After the job the
    status is asked again, which also shows whether the connection survived the job.

    Blocks for at most `deadline_s` (default `cfg.job_deadline_s`): the job runs in a worker
    thread, because some transports (a device file such as /dev/usb/lp0) cannot time out.
    From asyncio code call it as `await asyncio.to_thread(send, cfg, data)`.
    """
    deadline = cfg.job_deadline_s if deadline_s is None else deadline_s
    return _within(deadline, lambda: _send_now(cfg, data), f"print to {cfg.describe()}") or (
        PrintResult(
            PrinterState.ERROR,
            f"{cfg.describe()} did not finish within {deadline:g} s; the ticket may still print",
            sent=False,
        )
    )


def check(cfg: PrinterConfig) -> PrintResult:
    """Whether the printer `cfg` describes could print now, without printing anything.

    Connects and, where the printer answers, asks its status; a printer without a back channel
    counts as ready once it accepts the connection. Never raises for faults; blocks like `send`.
    """
    deadline = 2 * cfg.timeout_s + 3 * cfg.status_timeout_s
    return _within(deadline, lambda: _check_now(cfg), f"check {cfg.describe()}") or PrintResult(
        PrinterState.ERROR, f"{cfg.describe()} did not answer within {deadline:g} s", sent=False
    )


def _within(deadline_s: float, work: Callable[[], PrintResult], name: str) -> PrintResult | None:
    """`work()` in a worker thread, or None if it is not done within `deadline_s`: some
    transports (a device file such as /dev/usb/lp0) cannot time out by themselves."""
    outcome: list[PrintResult] = []
    worker = threading.Thread(
        target=lambda: outcome.append(work()),
        name=name,
        daemon=True,  # a worker stuck on a dead device must not keep the process alive
    )
    worker.start()
    worker.join(deadline_s)
    return outcome[0] if outcome else None


def _check_now(cfg: PrinterConfig) -> PrintResult:
    printer, failure = _open(cfg)
    if failure is not None:
        return failure
    try:
        status = _status(printer, cfg, cfg.status_timeout_s) if cfg.reports_status else None
    except OSError as exc:
        return PrintResult(PrinterState.OFFLINE, f"{cfg.describe()}: {exc}", sent=False)
    finally:
        _close_quietly(printer)
    if status is None:
        return PrintResult(PrinterState.OK, f"{cfg.describe()} accepts connections", sent=False)
    return PrintResult(status.state, status.message, sent=False, paper_low=status.paper_low)


def _open(cfg: PrinterConfig) -> tuple[EscposPrinter, PrintResult | None]:
    """The opened printer, or the PrintResult saying why it could not be opened."""
    where = cfg.describe()
    try:
        return open_printer(cfg), None
    except MissingDependencyError as exc:
        return None, PrintResult(PrinterState.ERROR, str(exc), sent=False)
    except DeviceNotFoundError as exc:
        return None, PrintResult(PrinterState.OFFLINE, f"cannot reach {where}: {exc}", sent=False)
    except Exception as exc:  # a driver failing in an unforeseen way is still a printer fault
        _log.warning("opening %s failed", where, exc_info=True)
        return None, PrintResult(PrinterState.ERROR, f"cannot open {where}: {exc!r}", sent=False)


def _send_now(cfg: PrinterConfig, data: bytes) -> PrintResult:
    where = cfg.describe()
    printer, failure = _open(cfg)
    if failure is not None:
        return failure
    try:
        return _print(printer, cfg, data)
    except OSError as exc:  # sockets, serial ports, USB and device files all fail this way
        message = f"connection to {where} lost during the job ({exc}); the ticket may be incomplete"
        _log.warning(message)
        return PrintResult(PrinterState.ERROR, message, sent=False)
    except Exception as exc:  # a driver failing in an unforeseen way is still a printer fault
        _log.warning("printing on %s failed", where, exc_info=True)
        return PrintResult(PrinterState.ERROR, f"printing on {where} failed: {exc!r}", sent=False)
    finally:
        _close_quietly(printer)


def _print(printer: EscposPrinter, cfg: PrinterConfig, data: bytes) -> PrintResult:
    before = _status(printer, cfg, cfg.status_timeout_s) if cfg.reports_status else None
    if before is not None and before.state is not PrinterState.OK:
        return PrintResult(before.state, f"{before.message}; ticket not printed", False, before.paper_low)
    # The whole job in one write: python-escpos has no public call for prepared bytes.
    printer._raw(data)
    if before is None:
        printer.close()  # flushes a file, submits the CUPS job; may raise
        return PrintResult(PrinterState.OK, f"sent to {cfg.describe()}", sent=True)
    # The printer answered before, so it is given the full timeout now: a long job can fill its
    # receive buffer and delay the answer until it has printed enough.
    after = _status(printer, cfg, cfg.timeout_s)
    if after is None:
        return PrintResult(
            PrinterState.ERROR,
            "printer stopped answering after the job; the ticket may be incomplete",
            sent=True,
        )
    if after.state is not PrinterState.OK:
        return PrintResult(
            after.state, f"{after.message}; the ticket may be incomplete", True, after.paper_low
        )
    return PrintResult(PrinterState.OK, after.message, sent=True, paper_low=after.paper_low)


def _status(printer: EscposPrinter, cfg: PrinterConfig, timeout_s: float) -> PrinterStatus | None:
    return read_status(lambda request: ask_printer(printer, cfg, request, timeout_s))


def _close_quietly(printer: EscposPrinter) -> None:
    try:
        printer.close()
    except Exception:  # the result is already decided; a failing close changes nothing
        _log.debug("closing the printer failed", exc_info=True)
