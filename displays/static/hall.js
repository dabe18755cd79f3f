// The hall screen (综合屏): the latest call large, every window, recent calls, waiting counts.

import { Announcer } from "./announcer.js";
import { HallModel } from "./model.js";
import { HallStream } from "./stream.js";
import { bilingual, config, el, showRefusal, startClock, storageKey } from "./ui.js";

// As long as the CSS flash animation (4 × 1 s).
const FLASH_MS = 4000;
const RECENT_SHOWN = 6;
// Waiting counts are not in the events; they are re-read after ticket events, at most this often.
const WAITING_REFRESH_MS = 500;
const TICKER_PX_S = 110;
const TILE_ASPECT = 2.6;

const model = new HallModel();
const announcer = new Announcer(config, storageKey("announced"), (call) => model.isCurrent(call));
const flashing = new Map(); // window number → time its flash started
let waitingTimer = null;

function render() {
  renderNow();
  renderWindows();
  renderRecent();
  renderWaiting();
}

function renderNow() {
  const call = model.latestCall();
  const number = document.getElementById("now-number");
  const window = document.getElementById("now-window");
  number.textContent = call ? call.number : "—";
  window.replaceChildren(
    call ? bilingual("go_to_window", { window: call.window }) : bilingual("no_call_yet"),
  );
}

function renderWindows() {
  const grid = document.getElementById("windows");
  // Closed windows are left out: visitors need to see where to go, not where not to.
  const shown = [...model.windows.values()]
    .filter((w) => w.state !== "closed")
    .sort((a, b) => a.number - b.number);
  const now = Date.now();
  const tiles = shown.map((w) => {
    const tile = el("div", `tile state-${w.state}`);
    const body = el("div", "tile-body");
    tile.append(body);
    tile.dataset.window = String(w.number);
    const flashed = now - (flashing.get(w.number) ?? -Infinity);
    if (flashed < FLASH_MS) {
      // Tiles are rebuilt on every change: carry on the animation rather than restart it.
      tile.classList.add("flash");
      tile.style.animationDelay = `${-flashed}ms`;
    }
    body.append(el("div", "tile-name", el("span", "zh", w.name), el("span", "en", w.name_en)));
    if (w.state === "paused") {
      body.append(bilingual("state.paused", {}, "tile-state"));
    } else if (w.current && w.current.number) {
      const number = el("div", "tile-number", w.current.number);
      if (w.current.status === "called") number.classList.add("called");
      body.append(number);
    } else {
      body.append(bilingual("state.open", {}, "tile-state idle"));
    }
    return tile;
  });
  if (!tiles.length) tiles.push(bilingual("no_windows_open", {}, "empty"));
  grid.replaceChildren(...tiles);
  layoutGrid();
}

// Few windows get big tiles; a large hall gets more, smaller ones, each about 2.6 : 1.
// Run again whenever the grid changes size (the panels around it fill in, the screen turns).
function layoutGrid() {
  const grid = document.getElementById("windows");
  const count = grid.querySelectorAll(".tile").length;
  if (!count || !grid.clientHeight) return;
  const aspect = grid.clientWidth / grid.clientHeight / TILE_ASPECT;
  const columns = Math.min(count, Math.max(1, Math.round(Math.sqrt(count * aspect))));
  grid.style.setProperty("--columns", String(columns));
}

function renderRecent() {
  const items = model.recent.slice(1, RECENT_SHOWN + 1).map((call) =>
    el(
      "li",
      "",
      el("span", "recent-number", call.number),
      el("span", "recent-arrow", "→"),
      bilingual("window_label", { window: call.window }, "recent-window"),
    ),
  );
  document.getElementById("recent").replaceChildren(...items);
}

function renderWaiting() {
  const items = model.categories.map((category) =>
    el(
      "li",
      "",
      el("span", "prefix", category.prefix),
      el("span", "cat-name", el("span", "zh", category.name), el("span", "en", category.name_en)),
      el("span", "count", String(model.waiting[category.code] ?? 0)),
    ),
  );
  document.getElementById("waiting").replaceChildren(...items);
}

function flash(call) {
  flashing.set(call.window, Date.now());
  const now = document.getElementById("now");
  now.classList.remove("flash");
  void now.offsetWidth; // restart the animation for a call that follows another at once
  now.classList.add("flash");
}

function refreshWaitingSoon() {
  if (waitingTimer) return;
  waitingTimer = setTimeout(async () => {
    waitingTimer = null;
    try {
      const response = await fetch(config.api, {
        headers: { Authorization: `Bearer ${config.token}` },
        cache: "no-store",
      });
      if (!response.ok) return;
      const snapshot = await response.json();
      // An older answer than what the stream already applied would undo newer counts.
      if (snapshot.seq < model.seq) return refreshWaitingSoon();
      model.waiting = snapshot.waiting;
      renderWaiting();
    } catch {
      // Offline: the next snapshot from the stream brings the counts.
    }
  }, WAITING_REFRESH_MS);
}

// The notice scrolls at a steady reading speed whatever its length.
function showNotice(text) {
  const notice = document.getElementById("notice");
  const ticker = notice.parentElement;
  for (const copy of ticker.children) copy.textContent = text;
  notice.closest(".notice").hidden = !text;
  ticker.style.setProperty("--ticker-s", `${Math.max(10, notice.offsetWidth / TICKER_PX_S)}s`);
}

const stream = new HallStream(config, storageKey("seq"), {
  snapshot(snapshot, previousSeq) {
    model.applySnapshot(snapshot);
    showNotice(snapshot.hall.notice);
    if (previousSeq !== null && snapshot.seq < previousSeq) {
      announcer.forget();
    } else if (previousSeq !== null) {
      // Calls made while this screen was away (or before a reload) and not yet heard.
      const missed = snapshot.recent_calls.filter((c) => c.seq > previousSeq).reverse();
      for (const call of missed) {
        flash(call);
        announcer.offer(call);
      }
    }
    render();
  },
  event(event) {
    const call = model.applyEvent(event);
    if (call) {
      flash(call);
      announcer.offer(call);
    }
    if (event.type.startsWith("ticket.")) refreshWaitingSoon();
    if (event.type === "hall.notice") showNotice(event.data.text);
    render();
  },
  online(isOnline) {
    if (isOnline) showRefusal(null);
  },
  refused: showRefusal,
});

new ResizeObserver(layoutGrid).observe(document.getElementById("windows"));
startClock(config.timezone, true);
stream.start();
