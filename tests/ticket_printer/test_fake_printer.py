"""The fake network printer reads a job the way a printer does."""

import socket
import struct

from tests.ticket_printer.fake_printer import FakeNetworkPrinter, FakePrinterStatus


def test_status_bytes_inside_an_image_are_image_data_not_a_query() -> None:
    rows = b"\x10\x04\x01" * 4  # twelve 8-dot rows that happen to spell DLE EOT 1 four times
    image = b"\x1dv0\x00" + struct.pack("<HH", 1, len(rows)) + rows
    with FakeNetworkPrinter(status=FakePrinterStatus(paper="near_end")) as fake:
        with socket.create_connection((fake.host, fake.port), timeout=5) as client:
            client.sendall(image + b"\x10\x04\x04")
            # DLE EOT 1 would be answered 0x12; the paper sensor query with near end is 0x1e.
            first_reply = client.recv(1)
        assert fake.wait_for_jobs(1) == [image]
    assert first_reply == b"\x1e"
    assert fake.status_queries == [4]


def test_records_every_byte_including_status_queries() -> None:
    with FakeNetworkPrinter(answer_status=False) as fake:
        with socket.create_connection((fake.host, fake.port), timeout=5) as client:
            client.sendall(b"\x1b@\x10\x04\x01hello\n")
        assert fake.wait_for_jobs(1) == [b"\x1b@hello\n"]
        assert fake.received == b"\x1b@\x10\x04\x01hello\n"
