// The clerk's console for one window: every verb, the current ticket with its timer, the
// queue this window serves, held tickets and the clerk's figures for today; live.
import {
  ApiError, LiveHall, ServerTime, api, askPauseReason, clear, config, debounce, duration, el, named,
  onLanguage, pauseReason, session, showError, showWho, clearError, t, toast,
} from "./common.js";

const who = session();
if (!who) location.href = "/console";
else showWho(who);

const hall = config.hall;
const number = config.window;
const base = `/api/halls/${encodeURIComponent(hall)}`;
const time = new ServerTime();
const buttons = [...document.querySelectorAll("button.verb")];
let view = null;
let inFlight = false;

// ---- what each state allows (the server decides; this only greys out what cannot work) ----

function allowed(verb) {
  if (!view) return false;
  const w = view.window;
  const current = w.current;
  const status = current ? current.status : null;
  switch (verb) {
    case "call-next": case "call": return w.state === "open" && !current;
    case "recall": case "no-show": case "start": return status === "called";
    case "finish": case "hold": return status === "serving";
    case "transfer": return status === "called" || status === "serving";
    case "pause": return w.state === "open" && !current;
    case "resume": return w.state === "paused";
    case "close": return w.state !== "closed" && !current;
    default: return false;
  }
}

function refreshButtons() {
  for (const button of buttons) button.disabled = inFlight || !allowed(button.dataset.verb);
  document.querySelectorAll("#held button").forEach((b) => {
    b.disabled = inFlight || !view || view.window.state !== "open" || !!view.window.current;
  });
}

// ---- acting ---------------------------------------------------------------------------------

// Resolves true when the server took the step.
async function act(verb, body = {}) {
  if (inFlight) return false; // one request at a time: a double click never calls twice
  inFlight = true;
  refreshButtons();
  try {
    const result = await api("POST", `${base}/windows/${number}/${verb}`, body);
    clearError();
    if (verb === "call-next" && !result.ticket) toast(t("console.idle"));
    if (verb === "close") { location.href = "/console"; return true; }
    return true;
  } catch (error) {
    showError(error instanceof ApiError ? error.message : String(error));
    return false;
  } finally {
    inFlight = false;
    await refresh();
  }
}

for (const button of buttons) {
  const verb = button.dataset.verb;
  if (verb === "call") continue; // submitted by its form
  button.addEventListener("click", () => {
    if (button.dataset.dialog) openDialog(verb);
    else act(verb);
  });
}

document.getElementById("call-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = document.getElementById("call-number");
  const value = input.value.trim().toUpperCase();
  if (!value) { input.focus(); return; }
  // A refused 特呼 keeps the typed number, so the clerk can correct it rather than retype it.
  act("call", { number: value }).then((done) => { if (done) input.value = ""; });
});

// F1-F5 for the frequent verbs; the browser's own meaning of these keys is suppressed here.
const shortcuts = new Map(buttons.filter((b) => b.dataset.key).map((b) => [b.dataset.key, b]));
document.addEventListener("keydown", (event) => {
  const button = shortcuts.get(event.key);
  if (!button) return;
  event.preventDefault();
  if (document.querySelector("dialog[open]")) return;
  if (!button.disabled) button.click();
});

// ---- dialogs: transfer and pause ----------------------------------------------------------

const transferDialog = document.getElementById("transfer-dialog");

function fillTransfer() {
  const form = transferDialog.querySelector("form");
  const categories = form.to_category;
  const windows = form.to_window;
  clear(categories); clear(windows);
  categories.append(el("option", { value: "" }, "—"));
  windows.append(el("option", { value: "" }, "—"));
  for (const c of config.categories) categories.append(el("option", { value: c.code }, named(c)));
  for (const w of config.windows) {
    if (w.number !== number) windows.append(el("option", { value: w.number }, `${w.number} · ${named(w)}`));
  }
  categories.onchange = () => { if (categories.value) windows.value = ""; };
  windows.onchange = () => { if (windows.value) categories.value = ""; };
}

function openDialog(verb) {
  if (verb === "transfer") { fillTransfer(); transferDialog.showModal(); }
  if (verb === "pause") askPauseReason((reason) => act("pause", { reason }));
}

transferDialog.addEventListener("close", () => {
  if (transferDialog.returnValue !== "ok") return;
  const form = transferDialog.querySelector("form");
  if (form.to_category.value) act("transfer", { to_category: form.to_category.value });
  else if (form.to_window.value) act("transfer", { to_window: Number(form.to_window.value) });
});


// ---- showing ---------------------------------------------------------------------------------

function render() {
  if (!view) return;
  const w = view.window;
  document.getElementById("work").hidden = false;
  document.getElementById("window-title").textContent = `${named(w)} · ${named({ name: config.hall_name, name_en: config.hall_name_en })}`;
  document.title = `${w.number} · ${t("console.title")}`;
  const notMine = document.getElementById("not-mine");
  notMine.hidden = !(who.role === "clerk" && w.clerk && w.clerk !== who.username);
  notMine.textContent = t("console.not_mine", { clerk: w.clerk || "-" });
  const paused = document.getElementById("paused");
  paused.hidden = w.state !== "paused";
  paused.textContent = t("console.paused_banner", { reason: pauseReason(w.pause_reason) });

  const current = w.current;
  const numberBox = document.getElementById("current-number");
  numberBox.textContent = current ? current.number : "—";
  numberBox.dataset.status = current ? current.status : "none";
  const category = current ? config.categories.find((c) => c.code === current.category) : null;
  document.getElementById("current-meta").textContent = current
    ? `${t(`status.${current.status}`)} · ${named(category) || current.category}${current.priority !== "normal" ? ` · ${priorityName(current.priority)}` : ""}`
    : t(w.state === "open" ? "console.idle" : `state.${w.state}`);

  document.getElementById("q-waiting").textContent = view.queue.waiting;
  document.getElementById("q-longest").textContent = view.queue.longest_wait_s === null ? "—"
    : `${duration(view.queue.longest_wait_s)} (${view.queue.oldest_number})`;

  const held = document.getElementById("held");
  clear(held);
  if (!w.held.length) held.append(el("li", { class: "muted" }, t("console.held.none")));
  for (const ticket of w.held) {
    held.append(el("li", {},
      el("span", { class: "held-number" }, ticket.number),
      el("button", { type: "button", class: "small", onclick: () => act("call-back", { ticket: ticket.id }) }, t("verb.call-back"))));
  }
  tick();
  refreshButtons();
}

function priorityName(code) {
  const names = config.priority_names[code];
  return names ? named(names) : t(`priority.${code}`);
}

function tick() {
  const current = view && view.window.current;
  const box = document.getElementById("timer");
  if (!current) { box.textContent = ""; return; }
  const serving = current.status === "serving";
  const since = serving ? current.started_at : current.called_at;
  box.textContent = `${t(serving ? "console.timer.serving" : "console.timer.called")} ${duration(time.since(since))}`;
}

function renderStats(stats) {
  document.getElementById("s-served").textContent = stats.served;
  document.getElementById("s-avg").textContent = duration(stats.average_handling_s);
  document.getElementById("s-ratings").textContent = stats.ratings
    ? t("console.ratings_value", { count: stats.ratings, average: stats.average_rating }) : "0";
  document.getElementById("s-good").textContent = stats.good_share === null ? "—"
    : `${Math.round(stats.good_share * 1000) / 10}%`;
}

async function refresh() {
  try {
    const fresh = await api("GET", `${base}/windows/${number}/console`);
    time.sync(fresh.now);
    view = fresh;
    render();
  } catch (error) {
    showError(error.message);
  }
}

async function refreshStats() {
  const clerk = view && view.window.clerk && who.role !== "clerk" ? view.window.clerk : who.username;
  try {
    renderStats(await api("GET", `${base}/clerks/${encodeURIComponent(clerk)}/stats`));
  } catch (error) {
    showError(error.message);
  }
}

const refreshSoon = debounce(refresh, 100);
const statsSoon = debounce(refreshStats, 300);

function onMessage(msg) {
  refreshSoon();
  if (msg.kind === "snapshot") { statsSoon(); return; }
  if (msg.window !== number) return;
  if (msg.type === "ticket.finished" || msg.type === "ticket.no_show") statsSoon();
  if (msg.type === "ticket.rated") {
    toast(t("console.rated", { number: msg.data.ticket.number, level: t(`rate.level.${msg.data.level}`) }));
    statsSoon();
  }
}

onLanguage(() => { render(); });
setInterval(tick, 1000);
if (who) {
  refresh().then(refreshStats);
  new LiveHall(hall, who.token, onMessage).start();
}
