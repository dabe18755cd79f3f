"""Reading an ESC/POS byte stream back into commands and printed text.

The print agent uses it for the text copy of what it printed (the demo's virtual printer); the
tests' fake printer uses it to find real-time status queries in a job the way a printer does,
that is skipping image and QR payloads where the same bytes can occur as data. It knows the
commands python-escpos emits for tickets, not all of ESC/POS.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final, NoReturn

from ticket_printer.columns import PRINTER_ENCODING

STATUS_QUERY: Final = b"\x10\x04"  # DLE EOT n: real-time status transmission
_ESC, _FS, _GS, _DLE, _LF = 0x1B, 0x1C, 0x1D, 0x10, 0x0A

# Commands made of a two-byte code and a fixed number of parameter bytes.
_FIXED_PARAMS: Final[Mapping[bytes, int]] = {
    b"\x1b@": 0,  # ESC @ initialise
    b"\x1b2": 0,  # ESC 2 default line spacing
    b"\x1b3": 1,  # ESC 3 n line spacing
    b"\x1b!": 1,  # ESC ! n print mode
    b"\x1b-": 1,  # ESC - n underline
    b"\x1bE": 1,  # ESC E n bold
    b"\x1bM": 1,  # ESC M n font
    b"\x1ba": 1,  # ESC a n alignment
    b"\x1bd": 1,  # ESC d n print and feed n lines
    b"\x1bt": 1,  # ESC t n code page
    b"\x1c&": 0,  # FS & Chinese mode on
    b"\x1c.": 0,  # FS . Chinese mode off
    b"\x1c!": 1,  # FS ! n Chinese print mode
    b"\x1d!": 1,  # GS ! n character size
    b"\x1dB": 1,  # GS B n reverse
    b"\x1db": 1,  # GS b n smoothing
    b"\x1d|": 1,  # GS | n density
    STATUS_QUERY: 1,
}


class UnknownCommandError(ValueError):
    """The stream holds a control byte or command this reader does not know."""


@dataclass(frozen=True)
class Command:
    """One ESC/POS command: its code (b"\\x1d!" for GS !), parameters and data payload."""

    code: bytes
    params: bytes = b""
    payload: bytes = b""

    @property
    def raw(self) -> bytes:
        return self.code + self.params + self.payload


@dataclass(frozen=True)
class Text:
    """Bytes the printer prints as characters."""

    raw: bytes

    def decode(self) -> str:
        return self.raw.decode(PRINTER_ENCODING)


Token = Command | Text


@dataclass(frozen=True)
class PrintedLine:
    """A line of text as printed: its characters, horizontal scale and weight."""

    text: str
    width_scale: int
    bold: bool


def scan(data: bytes) -> tuple[list[Token], int]:
    """The commands and text in `data`, and how many bytes of `data` they span.

    A command cut off at the end of `data` is not returned, so a caller reading from a socket
    keeps the rest for the next chunk (text at the end may also continue there). An unknown
    command raises UnknownCommandError.
    """
    tokens: list[Token] = []
    pos = 0
    while pos < len(data):
        token = _token_at(data, pos)
        if token is None:
            break
        tokens.append(token)
        pos += len(token.raw)
    return tokens, pos


def tokenize(data: bytes) -> list[Token]:
    """The commands and text of a complete job; raises ValueError if it is malformed."""
    tokens, used = scan(data)
    if used != len(data):
        raise ValueError(f"ESC/POS stream ends inside a command at byte {used}")
    return tokens


def printed_lines(tokens: Iterable[Token]) -> list[PrintedLine]:
    """The text lines a printer would print for `tokens` (images and codes left out)."""
    lines: list[PrintedLine] = []
    width_scale, bold = 1, False
    line = PrintedLine("", 1, False)
    for token in tokens:
        if isinstance(token, Text):
            # A line is as wide as its widest characters and bold if any of them is.
            line = PrintedLine(
                line.text + token.decode(), max(line.width_scale, width_scale), line.bold or bold
            )
        elif token.code == b"\n":
            if line.text:
                lines.append(line)
            line = PrintedLine("", 1, False)
        elif token.code == b"\x1d!":
            width_scale = (token.params[0] >> 4) + 1
        elif token.code == b"\x1bE":
            bold = bool(token.params[0] & 1)
        elif token.code == b"\x1b@":
            width_scale, bold = 1, False
    return lines


def _token_at(data: bytes, pos: int) -> Token | None:
    first = data[pos]
    if first >= 0x20:
        end = pos
        while end < len(data) and data[end] >= 0x20:
            end += 1
        return Text(data[pos:end])
    if first == _LF:
        return Command(b"\n")
    if first not in (_ESC, _FS, _GS, _DLE):
        return _unknown(data, pos)
    code = data[pos : pos + 2]
    if len(code) < 2:
        return None
    if code == b"\x1dv":  # GS v 0 m xL xH yL yH: raster image of (xL + 256 xH) bytes per row
        header = data[pos + 2 : pos + 8]
        if len(header) < 6:
            return None
        if header[0] != ord("0"):
            return _unknown(data, pos)
        size = (header[2] + 256 * header[3]) * (header[4] + 256 * header[5])
        return _with_payload(data, pos, code + header[:1], header[1:], size)
    if code == b"\x1d(":  # GS ( k / GS ( L pL pH: 2D code and graphics with a length prefix
        header = data[pos + 2 : pos + 5]
        if len(header) < 3:
            return None
        size = header[1] + 256 * header[2]
        return _with_payload(data, pos, code + header[:1], header[1:], size)
    if code == b"\x1dV":  # GS V m, or GS V m n for the feed-and-cut variants m = 65, 66
        if len(data) < pos + 3:
            return None
        return _fixed(data, pos, code, 2 if data[pos + 2] in (65, 66) else 1)
    param_count = _FIXED_PARAMS.get(code)
    if param_count is None:
        return _unknown(data, pos)
    return _fixed(data, pos, code, param_count)


def _fixed(data: bytes, pos: int, code: bytes, count: int) -> Command | None:
    params = data[pos + len(code) : pos + len(code) + count]
    return Command(code, params) if len(params) == count else None


def _with_payload(data: bytes, pos: int, code: bytes, params: bytes, size: int) -> Command | None:
    start = pos + len(code) + len(params)
    payload = data[start : start + size]
    return Command(code, params, payload) if len(payload) == size else None


def _unknown(data: bytes, pos: int) -> NoReturn:
    raise UnknownCommandError(f"unknown ESC/POS command {data[pos : pos + 3]!r} at {pos}")
