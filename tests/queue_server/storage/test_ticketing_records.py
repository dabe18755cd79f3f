"""Print jobs, bookings and online claims kept by the store, the same on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

from queue_server.storage import open_store
from queue_server.storage.base import Booking, JobState, OnlineClaim, PrintJob
from tests.conftest import MONDAY_10AM

JOB = PrintJob(
    id="job-1",
    hall="weiyang",
    printer="printer-1",
    ticket_id="ticket-1",
    number="A001",
    data=b"\x1b@A001\n",
    state=JobState.QUEUED,
    created_at=MONDAY_10AM,
    expires_at=MONDAY_10AM + timedelta(minutes=10),
    kiosk="kiosk-1",
)


def test_a_print_job_is_sent_retried_printed_and_counted(backend: dict[str, str]) -> None:
    async def go() -> None:
        store = open_store(backend["store"])
        await store.start()
        try:
            late = replace(
                JOB,
                id="job-2",
                ticket_id="ticket-2",
                number="A002",
                created_at=MONDAY_10AM + timedelta(seconds=1),
            )
            await store.add_print_job(JOB)
            await store.add_print_job(late)
            assert await store.print_job("job-1") == JOB
            assert [j.id for j in await store.pending_print_jobs("printer-1", MONDAY_10AM)] == [
                "job-1",
                "job-2",
            ]
            await store.print_job_sent("job-1", MONDAY_10AM)
            await store.print_job_retry("job-1", "paper out")
            sent = await store.print_job("job-1")
            assert sent is not None and (sent.state, sent.attempts, sent.error) == (
                JobState.QUEUED,
                1,
                "paper out",
            )
            await store.print_job_printed("job-1", MONDAY_10AM)
            printed = await store.print_job("job-1")
            assert printed is not None and (printed.state, printed.error) == (JobState.PRINTED, None)
            # job-2 was never printed: past its time it is given up, once
            assert await store.expire_print_jobs(MONDAY_10AM + timedelta(minutes=11)) == 1
            assert await store.expire_print_jobs(MONDAY_10AM + timedelta(minutes=12)) == 0
            failed = await store.print_job("job-2")
            assert failed is not None and (failed.state, failed.error) == (
                JobState.FAILED,
                "not printed in time",
            )
            assert [j.id for j in await store.print_jobs_of_ticket("ticket-1")] == ["job-1"]
            assert await store.print_job_counts("weiyang") == {
                ("printer-1", "printed"): 1,
                ("printer-1", "failed"): 1,
            }
            assert await store.print_job("job-3") is None
        finally:
            await store.close()

    asyncio.run(go())


def test_a_booking_code_is_taken_once_and_checked_in_once(backend: dict[str, str]) -> None:
    async def go() -> None:
        store = open_store(backend["store"])
        await store.start()
        try:
            slot = MONDAY_10AM + timedelta(hours=1)
            booking = Booking("12345678", "weiyang", "business", slot, slot + timedelta(minutes=30))
            assert await store.add_booking(booking, "supervisor", MONDAY_10AM)
            assert not await store.add_booking(replace(booking, category="tax"), "clerk1", MONDAY_10AM)
            assert await store.get_booking("weiyang", "12345678") == booking
            assert await store.get_booking("other-hall", "12345678") is None
            assert await store.use_booking("12345678", "ticket-9", "Y001", MONDAY_10AM)
            assert not await store.use_booking("12345678", "ticket-10", "Y002", MONDAY_10AM)
            used = await store.get_booking("weiyang", "12345678")
            assert used == replace(booking, ticket_id="ticket-9", number="Y001", checked_in_at=MONDAY_10AM)
        finally:
            await store.close()

    asyncio.run(go())


def test_of_simultaneous_check_ins_of_one_booking_one_claims_it(backend: dict[str, str]) -> None:
    """Two kiosks on two stores (two processes) claim one code at once: one wins; a release
    lets the visitor try again; a used or cancelled booking cannot be claimed, nor cancelled
    while claimed, and a claim left by a dead process expires."""

    async def go() -> None:
        first, second = open_store(backend["store"]), open_store(backend["store"])
        await first.start()
        await second.start()
        try:
            slot = MONDAY_10AM + timedelta(hours=1)
            booking = Booking("23456789", "weiyang", "business", slot, slot + timedelta(minutes=30))
            assert await first.add_booking(booking, "supervisor", MONDAY_10AM)
            before = MONDAY_10AM - timedelta(minutes=1)
            won = await asyncio.gather(
                *(s.claim_booking("weiyang", "23456789", MONDAY_10AM, before) for s in (first, second) * 4)
            )
            assert sorted(won) == [False] * 7 + [True]
            assert not await second.cancel_booking("weiyang", "23456789", MONDAY_10AM, before)
            # issuing failed: released, the next kiosk claims it
            await first.release_booking("23456789", MONDAY_10AM)
            later = MONDAY_10AM + timedelta(seconds=5)
            assert await second.claim_booking("weiyang", "23456789", later, before)
            # that process died before issuing: a minute on, its claim is stale
            assert not await first.claim_booking("weiyang", "23456789", later, before)
            much_later = later + timedelta(minutes=2)
            assert await first.claim_booking(
                "weiyang", "23456789", much_later, much_later - timedelta(minutes=1)
            )
            assert await first.use_booking("23456789", "ticket-1", "Y001", much_later)
            # a release after the ticket is recorded changes nothing
            await second.release_booking("23456789", much_later)
            assert not await second.claim_booking("weiyang", "23456789", much_later, much_later)
            used = await second.get_booking("weiyang", "23456789")
            assert used is not None and (used.status, used.number) == ("checked_in", "Y001")
            cancelled = replace(booking, code="34567890")
            assert await first.add_booking(cancelled, "supervisor", MONDAY_10AM)
            assert await first.cancel_booking("weiyang", "34567890", MONDAY_10AM, before)
            assert not await second.claim_booking("weiyang", "34567890", MONDAY_10AM, before)
        finally:
            await first.close()
            await second.close()

    asyncio.run(go())


def test_online_claims_are_counted_per_phone_and_service_day(backend: dict[str, str]) -> None:
    async def go() -> None:
        store = open_store(backend["store"])
        await store.start()
        try:
            day = MONDAY_10AM.date()
            for n, (phone, on) in enumerate(
                [("aa", day), ("aa", day), ("bb", day), ("aa", day + timedelta(1))]
            ):
                await store.add_online_claim(OnlineClaim(f"t{n}", "weiyang", on, phone, MONDAY_10AM))
            assert await store.online_claims("weiyang", day, "aa") == 2
            assert await store.online_claims("weiyang", day, "bb") == 1
            assert await store.online_claims("other-hall", day, "aa") == 0
        finally:
            await store.close()

    asyncio.run(go())
