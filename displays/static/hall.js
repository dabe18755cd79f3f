// The hall screen (综合屏): the latest call large, every window, recent calls, waiting counts.

import { Announcer } from "./announcer.js";
import { HallModel } from "./model.js";
import { HallStream } from "./stream.js";
import { bilingual, config, el, showRefusal, startClock, storageKey } from "./ui.js";

const FLASH_MS = 8000;
const RECENT_SHOWN = 8;
// Waiting counts are not in the events; they are re-read after ticket events, at most this often.
const WAITING_REFRESH_MS = 500;

const model = new HallModel();
const announcer = new Announcer(config, storageKey("announced"), (call) => model.isCurrent(call));
const flashing = new Map(); // window number → time its flash ends
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
    tile.dataset.window = String(w.number);
    if ((flashing.get(w.number) || 0) > now) tile.classList.add("flash");
    tile.append(el("div", "tile-name", el("span", "zh", w.name), el("span", "en", w.name_en)));
    if (w.state === "paused") {
      tile.append(bilingual("state.paused", {}, "tile-state"));
    } else if (w.current && w.current.number) {
      const number = el("div", "tile-number", w.current.number);
      if (w.current.status === "called") number.classList.add("called");
      tile.append(number);
    } else {
      tile.append(bilingual("state.open", {}, "tile-state idle"));
    }
    return tile;
  });
  if (!tiles.length) tiles.push(bilingual("no_windows_open", {}, "empty"));
  // Few windows get big tiles; a large hall gets more, smaller ones.
  const columns = Math.max(1, Math.ceil(Math.sqrt(shown.length * gridAspect())));
  grid.style.setProperty("--columns", String(Math.min(columns, Math.max(shown.length, 1))));
  grid.replaceChildren(...tiles);
}

function gridAspect() {
  const grid = document.getElementById("windows");
  return grid.clientWidth && grid.clientHeight ? grid.clientWidth / grid.clientHeight / 1.6 : 1;
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
  flashing.set(call.window, Date.now() + FLASH_MS);
  const now = document.getElementById("now");
  now.classList.remove("flash");
  void now.offsetWidth; // restart the animation for a call that follows another at once
  now.classList.add("flash");
  setTimeout(() => {
    if (flashing.get(call.window) <= Date.now()) renderWindows();
  }, FLASH_MS + 50);
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

const stream = new HallStream(config, storageKey("seq"), {
  snapshot(snapshot, previousSeq) {
    model.applySnapshot(snapshot);
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
    render();
  },
  online(isOnline) {
    if (isOnline) showRefusal(null);
  },
  refused: showRefusal,
});

startClock(config.timezone, true);
stream.start();
