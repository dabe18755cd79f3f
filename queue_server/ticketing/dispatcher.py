"""Handing durable print jobs to the print agents connected to this server process.

A job goes to its printer's agent when the agent is connected and its printer last said it was
ready; jobs sent on an earlier connection and never acknowledged are sent again (the agent
recognises the id and does not print twice). A sweep every few seconds gives up on stale jobs
and picks up jobs another server process queued for an agent connected here. What each agent
says of its printer goes to the printer states (queue_server.ticketing.printer_state), shared by every
process when the bus is Redis.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Final

from queue_server.clock import Clock
from queue_server.storage.base import JobState, PrintJob, Store
from queue_server.ticketing.printer_state import UNKNOWN, PrinterCondition, PrinterStates
from ticket_printer.status import PrinterState

log = logging.getLogger(__name__)

SWEEP_S: Final = 2.0


@dataclass
class PrinterLink:
    """One connected print agent."""

    hall: str
    printer: str
    send: Callable[[dict[str, Any]], Awaitable[None]]
    close: Callable[[], Awaitable[None]]
    sent: set[str] = field(default_factory=set)  # job ids handed over on this connection
    # Names this connection in the shared printer state, to tell it from a later one.
    token: str = field(default_factory=lambda: secrets.token_hex(8))


@dataclass(frozen=True)
class PrintOutcome:
    """What a kiosk learns about its ticket's job within its wait."""

    job_id: str
    printed: bool
    printer: dict[str, Any]


class PrintDispatcher:
    def __init__(self, jobs: Store, clock: Clock, states: PrinterStates) -> None:
        self.jobs, self._clock, self._states = jobs, clock, states
        self._links: dict[str, PrinterLink] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._acked: dict[str, asyncio.Event] = {}
        self._sweeper: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._sweeper = asyncio.create_task(self._sweep(), name="print-job-sweep")

    async def stop(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
        for link in list(self._links.values()):
            await link.close()

    # ---- what the rest of the server asks ------------------------------------------------

    async def condition(self, hall: str, printer: str) -> dict[str, Any]:
        """How the printer is, whichever server process its agent is connected to."""
        condition = await self._states.get(hall, printer) or PrinterCondition(
            PrinterState.OFFLINE.value, "print agent never connected", False, self._clock.now(), False
        )
        return condition.public()

    async def _ok(self, hall: str, printer: str) -> bool:
        condition = await self._states.get(hall, printer)
        return condition is not None and condition.connected and condition.state == PrinterState.OK.value

    async def ready(self, printer: str) -> bool:
        """Its agent is connected to this process and its printer is ready."""
        link = self._links.get(printer)
        return link is not None and await self._ok(link.hall, printer)

    async def submit(self, job: PrintJob, wait_s: float) -> PrintOutcome:
        """Store the job, push it to its agent, and wait up to `wait_s` for it to be printed.

        The wait ends at once when the printer is known not to be ready, and as soon as the
        agent reports a fault: the kiosk should show its fallback without keeping anyone waiting.
        An agent connected to another process gets the job from that process's next sweep.
        """
        acked = self._acked[job.id] = asyncio.Event()
        try:
            await self.jobs.add_print_job(job)
            if await self._ok(job.hall, job.printer):
                await self.push(job.printer)
                deadline = asyncio.get_running_loop().time() + wait_s
                while await self._ok(job.hall, job.printer) and not acked.is_set():
                    left = deadline - asyncio.get_running_loop().time()
                    if left <= 0:
                        break
                    # The ack may reach another server process: look at the store now and then.
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(acked.wait(), min(left, 0.5))
                    if (await self.jobs.print_job(job.id) or job).state is JobState.PRINTED:
                        break
        finally:
            self._acked.pop(job.id, None)
        stored = await self.jobs.print_job(job.id)
        printed = stored is not None and stored.state is JobState.PRINTED
        return PrintOutcome(job.id, printed, await self.condition(job.hall, job.printer))

    # ---- the agent's side ----------------------------------------------------------------

    async def attach(self, link: PrinterLink) -> None:
        """A new connection of a printer's agent replaces any older one."""
        old = self._links.get(link.printer)
        self._links[link.printer] = link
        await self._states.report(link.hall, link.printer, link.token, UNKNOWN, "agent connected", False)
        if old is not None:
            await old.close()

    async def detach(self, link: PrinterLink) -> None:
        if self._links.get(link.printer) is link:
            del self._links[link.printer]
            await self._states.left(link.hall, link.printer, link.token)

    async def on_status(self, link: PrinterLink, state: str, message: str, low: bool) -> None:
        await self._states.report(link.hall, link.printer, link.token, state, message, low)
        if state == PrinterState.OK.value:
            await self.push(link.printer)

    async def on_ack(
        self, link: PrinterLink, job_id: str, printed: bool, state: str, message: str, low: bool
    ) -> None:
        link.sent.discard(job_id)
        if printed:
            await self.jobs.print_job_printed(job_id, self._clock.now())
        else:
            # Stays in the queue: printed once the agent reports the printer ready again.
            await self.jobs.print_job_retry(job_id, message)
        await self._states.report(link.hall, link.printer, link.token, state, message, low)
        event = self._acked.get(job_id)
        if event is not None:
            event.set()

    async def push(self, printer: str) -> None:
        """Send the printer's agent every job it still owes that it was not sent on this link."""
        lock = self._locks.setdefault(printer, asyncio.Lock())
        async with lock:
            link = self._links.get(printer)
            if link is None or not await self.ready(printer):
                return
            for job in await self.jobs.pending_print_jobs(printer, self._clock.now()):
                if job.id in link.sent:
                    continue
                link.sent.add(job.id)
                await self.jobs.print_job_sent(job.id, self._clock.now())
                try:
                    await link.send(job_message(job))
                except (ConnectionError, TimeoutError) as exc:
                    # Sent but not acknowledged: it goes out again on the agent's next
                    # connection. The ticket itself is issued whatever happens here.
                    log.info("printer %s: job %s not handed over (%s)", printer, job.id, exc)
                    return

    # ---- internals ----------------------------------------------------------------------

    async def _sweep(self) -> None:
        while True:
            await asyncio.sleep(SWEEP_S)
            try:
                expired = await self.jobs.expire_print_jobs(self._clock.now())
                if expired:
                    log.info("%d print jobs were not printed in time", expired)
                for link in list(self._links.values()):
                    await self._states.renew(link.hall, link.printer)
                    await self.push(link.printer)
            except Exception:
                log.exception("print job sweep failed; will retry")


def job_message(job: PrintJob) -> dict[str, Any]:
    """The `job` message of the agent protocol."""
    return {
        "type": "job",
        "job_id": job.id,
        "ticket": job.number,
        "reprint": job.reprint,
        "created_at": job.created_at.isoformat(),
        "data": base64.b64encode(job.data).decode("ascii"),
    }
