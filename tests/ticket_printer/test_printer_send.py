"""Sending tickets to printers: what reaches the printer and what the caller is told."""

import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from escpos.printer import CupsPrinter, Serial, Usb

from tests.ticket_printer.fake_printer import FakeNetworkPrinter, FakePrinterStatus
from ticket_printer import (
    MissingDependencyError,
    PrintableTicket,
    PrinterConfig,
    PrinterState,
    TicketLayout,
    open_printer,
    render,
    send,
)


@pytest.fixture
def printer() -> Iterator[FakeNetworkPrinter]:
    with FakeNetworkPrinter() as fake:
        yield fake


@pytest.fixture
def native(sample_ticket: PrintableTicket) -> bytes:
    return render(sample_ticket, TicketLayout(paper_mm=58))


@pytest.fixture(params=["native", "image"])
def job(request: pytest.FixtureRequest, sample_ticket: PrintableTicket) -> bytes:
    """A rendered ticket, once as text for a Chinese font and once as bitmaps (18 kB)."""
    return render(sample_ticket, TicketLayout(paper_mm=80, mode=request.param))


def test_printer_receives_exactly_the_rendered_job(printer: FakeNetworkPrinter, job: bytes) -> None:
    data = job
    result = send(printer.config(), data)
    assert result.ok and result.sent and not result.paper_low
    assert printer.wait_for_jobs(1) == [data]
    # Status before the job and again after it, which shows the connection survived the job.
    assert printer.status_queries == [1, 2, 4, 1, 2, 4]


def test_refused_connection_is_offline(native: bytes) -> None:
    with FakeNetworkPrinter(refuse_connections=True) as fake:
        result = send(fake.config(), native)
    assert result.state is PrinterState.OFFLINE
    assert not result.sent
    assert f"127.0.0.1:{fake.port}" in result.message


@pytest.mark.parametrize(
    ("status", "state"),
    [
        (FakePrinterStatus(paper="out"), PrinterState.PAPER_OUT),
        (FakePrinterStatus(cover_open=True), PrinterState.COVER_OPEN),
        (FakePrinterStatus(error=True), PrinterState.ERROR),
        (FakePrinterStatus(online=False), PrinterState.OFFLINE),
    ],
)
def test_faulty_printer_gets_no_job(status: FakePrinterStatus, state: PrinterState, native: bytes) -> None:
    with FakeNetworkPrinter(status=status) as fake:
        result = send(fake.config(), native)
        assert fake.wait_for_jobs(1) == [b""]
    assert result.state is state
    assert not result.sent
    assert "not printed" in result.message


def test_paper_running_low_still_prints_and_says_so(native: bytes) -> None:
    with FakeNetworkPrinter(status=FakePrinterStatus(paper="near_end")) as fake:
        result = send(fake.config(), native)
        assert fake.wait_for_jobs(1) == [native]
    assert result.ok and result.paper_low
    assert "paper" in result.message


def test_printer_without_back_channel_still_prints(native: bytes) -> None:
    with FakeNetworkPrinter(answer_status=False) as fake:
        result = send(fake.config(status_timeout_s=0.2), native)
        assert fake.wait_for_jobs(1) == [native]
        # One unanswered question is enough to stop asking.
        assert fake.status_queries == [1]
    assert result.ok and result.sent


def test_status_queries_can_be_turned_off(printer: FakeNetworkPrinter, native: bytes) -> None:
    result = send(printer.config(query_status=False), native)
    assert result.ok
    assert printer.wait_for_jobs(1) == [native]
    assert printer.status_queries == []


def test_connection_dropped_mid_job_is_an_error_not_an_exception(job: bytes) -> None:
    data = job
    with FakeNetworkPrinter(drop_after_bytes=len(data) // 2) as fake:
        result = send(fake.config(), data)
        received = fake.wait_for_jobs(1)[0]
    assert result.state is PrinterState.ERROR
    assert not result.sent
    assert "lost" in result.message
    assert len(received) < len(data)


def test_jobs_on_one_printer_arrive_in_order(
    printer: FakeNetworkPrinter, sample_ticket: PrintableTicket, native: bytes
) -> None:
    second = render(replace(sample_ticket, number="A013"), TicketLayout(paper_mm=58))
    assert send(printer.config(), native).ok
    assert send(printer.config(), second).ok
    assert printer.wait_for_jobs(2) == [native, second]


def test_device_file_receives_the_job(tmp_path: Path, native: bytes) -> None:
    device = tmp_path / "lp0"
    result = send(PrinterConfig(kind="file", file_path=str(device)), native)
    assert result.ok and result.sent
    assert device.read_bytes() == native


def test_missing_device_file_is_offline(tmp_path: Path, native: bytes) -> None:
    cfg = PrinterConfig(kind="file", file_path=str(tmp_path / "absent" / "lp0"))
    result = send(cfg, native)
    assert result.state is PrinterState.OFFLINE
    assert "absent" in result.message


def test_a_device_that_blocks_forever_is_given_up_on(tmp_path: Path, native: bytes) -> None:
    # Opening a FIFO for writing blocks until someone reads it: a printer that never answers.
    fifo = tmp_path / "stuck"
    os.mkfifo(fifo)
    result = send(PrinterConfig(kind="file", file_path=str(fifo)), native, deadline_s=0.2)
    assert result.state is PrinterState.ERROR
    assert not result.sent
    assert "did not finish" in result.message
    # Release the abandoned worker: with a reader its open() returns, and its write then fails.
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    os.close(reader)


@pytest.mark.parametrize(
    ("cfg", "printer_class", "package"),
    [
        (PrinterConfig(kind="usb", usb_vendor_id=0x0416, usb_product_id=0x5011), Usb, "pyusb"),
        (PrinterConfig(kind="serial", serial_device="/dev/ttyS0"), Serial, "pyserial"),
        (PrinterConfig(kind="cups"), CupsPrinter, "pycups"),
    ],
)
def test_missing_optional_package_is_named(
    monkeypatch: pytest.MonkeyPatch,
    cfg: PrinterConfig,
    printer_class: type,
    package: str,
    native: bytes,
) -> None:
    monkeypatch.setattr(printer_class, "is_usable", staticmethod(lambda: False))
    with pytest.raises(MissingDependencyError, match=package):
        open_printer(cfg)
    result = send(cfg, native)
    assert result.state is PrinterState.ERROR
    assert package in result.message


def test_config_from_mapping_reads_usb_ids_as_written_on_labels() -> None:
    cfg = PrinterConfig.from_mapping(
        {"kind": "usb", "usb_vendor_id": "0x0416", "usb_product_id": 20497, "timeout_s": 3}
    )
    assert (cfg.usb_vendor_id, cfg.usb_product_id, cfg.timeout_s) == (0x0416, 0x5011, 3.0)
    assert cfg.describe() == "USB printer 0416:5011"


@pytest.mark.parametrize(
    ("settings", "complaint"),
    [
        ({"kind": "network"}, "host"),
        ({"kind": "network", "host": "10.0.0.9", "port": 0}, "port"),
        ({"kind": "network", "host": "10.0.0.9", "colour": "red"}, "colour"),
        ({"kind": "network", "host": "10.0.0.9", "timeout_s": "soon"}, "timeout_s"),
        ({"kind": "serial", "serial_device": "/dev/ttyS0", "baudrate": True}, "baudrate"),
        ({"kind": "bluetooth"}, "kind"),
        ({"kind": "file"}, "file_path"),
    ],
)
def test_config_from_mapping_rejects_bad_settings(settings: dict[str, object], complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint):
        PrinterConfig.from_mapping(settings)


def test_a_connection_from_the_server_writes_only_to_a_device() -> None:
    assert (
        PrinterConfig.from_server({"kind": "file", "file_path": "/dev/usb/lp0"}).file_path == "/dev/usb/lp0"
    )
    for path in ("/home/agent/.profile", "/dev/../etc/cron.d/x", "tickets.bin"):
        with pytest.raises(ValueError, match="a device in /dev"):
            PrinterConfig.from_server({"kind": "file", "file_path": path})
    assert PrinterConfig.from_server({"kind": "network", "host": "10.0.0.7"}).host == "10.0.0.7"
