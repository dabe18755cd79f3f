"""What a printer reports about itself over ESC/POS real-time status (DLE EOT), in plain terms."""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from escpos.constants import (
    RT_MASK_LOWPAPER,
    RT_MASK_NOPAPER,
    RT_MASK_ONLINE,
    RT_STATUS,
    RT_STATUS_ONLINE,
    RT_STATUS_PAPER,
)


class PrinterState(StrEnum):
    """The printer condition a kiosk or supervisor needs to act on."""

    OK = "ok"
    OFFLINE = "offline"  # unreachable, or offline for a reason it does not report
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    ERROR = "error"


@dataclass(frozen=True)
class PrinterStatus:
    state: PrinterState
    message: str
    paper_low: bool = False


# python-escpos 3.1 defines DLE EOT 1 (printer status) and DLE EOT 4 (paper roll sensor) with the
# masks its is_online() and paper_status() apply; it lacks DLE EOT 2 (offline cause), the only
# report that tells a cover left open from other offline reasons.
RT_STATUS_OFFLINE_CAUSE: Final = RT_STATUS + b"\x02"
STATUS_REQUESTS: Final = (RT_STATUS_ONLINE, RT_STATUS_OFFLINE_CAUSE, RT_STATUS_PAPER)

# Offline-cause bits (DLE EOT 2).
_COVER_OPEN: Final = 0x04
_STOPPED_BY_PAPER_END: Final = 0x20
_ERROR: Final = 0x40
# Every status byte has bits 1 and 4 set and bits 0 and 7 clear: anything else is not an answer.
_FIXED_MASK: Final = 0x93
_FIXED_BITS: Final = 0x12


def decode_status(printer: int, offline_cause: int, paper: int) -> PrinterStatus:
    """Interpret the replies to DLE EOT 1, 2 and 4, most actionable condition first."""
    paper_out = paper & RT_MASK_NOPAPER == RT_MASK_NOPAPER
    paper_low = paper & RT_MASK_LOWPAPER == RT_MASK_LOWPAPER
    if offline_cause & _COVER_OPEN:
        return PrinterStatus(PrinterState.COVER_OPEN, "printer cover is open", paper_low)
    if paper_out or offline_cause & _STOPPED_BY_PAPER_END:
        return PrinterStatus(PrinterState.PAPER_OUT, "printer is out of paper", paper_low=True)
    if offline_cause & _ERROR:
        return PrinterStatus(
            PrinterState.ERROR, "printer reports an error (cutter jam or overheating)", paper_low
        )
    if printer & RT_MASK_ONLINE:
        return PrinterStatus(PrinterState.OFFLINE, "printer is offline", paper_low)
    if paper_low:
        return PrinterStatus(PrinterState.OK, "printer ready; paper is running low", True)
    return PrinterStatus(PrinterState.OK, "printer ready")


def read_status(ask: Callable[[bytes], bytes | None]) -> PrinterStatus | None:
    """Put the status questions to a printer through `ask` (request -> reply or None).

    Returns None when the printer does not answer, or answers with something that is not a
    status byte: many printers have no back channel, or have real-time status turned off.
    """
    replies: list[int] = []
    for request in STATUS_REQUESTS:
        reply = ask(request)
        # A reply can carry earlier unsolicited bytes (automatic status back); the answer is last.
        if not reply or reply[-1] & _FIXED_MASK != _FIXED_BITS:
            return None
        replies.append(reply[-1])
    return decode_status(*replies)
