// The kiosk: choose a matter, maybe a priority class, get a number (printed, or on screen to be
// photographed when the printer cannot print). Touch only; it returns to the start by itself.
"use strict";

const TOKEN_KEY = "onewindow.kiosk.token";
const POLL_MS = 15000;
const IDLE_MS = 45000; // an abandoned choice goes back to the start
const PRINTED_SHOW_S = 20;
const FALLBACK_SHOW_S = 90; // long enough to find the phone and take a photo
const CODE_DIGITS = 8; // a booking code (queue_server.ticketing.bookings.CODE_DIGITS)
const PHONE_DIGITS = 11; // a mainland mobile number

const Kiosk = {
  token: null,
  offer: null,
  clockOffset: 0,
  category: null,
  issuedData: null,
  left: 0,
  code: "",
  idleTimer: null,
  countdownTimer: null,

  start() {
    const params = new URLSearchParams(location.search);
    if (params.get("token")) {
      localStorage.setItem(TOKEN_KEY, params.get("token"));
      history.replaceState(null, "", location.pathname); // keep the token off the screen
    }
    Kiosk.token = localStorage.getItem(TOKEN_KEY);
    document.addEventListener("contextmenu", (e) => e.preventDefault());
    document.addEventListener("pointerdown", () => Kiosk.touched(), true);
    document.addEventListener("keydown", (event) => Kiosk.typed(event));
    UI.switchLanguage(() => Kiosk.translate());
    document.querySelectorAll("[data-back]").forEach((b) => b.addEventListener("click", () => Kiosk.home()));
    document.querySelectorAll("[data-checkin]").forEach((b) => b.addEventListener("click", () => Kiosk.checkin()));
    document.getElementById("priority-none").addEventListener("click", () => Kiosk.issue("normal"));
    Kiosk.buildKeypad();
    setInterval(Kiosk.tick, 1000);
    setInterval(Kiosk.refresh, POLL_MS);
    Kiosk.refresh().then(() => Kiosk.home());
  },

  async refresh() {
    if (!Kiosk.token) return;
    try {
      Kiosk.offer = await Kiosk.request("GET", `/kiosk/api/halls/${BOOT.hall}`);
    } catch (error) {
      if (error.status === 401 || error.status === 403) Kiosk.token = null;
      return;
    }
    Kiosk.clockOffset = Date.parse(Kiosk.offer.now) - Date.now();
    Kiosk.tick();
    Kiosk.renderBars();
    // The start screen follows opening hours as they change; other screens are left alone.
    const current = Kiosk.current();
    if (current === "start" || current === "closed") Kiosk.showStartOrClosed();
  },

  current() {
    const shown = document.querySelector(".screen:not([hidden])");
    return shown ? shown.id.replace("screen-", "") : null;
  },

  show(name) {
    document.querySelectorAll(".screen").forEach((s) => { s.hidden = s.id !== `screen-${name}`; });
    Kiosk.touched();
  },

  home() {
    clearInterval(Kiosk.countdownTimer);
    UI.lang = "zh-CN"; // every visitor starts in Chinese
    Kiosk.category = null;
    Kiosk.code = "";
    Kiosk.render();
    Kiosk.refresh();
  },

  showStartOrClosed() {
    if (!Kiosk.token) return Kiosk.message(UI.t("not_registered"), false);
    if (!Kiosk.offer) return;
    if (Kiosk.offer.issuing === "open") {
      Kiosk.renderCategories();
      Kiosk.show("start");
    } else {
      Kiosk.renderClosed();
      Kiosk.show("closed");
    }
  },

  render() {
    UI.applyText();
    Kiosk.renderBars();
    Kiosk.showStartOrClosed();
  },

  // The same screen in the other language: a visitor switching mid-way keeps their place.
  translate() {
    UI.applyText();
    Kiosk.renderBars();
    Kiosk.tick();
    const screen = Kiosk.current();
    if (screen === "start" || screen === "closed") Kiosk.showStartOrClosed();
    else if (screen === "priority") Kiosk.choose(Kiosk.category);
    else if (screen === "issued") {
      Kiosk.fillIssued(Kiosk.issuedData);
      Kiosk.renderCountdown();
    }
  },

  renderBars() {
    const offer = Kiosk.offer;
    UI.applyText(document.querySelector(".bar"));
    if (!offer) return;
    document.getElementById("hours-today").textContent = offer.hours_today.length
      ? UI.t("hours_today", { hours: offer.hours_today.join("  ") }) : "";
    const printer = offer.printer;
    const banner = document.getElementById("printer-banner");
    banner.hidden = !printer || printer.state === "ok";
    if (printer) banner.textContent = UI.t("printer_banner", { state: UI.t(`printer.${printer.state}`) });
    const weekend = document.getElementById("weekend-banner");
    weekend.hidden = !offer.weekend;
    weekend.textContent = UI.t("weekend_banner");
  },

  renderCategories() {
    const box = document.getElementById("categories");
    box.replaceChildren();
    for (const category of Kiosk.offer.categories.filter((c) => c.available)) {
      const tile = Kiosk.button("tile", () => Kiosk.choose(category));
      tile.dataset.category = category.code;
      tile.append(
        Kiosk.el("span", "tile-prefix", category.prefix),
        Kiosk.el("span", "tile-name", UI.pick(category.name, category.name_en)),
        Kiosk.el("span", "tile-sub", UI.lang === "en" ? category.name : category.name_en),
        Kiosk.el("span", "tile-waiting", UI.t("waiting_n", { n: category.waiting })),
      );
      box.append(tile);
    }
    const checkin = Kiosk.button("tile tile-checkin", () => Kiosk.checkin());
    checkin.append(Kiosk.el("span", "tile-prefix", "✓"), Kiosk.el("span", "tile-name", UI.t("checkin")));
    box.append(checkin);
  },

  renderClosed() {
    const ended = Kiosk.offer.issuing === "ended";
    const title = Kiosk.offer.holiday ? "holiday_title" : ended ? "ended_title" : "closed_title";
    document.getElementById("closed-title").textContent = UI.t(title);
    document.getElementById("closed-hint").textContent = ended ? UI.t("ended_hint") : "";
    document.getElementById("closed-next").textContent = UI.t("next_opening", { when: UI.when(Kiosk.offer.next_opening) });
  },

  choose(category) {
    Kiosk.category = category;
    if (!Kiosk.offer.priorities.length) return Kiosk.issue("normal");
    document.getElementById("priority-category").textContent = UI.pick(category.name, category.name_en);
    const row = document.getElementById("priorities");
    row.replaceChildren();
    for (const priority of Kiosk.offer.priorities) {
      const button = Kiosk.button("big priority", () => Kiosk.issue(priority.code));
      button.dataset.priority = priority.code;
      button.textContent = UI.pick(priority.name, priority.name_en);
      row.append(button);
    }
    Kiosk.show("priority");
  },

  // The kiosk's token on every request; a refusal in the server's words, in the visitor's language.
  request(method, path, body) {
    return kit.request(method, path, { body, token: Kiosk.token, lang: UI.lang, offline: UI.t("error_generic") });
  },

  issue(priority) {
    Kiosk.issueBy(`/kiosk/api/halls/${BOOT.hall}/tickets`, { category: Kiosk.category.code, priority, language: UI.lang });
  },

  // A ticket taken or checked in: printed and shown, or the refusal on the message screen
  // (read from a step back, in large type; the kit's error box is for the phone pages).
  async issueBy(path, body) {
    Kiosk.busy(true);
    try {
      Kiosk.issued(await Kiosk.request("POST", path, body));
    } catch (error) {
      if (error.status === 409) Kiosk.refresh();
      Kiosk.message(error.message || UI.t("error_generic"), true);
    } finally {
      Kiosk.busy(false);
    }
  },

  issued(data) {
    Kiosk.issuedData = data;
    const printed = Kiosk.fillIssued(data);
    Kiosk.show("issued");
    Kiosk.countdown(printed ? PRINTED_SHOW_S : FALLBACK_SHOW_S);
  },

  fillIssued(data) {
    const ticket = data.ticket;
    const printed = Boolean(data.print && data.print.printed);
    document.getElementById("issued-number").textContent = ticket.number;
    document.getElementById("issued-category").textContent = UI.pick(ticket.category_name, ticket.category_name_en)
      + (ticket.priority === "appointment" ? ` · ${UI.t("appointment")}` : "");
    document.getElementById("issued-ahead").textContent = UI.t("ahead", { n: ticket.ahead });
    document.getElementById("issued-wait").textContent = UI.t("wait", { m: UI.minutes(ticket.estimated_wait_s) });
    document.getElementById("issued-take").hidden = !printed;
    document.getElementById("photo-box").hidden = printed;
    document.getElementById("issued-qr").src = `/t/${ticket.id}/qr.svg`;
    document.getElementById("screen-issued").classList.toggle("fallback", !printed);
    return printed;
  },

  countdown(seconds) {
    clearInterval(Kiosk.countdownTimer);
    Kiosk.left = seconds;
    const step = () => {
      Kiosk.renderCountdown();
      if (Kiosk.left-- <= 0) Kiosk.home();
    };
    step();
    Kiosk.countdownTimer = setInterval(step, 1000);
  },

  renderCountdown() {
    document.getElementById("countdown").textContent = UI.t("returning", { s: Math.max(0, Kiosk.left) });
  },

  checkin() {
    Kiosk.code = "";
    Kiosk.renderCode();
    Kiosk.show("checkin");
  },

  buildKeypad() {
    const pad = document.getElementById("keypad");
    for (const key of ["1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "confirm"]) {
      const label = /\d/.test(key) ? key : "";
      const button = Kiosk.button(`key key-${/\d/.test(key) ? "digit" : key}`, () => Kiosk.press(key));
      button.textContent = label;
      if (!label) button.dataset.t = key;
      pad.append(button);
    }
  },

  press(key) {
    if (key === "clear") Kiosk.code = "";
    else if (key === "confirm") return Kiosk.submitCode();
    else if (Kiosk.code.length < PHONE_DIGITS) Kiosk.code += key;
    Kiosk.renderCode();
  },

  // A booking's QR code scanner is a keyboard to the kiosk: it types the code and Enter. Typed
  // digits open the check-in screen from the start screen too.
  typed(event) {
    const screen = Kiosk.current();
    if (!["start", "closed", "checkin"].includes(screen) || document.body.classList.contains("busy")) return;
    if (/^\d$/.test(event.key)) {
      if (screen !== "checkin") Kiosk.checkin();
      Kiosk.press(event.key);
    } else if (screen === "checkin" && event.key === "Enter") {
      Kiosk.submitCode();
    } else if (screen === "checkin" && event.key === "Backspace") {
      Kiosk.code = Kiosk.code.slice(0, -1);
      Kiosk.renderCode();
    } else {
      return;
    }
    event.preventDefault();
    Kiosk.touched();
  },

  renderCode() {
    document.getElementById("code").textContent = Kiosk.code.padEnd(CODE_DIGITS, "·");
  },

  // Eight digits are a booking code, eleven a mobile number (today's booking of that phone).
  async submitCode() {
    if (Kiosk.code.length < 4) return;
    const body = Kiosk.code.length === PHONE_DIGITS
      ? { phone: Kiosk.code, language: UI.lang }
      : { code: Kiosk.code, language: UI.lang };
    Kiosk.issueBy(`/kiosk/api/halls/${BOOT.hall}/check-in`, body);
  },

  message(text, canGoBack) {
    document.getElementById("message-title").textContent = text;
    document.querySelector("#screen-message [data-back]").hidden = !canGoBack;
    Kiosk.show("message");
  },

  busy(on) {
    document.body.classList.toggle("busy", on);
    document.querySelectorAll("button").forEach((b) => { b.disabled = on; });
  },

  touched() {
    clearTimeout(Kiosk.idleTimer);
    const screen = Kiosk.current();
    if (screen === "priority" || screen === "checkin" || screen === "message") {
      Kiosk.idleTimer = setTimeout(() => Kiosk.home(), IDLE_MS);
    }
  },

  tick() {
    const now = new Date(Date.now() + Kiosk.clockOffset).toISOString();
    document.getElementById("clock").textContent = UI.time(now);
  },

  button(className, onClick) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = className;
    button.addEventListener("click", onClick);
    return button;
  },

  el(tag, className, text) {
    const el = document.createElement(tag);
    el.className = className;
    el.textContent = text;
    return el;
  },
};

Kiosk.start();
