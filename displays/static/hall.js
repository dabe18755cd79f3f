// The hall screen (综合屏): the latest call large, every window, recent calls, waiting counts.

import { Announcer } from "./announcer.js";
import { HallModel } from "./model.js";
import { HallStream } from "/kit/stream.js";
import {
  bilingual,
  config,
  el,
  fitText,
  localDay,
  minimumTextPx,
  showRefusal,
  startClock,
  storageKey,
  words,
} from "./ui.js";

// As long as the CSS flash animation (4 × 1 s).
const FLASH_MS = 4000;
const RECENT_SHOWN = 6;
// Waiting counts are not in the events; they are re-read after ticket events, at most this often.
const WAITING_REFRESH_MS = 500;
const TICKER_PX_S = 110;
// The smallest tile that still holds a window name and a ticket number at a readable size,
// as multiples of the smallest text: below it, a large hall's windows are shown in pages.
const TILE_MIN_WIDTH_EM = 7.5;
const TILE_MIN_HEIGHT_EM = 2.8;
const PAGE_MS = 8000;

const DAY_CHECK_MS = 5000;
const model = new HallModel();
const announcer = new Announcer(config, storageKey("announced"), (call) => model.isCurrent(call));
const flashing = new Map(); // window number → time its flash started
let waitingTimer = null;
let page = 0;
let pages = 1;

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
  fitText(document.getElementById("now"));
}

function renderWindows() {
  const grid = document.getElementById("windows");
  // Closed windows are left out: visitors need to see where to go, not where not to.
  const shown = [...model.windows.values()]
    .filter((w) => w.state !== "closed")
    .sort((a, b) => a.number - b.number);
  const layout = gridLayout(grid, shown.length);
  pages = layout.pages;
  page = pages > 1 ? page % pages : 0;
  const onPage = shown.slice(page * layout.perPage, (page + 1) * layout.perPage);
  const now = Date.now();
  const tiles = onPage.map((w) => {
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
    body.append(
      el("div", "tile-name", el("span", "zh fit", w.name), el("span", "en fit optional", w.name_en)),
    );
    if (w.state === "paused") {
      body.append(bilingual("state.paused", {}, "tile-state"));
    } else if (w.current && w.current.number) {
      const number = el("div", "tile-number fit", w.current.number);
      if (w.current.status === "called") number.classList.add("called");
      body.append(number);
    } else {
      body.append(bilingual("state.open", {}, "tile-state idle"));
    }
    return tile;
  });
  if (!tiles.length) tiles.push(bilingual("no_windows_open", {}, "empty"));
  grid.style.setProperty("--columns", String(layout.columns));
  grid.style.setProperty("--rows", String(layout.rows));
  grid.replaceChildren(...tiles);
  const pager = document.getElementById("windows-page");
  pager.hidden = layout.pages < 2;
  pager.textContent = `${page + 1} / ${layout.pages}`;
  fitText(grid);
}

// Few windows get big tiles; a large hall gets more, smaller ones, in the columns that make
// the tiles largest; when even the smallest readable tiles do not all fit, pages of them.
function gridLayout(grid, count) {
  const gap = parseFloat(getComputedStyle(grid).columnGap) || 0;
  const width = grid.clientWidth;
  const height = grid.clientHeight;
  const minWidth = TILE_MIN_WIDTH_EM * minimumTextPx();
  const minHeight = TILE_MIN_HEIGHT_EM * minimumTextPx();
  const tile = (columns, rows) => ({
    w: (width - gap * (columns - 1)) / columns,
    h: (height - gap * (rows - 1)) / rows,
  });
  let best = { columns: 1, rows: 1, score: -1 };
  for (let columns = 1; columns <= Math.max(1, count); columns += 1) {
    const rows = Math.max(1, Math.ceil(count / columns));
    const { w, h } = tile(columns, rows);
    // A tile reads best about 2.4 times as wide as it is high.
    const score = Math.min(w / 2.4, h);
    if (w >= minWidth && h >= minHeight && score > best.score) best = { columns, rows, score };
  }
  if (best.score >= 0 || !count || !height) {
    return { columns: best.columns, rows: best.rows, perPage: Math.max(1, count), pages: 1 };
  }
  const columns = Math.max(1, Math.floor((width + gap) / (minWidth + gap)));
  const rows = Math.max(1, Math.floor((height + gap) / (minHeight + gap)));
  const perPage = columns * rows;
  return { columns, rows, perPage, pages: Math.ceil(count / perPage) };
}

function nextPage() {
  if (pages < 2) return;
  page += 1;
  renderWindows();
}

function renderRecent() {
  const items = model.recent.slice(1, RECENT_SHOWN + 1).map((call) =>
    el(
      "li",
      "fit",
      el("span", "recent-number", call.number),
      el("span", "recent-arrow", "→"),
      el("span", "recent-window", words("window_label", { window: call.window }).zh),
    ),
  );
  const list = document.getElementById("recent");
  list.replaceChildren(...items);
  fitText(list);
}

function renderWaiting() {
  const items = model.categories.map((category) =>
    el(
      "li",
      "",
      el("span", "prefix", category.prefix),
      el(
        "span",
        "cat-name",
        el("span", "zh fit", category.name),
        el("span", "en fit optional", category.name_en),
      ),
      el("span", "count", String(model.waiting[category.code] ?? 0)),
    ),
  );
  const list = document.getElementById("waiting");
  list.replaceChildren(...items);
  fitText(list);
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
    model.dropBefore(localDay(config.timezone), config.timezone);
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

new ResizeObserver(() => render()).observe(document.getElementById("windows"));
setInterval(nextPage, PAGE_MS);
// For whoever checks a large hall's pages without waiting for them.
window.onewindowNextPage = nextPage;
startClock(config.timezone, true);
// The hall's day changes while the screen runs: yesterday leaves it within seconds.
setInterval(() => {
  if (model.dropBefore(localDay(config.timezone), config.timezone)) render();
}, DAY_CHECK_MS);
stream.start();
