"""One hall day, compressed, through a real `onewindow serve` on a test clock, with the hall
screen, window 1's screen, the kiosk and a visitor's phone open in Chromium.

Opening, a morning peak with all 13 windows calling at once, lunch, the afternoon, closing
time with people still waiting (extended service), a server restart in the night and the next
morning. Every call must reach the screens, no ticket may be lost or called twice, the day's
report must match what the test did, and the morning must start clean.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx2 as httpx
import pytest
import tomli_w

from queue_server.clock import TEST_CLOCK_ENV, ManualClock
from queue_server.config import load_settings
from tests import browser
from tests.conftest import PASSWORD, demo_config, seed_people
from tests.server_process import ServerProcess

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HALL_TZ = ZoneInfo("Asia/Shanghai")
TUESDAY = date(2026, 11, 24)
WEDNESDAY = TUESDAY + timedelta(days=1)
CLOSING = datetime(2026, 11, 24, 17, 30, tzinfo=HALL_TZ)
# Windows 11 (跨省通办, K) and 13 (证照领取, L) serve one matter; 12 (green channel) three; the
# rest every matter. The specialised ones call first, so every window has someone to call.
CALL_ORDER = [11, 13, 12, *range(1, 11)]
WINDOWS = sorted(CALL_ORDER)
# The morning's mix: enough for two full rounds of every window.
PEAK = ["crossprov", "pickup", "business", "social", "medical", "realestate"] * 5
ANNOUNCE_BOUND_S = 15.0


def local(day: date, hh: int, mm: int) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=HALL_TZ)


class FileTestClock:
    """The instant the server process reads (queue_server.clock.FileClock), moved by the test.

    The browser pages keep a clock of their own that starts at the hall's morning and runs in
    real time (a compressed day is minutes long: the screens stay on the same day), and jumps
    when the test crosses a night, so that a screen's "today" is always the hall's."""

    def __init__(self, path: Path, start: datetime) -> None:
        self.path, self.now = path, start
        self.browsers: list[Any] = []  # BrowserContexts on the pages' clock
        self._page_origin = (start.timestamp(), time.time())
        self._write()

    def set(self, instant: datetime) -> None:
        assert instant >= self.now, "the hall's day only moves forward"
        self.now = instant
        self._write()

    def follow(self, context: Any) -> None:
        context.clock.install(time=datetime.fromtimestamp(self.page_time(), UTC))
        self.browsers.append(context)

    def jump_pages(self) -> None:
        """The pages' clock to the hall's instant (across a night)."""
        for context in self.browsers:
            context.clock.set_system_time(self.now)
        self._page_origin = (self.now.timestamp(), time.time())

    def page_time(self) -> float:
        """What the pages' Date.now() says now, in seconds."""
        origin, real = self._page_origin
        return origin + time.time() - real

    def advance(self, **delta: float) -> None:
        self.set(self.now + timedelta(**delta))

    def _write(self) -> None:
        part = self.path.with_suffix(".part")
        part.write_text(self.now.isoformat(), encoding="utf-8")
        part.replace(self.path)


@dataclass
class Call:
    number: str
    window: int
    sent: float  # the pages' clock (s) when the call left the test
    recall: bool = False


@dataclass
class Day:
    """The served hall and the test's own record of what it did."""

    server: ServerProcess
    clock: FileTestClock
    tokens: dict[str, str]
    boss: dict[str, str] = field(default_factory=dict)
    issued: dict[str, str] = field(default_factory=dict)  # number -> ticket id
    calls: list[Call] = field(default_factory=list)
    finished: dict[str, datetime] = field(default_factory=dict)  # number -> hall time
    current: dict[int, str] = field(default_factory=dict)  # window -> number called there
    no_shows: list[str] = field(default_factory=list)
    http: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=10))

    @property
    def url(self) -> str:
        return self.server.url

    def login(self) -> None:
        r = self.http.post(
            f"{self.url}/api/auth/login", json={"username": "supervisor", "password": PASSWORD}, timeout=10
        )
        assert r.status_code == 200, r.text
        self.boss = {"Authorization": f"Bearer {r.json()['token']}"}

    def kiosk(self, category: str) -> httpx.Response:
        return self.http.post(
            f"{self.url}/kiosk/api/halls/weiyang/tickets",
            json={"category": category},
            headers={"Authorization": f"Bearer {self.tokens['kiosk']}"},
            timeout=10,
        )

    def issue(self, category: str) -> dict[str, Any]:
        r = self.kiosk(category)
        assert r.status_code in (200, 201), r.text
        ticket: dict[str, Any] = r.json()["ticket"]
        assert ticket["number"] not in self.issued, f"{ticket['number']} issued twice"
        self.issued[ticket["number"]] = ticket["id"]
        self.clock.advance(seconds=20)
        return ticket

    def act(self, window: int, verb: str, **body: Any) -> dict[str, Any]:
        sent = self.clock.page_time()
        r = self.http.post(
            f"{self.url}/api/halls/weiyang/windows/{window}/{verb}", json=body, headers=self.boss, timeout=10
        )
        assert r.status_code == 200, (window, verb, r.text)
        result: dict[str, Any] = r.json()
        ticket = result["ticket"]
        if verb in ("call-next", "recall") and ticket is not None:
            self.calls.append(Call(ticket["number"], window, sent, recall=verb == "recall"))
            self.current[window] = ticket["number"]
        if verb == "finish":
            self.finished[ticket["number"]] = self.clock.now
        if verb == "no-show":
            self.no_shows.append(ticket["number"])
        return result

    def burst(self, windows: list[int], then_minutes: float = 1) -> list[int]:
        """Every free window calls, one right after another; returns the windows that called."""
        called = [w for w in windows if self.act(w, "call-next")["ticket"] is not None]
        self.clock.advance(minutes=then_minutes)
        return called

    def serve(self, windows: list[int], minutes: float = 6) -> None:
        """The windows' current visitors are served and finished."""
        for w in windows:
            self.act(w, "start")
        self.clock.advance(minutes=minutes)
        for w in windows:
            self.act(w, "finish")

    def get(self, path: str) -> dict[str, Any]:
        r = self.http.get(f"{self.url}{path}", headers=self.boss, timeout=30)
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        return body


class Page:
    """A page in its own browser context, recording what it asked the server for."""

    def __init__(self, chromium: Any, url: str, clock: FileTestClock | None = None, **context: Any) -> None:
        self.context = chromium.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **context)
        self.context.set_default_timeout(15_000)
        if clock is not None:  # a screen: it drops yesterday's calls at the hall's midnight
            clock.follow(self.context)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.missing: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("response", lambda r: self.missing.append(r.url) if r.status == 404 else None)
        self.page.goto(url)

    def spoken(self) -> list[dict[str, Any]]:
        """What the hall screen's announcer said: number, window, at (ms), burst (displays/)."""
        said: list[dict[str, Any]] = self.page.evaluate("() => (window.onewindowSpoken || []).slice()")
        return said

    def wait_spoken(self, calls: list[Call], timeout_s: float = 60) -> dict[tuple[str, int], float]:
        """Waits until each call is spoken; returns when each one's burst began, as seconds
        after its call (the issue's bound is on that: 15 s)."""
        wanted = {(c.number, c.window): c.sent for c in calls}
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            said = self.spoken()
            if wanted.keys() <= {(e["number"], e["window"]) for e in said}:
                break
            self.page.wait_for_timeout(250)
        started: dict[tuple[str, int], float] = {}
        burst_start = 0.0
        for entry in said:
            burst_start = burst_start if entry["burst"] else entry["at"] / 1000
            key = (entry["number"], entry["window"])
            if key in wanted:
                started[key] = max(0.0, burst_start - wanted[key])
        assert started.keys() == wanted.keys(), f"not spoken: {wanted.keys() - started.keys()}"
        return started

    def text(self, selector: str) -> str:
        return str(self.page.inner_text(selector))

    def wait_text(self, selector: str, text: str) -> None:
        self.page.wait_for_function(
            "([s, t]) => document.querySelector(s)?.textContent.includes(t)", arg=[selector, text], polling=50
        )

    def close(self) -> None:
        assert not self.errors, self.errors
        assert not self.missing, self.missing
        self.context.close()


def write_config(directory: Path) -> Path:
    raw = demo_config()
    raw["server"]["store"] = f"sqlite:///{directory / 'hall.db'}"
    raw["displays"] = {"cache_dir": str(directory / "announce-cache"), "repeat": 1}
    for printer in raw.get("ticketing", {}).get("printers", []):
        printer["kiosks"] = ["kiosk-1"]  # the seeded kiosk; no agent, so it shows the number
    path = directory / "config.toml"
    path.write_bytes(tomli_w.dumps(raw).encode())
    return path


@pytest.fixture
def day(tmp_path: Path) -> Iterator[Day]:
    config = write_config(tmp_path)
    clock = FileTestClock(tmp_path / "clock.txt", local(TUESDAY, 8, 50))
    # Seeding runs its own event loop; Playwright's sync API may run one in this thread.
    with ThreadPoolExecutor(1) as pool:
        tokens = pool.submit(seed_people, load_settings(config), ManualClock(clock.now)).result()
    server = ServerProcess(config, env={TEST_CLOCK_ENV: str(clock.path)}).start()
    hall = Day(server, clock, tokens)
    hall.login()
    try:
        yield hall
    finally:
        hall.http.close()
        server.stop()


@pytest.fixture
def chromium() -> Iterator[Any]:
    with browser.chromium("--autoplay-policy=no-user-gesture-required") as launched:
        yield launched


def yesterdays_on(page: Page, numbers: set[str], wait_s: float) -> list[str]:
    """Yesterday's numbers the page still shows after waiting up to `wait_s` for them to go."""
    deadline = time.monotonic() + wait_s
    while True:
        text = page.text("body")
        shown = sorted(n for n in numbers if n in text)
        if not shown or time.monotonic() > deadline:
            return shown
        page.page.wait_for_timeout(250)


def tiles_show(hall_screen: Page, calls: dict[int, str]) -> None:
    """Each window's tile on the hall screen shows the number just called there."""
    hall_screen.page.wait_for_function(
        """(calls) => Object.entries(calls).every(([w, n]) =>
             document.querySelector(`.tile[data-window="${w}"]`)?.textContent.includes(n))""",
        arg={str(w): n for w, n in calls.items()},
        polling=100,
    )
    shown = hall_screen.page.eval_on_selector_all(".tile", "tiles => tiles.map((t) => t.textContent)")
    for number in calls.values():
        assert sum(number in text for text in shown) == 1, (number, shown)


def test_a_whole_hall_day_and_the_next_morning(day: Day, chromium: Any) -> None:
    started = time.monotonic()

    def phase(name: str) -> None:
        print(f"{time.monotonic() - started:5.1f} s  {name}")

    screen = f"token={day.tokens['screen']}"
    hall_screen = Page(
        chromium,
        f"{day.url}/display/halls/weiyang?{screen}",
        day.clock,
        viewport={"width": 1920, "height": 1080},
    )
    window_screen = Page(
        chromium,
        f"{day.url}/display/halls/weiyang/windows/1?{screen}",
        day.clock,
        viewport={"width": 1280, "height": 720},
    )
    kiosk = Page(
        chromium,
        f"{day.url}/kiosk/halls/weiyang?token={day.tokens['kiosk']}",
        viewport={"width": 1920, "height": 1080},
        has_touch=True,
    )
    pages = [hall_screen, window_screen, kiosk]
    for screen_page in (hall_screen, window_screen):
        screen_page.page.wait_for_selector("body[data-online=true]")

    phase("opening")
    # ---- opening: nobody takes a number before 09:00 ----
    early = day.kiosk("business")
    assert early.status_code == 409 and early.json()["error"]["code"] == "issuing_closed", early.text
    kiosk.page.wait_for_selector("#screen-closed:not([hidden])")
    day.clock.set(local(TUESDAY, 9, 0))
    for w in WINDOWS:
        day.act(w, "open")

    phase("the morning peak")
    # ---- the morning peak: the kiosk's first visitor, then a crowd, then every window calls ----
    kiosk.page.reload()  # what its periodic status check would do, without waiting for it
    kiosk.page.locator('[data-category="business"]').click()
    kiosk.page.locator("#priority-none").click()
    kiosk.page.wait_for_function(
        "() => /^A\\d{3}$/.test(document.querySelector('#issued-number')?.textContent)"
    )
    day.issued[kiosk.text("#issued-number")] = "taken on the kiosk page"
    for category in PEAK:
        day.issue(category)
    mine = day.issue("social")  # the visitor who follows their turn on the phone
    phone = Page(
        chromium,
        f"{day.url}/t/{mine['id']}",
        viewport={"width": 360, "height": 740},
        is_mobile=True,
    )
    pages.append(phone)
    phone.wait_text("#ahead", str(mine["ahead"]))
    assert mine["ahead"] == len(PEAK) + 1  # the kiosk's first visitor and the crowd

    called = day.burst(CALL_ORDER, then_minutes=0)
    assert called == CALL_ORDER, "every window has someone to call at the peak"
    tiles_show(hall_screen, {w: day.current[w] for w in called})
    window_screen.wait_text("#window-number", day.current[1])
    # The peak's 13 calls are all heard, each in a burst that began within the bound.
    peak = hall_screen.wait_spoken(day.calls[-len(called) :])
    assert max(peak.values()) <= ANNOUNCE_BOUND_S, peak
    phase("peak spoken")
    # Window 2's visitor does not come: called again, then marked a no-show (left for the night).
    day.clock.advance(minutes=2)
    day.act(2, "recall")
    day.clock.advance(minutes=3)
    day.act(2, "no-show")
    day.serve([w for w in called if w != 2])
    called = day.burst(CALL_ORDER)
    tiles_show(hall_screen, {w: day.current[w] for w in called})
    day.serve(called)
    while len(called := day.burst(CALL_ORDER)) > 0:
        tiles_show(hall_screen, {w: day.current[w] for w in called})
        day.serve(called)
    phone.page.wait_for_selector("#rating:not([hidden])")  # done: the phone asks for a rating
    assert mine["number"] in day.finished

    phase("lunch")
    # ---- lunch: windows pause, the kiosk stops issuing ----
    day.clock.set(local(TUESDAY, 12, 0))
    for w in WINDOWS:
        day.act(w, "pause", reason="午休")
    hall_screen.wait_text('.tile[data-window="1"]', "暂停服务")
    day.clock.set(local(TUESDAY, 12, 10))
    lunch = day.kiosk("business")
    assert lunch.status_code == 409, lunch.text
    kiosk.page.reload()
    kiosk.page.wait_for_selector("#screen-closed:not([hidden])")

    phase("the afternoon")
    # ---- the afternoon ----
    day.clock.set(local(TUESDAY, 13, 30))
    for w in WINDOWS:
        day.act(w, "resume")
    for category in ["business", "medical", "tax", "residence", "housing", "civil"] * 2:
        day.issue(category)
    while called := day.burst(CALL_ORDER):
        tiles_show(hall_screen, {w: day.current[w] for w in called})
        day.serve(called, minutes=8)

    phase("closing")
    # ---- closing: a crowd just before 17:30 is served after it (extended service) ----
    day.clock.set(local(TUESDAY, 17, 20))
    late = [day.issue(c)["number"] for c in ["business", "social", "realestate", "medical"] * 5]
    day.clock.set(CLOSING)
    ended = day.kiosk("business")
    assert ended.status_code == 409, ended.text
    called = day.burst(CALL_ORDER)
    tiles_show(hall_screen, {w: day.current[w] for w in called})
    day.clock.advance(minutes=2)
    absent = day.act(1, "no-show")["ticket"]  # gone home before the call
    day.serve([w for w in called if w != 1], minutes=7)
    while called := day.burst(CALL_ORDER):
        tiles_show(hall_screen, {w: day.current[w] for w in called})
        day.serve(called, minutes=7)
    assert all(day.finished[n] > CLOSING for n in late if n != absent["number"])
    for w in WINDOWS:
        day.act(w, "close")
    closed_at = day.clock.now
    # The absent visitor comes back as the hall closes: put back in the queue, they wait
    # overnight with every window closed (and the number expires at midnight).
    back = day.http.post(
        f"{day.url}/api/halls/weiyang/tickets/{absent['id']}/reactivate", json={}, headers=day.boss
    )
    assert back.status_code == 200 and back.json()["status"] == "waiting", back.text

    phase("every ticket served once")
    # ---- every ticket served once, called once (plus the recall), none lost ----
    tuesday_calls = list(day.calls)
    called_numbers = Counter(c.number for c in tuesday_calls if not c.recall)
    assert max(called_numbers.values()) == 1, [n for n, k in called_numbers.items() if k > 1]
    served = set(day.finished)
    assert served | set(day.no_shows) == set(called_numbers) == set(day.issued), (
        "every ticket issued was called, and every call ended in service or a no-show"
    )

    phase("the night")
    # ---- the night: the server restarts; the next morning starts clean ----
    day.clock.set(local(TUESDAY, 23, 0))
    day.server.stop()
    day.clock.set(local(WEDNESDAY, 8, 58))
    day.clock.jump_pages()
    day.server.start()
    day.login()
    yesterday = set(day.issued)
    day.issued.clear()  # numbers start again at 001
    day.clock.set(local(WEDNESDAY, 9, 0))
    morning = day.issue("business")  # the day's first step, before any window opens
    day.act(1, "open")
    assert morning["number"] == "A001"
    assert morning["ahead"] == 0, "the first ticket of the day has nobody ahead"
    for screen_page in (hall_screen, window_screen):
        screen_page.page.wait_for_selector("body[data-online=true]")
    assert not yesterdays_on(hall_screen, yesterday - {"A001"}, wait_s=15), (
        "the hall screen opens on yesterday"
    )
    assert not yesterdays_on(window_screen, yesterday - {"A001"}, wait_s=5), "window 1 opens on yesterday"
    day.act(1, "call-next")
    assert day.current[1] == "A001"
    hall_screen.wait_text("#now-number", "A001")
    first_call = hall_screen.wait_spoken(day.calls[-1:], timeout_s=30)
    assert max(first_call.values()) <= ANNOUNCE_BOUND_S, first_call
    window_screen.wait_text("#window-number", "A001")
    shown = hall_screen.text("body")
    assert not [n for n in yesterday - {"A001"} if n in shown], shown

    phase("Tuesday's report")
    # ---- Tuesday's report, read on Wednesday, says what happened ----
    report = day.get(f"/api/halls/weiyang/reports?from={TUESDAY}&days=1")
    overall = report["overall"]
    assert overall["issued"] == len(called_numbers)
    assert overall["served"] == len(served)
    # B-numbers left as no-shows count as such; the one who came back and waited overnight
    # for closed windows left without service (abandoned).
    assert overall["no_show"] == len(day.no_shows) - 1
    assert overall["abandoned"] == 1
    by_window = {int(row["window"]): row["served"] for row in report["by_window"]}
    expected = Counter(c.window for c in tuesday_calls if not c.recall and c.number in served)
    assert by_window == dict(expected)
    extended = report["extended"]
    assert extended["days_with_extension"] == 1
    assert extended["tickets_after_closing"] == sum(1 for at in day.finished.values() if at > CLOSING)
    minutes_after = (closed_at - CLOSING).total_seconds() / 60
    assert extended["max_minutes_after_closing"] == pytest.approx(minutes_after, abs=8)

    phase("announcements")
    # ---- announcements: each names a call made at its window, none said twice ----
    # (A compressed day finishes visitors faster than a voice can name them: the calls that
    # went out of date before their turn are rightly dropped, so not every call is heard.)
    made = Counter((c.number, c.window) for c in day.calls)
    heard = Counter((e["number"], e["window"]) for e in hall_screen.spoken())
    assert not heard - made, f"spoken more often than called: {heard - made}"
    print(
        f"day test: {len(day.calls)} calls, {sum(heard.values())} spoken; peak burst of "
        f"{len(peak)} started within {max(peak.values()):.1f} s (median "
        f"{sorted(peak.values())[len(peak) // 2]:.1f} s); next morning's first call within "
        f"{max(first_call.values()):.1f} s; wall time {time.monotonic() - started:.0f} s"
    )
    for page in pages:
        page.close()
