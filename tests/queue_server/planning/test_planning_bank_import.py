from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from queue_server.planning.bank_import import BankImport, bank_calendar, load_bank_records
from queue_server.planning.demand import build_demand_model
from queue_server.planning.stats import grouped_stats

DATA = Path("/work/shared/data/anonymous-bank/anonymous_bank_february_1999.txt")
pytestmark = pytest.mark.skipif(not DATA.exists(), reason="bank data not available")


@pytest.fixture(scope="module")
def bank() -> BankImport:
    return load_bank_records(DATA)


def test_counts_match_the_readme(bank: BankImport) -> None:
    assert bank.rows_read == 33_344
    assert len(bank.days) == 28
    assert bank.quirks["negative_vru_time"] == 25
    assert bank.quirks["no_server"] == 491
    assert bank.skipped == {"hang_in_vru": 1941, "phantom": 278}
    served = [r for r in bank.records if r.outcome == "served"]
    abandoned = [r for r in bank.records if r.outcome == "abandoned"]
    assert len(served) == 27_162 and len(abandoned) == 3_963
    assert sum(r.window is None for r in served) == 491


def test_mapping_of_a_known_row(bank: BankImport) -> None:
    # call 34540: q_start 8:19:47, q_time 34, ser 8:20:20–8:22:04 (104 s), server MICHAL
    r = next(r for r in bank.records if r.ticket == "34540")
    local = r.issued_at.astimezone(bank_calendar().zone)
    assert local.strftime("%Y-%m-%d %H:%M:%S") == "1999-02-01 08:19:47"
    assert r.wait_seconds == 34 and r.handling_seconds == 104
    assert r.window == r.clerk == "MICHAL" and r.category == "PS" and r.priority == "priority"


def test_times_are_consistent(bank: BankImport) -> None:
    for r in bank.records:
        if r.called_at is not None:
            assert r.issued_at <= r.called_at
            assert r.started_at is not None and r.finished_at is not None
            assert r.called_at <= r.started_at <= r.finished_at
    crossing = [
        r
        for r in bank.records
        if r.finished_at is not None
        and r.finished_at - r.issued_at < timedelta(hours=2)
        and r.finished_at.astimezone(bank_calendar().zone).date()
        > r.issued_at.astimezone(bank_calendar().zone).date()
    ]
    assert crossing  # calls crossing midnight end on the next day


def test_bank_through_the_statistics_and_demand_model(bank: BankImport) -> None:
    cal = bank_calendar()
    overall = grouped_stats(bank.records, "overall", cal, wait_target=60).groups[0]
    assert overall.issued == len(bank.records)
    assert overall.handling.mean is not None and 150 < overall.handling.mean < 200
    model = build_demand_model(bank.records, cal)
    assert model.days_observed == {wd: 4 for wd in range(7)}
    weekday = sum(model.day_demand(1).total_arrivals)
    friday = sum(model.day_demand(4).total_arrivals)
    assert 1000 < weekday < 2000 and friday < weekday / 2
