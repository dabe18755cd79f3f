"""The benchmarks' short smoke versions: they run, measure and report (figures: docs/BENCHMARKS.md)."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.slow


def run(*args: str) -> list[str]:
    result = subprocess.run([sys.executable, *args], cwd=REPO, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return [line for line in result.stdout.splitlines() if line.startswith("| ")]


def cells(row: str) -> list[str]:
    return [cell.strip() for cell in row.strip("|").split("|")]


def test_core_throughput_smoke() -> None:
    (row,) = run("bench/core_throughput.py", "--tickets", "200", "--concurrency", "16", "--seconds", "20")
    issued, per_second, _, calls = cells(row)[3:7]
    assert int(issued) == 200 and float(per_second.replace(",", "")) > 0 and int(calls) == 200


@pytest.mark.parametrize(
    "backend",
    [
        ["--backend", "embedded"],
        pytest.param(
            ["--backend", "scaled", "--processes", "2"], marks=[pytest.mark.redis, pytest.mark.postgres]
        ),
    ],
)
def test_city_load_smoke(backend: list[str]) -> None:
    (row,) = run(
        "bench/city_load.py", *backend, "--halls", "3", "--windows", "3", "--rate", "5", "--seconds", "4"
    )
    values = cells(row)
    p50, p95, p99 = (float(v) for v in values[6].split(" / "))
    assert 0 < p50 <= p95 <= p99, row
    assert float(values[5]) > 0 and values[-1] == "0", row  # calls made, no errors


def test_call_rate_smoke() -> None:
    rows = run("bench/call_rate.py", "--waiting", "300", "--windows", "3", "--seconds", "1")
    assert [cells(row)[1] for row in rows] == ["runtime", "http"]
    for row in rows:
        values = cells(row)
        assert values[2] == "300" and float(values[4].replace(",", "")) > 0, row


@pytest.mark.redis
@pytest.mark.postgres
def test_scaleout_smoke() -> None:
    rows = run("bench/scaleout.py", "--processes", "2", "--seconds", "2", "--calls", "5")
    row = dict(zip(cells(rows[0]), cells(rows[1]), strict=True))  # by column name
    assert row["processes"] == "2" and float(row["steps/s"]) > 0 and row["errors"] == "0"
    for crossing in ("call → screen", "call → phone page"):
        (p99,) = (value.split("/")[1] for name, value in row.items() if name.startswith(crossing))
        assert float(p99) > 0, row
    assert row["GET on B current"] == "5/5"
    assert rows[-1].startswith("| Redis restarted empty")


def test_fanout_smoke() -> None:
    (row,) = run("bench/fanout.py", "--screens", "20", "--calls", "3")
    values = cells(row)
    assert values[1] == "20", row
    for latencies in values[2:4]:  # OneWindow's and the floor's call → last screen p50 / p99
        p50, p99 = (float(v) for v in latencies.split(" / "))
        assert 0 < p50 <= p99, row


def test_fanout_with_issuers_smoke() -> None:
    (row,) = run("bench/fanout.py", "--screens", "1", "--calls", "3", "--issuers", "2")
    values = cells(row)
    assert values[1] == "2", row  # issuers
    for latencies in values[2:5]:  # OneWindow's, the floor's, the durable floor's p50 / p99
        p50, p99 = (float(v) for v in latencies.split(" / "))
        assert 0 < p50 <= p99, row
    issued = values[7].replace("(", "").replace(")", "").replace(",", "").split()
    assert len(issued) == 3 and all(int(n) > 0 for n in issued), row  # tickets/s issued meanwhile


@pytest.mark.skipif(shutil.which("wrk") is None, reason="Debian's wrk is not installed")
def test_issue_rate_wrk_smoke() -> None:
    rows = run("bench/issue_rate_wrk.py", "--seconds", "1", "--connections", "1", "4")
    assert [cells(row)[2] for row in rows] == ["1", "4"]
    for row in rows:  # tickets/s, the floor's and the durable floor's, each above 0
        rates = [cells(row)[3], *(cells(row)[i].split()[0] for i in (5, 6))]
        assert all(float(rate.replace(",", "")) > 0 for rate in rates), row
