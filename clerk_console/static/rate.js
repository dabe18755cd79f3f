// The rating device (评价器) facing the visitor at one window. After a finish at this window
// it offers the five levels; a bad rating asks for a reason. Idle again after the rating,
// after a timeout, or as soon as the window calls the next visitor.
import { LiveHall, api, clear, config, el, named, onLanguage, showError, t } from "./common.js";

const THANKS_MS = 5000;
const screens = ["rate-idle", "rate-ask", "rate-reason", "rate-thanks"];
let pending = null; // {number} of the ticket to rate
let level = null;
let reason = null;
let idleTimer = null;
let sending = false;

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
  document.getElementById("rate-question").textContent = t("rate.ask", { number: ticket.number });
  show("rate-ask", config.timeout_s * 1000);
}

function renderReasons() {
  const box = document.getElementById("reasons");
  clear(box);
  for (const r of config.reasons) {
    box.append(el("button", {
      type: "button", class: `reason${reason === r.code ? " chosen" : ""}`, "aria-pressed": String(reason === r.code),
      onclick: () => { reason = reason === r.code ? null : r.code; renderReasons(); },
    }, named(r)));
  }
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
  try {
    await api("POST", `/api/halls/${encodeURIComponent(config.hall)}/tickets/${encodeURIComponent(pending.number)}/rating`, body, config.token);
    document.getElementById("rate-followup").hidden = level > 2;
    show("rate-thanks", THANKS_MS);
    pending = null;
  } catch (error) {
    showError(error.message);
    show("rate-idle");
    pending = null;
  } finally {
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

function onMessage(msg) {
  if (msg.kind !== "event" || msg.window !== config.window) return;
  if (msg.type === "ticket.finished") ask(msg.data.ticket);
  // The next visitor is being called: whoever has not rated has left the counter.
  if (["ticket.called", "ticket.called_back"].includes(msg.type) && pending) idle();
  if (msg.type === "ticket.rated" && pending && msg.data.ticket?.number === pending.number) idle();
}

document.getElementById("window-title").textContent = config.window_name || String(config.window);
onLanguage(() => { if (pending) document.getElementById("rate-question").textContent = t("rate.ask", { number: pending.number }); renderReasons(); });
idle();
new LiveHall(config.hall, config.token, onMessage).start();
