"""Screens readable in any hall: with every window open and calling, nothing is clipped in
landscape or portrait, on the demo's 13 windows and in a 30-window hall with 4-digit
numbers; in portrait, everything a visitor reads is at least 28 px."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.displays.conftest import (
    LANDSCAPE,
    PORTRAIT,
    LiveHall,
    Screen,
    open_screen,
    serve,
    write_config,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# A morning on the clock, whenever the test runs: the pictures go in docs/screenshots.
CLOCK = "2026-11-23T10:24:36+08:00"
PORTRAIT_MIN_PX = 28
LANDSCAPE_MIN_PX = 16

# Every text on the page that is shown, with the box it must fit in: its own element (no
# ellipsis or scrolled-away text) and every ancestor that clips (tile, panel, screen).
CLIPPED = """
() => {
  const problems = [];
  const sizes = [];
  const clips = (el) => getComputedStyle(el).overflow !== "visible";
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || el.closest("script, .ticker, [hidden]")) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const box = range.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;  // display: none
    const text = node.textContent.trim();
    sizes.push([text, parseFloat(getComputedStyle(el).fontSize)]);
    if (el.scrollWidth > el.clientWidth + 1) problems.push(`${text}: wider than its box`);
    const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
    if (lines.size > 1) problems.push(`${text}: broken over ${lines.size} lines`);
    for (let up = el; up; up = up.parentElement) {
      if (up !== document.body && !clips(up)) continue;
      const edge = up === document.body
        ? { left: 0, top: 0, right: innerWidth, bottom: innerHeight }
        : up.getBoundingClientRect();
      // The text's own line box may be set tighter than the font's (line-height 1): only
      // what holds it is checked for height.
      const high = up !== el && (box.top < edge.top - 1 || box.bottom > edge.bottom + 1);
      if (box.left < edge.left - 1 || box.right > edge.right + 1 || high) {
        problems.push(`${text}: cut by ${up.className || up.tagName}`);
        break;
      }
    }
  }
  for (const tile of document.querySelectorAll(".tile, #recent li, .waiting li")) {
    if (tile.scrollWidth > tile.clientWidth + 1) problems.push(`tile ${tile.textContent}: overflows`);
  }
  // Panels and screens hold what they show: nothing pushed under the next panel.
  for (const box of document.querySelectorAll("main, main > section, main > header, main > footer")) {
    if (box.scrollHeight > box.clientHeight + 1) problems.push(`${box.className}: overfull`);
  }
  return { problems, sizes };
}
"""


def thirty_windows() -> dict[str, Any]:
    windows: list[dict[str, Any]] = [{"number": n} for n in range(1, 28)]
    windows += [
        {
            "number": 28,
            "name": "跨省通办窗口",
            "name_en": "Cross-province window",
            "categories": ["crossprov"],
        },
        {"number": 29, "name": "绿色通道", "name_en": "Green channel", "categories": ["tax"]},
        {
            "number": 30,
            "name": "证照领取窗口",
            "name_en": "Certificate pick-up",
            "categories": ["pickup"],
        },
    ]
    return {"windows": windows, "number_width": 4}


@pytest.fixture(params=["demo", "thirty"])
def busy_hall(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, LiveHall]]:
    """Every window open and calling; a few serving, so that both kinds of tile show."""
    thirty = request.param == "thirty"
    with serve(write_config(tmp_path, thirty_windows() if thirty else None)) as hall:
        count = 30 if thirty else 13
        for window in range(1, count + 1):
            hall.act(window, "open")
        special = (
            {28: "crossprov", 29: "tax", 30: "pickup"}
            if thirty
            else {
                11: "crossprov",
                12: "business",
                13: "pickup",
            }
        )
        for window in range(1, count + 1):
            hall.issue(special.get(window, "social" if window % 3 else "business"))
        for _ in range(8):
            hall.issue("realestate")
        for window in range(1, count + 1):
            hall.act(window, "call-next")
        for window in range(2, count + 1, 4):
            hall.act(window, "start")
        yield request.param, hall


# Every screen test runs in both layouts, each with its own smallest readable size.
BOTH_ORIENTATIONS = pytest.mark.parametrize(
    ("orientation", "viewport", "minimum"),
    [("landscape", LANDSCAPE, LANDSCAPE_MIN_PX), ("portrait", PORTRAIT, PORTRAIT_MIN_PX)],
)


def check(screen: Screen, minimum_px: int) -> None:
    found = screen.page.evaluate(CLIPPED)
    assert found["problems"] == []
    small = [(text, px) for text, px in found["sizes"] if px < minimum_px]
    assert small == [], f"text smaller than {minimum_px} px"


@BOTH_ORIENTATIONS
def test_the_hall_screen_shows_every_window_and_number_whole(
    busy_hall: tuple[str, LiveHall],
    chromium: Any,
    screens: list[Screen],
    artifacts: Path,
    orientation: str,
    viewport: dict[str, int],
    minimum: int,
) -> None:
    name, hall = busy_hall
    screen = open_screen(chromium, screens, hall.screen_url(), viewport, CLOCK)
    count = 30 if name == "thirty" else 13
    shown: set[str] = set()
    path = f"hall-{orientation}{'-30' if name == 'thirty' else ''}.png"
    # A very large hall pages its windows: every window appears on some page.
    for _ in range(6):
        screen.page.wait_for_timeout(700)
        if not shown:
            screen.page.screenshot(path=str(artifacts / path))
        check(screen, minimum)
        shown |= set(screen.page.eval_on_selector_all(".tile", "ts => ts.map(t => t.dataset.window)"))
        if len(shown) == count:
            break
        screen.page.evaluate("() => window.onewindowNextPage && window.onewindowNextPage()")
    assert shown == {str(n) for n in range(1, count + 1)}


@BOTH_ORIENTATIONS
def test_the_window_screen_shows_its_name_and_number_whole(
    busy_hall: tuple[str, LiveHall],
    chromium: Any,
    screens: list[Screen],
    artifacts: Path,
    orientation: str,
    viewport: dict[str, int],
    minimum: int,
) -> None:
    name, hall = busy_hall
    window = 28 if name == "thirty" else 11  # the longest name: 跨省通办窗口
    screen = open_screen(chromium, screens, hall.screen_url(f"/windows/{window}"), viewport, CLOCK)
    screen.wait_text("#window-number", "K")
    screen.page.wait_for_timeout(300)
    path = f"window-{orientation}{'-30' if name == 'thirty' else ''}.png"
    screen.page.screenshot(path=str(artifacts / path))
    check(screen, minimum)
