// Shared by the kiosk, ticket and online pages: the text catalog, language and small helpers.
"use strict";

const BOOT = JSON.parse(document.getElementById("boot").textContent);
const TEXT = JSON.parse(document.getElementById("text").textContent);

const UI = {
  lang: "zh-CN",

  t(key, params = {}) {
    const entry = TEXT[key];
    if (!entry) return key;
    const template = entry[UI.lang] || entry["zh-CN"];
    return kit.fill(template, params); // the kit's one formatter
  },

  // Chinese first; English only where the visitor asks for it.
  pick(zh, en) {
    return UI.lang === "en" && en ? en : zh;
  },

  applyText(root = document) {
    document.documentElement.lang = UI.lang;
    root.querySelectorAll("[data-t]").forEach((el) => { el.textContent = UI.t(el.dataset.t); });
    root.querySelectorAll("[data-t-hall]").forEach((el) => {
      el.textContent = UI.pick(BOOT.hall_name, BOOT.hall_name_en);
    });
    const toggle = document.getElementById("lang");
    if (toggle) toggle.textContent = UI.t("lang.switch");
  },

  // A moment in the hall's own time zone, e.g. "11月24日周二 09:00" / "Tue 24 Nov, 09:00".
  when(iso) {
    if (!iso) return UI.t("no_next_opening");
    return new Intl.DateTimeFormat(UI.lang, {
      timeZone: BOOT.timezone, month: "short", day: "numeric", weekday: "short",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23",
    }).format(new Date(iso));
  },

  time(iso) {
    return new Intl.DateTimeFormat(UI.lang, {
      timeZone: BOOT.timezone, hour: "2-digit", minute: "2-digit", hourCycle: "h23",
    }).format(new Date(iso));
  },

  minutes(seconds) {
    return Math.max(1, Math.ceil(seconds / 60)); // never promise "0 minutes"
  },

  async api(path, { method = "GET", body, token } = {}) {
    const headers = { "Accept-Language": UI.lang };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (token) headers.Authorization = `Bearer ${token}`;
    const response = await fetch(path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    });
    let data = null;
    try { data = await response.json(); } catch (_) { data = null; }
    return { ok: response.ok, status: response.status, data };
  },
};
