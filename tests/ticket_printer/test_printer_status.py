"""Reading ESC/POS real-time status replies (DLE EOT 1, 2 and 4)."""

import pytest
from escpos.printer import Dummy

from ticket_printer.status import PrinterState, decode_status, read_status

# Replies as listed in the ESC/POS manual: bits 1 and 4 are always set (0x12).
READY = (0x12, 0x12, 0x12)
NEAR_END = (0x12, 0x12, 0x1E)
PAPER_OUT = (0x1A, 0x32, 0x7E)  # offline; stopped by paper end; near-end and end sensors
COVER_OPEN = (0x1A, 0x16, 0x12)
ERROR = (0x1A, 0x52, 0x12)
FEED_BUTTON = (0x1A, 0x1A, 0x12)  # offline because the feed button is held


@pytest.mark.parametrize(
    ("replies", "state", "paper_low"),
    [
        (READY, PrinterState.OK, False),
        (NEAR_END, PrinterState.OK, True),
        (PAPER_OUT, PrinterState.PAPER_OUT, True),
        (COVER_OPEN, PrinterState.COVER_OPEN, False),
        (ERROR, PrinterState.ERROR, False),
        (FEED_BUTTON, PrinterState.OFFLINE, False),
    ],
)
def test_decode_status(replies: tuple[int, int, int], state: PrinterState, paper_low: bool) -> None:
    status = decode_status(*replies)
    assert (status.state, status.paper_low) == (state, paper_low)
    assert status.message


class _AnsweringDummy(Dummy):  # type: ignore[misc]
    """A python-escpos printer whose replies are canned."""

    def __init__(self, reply: bytes) -> None:
        super().__init__()
        self.reply = reply

    def _read(self) -> bytes:
        return self.reply


@pytest.mark.parametrize("replies", [READY, NEAR_END, PAPER_OUT, COVER_OPEN, FEED_BUTTON])
def test_decoding_agrees_with_python_escpos(replies: tuple[int, int, int]) -> None:
    online = _AnsweringDummy(bytes([replies[0]])).is_online()
    paper = _AnsweringDummy(bytes([replies[2]])).paper_status()  # 2 plenty, 1 low, 0 out
    status = decode_status(*replies)
    assert online == (status.state is PrinterState.OK)
    assert (paper == 0) == (status.state is PrinterState.PAPER_OUT)
    assert (paper == 1) == (status.paper_low and status.state is not PrinterState.PAPER_OUT)


def test_read_status_asks_dle_eot_1_2_4() -> None:
    asked: list[bytes] = []

    def ask(request: bytes) -> bytes:
        asked.append(request)
        return bytes([dict(zip((1, 2, 4), COVER_OPEN, strict=True))[request[2]]])

    status = read_status(ask)
    assert asked == [b"\x10\x04\x01", b"\x10\x04\x02", b"\x10\x04\x04"]
    assert status is not None and status.state is PrinterState.COVER_OPEN


def test_read_status_uses_the_last_byte_of_a_reply() -> None:
    status = read_status(lambda request: b"\x00\x00\x0f\x12")  # stale bytes, then the answer
    assert status is not None and status.state is PrinterState.OK


@pytest.mark.parametrize("reply", [None, b"", b"\xff", b"\x12\x01"])
def test_no_or_unreadable_answer_means_status_unknown(reply: bytes | None) -> None:
    assert read_status(lambda request: reply) is None
