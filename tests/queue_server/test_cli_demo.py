"""`onewindow demo` as a new user runs it (README's "Two commands"): a real process started
from an empty folder."""

from __future__ import annotations

import os
import re
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from queue_server.cli import main
from queue_server.demo import DEMO_PASSWORD
from tests.queue_server.ops.test_metrics import not_scraped_but_on_the_dashboard
from tests.server_process import ServerProcess, free_port

pytestmark = pytest.mark.slow
METRICS = "Prometheus metrics (from this machine)"


class Demo:
    """`onewindow demo --port P` in `cwd`, its output in a file."""

    def __init__(self, cwd: Path, env: dict[str, str]) -> None:
        self.cwd, self.port = cwd, free_port()
        self.log = cwd.parent / f"demo-{self.port}.log"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [str(Path(sys.executable).with_name("onewindow")), "demo", "--port", str(self.port)],
                cwd=cwd,
                # Only what the test says: no config or store named by the caller's environment.
                env={**{k: v for k, v in os.environ.items() if not k.startswith("ONEWINDOW_")}, **env},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()
            try:
                if httpx.get(f"{self.url}/api/halls", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"the demo did not answer: {self.log.read_text()[-2000:]}")

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8")

    def urls(self) -> dict[str, str]:
        """What -> URL, as the demo printed them at start."""
        found = re.findall(r"^  (.+?):\s+(http://\S+)", self.output(), re.MULTILINE)
        return dict(found)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


@pytest.fixture
def data(tmp_path: Path) -> dict[str, str]:
    return {"ONEWINDOW_DATA": str(tmp_path / "data")}


@pytest.fixture
def empty(tmp_path: Path) -> Path:
    folder = tmp_path / "empty"
    folder.mkdir()
    return folder


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def wait_for(condition: object, what: str, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"{what} not within {timeout_s} s"
        time.sleep(0.2)


@pytest.fixture
def demo(empty: Path, data: dict[str, str]) -> Iterator[Demo]:
    running = Demo(empty, data)
    try:
        yield running
    finally:
        running.stop()


def test_every_page_the_demo_lists_opens_with_its_token(demo: Demo, empty: Path, tmp_path: Path) -> None:
    urls = demo.urls()
    for what in (
        "hall screen, landscape",
        "window screen, window 1",
        "LED feed, window 1",
        "kiosk",
        "online ticket (phone)",
        "booking (phone)",
        "crowded periods (phone)",
        "clerk console (clerk1-3)",
        "rating device, window 1",
        "supervisor dashboard (supervisor)",
        "reports (supervisor)",
        "accounts (admin)",
        "devices (admin, supervisor)",
        "audit (admin, supervisor)",
        METRICS,
    ):
        assert what in urls, demo.output()
    assert any(what.startswith("hall screen, portrait") for what in urls)
    wait_for(lambda: any(w.startswith("visitor's phone page") for w in demo.urls()), "the phone page")
    urls = demo.urls()
    for what, url in urls.items():
        response = httpx.get(url, timeout=15)
        assert response.status_code == 200, f"{what}: {url} -> {response.status_code}"
    assert "password onewindow-demo" in demo.output()
    assert list(empty.iterdir()) == []  # its files are in the data folder, not here

    # The kiosk is not "printer offline": the demo's print agent serves the demo printer.
    kiosk = urls["kiosk"].split("token=")[1]
    printers = f"{demo.url}/api/halls/weiyang/printers"

    def printer_ready() -> bool:
        printer = httpx.get(printers, headers={"Authorization": f"Bearer {kiosk}"}).json()["printers"][0]
        return bool(printer["connected"] and printer["state"] == "ok")

    wait_for(printer_ready, "the demo printer ready")

    # A ticket printed there twice lands in the file twice (appended) and in the text view.
    login = httpx.post(
        f"{demo.url}/api/auth/login", json={"username": "supervisor", "password": DEMO_PASSWORD}
    )
    staff = {"Authorization": f"Bearer {login.json()['token']}"}
    ticket = httpx.post(f"{demo.url}/api/halls/weiyang/tickets", json={"category": "social"}, headers=staff)
    assert ticket.status_code == 201, ticket.text
    number, ticket_id = ticket.json()["number"], ticket.json()["id"]
    reprint = f"{demo.url}/api/halls/weiyang/tickets/{ticket_id}/reprint"
    var = tmp_path / "data" / "var"
    for expected in (1, 2):
        printed = httpx.post(reprint, json={"printer": "demo-printer"}, headers=staff, timeout=30)
        assert printed.status_code == 200, printed.text
        wait_for(
            lambda n=expected: (var / "printed-tickets.bin").read_bytes().count(number.encode() + b"\n") == n,
            f"ticket {number} printed {expected} times",
        )
    text = (var / "printed-tickets.txt").read_text(encoding="utf-8")
    assert text.count(f"--- {number} ") == 2 and "未央区政务服务中心" in text

    # The rating device listed is window 1's: it rates the visitor window 1 just finished.
    clerk = httpx.post(f"{demo.url}/api/auth/login", json={"username": "clerk1", "password": DEMO_PASSWORD})
    at_window = {"Authorization": f"Bearer {clerk.json()['token']}"}
    window = f"{demo.url}/api/halls/weiyang/windows/1"
    assert httpx.post(f"{window}/open", headers=at_window).status_code == 200
    called = httpx.post(f"{window}/call-next", headers=at_window).json()["ticket"]["number"]
    for step in ("start", "finish"):
        assert httpx.post(f"{window}/{step}", headers=at_window).status_code == 200
    rating_device = urls["rating device, window 1"].split("token=")[1]
    rating = f"{demo.url}/api/halls/weiyang/tickets/{called}/rating"
    screen = {"Authorization": f"Bearer {urls['hall screen, landscape'].split('token=')[1]}"}
    assert httpx.post(rating, json={"level": 5}, headers=screen).status_code == 403  # a plain screen
    rated = httpx.post(rating, json={"level": 5}, headers={"Authorization": f"Bearer {rating_device}"})
    assert rated.status_code == 201, rated.text

    # Issue #11 item 9: what holds the signing key, password hashes and tokens is private.
    assert mode(var) == 0o700
    for name in ("demo.db", "demo-tokens.txt"):
        assert mode(var / name) == 0o600, name


def test_bookmarked_demo_tokens_survive_a_reset_store(
    empty: Path, data: dict[str, str], tmp_path: Path
) -> None:
    first = Demo(empty, data)
    try:
        token = first.urls()["hall screen, landscape"].split("token=")[1]
    finally:
        first.stop()
    var = tmp_path / "data" / "var"
    tokens = (var / "demo-tokens.txt").read_text()
    for name in ("demo.db", "demo.db-wal", "demo.db-shm"):
        (var / name).unlink(missing_ok=True)
    second = Demo(empty, data)
    try:
        screen = f"{second.url}/display/halls/weiyang?token={token}"  # as bookmarked
        assert second.urls()["hall screen, landscape"] == screen
        assert httpx.get(screen, timeout=15).status_code == 200
        assert (var / "demo-tokens.txt").read_text() == tokens
    finally:
        second.stop()


def test_the_demo_password_never_reaches_the_halls_store(tmp_path: Path) -> None:
    """Issue #11 item 8: after `onewindow demo`, `onewindow serve` on the same config refuses
    admin / onewindow-demo, because the demo's accounts are in the demo's own store."""
    hall = tmp_path / "hall"
    assert main(["init", str(hall)]) == 0
    demo = Demo(hall, {})
    try:
        login = httpx.post(
            f"{demo.url}/api/auth/login", json={"username": "admin", "password": DEMO_PASSWORD}
        )
        assert login.status_code == 200  # the demo itself does accept it
    finally:
        demo.stop()
    assert (hall / "var" / "demo.db").exists()
    server = ServerProcess(hall / "config.toml").start()
    try:
        refused = httpx.post(
            f"{server.url}/api/auth/login", json={"username": "admin", "password": DEMO_PASSWORD}
        )
        assert refused.status_code == 401, refused.text
    finally:
        server.stop()
    assert (hall / "var" / "onewindow.db").exists()


def queue_totals(scraped: str) -> dict[str, float]:
    """The hall's issued, called and waiting, summed over its categories."""
    totals = dict.fromkeys(
        ("onewindow_tickets_issued_total", "onewindow_tickets_called_total", "onewindow_waiting"), 0.0
    )
    for family in text_string_to_metric_families(scraped):
        for sample in family.samples:
            if sample.name in totals and sample.labels.get("hall") == "weiyang":
                totals[sample.name] += sample.value
    return totals


def test_a_scrape_of_the_demo_shows_its_live_queue(demo: Demo) -> None:
    """As a Prometheus on the demo's machine scrapes it, with no token ([metrics] as shipped)."""
    wait_for(lambda: any(w.startswith("visitor's phone page") for w in demo.urls()), "the example ticket")
    metrics = demo.urls()[METRICS]

    def scrape() -> str:
        response = httpx.get(metrics, timeout=15)
        assert response.status_code == 200, response.text
        return response.text

    before = queue_totals(scrape())
    assert before["onewindow_tickets_issued_total"] >= 1 and before["onewindow_waiting"] >= 1  # the example

    def signed_in(name: str) -> dict[str, str]:
        login = httpx.post(f"{demo.url}/api/auth/login", json={"username": name, "password": DEMO_PASSWORD})
        return {"Authorization": f"Bearer {login.json()['token']}"}

    issued = httpx.post(
        f"{demo.url}/api/halls/weiyang/tickets", json={"category": "social"}, headers=signed_in("supervisor")
    )
    assert issued.status_code == 201, issued.text
    after_issue = queue_totals(scrape())
    assert after_issue["onewindow_tickets_issued_total"] == before["onewindow_tickets_issued_total"] + 1
    assert after_issue["onewindow_waiting"] == before["onewindow_waiting"] + 1

    clerk = signed_in("clerk1")
    window = f"{demo.url}/api/halls/weiyang/windows/1"
    for step in ("open", "call-next", "start", "finish"):
        assert httpx.post(f"{window}/{step}", headers=clerk).status_code == 200, step
    scraped = scrape()
    after_call = queue_totals(scraped)
    assert after_call["onewindow_tickets_called_total"] == before["onewindow_tickets_called_total"] + 1
    assert after_call["onewindow_waiting"] == after_issue["onewindow_waiting"] - 1
    # Every series the shipped Grafana dashboard asks for is in this scrape.
    assert not not_scraped_but_on_the_dashboard(scraped)
