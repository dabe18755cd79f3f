"""The server's side of the print agents: an agent that drops while a job is handed over
costs neither the ticket nor the job."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from queue_server.clock import ManualClock
from queue_server.storage.base import JobState, PrintJob
from queue_server.storage.sql import SqlStore
from queue_server.ticketing.dispatcher import PrintDispatcher, PrinterLink
from queue_server.ticketing.printer_state import MemoryPrinterStates
from tests.conftest import MONDAY_10AM


def job(number: str) -> PrintJob:
    return PrintJob(
        id=f"job-{number}",
        hall="weiyang",
        printer="printer-1",
        ticket_id=f"ticket-{number}",
        number=number,
        data=b"\x1b@" + number.encode() + b"\n",
        state=JobState.QUEUED,
        created_at=MONDAY_10AM,
        expires_at=MONDAY_10AM + timedelta(minutes=10),
    )


async def test_a_link_that_drops_while_a_job_is_sent_keeps_the_job_for_the_next_connection(
    tmp_path: Path,
) -> None:
    store = SqlStore(f"sqlite:///{tmp_path / 'hall.db'}")
    await store.start()  # migrates, print_job table included
    try:
        clock = ManualClock(MONDAY_10AM)
        dispatcher = PrintDispatcher(store, clock, MemoryPrinterStates(clock))
        sent: list[str] = []

        async def gone(message: dict[str, object]) -> None:
            raise ConnectionError("print agent printer-1 disconnected")

        async def closed() -> None:
            pass

        dropping = PrinterLink("weiyang", "printer-1", gone, closed)
        await dispatcher.attach(dropping)
        await dispatcher.on_status(dropping, "ok", "ready", False)
        # The kiosk's call: no exception (it would answer the visitor 500), just "not printed".
        outcome = await dispatcher.submit(job("A001"), wait_s=0.5)
        assert outcome.printed is False
        await dispatcher.detach(dropping)

        async def collect(message: dict[str, object]) -> None:
            sent.append(str(message["ticket"]))

        again = PrinterLink("weiyang", "printer-1", collect, closed)
        await dispatcher.attach(again)
        await dispatcher.on_status(again, "ok", "ready", False)
        assert sent == ["A001"]  # handed over again on the next connection
        await dispatcher.on_ack(again, "job-A001", True, "ok", "printed", False)
        stored = await dispatcher.jobs.print_job("job-A001")
        assert stored is not None and stored.state is JobState.PRINTED
    finally:
        await store.close()
