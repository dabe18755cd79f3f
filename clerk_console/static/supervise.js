// The supervisor's dashboard: windows, queues, devices and alerts of one hall, live, with the
// actions a supervisor takes (open/pause/close, categories, move, cancel, prioritise, notice).
import {
  LiveHall, actorName, api, askPauseReason, clear, clearError, config, debounce, duration, el, eventName, named, onLanguage, pauseReason,
  refuse, showError, signedIn, t, toast,
} from "./common.js";

const hall = config.hall;
const base = `/api/halls/${encodeURIComponent(hall)}`;
// Time passing raises alerts without any event (a wait grows long): look again regularly.
const POLL_MS = 5000;
const PRINTER_POLL_MS = 15000;
let board = null;
let printers = null;
let bookings = null;
let busy = false;

const byCode = Object.fromEntries(config.categories.map((c) => [c.code, c]));

function categoryName(code) { return byCode[code] ? named(byCode[code]) : code; }

function priorityName(code) {
  const names = config.priority_names[code];
  return names ? named(names) : t(`priority.${code}`);
}

async function act(method, path, body, done) {
  if (busy) return;
  busy = true;
  try {
    await api(method, path, body);
    clearError();
    if (done) toast(done);
  } catch (error) {
    showError(error.message);
  } finally {
    busy = false;
    await refresh();
  }
}

const windowAct = (n, verb, body = {}) => act("POST", `${base}/windows/${n}/${verb}`, body);

// ---- rendering ---------------------------------------------------------------------------

function render() {
  if (!board) return;
  document.getElementById("board").hidden = false;
  document.getElementById("hall-title").textContent = named({ name: config.hall_name, name_en: config.hall_name_en });
  renderAlerts();
  renderExtended();
  renderWindows();
  renderCategories();
  renderWaiting();
  renderDevices();
  renderBookings();
}

function renderAlerts() {
  const list = document.getElementById("alerts");
  clear(list);
  if (!board.alerts.length) list.append(el("li", { class: "muted calm-ok" }, t("board.alerts.none")));
  for (const alert of board.alerts) {
    list.append(el("li", { class: `alert alert-${alert.kind}`, dataset: { kind: alert.kind } }, named(alert.text)));
  }
}

function renderExtended() {
  const box = document.getElementById("extended");
  const extended = board.extended;
  if (!extended) { box.textContent = t("board.extended.none"); box.className = "muted"; return; }
  const end = new Date(extended.closed_at).toLocaleTimeString(lang(), { hour: "2-digit", minute: "2-digit", timeZone: config.timezone });
  box.className = "extended-on";
  box.textContent = `${t("board.extended.since", { end, minutes: extended.minutes })} ${extended.windows.join(", ")}`;
}

function lang() { return document.documentElement.lang === "en" ? "en-GB" : "zh-CN"; }

function servesText(w) {
  return w.categories === null ? t("comprehensive") : w.categories.map(categoryName).join("、");
}

function renderWindows() {
  const body = document.querySelector("#windows tbody");
  clear(body);
  for (const w of board.windows) {
    const current = w.current;
    const actions = [];
    if (w.state === "closed") actions.push(button("verb.open", () => windowAct(w.number, "open")));
    if (w.state === "open" && !current) actions.push(button("verb.pause", () => askPause(w.number)));
    if (w.state === "paused") actions.push(button("verb.resume", () => windowAct(w.number, "resume")));
    if (w.state !== "closed" && !current) actions.push(button("verb.close", () => windowAct(w.number, "close")));
    actions.push(button("verb.set-services", () => askServices(w)));
    const stateText = w.state === "paused" ? `${t("state.paused")}（${pauseReason(w.pause_reason)}） ${duration(w.state_for_s)}` : t(`state.${w.state}`);
    body.append(el("tr", { class: `state-${w.state}`, dataset: { window: w.number } },
      el("td", { class: "num" }, w.number, el("div", { class: "muted small-text" }, named(w))),
      el("td", {}, stateText),
      el("td", {}, w.clerk || "—"),
      el("td", { class: "serves" }, servesText(w)),
      el("td", { class: "ticket" }, current ? `${current.number} · ${t(`status.${current.status}`)}` : "—"),
      el("td", { class: "num" }, current ? duration(current.elapsed_s) : "—"),
      el("td", { class: "actions" }, el("div", {}, actions))));
  }
}

function button(key, onclick) {
  return el("button", { type: "button", class: "small", onclick }, t(key));
}

function renderCategories() {
  const body = document.querySelector("#categories tbody");
  clear(body);
  for (const c of board.categories) {
    body.append(el("tr", { dataset: { category: c.code } },
      el("td", {}, named(c)),
      el("td", { class: "num" }, c.waiting),
      el("td", { class: "num" }, duration(c.longest_wait_s))));
  }
}

function renderWaiting() {
  const body = document.querySelector("#waiting tbody");
  clear(body);
  for (const ticket of board.waiting) {
    const select = el("select", { class: "small", "aria-label": t("board.prioritise") },
      config.priorities.map((code) => el("option", { value: code, selected: code === ticket.priority }, priorityName(code))));
    select.addEventListener("change", () => act("POST", `${base}/tickets/${ticket.id}/prioritise`, { priority: select.value }));
    body.append(el("tr", { dataset: { number: ticket.number } },
      el("td", { class: "num" }, ticket.number, ticket.target_window ? ` → ${ticket.target_window}` : ""),
      el("td", {}, categoryName(ticket.category)),
      el("td", {}, select),
      el("td", { class: "num" }, duration(ticket.waited_s)),
      el("td", { class: "actions" }, el("div", {},
        button("board.move", () => askMove(ticket)),
        button("board.cancel_ticket", () => {
          if (confirm(t("board.confirm_cancel", { number: ticket.number }))) act("POST", `${base}/tickets/${ticket.id}/cancel`);
        }),
        button("board.history", () => showHistory(ticket))))));
  }
}

function renderDevices() {
  const list = document.getElementById("devices");
  clear(list);
  for (const d of board.devices) {
    const seen = d.last_seen ? new Date(d.last_seen).toLocaleTimeString(lang(), { timeZone: config.timezone }) : t("alert.never");
    list.append(el("li", { class: d.connected ? "ok" : "down" },
      el("span", { class: "dot" }), `${d.name}（${t(`device.${d.kind}`)}） · `,
      d.connected ? t("board.device.connected") : `${t("board.device.offline")} · ${t("board.device.last_seen")} ${seen}`));
  }
  const printerList = document.getElementById("printers");
  if (!printers || !printers.length) return;
  printerList.hidden = false;
  document.getElementById("printers-title").hidden = false;
  clear(printerList);
  for (const p of printers) {
    const state = p.state || p.status || (p.online === false ? "offline" : "ok");
    printerList.append(el("li", { class: ["ok", "online", "ready"].includes(String(state)) ? "ok" : "down" },
      el("span", { class: "dot" }), `${p.name} · ${config.strings[`printer.${state}`] ? t(`printer.${state}`) : state}`));
  }
}

function renderBookings() {
  const body = document.querySelector("#bookings tbody");
  clear(body);
  const list = bookings || [];
  document.getElementById("bookings-none").hidden = list.length > 0;
  document.getElementById("bookings").hidden = list.length === 0;
  const time = (iso) => new Date(iso).toLocaleTimeString(lang(), { timeZone: config.timezone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  for (const b of list) {
    body.append(el("tr", { class: `booking-${b.status}` },
      el("td", { class: "num" }, `${time(b.slot_start)}–${time(b.slot_end)}`),
      el("td", {}, categoryName(b.category)),
      el("td", { class: "num" }, b.code),
      el("td", {}, t(`board.bookings.${b.status}`)),
      el("td", { class: "num" }, b.number || "")));
  }
}

// ---- dialogs ------------------------------------------------------------------------------

function askPause(number) {
  askPauseReason((reason) => windowAct(number, "pause", { reason }));
}

function askServices(w) {
  const dialog = document.getElementById("services-dialog");
  const form = dialog.querySelector("form");
  const box = document.getElementById("services-choices");
  document.getElementById("services-window").textContent = named(w);
  clear(box);
  form.all.checked = w.categories === null;
  for (const c of config.categories) {
    box.append(el("label", { class: "choice" },
      el("input", { type: "checkbox", name: "category", value: c.code, checked: w.categories !== null && w.categories.includes(c.code) }),
      el("span", {}, named(c))));
  }
  dialog.onclose = () => {
    if (dialog.returnValue !== "ok") return;
    const chosen = [...box.querySelectorAll("input:checked")].map((i) => i.value);
    windowAct(w.number, "set-services", { categories: form.all.checked ? null : chosen });
  };
  dialog.showModal();
}

function askMove(ticket) {
  const dialog = document.getElementById("move-dialog");
  const form = dialog.querySelector("form");
  document.getElementById("move-number").textContent = ticket.number;
  clear(form.to_category); clear(form.to_window);
  form.to_category.append(el("option", { value: "" }, "—"));
  form.to_window.append(el("option", { value: "" }, "—"));
  for (const c of config.categories) form.to_category.append(el("option", { value: c.code }, named(c)));
  for (const w of config.windows) form.to_window.append(el("option", { value: w.number }, `${w.number} · ${named(w)}`));
  form.to_category.onchange = () => { if (form.to_category.value) form.to_window.value = ""; };
  form.to_window.onchange = () => { if (form.to_window.value) form.to_category.value = ""; };
  dialog.onclose = () => {
    if (dialog.returnValue !== "ok") return;
    const body = form.to_category.value ? { to_category: form.to_category.value }
      : form.to_window.value ? { to_window: Number(form.to_window.value) } : null;
    if (body) act("POST", `${base}/tickets/${ticket.id}/transfer`, body);
  };
  dialog.showModal();
}

async function showHistory(ticket) {
  const dialog = document.getElementById("history-dialog");
  const list = document.getElementById("history");
  document.getElementById("history-number").textContent = ticket.number;
  clear(list);
  try {
    const { events } = await api("GET", `${base}/tickets/${ticket.id}/history`);
    for (const event of events) {
      const time = new Date(event.at).toLocaleTimeString(lang(), { timeZone: config.timezone });
      const where = event.window ? ` · ${t("actor.window", { window: event.window })}` : "";
      list.append(el("li", { dataset: { type: event.type } },
        el("span", { class: "num" }, time), ` ${eventName(event.type)} · ${actorName(event.actor)}${where}`));
    }
    dialog.showModal();
  } catch (error) {
    showError(error.message);
  }
}

document.getElementById("notice-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.target;
  act("POST", `${base}/notices`, { text: form.text.value.trim() }, t("board.notice.posted"));
});

// ---- loading -----------------------------------------------------------------------------

let refused = false;

async function refresh() {
  if (refused) return;
  try {
    board = await api("GET", `${base}/board`);
    render();
  } catch (error) {
    if (error.status === 403 || error.status === 401) {
      refused = true;
      document.getElementById("board").hidden = true;
      refuse(`${t("refused.supervisor")} ${error.message}`);
      return;
    }
    showError(error.message);
  }
}

// The hall's printers and the day's bookings (线上预约) come from the ticketing API, looked at
// less often than the board.
async function pollList(path, keep) {
  try {
    keep((await api("GET", `${base}/${path}`))[path]);
  } catch (error) {
    if (error.status === 404) return; // no ticketing service in this server
    keep(null);
  }
}

const pollPrinters = () => pollList("printers", (list) => { printers = list; renderDevices(); });
const pollBookings = () => pollList("bookings", (list) => { bookings = list; renderBookings(); });

async function main() {
  const who = await signedIn();
  if (who.role === "clerk") {
    refuse(t("refused.supervisor"));
    return;
  }
  await refresh();
  if (refused) return;
  const refreshSoon = debounce(refresh, 300);
  new LiveHall(hall, who.token, () => refreshSoon()).start();
  setInterval(refresh, POLL_MS);
  pollPrinters();
  setInterval(pollPrinters, PRINTER_POLL_MS);
  pollBookings();
  setInterval(pollBookings, PRINTER_POLL_MS);
}

onLanguage(render);
main();
