"""Ticket data to ESC/POS bytes: the one pure function between a ticket and a printer."""

import functools
from collections.abc import Sequence
from typing import Any, Final

import qrcode
from escpos.capabilities import Profile
from escpos.constants import QR_ECLEVEL_M
from escpos.printer import Dummy
from qrcode.util import MODE_8BIT_BYTE, QRData

from ticket_printer.columns import PRINTER_ENCODING, wrap
from ticket_printer.connections import EscposPrinter
from ticket_printer.image_text import text_image
from ticket_printer.layout import StyledText, TicketLayout
from ticket_printer.messages import message
from ticket_printer.ticket import PrintableTicket

# FS & selects Chinese character mode: from then on the printer reads bytes >= 0x80 as GB18030
# (GBK on older firmware, which is the same for the two-byte part) and prints them with its own
# 24x24 Chinese font. This is the factory default of printers sold in China, sent anyway because
# ESC @ may reset it on some models.
CHINESE_MODE: Final = b"\x1c&"

# The ticket number is the one thing a visitor must read from across the hall: printed at the
# largest scale of font A (12 x 24 dots) at which the longest number (16 characters, see
# PrintableTicket) still fits on one line: 16 x 12 x 3 = 576 dots on 80 mm, x 2 = 384 on 58 mm.
NUMBER_SCALE: Final[dict[int, int]] = {58: 2, 80: 3}
# The QR code takes at most this share of the paper width; modules are at most 8 dots (1 mm).
_QR_WIDTH_SHARE: Final = 0.6
_QR_MAX_MODULE_DOTS: Final = 8


def render(ticket: PrintableTicket, layout: TicketLayout) -> bytes:
    """The ESC/POS job that prints `ticket` on a printer described by `layout`, ending in a cut.

    Pure: no printer is contacted; send the bytes with `ticket_printer.send`.
    Raises MissingFontError in image mode when the layout's font is not installed.
    """
    printer = Dummy(profile=_profile(layout.dots))
    printer.hw("INIT")
    printer.set(align="center")
    if layout.mode == "native":
        printer._raw(CHINESE_MODE)
    _write_text(printer, layout, _header(ticket))
    printer._raw(b"\n")
    scale = NUMBER_SCALE[layout.paper_mm]
    printer.set(custom_size=True, width=scale, height=scale)
    printer._raw(ticket.number.encode("ascii") + b"\n")
    # GS ! 0 (not python-escpos's normal_textsize, which only resets ESC !) undoes the scale.
    printer.set(custom_size=True, width=1, height=1)
    printer._raw(b"\n")
    _write_text(printer, layout, _body(ticket))
    printer._raw(b"\n")
    printer.qr(
        ticket.tracking_url,
        ec=QR_ECLEVEL_M,
        size=_qr_module_dots(ticket.tracking_url, layout),
        native=True,
    )
    printer._raw(b"\n")
    _write_text(printer, layout, _footer(ticket))
    printer.cut()
    job: bytes = printer.output
    return job


def _header(ticket: PrintableTicket) -> list[StyledText]:
    paragraphs = [StyledText(ticket.hall_name, "title")]
    if ticket.language == "en" and ticket.category_name_en:
        paragraphs.append(StyledText(ticket.category_name_en))
    paragraphs.append(StyledText(ticket.category_name))
    return paragraphs


def _body(ticket: PrintableTicket) -> list[StyledText]:
    lang = ticket.language
    return [
        StyledText(message("people_ahead", lang, count=ticket.people_ahead)),
        StyledText(message("estimated_wait", lang, minutes=ticket.estimated_wait_min)),
        StyledText(message("issued_at", lang, time=ticket.issued_at.strftime("%H:%M"))),
    ]


def _footer(ticket: PrintableTicket) -> list[StyledText]:
    return [StyledText(message("scan_to_track", ticket.language)), StyledText(ticket.footer)]


def _write_text(printer: EscposPrinter, layout: TicketLayout, paragraphs: Sequence[StyledText]) -> None:
    if layout.mode == "image":
        printer.image(text_image(paragraphs, layout.dots, layout.font_path), impl="bitImageRaster")
        return
    for paragraph in paragraphs:
        bold = paragraph.style == "title"
        if bold:
            printer.set(bold=True)
        for line in wrap(paragraph.text, layout.chars_per_line):
            # Raw GB18030 rather than printer.text(): python-escpos's magic encoder only switches
            # to GB18030 for lines containing a U+4E00..U+9FA5 ideograph and otherwise picks a
            # single-byte code page with ESC t, which a printer in Chinese mode would misread;
            # GB18030 covers ASCII and every Unicode character, so one encoding fits every line.
            printer._raw(line.encode(PRINTER_ENCODING) + b"\n")
        if bold:
            printer.set(bold=False)


def _qr_module_dots(url: str, layout: TicketLayout) -> int:
    """The largest QR module size (in dots) that keeps the code within its share of the paper.

    The printer picks the QR version itself; byte mode is the least compact encoding it can
    choose, so the version computed here is an upper bound of what it will print.
    """
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(QRData(url.encode("utf-8"), mode=MODE_8BIT_BYTE))
    modules = 17 + 4 * int(code.best_fit())
    fitting = int(layout.dots * _QR_WIDTH_SHARE) // modules
    return max(1, min(_QR_MAX_MODULE_DOTS, fitting))


@functools.cache
def _profile(dots: int) -> Any:  # python-escpos's dynamically built profile class
    """python-escpos's default profile, told the paper width.

    The width makes printer.image() reject an image wider than the paper instead of printing a
    warning to stdout about the unknown width, as it does with the stock default profile.
    """
    profile = Profile(features=Profile().profile_data["features"])
    media = {"dpi": 203, "width": {"pixels": dots}}
    profile.profile_data = {**profile.profile_data, "media": media}
    return profile
