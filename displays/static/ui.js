// What every screen page shares: its config, its words, the clock, small DOM helpers.

export const config = JSON.parse(document.getElementById("config").textContent);

// A message in both languages: Chinese first and large, English after and small.
export function words(key, params = {}) {
  const entry = config.strings[key] || { "zh-CN": key, en: key };
  const fill = (text) => globalThis.kit.fill(text, params); // the kit's one formatter
  return { zh: fill(entry["zh-CN"]), en: fill(entry.en) };
}

export function el(tag, className, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  for (const child of children) {
    if (child == null) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// <span class=zh>…</span><span class=en>…</span> for a message.
export function bilingual(key, params, className = "") {
  const text = words(key, params);
  return el(
    "span",
    `bi ${className}`.trim(),
    el("span", "zh fit", text.zh),
    el("span", "en fit optional", text.en),
  );
}

// The smallest text a visitor must read: 28 px on a portrait screen (read from further up
// and narrower), 16 px in landscape, where the layout leaves room for more.
export function minimumTextPx() {
  return matchMedia("(orientation: portrait)").matches ? 28 : 16;
}

// Shrinks each `.fit` element under root until its text fits its box on one line, never
// below the minimum; an `.optional` one (an English line under the Chinese) that still does
// not fit is left out rather than cut. Names and numbers of any length then show whole.
export function fitText(root) {
  const minimum = minimumTextPx();
  for (const node of root.querySelectorAll(".fit")) {
    node.hidden = false;
    node.style.fontSize = "";
    let size = parseFloat(getComputedStyle(node).fontSize);
    if (size < minimum) {
      size = minimum;
      node.style.fontSize = `${size}px`;
    }
    for (let i = 0; i < 6 && node.scrollWidth > node.clientWidth + 0.5 && size > minimum; i += 1) {
      size = Math.max(minimum, Math.floor((size * node.clientWidth) / node.scrollWidth) - 1);
      node.style.fontSize = `${size}px`;
    }
    if (node.scrollWidth > node.clientWidth + 0.5 && node.classList.contains("optional")) {
      node.hidden = true;
    }
  }
}

// The hall's local date of an instant, as YYYY-MM-DD (what a ticket's service_day is).
export function localDay(timezone, instant = new Date()) {
  return new Intl.DateTimeFormat("en-CA", { timeZone: timezone }).format(instant);
}

export function startClock(timezone, withDate) {
  const time = new Intl.DateTimeFormat("zh-CN", {
    timeZone: timezone,
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  });
  const date = new Intl.DateTimeFormat("zh-CN", {
    timeZone: timezone,
    year: "numeric",
    month: "long",
    day: "numeric",
    weekday: "long",
  });
  const tick = () => {
    const now = new Date();
    document.getElementById("clock-time").textContent = time.format(now);
    if (withDate) document.getElementById("clock-date").textContent = date.format(now);
  };
  tick();
  setInterval(tick, 1000);
}

export function storageKey(kind) {
  const where = config.window == null ? "" : `:${config.window}`;
  return `onewindow:${config.hall}:${config.screen}${where}:${kind}`;
}

// Why the server refused this screen (bad token, unknown hall), shown under the badge.
export function showRefusal(message) {
  const badge = document.getElementById("offline");
  let why = badge.querySelector(".why");
  if (!why) {
    why = el("span", "why");
    badge.append(why);
  }
  why.textContent = message ? message.message : "";
}
