// A hall's settings for its admin or supervisor: the document of GET /api/halls/{hall}/settings
// as a form, PUT back whole. The server checks everything and refuses in words (what is in the
// way, or which field is wrong); the page only shows it. Saved settings are live at once.
import { api, clear, config, el, refuse, showError, signedIn, t, toast } from "./common.js";

const form = document.getElementById("settings");
const path = `/api/halls/${encodeURIComponent(config.hall)}/settings`;
const GENERAL = ["name", "name_en", "timezone"];
const POLICY = ["max_wait_minutes", "priority_ratio", "aging_minutes", "no_show_grace_minutes",
  "no_show_requeue_behind", "number_width", "default_handling_minutes", "phone_retention_days"];

// "09:00-12:00, 13:30-17:30" and back; what does not read as a session goes as written, for the
// server to name.
const sessionsText = (sessions) => sessions.map(([start, end]) => `${start}-${end}`).join(", ");
const sessionsOf = (text) => text.split(/[,，]/).map((s) => s.trim()).filter(Boolean)
  .map((s) => s.split(/\s*[-–~]\s*/));
// Inputs by id, and the hall's fields by name inside their own section: rows use the same names.
const byId = (id) => document.getElementById(id);
const hallField = (name) => document.querySelector(`#general [name="${name}"], #policy [name="${name}"]`);
// The version of the settings the form shows: a save from it is refused once someone else saved.
let version = null;
const reload = document.getElementById("reload");
const STALE = ["settings_stale", "settings_stale_unknown"];
const listOf = (text) => text.split(/[,，\s]+/).map((s) => s.trim()).filter(Boolean);

function field(name, value, type = "text") {
  return el("label", {}, el("span", {}, t(`hallsettings.field.${name}`)),
    el("input", { name, type, value: value ?? "", min: type === "number" ? 0 : null }));
}

const input = (name, value, attrs = {}) => el("td", {}, el("input", { name, value: value ?? "", ...attrs }));
const check = (name, value) => el("td", {}, el("input", { name, type: "checkbox", checked: Boolean(value) }));
const choice = (name, value, options, word) => el("td", {}, el("select", { name },
  ...options.map((option) => el("option", { value: option, selected: option === value }, word(option)))));
const removeCell = () => el("td", {}, el("button", { type: "button", class: "quiet remove",
  onclick: (event) => event.target.closest("tr").remove() }, t("hallsettings.remove")));

// A row of a list whose items are a code and a name in both languages.
const named = (item = { code: "", name: "", name_en: "" }) => [
  input("code", item.code, { size: 10 }), input("name", item.name), input("name_en", item.name_en)];
// The lists of code and names, shown and collected as they are.
const NAMED = ["priorities", "pause_reasons", "rating_reasons"];

const ROWS = {
  special: (d = { date: "", sessions: [], note: "" }) => [
    input("date", d.date, { placeholder: "2026-12-24" }), input("sessions", sessionsText(d.sessions)),
    input("note", d.note)],
  categories: (c = { code: "", prefix: "", name: "", name_en: "", weekend: true, time_limit_minutes: 30 }) => [
    input("code", c.code, { size: 10 }), input("prefix", c.prefix, { size: 2, maxlength: 1 }),
    input("name", c.name), input("name_en", c.name_en), check("weekend", c.weekend),
    input("time_limit_minutes", c.time_limit_minutes, { type: "number", min: 1 })],
  windows: (w = { number: "", name: "", name_en: "" }) => [
    input("number", w.number, { type: "number", min: 1 }), input("name", w.name), input("name_en", w.name_en),
    input("categories", (w.categories || []).join(", "), { placeholder: t("hallsettings.every_category") }),
    check("green_channel", w.green_channel), check("green_channel_serves_others", w.green_channel_serves_others)],
  ...Object.fromEntries(NAMED.map((table) => [table, named])),
  kiosk_printers: (k = { kiosk: "", printer: "" }) => [input("kiosk", k.kiosk), input("printer", k.printer)],
  printers: (p = { name: "", kiosks: [], paper_mm: 80, mode: "native" }) => [
    input("name", p.name), input("kiosks", p.kiosks.join(", ")),
    choice("paper_mm", p.paper_mm, [80, 58], String), choice("mode", p.mode, ["native", "image"], (m) => t(`hallsettings.mode.${m}`))],
};

// A printer's connection is not edited here: its row keeps it, to be saved as it was.
function addRow(table, value) {
  const row = el("tr", {}, ...ROWS[table](value), removeCell());
  if (value && value.connection) row.dataset.connection = JSON.stringify(value.connection);
  document.querySelector(`#${table} tbody`).append(row);
}

function show(settings) {
  const general = document.getElementById("general");
  clear(general);
  for (const name of GENERAL) general.append(field(name, settings[name]));
  const policy = document.getElementById("policy");
  clear(policy);
  for (const name of POLICY) policy.append(field(name, settings[name], "number"));
  byId("notice").value = settings.notice;
  byId("weekdays").value = sessionsText(settings.hours.weekdays);
  byId("weekend").value = sessionsText(settings.hours.weekend);
  byId("holidays").value = settings.holidays.join(", ");
  byId("workdays").value = settings.workdays.join(", ");
  for (const table of Object.keys(ROWS)) clear(document.querySelector(`#${table} tbody`));
  settings.hours.special.forEach((day) => addRow("special", day));
  settings.categories.forEach((category) => addRow("categories", category));
  settings.windows.forEach((window) => addRow("windows", window));
  for (const table of NAMED) settings[table].forEach((item) => addRow(table, item));
  byId("ticket_footer").value = settings.ticket_footer;
  byId("ticket_footer_en").value = settings.ticket_footer_en;
  settings.printers.forEach((printer) => addRow("printers", printer));
  settings.kiosk_printers.forEach((pair) => addRow("kiosk_printers", pair));
}

// A row's inputs as an object: numbers as numbers, boxes as true/false, empty texts left out
// (the server's defaults: an English name is the Chinese one, a window is named by its number).
function rowValues(row) {
  const values = {};
  for (const box of row.querySelectorAll("input, select")) {
    if (box.type === "checkbox") values[box.name] = box.checked;
    else if (box.value.trim() === "") continue;
    else values[box.name] = box.type === "number" ? Number(box.value) : box.value.trim();
  }
  return values;
}

const rows = (table) => [...document.querySelectorAll(`#${table} tbody tr`)].map(rowValues);

function collect() {
  const settings = {};
  for (const name of GENERAL) if (hallField(name).value.trim()) settings[name] = hallField(name).value.trim();
  for (const name of POLICY) if (hallField(name).value !== "") settings[name] = Number(hallField(name).value);
  settings.notice = byId("notice").value;
  settings.holidays = listOf(byId("holidays").value);
  settings.workdays = listOf(byId("workdays").value);
  settings.hours = {
    weekdays: sessionsOf(byId("weekdays").value),
    weekend: sessionsOf(byId("weekend").value),
    special: rows("special").map((day) => ({ ...day, sessions: sessionsOf(day.sessions || "") })),
  };
  settings.categories = rows("categories");
  settings.windows = rows("windows").map((window) => {
    const served = listOf(window.categories || "");
    delete window.categories;
    return served.length ? { ...window, categories: served } : window;
  });
  for (const table of NAMED) settings[table] = rows(table);
  settings.ticket_footer = byId("ticket_footer").value.trim();
  settings.ticket_footer_en = byId("ticket_footer_en").value.trim();
  settings.printers = [...document.querySelectorAll("#printers tbody tr")].map((row) => {
    const printer = rowValues(row);
    const connection = row.dataset.connection ? { connection: JSON.parse(row.dataset.connection) } : {};
    return { ...printer, kiosks: listOf(printer.kiosks || ""), paper_mm: Number(printer.paper_mm), ...connection };
  });
  settings.kiosk_printers = rows("kiosk_printers");
  return settings;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const button = document.getElementById("save");
  button.disabled = true;
  try {
    const saved = await api("PUT", path, { ...collect(), version });
    ({ version } = saved);
    show(saved.settings);
    toast(t("hallsettings.saved"));
  } catch (error) {
    showError(error.message);
    reload.hidden = !STALE.includes(error.code);
  } finally {
    button.disabled = false;
  }
});

for (const button of document.querySelectorAll("[data-add]")) {
  button.addEventListener("click", () => addRow(button.dataset.add));
}

async function load() {
  try {
    const current = await api("GET", path);
    ({ version } = current);
    show(current.settings);
    form.hidden = false;
    reload.hidden = true;
  } catch (error) {
    showError(error.message);
  }
}

reload.addEventListener("click", load);

async function main() {
  const who = await signedIn();
  if (who.role !== "admin" && who.role !== "supervisor") { refuse(t("refused.supervisor")); return; }
  await load();
}

main();
