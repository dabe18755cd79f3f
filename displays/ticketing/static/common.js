// What the visitors' pages (kiosk, ticket, online, booking, crowded periods) add to the kit: the
// visitor's language, the hall's names and its time zone. Fetch and errors are the kit's.
"use strict";

const BOOT = JSON.parse(document.getElementById("boot").textContent);
const TEXT = JSON.parse(document.getElementById("text").textContent);

const UI = {
  lang: "zh-CN",

  t(key, params = {}) {
    return kit.text(TEXT, key, UI.lang, params); // the kit's one lookup and formatter
  },

  // The phone pages speak Chinese unless the phone is set to English.
  phoneLanguage() {
    UI.lang = (navigator.language || "").toLowerCase().startsWith("en") ? "en" : "zh-CN";
  },

  // The bar's language button (#lang): the other language, and `render` redraws the page in it.
  switchLanguage(render) {
    document.getElementById("lang").addEventListener("click", () => {
      UI.lang = UI.lang === "zh-CN" ? "en" : "zh-CN";
      render();
    });
  },

  // Chinese first; English only where the visitor asks for it.
  pick(zh, en) {
    return UI.lang === "en" && en ? en : zh;
  },

  applyText(root = document) {
    document.documentElement.lang = UI.lang;
    kit.applyTexts(UI.t, root);
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
};
