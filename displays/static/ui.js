// What every screen page shares: its config, its words, the clock, small DOM helpers.

export const config = JSON.parse(document.getElementById("config").textContent);

// A message in both languages: Chinese first and large, English after and small.
export function words(key, params = {}) {
  const entry = config.strings[key] || { "zh-CN": key, en: key };
  const fill = (text) => text.replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ""));
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
  return el("span", `bi ${className}`.trim(), el("span", "zh", text.zh), el("span", "en", text.en));
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
