"""Printing kiosk tickets on ESC/POS thermal printers.

`render` turns a PrintableTicket into ESC/POS bytes for a TicketLayout; `send` delivers them to
the printer a PrinterConfig describes and reports the outcome as a PrintResult.
"""

# First: it sets escpos's cache up before the modules below import escpos (escpos_cache says why).
from ticket_printer import escpos_cache  # noqa: F401
from ticket_printer.connections import (
    MissingDependencyError,
    PrinterConfig,
    PrinterKind,
    open_printer,
)
from ticket_printer.delivery import PrintResult, send
from ticket_printer.image_text import MissingFontError
from ticket_printer.layout import TicketLayout
from ticket_printer.messages import Language
from ticket_printer.render import render
from ticket_printer.status import PrinterState
from ticket_printer.ticket import PrintableTicket

__all__ = [
    "Language",
    "MissingDependencyError",
    "MissingFontError",
    "PrintResult",
    "PrintableTicket",
    "PrinterConfig",
    "PrinterKind",
    "PrinterState",
    "TicketLayout",
    "open_printer",
    "render",
    "send",
]
