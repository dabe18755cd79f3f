// The visitor's ticket on their phone: live position, and an alert when the turn is near or
// has come (a banner always; vibration and a notification where the browser allows them).
// The ticket's live view comes over /t/{id}/ws on the kit's stream client (reconnects with
// back-off; every connection starts with the current view, so nothing needs resuming).
import { LiveStream } from "/kit/stream.js";

const SOON = 3; // "get ready" when this many or fewer are ahead
const POLL_MS = 15000; // when the live stream is down
// The server sends a heartbeat every 20 s on this socket; a phone's network is slow to say
// that a connection died, so silence this long counts as a dead one.
const SILENT_MS = 45000;

const Ticket = {
  view: BOOT.ticket,
  alerted: { soon: false, called: null },
  level: null,
  rated: false,
  pollTimer: null,

  start() {
    UI.phoneLanguage();
    UI.switchLanguage(() => Ticket.render());
    document.getElementById("alerts").addEventListener("click", () => Ticket.enableAlerts());
    document.querySelectorAll(".rate-level").forEach((button) => {
      button.addEventListener("click", () => Ticket.chooseLevel(Number(button.dataset.level)));
    });
    document.getElementById("rate-reason").addEventListener("submit", (event) => {
      event.preventDefault();
      Ticket.sendRating(Ticket.level, document.getElementById("rate-comment").value.trim());
    });
    if (!Ticket.view) {
      UI.applyText();
      document.getElementById("card").hidden = true;
      document.getElementById("missing").hidden = false;
      document.getElementById("alerts").hidden = true;
      return;
    }
    Ticket.render();
    // What is already true when the page opens gets its banner, without buzzing the phone.
    Ticket.announce(Ticket.view, { silent: true });
    Ticket.connect();
  },

  connect() {
    const stream = new LiveStream({ ws: `/t/${encodeURIComponent(Ticket.view.id)}/ws` }, {
      message: (message) => { if (message.kind === "ticket") Ticket.update(message.ticket); },
      online: (live) => {
        Ticket.connection(live);
        // While the stream is down the page asks now and then, so it never shows old news.
        clearInterval(Ticket.pollTimer);
        if (!live) Ticket.pollTimer = setInterval(Ticket.poll, POLL_MS);
      },
      refused: () => {},
    }, { watchdogMs: SILENT_MS });
    stream.start();
  },

  async poll() {
    const path = `/api/halls/${BOOT.hall}/tickets/${Ticket.view.id}`;
    const data = await kit.request("GET", path, { token: null, lang: UI.lang }).catch(() => null);
    if (!data) return;
    const names = BOOT.windows[data.window] || {};
    Ticket.update({ ...Ticket.view, ...data, window_name: names.name ?? null, window_name_en: names.name_en ?? null });
  },

  update(view) {
    Ticket.view = view;
    Ticket.render();
    Ticket.announce(view, { silent: false });
  },

  // Each call (a recall has a new called_at) and the "get ready" moment are announced once.
  announce(view, { silent }) {
    if (view.status === "called" && Ticket.alerted.called !== view.called_at) {
      Ticket.alerted.called = view.called_at;
      const text = UI.t("called_banner", { number: view.number, window: Ticket.windowName(view) });
      Ticket.alert(text, "called", silent ? null : [400, 200, 400, 200, 800]);
    } else if (view.status === "waiting" && view.ahead <= SOON && !Ticket.alerted.soon) {
      Ticket.alerted.soon = true;
      Ticket.alert(UI.t("soon_banner", { n: view.ahead }), "soon", silent ? null : [300, 150, 300]);
    }
  },

  alert(text, kind, pattern) {
    const banner = document.getElementById("alert");
    banner.textContent = text;
    banner.className = `alert ${kind}`;
    banner.hidden = false;
    if (!pattern) return;
    if (navigator.vibrate) navigator.vibrate(pattern);
    if ("Notification" in window && Notification.permission === "granted") {
      try { new Notification(UI.pick(BOOT.hall_name, BOOT.hall_name_en), { body: text, tag: kind }); } catch (_) {}
    }
  },

  async enableAlerts() {
    const button = document.getElementById("alerts");
    if (!("Notification" in window)) { button.textContent = UI.t("alerts_blocked"); return; }
    const permission = await Notification.requestPermission();
    button.textContent = UI.t(permission === "granted" ? "alerts_on" : "alerts_blocked");
    button.disabled = true;
  },

  // 好差评 from the phone: the five levels once the matter is done; a bad rating needs words.
  chooseLevel(level) {
    Ticket.level = level;
    document.querySelectorAll(".rate-level").forEach((button) => {
      const chosen = Number(button.dataset.level) === level;
      button.classList.toggle("chosen", chosen);
      button.setAttribute("aria-pressed", String(chosen));
    });
    if (level <= 2) {
      document.getElementById("rate-reason").hidden = false;
      document.getElementById("rate-comment").focus();
    } else {
      Ticket.sendRating(level, null);
    }
  },

  async sendRating(level, comment) {
    const body = comment ? { level, comment } : { level };
    const path = `/api/halls/${BOOT.hall}/tickets/${Ticket.view.id}/rating`;
    try {
      await kit.request("POST", path, { body, token: null, lang: UI.lang, offline: UI.t("offline") });
    } catch (error) {
      // 409: rated already (on the window's device, or in another tab): nothing left to do here.
      if (error.status !== 409) {
        kit.showError(error.message);
        return;
      }
    }
    Ticket.rated = true;
    kit.clearError();
    Ticket.render();
  },

  windowName(view) {
    return UI.pick(view.window_name, view.window_name_en) || `${view.window}`;
  },

  render() {
    UI.applyText();
    const view = Ticket.view;
    document.getElementById("number").textContent = view.number;
    document.getElementById("category").textContent = UI.pick(view.category_name, view.category_name_en);
    const status = document.getElementById("status");
    status.className = `status status-${view.status}`;
    status.textContent = view.status === "called"
      ? UI.t("called_status", { window: Ticket.windowName(view) })
      : UI.t(`status.${view.status}`);
    const waiting = view.status === "waiting";
    document.getElementById("stats").hidden = !waiting;
    document.getElementById("position").textContent = waiting ? UI.t("position", { n: view.position }) : "";
    if (waiting) {
      document.getElementById("ahead").textContent = view.ahead;
      document.getElementById("wait").textContent = UI.minutes(view.estimated_wait_s);
    }
    document.getElementById("issued-at").textContent = UI.t("issued_at", { time: UI.time(view.issued_at) });
    const banner = document.getElementById("alert");
    if (!banner.hidden && view.status !== "called" && !(waiting && view.ahead <= SOON)) banner.hidden = true;
    const done = view.status === "done";
    document.getElementById("rating").hidden = !done;
    document.querySelector(".rate-levels").hidden = Ticket.rated;
    if (Ticket.rated) document.getElementById("rate-reason").hidden = true;
    document.getElementById("rate-thanks").hidden = !Ticket.rated;
    // The level this phone sent (unknown when it was rated on the window's device).
    const chosen = document.getElementById("rate-chosen");
    chosen.hidden = !(Ticket.rated && Ticket.level);
    if (Ticket.level) chosen.textContent = UI.t("rate_chosen", { level: UI.t(`rate.level.${Ticket.level}`) });
  },

  connection(live) {
    const el = document.getElementById("connection");
    el.textContent = UI.t(live ? "live" : "offline");
    el.className = `connection ${live ? "live" : "down"}`;
  },
};

Ticket.start();
