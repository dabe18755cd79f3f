// The window screen (窗口屏) above one window, and its two-line LED variant.

import { Announcer } from "./announcer.js";
import { HallModel } from "./model.js";
import { HallStream } from "/kit/stream.js";
import {
  bilingual,
  config,
  fitText,
  localDay,
  showRefusal,
  startClock,
  storageKey,
  words,
} from "./ui.js";

const DAY_CHECK_MS = 5000;
const model = new HallModel();
// Silent unless the page was opened with ?sound=1 (a window in a separate room, say).
const announcer = new Announcer(config, storageKey("announced"), (call) => model.isCurrent(call));

function render() {
  const window = model.windows.get(config.window);
  if (!window) return;
  const current = window.current && window.current.number ? window.current : null;
  document.body.classList.remove("state-open", "state-paused", "state-closed");
  document.body.classList.add(`state-${window.state}`);
  if (config.screen === "led") renderLed(window, current);
  else renderFull(window, current);
  fitText(document.body);
}

// The same two lines as led.txt, for LED strips driven by a browser.
function renderLed(window, current) {
  const number = current ? current.number : "";
  let second;
  if (window.state !== "open") second = words(`state.${window.state}`).zh;
  else if (!current) second = words("state.open").zh;
  else if (current.status === "serving") second = `${words("serving").zh} ${number}`;
  else second = words("called", { number }).zh;
  document.getElementById("led-1").textContent = `${window.name} ${number}`.trim();
  document.getElementById("led-2").textContent = second;
}

function renderFull(window, current) {
  const status = document.getElementById("window-status");
  const number = document.getElementById("window-number");
  const hint = document.getElementById("window-hint");
  number.textContent = window.state === "open" && current ? current.number : "";
  const called = Boolean(window.state === "open" && current && current.status === "called");
  number.classList.toggle("called", called);
  status.classList.toggle("called", called);
  if (window.state !== "open") {
    status.replaceChildren(bilingual(`state.${window.state}`));
    hint.replaceChildren();
  } else if (!current) {
    status.replaceChildren(bilingual("state.open"));
    hint.replaceChildren();
  } else if (current.status === "serving") {
    status.replaceChildren(bilingual("serving"));
    hint.replaceChildren();
  } else {
    status.replaceChildren(bilingual("now_calling"));
    hint.replaceChildren(bilingual("called", { number: current.number }));
  }
}

function flash() {
  document.body.classList.remove("flash");
  void document.body.offsetWidth; // restart the animation
  document.body.classList.add("flash");
}

const stream = new HallStream(config, storageKey("seq"), {
  snapshot(snapshot, previousSeq) {
    model.applySnapshot(snapshot);
    model.dropBefore(localDay(config.timezone), config.timezone);
    if (previousSeq !== null && snapshot.seq < previousSeq) {
      announcer.forget();
    } else if (previousSeq !== null) {
      const missed = snapshot.recent_calls.filter(
        (c) => c.seq > previousSeq && c.window === config.window,
      );
      for (const call of missed.reverse()) announcer.offer(call);
    }
    render();
  },
  event(event) {
    const call = model.applyEvent(event);
    if (call && call.window === config.window) {
      flash();
      announcer.offer(call);
    }
    render();
  },
  online(isOnline) {
    if (isOnline) showRefusal(null);
  },
  refused: showRefusal,
});

if (config.screen !== "led") startClock(config.timezone, false);
new ResizeObserver(() => fitText(document.body)).observe(document.body);
// The hall's day changes while the screen runs: yesterday leaves it within seconds.
setInterval(() => {
  if (model.dropBefore(localDay(config.timezone), config.timezone)) render();
}, DAY_CHECK_MS);
stream.start();
