// The rating device (评价器) facing the visitor at one window. After a finish at this window
// it offers the five levels; a bad rating asks for a reason. Idle again after the rating,
// after a timeout, or as soon as the window calls the next visitor.
import { HallStream, hallSettingsOf } from "/kit/stream.js";

const kit = globalThis.kit;
const config = JSON.parse(document.getElementById("config").textContent);
// The language the device was last switched to stays (the device is this window's only).
const LANG_KEY = "onewindow.lang";
let lang = localStorage.getItem(LANG_KEY) === "en" ? "en" : "zh-CN";
const t = (key, params) => kit.text(config.strings, key, lang, params);

const THANKS_MS = 5000;
const screens = ["rate-idle", "rate-ask", "rate-reason", "rate-thanks"];
let pending = null; // {number} of the ticket to rate
let level = null;
let reason = null;
let idleTimer = null;
let sending = false;
let online = false;

function show(id, idleAfterMs) {
  for (const screen of screens) document.getElementById(screen).hidden = screen !== id;
  clearTimeout(idleTimer);
  if (idleAfterMs) idleTimer = setTimeout(idle, idleAfterMs);
}

function idle() {
  pending = null;
  level = null;
  reason = null;
  show("rate-idle");
}

function ask(ticket) {
  // A rating device never receives ticket ids: it names the visitor by number.
  pending = { number: ticket.number };
  level = null;
  reason = null;
  render();
  show("rate-ask", config.timeout_s * 1000);
}

function renderReasons() {
  const box = document.getElementById("reasons");
  box.replaceChildren(...config.reasons.map((r) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = `reason${reason === r.code ? " chosen" : ""}`;
    button.setAttribute("aria-pressed", String(reason === r.code));
    button.textContent = (lang === "en" && r.name_en) || r.name;
    button.addEventListener("click", () => { reason = reason === r.code ? null : r.code; renderReasons(); });
    return button;
  }));
  updateSubmit();
}

function updateSubmit() {
  const comment = document.getElementById("comment").value.trim();
  document.getElementById("reason-submit").disabled = sending || (!reason && !comment);
}

async function submit() {
  if (!pending || sending) return;
  sending = true;
  updateSubmit();
  const body = { level };
  if (level <= 2) {
    if (reason) body.reason = reason;
    const comment = document.getElementById("comment").value.trim();
    if (comment) body.comment = comment;
  }
  const path = `/api/halls/${encodeURIComponent(config.hall)}/tickets/${encodeURIComponent(pending.number)}/rating`;
  try {
    await kit.request("POST", path, { body, token: config.token, lang, offline: t("offline") });
    document.getElementById("rate-followup").hidden = level > 2;
    show("rate-thanks", THANKS_MS);
  } catch (error) {
    kit.showError(error.message);
    show("rate-idle");
  } finally {
    pending = null;
    sending = false;
  }
}

document.querySelectorAll("button.level").forEach((button) => {
  button.addEventListener("click", () => {
    level = Number(button.dataset.level);
    if (level <= 2) {
      document.getElementById("comment").value = "";
      renderReasons();
      show("rate-reason", config.timeout_s * 1000);
    } else {
      submit();
    }
  });
});
document.getElementById("reason-back").addEventListener("click", () => show("rate-ask", config.timeout_s * 1000));
document.getElementById("reason-submit").addEventListener("click", submit);
document.getElementById("comment").addEventListener("input", updateSubmit);
document.getElementById("lang").addEventListener("click", () => {
  lang = lang === "en" ? "zh-CN" : "en";
  localStorage.setItem(LANG_KEY, lang);
  render();
  renderReasons();
});

// The reasons the device offers, as the hall's settings are now.
function takeReasons(msg) {
  const hall = hallSettingsOf(msg);
  if (!hall || !hall.rating_reasons) return;
  config.reasons = hall.rating_reasons;
  if (!document.getElementById("rate-reason").hidden) renderReasons();
}

function onMessage(msg) {
  takeReasons(msg);
  if (msg.kind !== "event" || msg.window !== config.window) return;
  if (msg.type === "ticket.finished") ask(msg.data.ticket);
  // The next visitor is being called: whoever has not rated has left the counter.
  if (["ticket.called", "ticket.called_back"].includes(msg.type) && pending) idle();
  if (msg.type === "ticket.rated" && pending && msg.data.ticket?.number === pending.number) idle();
}

function setLive(live) {
  online = live;
  document.getElementById("live").dataset.state = live ? "on" : "off";
  document.getElementById("live-text").textContent = t(live ? "online" : "offline");
}

function render() {
  document.documentElement.lang = lang;
  kit.applyTexts(t);
  document.getElementById("window-title").textContent = config.window_name[lang] || config.window_name["zh-CN"];
  if (pending) document.getElementById("rate-question").textContent = t("rate.ask", { number: pending.number });
  setLive(online);
}

render();
idle();
// The window's events, from the kit's one stream client (resume, back-off, watchdog).
new HallStream(config, null, {
  snapshot: onMessage,
  event: onMessage,
  online: setLive,
  refused: (msg) => { if (msg) kit.showError(msg.message); },
}).start();
