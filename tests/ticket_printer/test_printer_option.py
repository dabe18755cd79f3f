"""The agent's --printer option: each kind of connection, and what is accepted when it is wrong."""

from __future__ import annotations

import pytest

from ticket_printer.__main__ import parse_printer


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("network:127.0.0.1:9101", "network printer 127.0.0.1:9101"),
        ("network:printer.local", "network printer printer.local:9100"),
        ("usb:0x0416:0x5011", "USB printer 0416:5011"),
        ("serial:/dev/ttyS0:19200", "serial printer /dev/ttyS0"),
        ("file:/dev/usb/lp0", "printer device /dev/usb/lp0"),
        ("cups", "CUPS printer (default)"),
    ],
)
def test_printer_option(spec: str, expected: str) -> None:
    assert parse_printer(spec).describe() == expected


def test_bad_printer_option_says_what_is_accepted() -> None:
    with pytest.raises(ValueError, match="network:HOST"):
        parse_printer("bluetooth:aa:bb")
