"""When the kit's LiveStream (displays/kit/static/stream.js) tries again, in Chromium."""

from __future__ import annotations

from typing import Any

from tests.displays.conftest import LiveHall

# The server's 1013 close reason while its store comes back (queue_server.api.stream).
TRY_AGAIN = "store unavailable; retry_after_ms=1000"

PLANNED_RETRIES = """async ([count, reason]) => {
  const { LiveStream } = await import("/kit/stream.js");
  const planned = new Map();
  const realSetTimeout = window.setTimeout;
  // Each timer's delay is noted and the timer never fires: nothing connects anywhere.
  window.setTimeout = (callback, ms) => {
    const id = realSetTimeout(() => {}, 1e9);
    planned.set(id, ms);
    return id;
  };
  const delays = [];
  for (let i = 0; i < count; i++) {
    const stream = new LiveStream({ ws: "/nowhere" }, { message() {}, online() {}, refused() {} });
    const socket = {};
    stream.socket = socket;
    stream.dropped(socket, 1013, reason);
    delays.push(planned.get(stream.retry));
  }
  return delays;
}"""


def test_screens_told_to_try_again_come_back_when_told_but_not_all_at_once(
    live_hall: LiveHall, chromium: Any
) -> None:
    page = chromium.new_page()
    try:
        page.goto(f"{live_hall.url}/kit/stream.js")
        delays: list[float] = page.evaluate(PLANNED_RETRIES, [200, TRY_AGAIN])
    finally:
        page.close()
    assert all(1000 <= d <= 1500 for d in delays), delays  # when the server said, within half again
    # Spread over that half second: no 50 ms of it takes more than a fifth of the screens.
    crowded = max(sum(1 for d in delays if start <= d < start + 50) for start in range(1000, 1500, 10))
    assert crowded < 40, sorted(delays)
