// The audit page: who changed what, when, newest first — accounts, devices, hall settings, a
// window's categories, priorities and notices — for one day, by person and by kind, in words.
import { actorName, api, clear, config, el, eventName, lang, named, onLanguage, refuse, showError, signedIn, t } from "./common.js";

const form = document.getElementById("audit-filter");
let shown = null;

const hallOf = (id) => config.halls.find((hall) => hall.id === id);
const hallName = (id) => (id ? named(hallOf(id) || { name: id }) : "—");

function who(actor) {
  return actor === "system:cli" ? t("audit.cli") : actorName(actor);
}

function kindName(kind) {
  return config.strings[`audit.kind.${kind}`] ? t(`audit.kind.${kind}`) : eventName(kind);
}

function deviceKind(kind, window) {
  if (kind === "screen" && window !== null && window !== undefined) return t("devices.kind.rating", { window });
  return t(`devices.kind.${kind}`);
}

function priorityName(hall, code) {
  const names = hallOf(hall)?.priorities?.[code];
  return names ? named(names) : t(`priority.${code}`);
}

function categoryNames(hall, codes) {
  if (!codes) return t("comprehensive");
  const known = hallOf(hall)?.categories || [];
  return codes.map((code) => named(known.find((c) => c.code === code) || { name: code })).join("、");
}

function subject(entry) {
  if (entry.kind === "window.services_changed") return t("actor.window", { window: entry.subject });
  if (entry.kind.startsWith("hall.")) return hallName(entry.subject);
  return entry.subject;
}

// A field or part of the hours in the settings page's own word where it has one.
function fieldName(name) {
  const key = [`hallsettings.field.${name}`, `hallsettings.${name}`].find((k) => config.strings[k]);
  return t(key || `audit.field.${name}`);
}

// "categories: added P 护照, removed Q 签注; windows: 3 renamed; hours: weekend changed", from
// the server's comparison of the settings before and after.
function settingsChanges(changes) {
  if (!changes.length) return t("audit.change.none");
  const parts = new Map();
  for (const change of changes) {
    const name = change.part === "field" || change.part === "hours" ? fieldName(change.name)
      : (lang === "en" ? change.name_en : change.name);
    const said = t(`audit.change.${change.change}`, { name });
    parts.set(change.part, [...(parts.get(change.part) || []), said]);
  }
  return [...parts].map(([part, said]) => `${t(`audit.part.${part}`)}${lang === "en" ? ": " : "："}${said.join(lang === "en" ? ", " : "、")}`)
    .join(lang === "en" ? "; " : "；");
}

function details(entry) {
  const data = entry.data || {};
  switch (entry.kind) {
    case "account.created":
    case "account.password_reset":
      return data.role ? t("audit.detail.role", { role: t(`role.${data.role}`) }) : "";
    case "account.changed":
      return t("audit.detail.changed", {
        before: t(`role.${data.role[0]}`), role: t(`role.${data.role[1]}`),
        hall_before: hallName(data.hall[0]), hall: hallName(data.hall[1]),
      });
    case "device.added":
    case "device.revoked":
    case "device.token_reissued":
      return deviceKind(data.kind, data.window);
    case "device.renamed":
      return t("audit.detail.renamed", { before: data.before });
    case "window.services_changed":
      return categoryNames(entry.hall, data.categories);
    case "hall.configured":
      return data.changes ? settingsChanges(data.changes) : "";
    case "hall.created":
      return lang === "en" ? data.name_en || data.name : data.name;
    case "ticket.prioritised":
      return `${priorityName(entry.hall, data.priority[0])} → ${priorityName(entry.hall, data.priority[1])}`;
    default:
      return "";
  }
}

function fill(select, values, name) {
  const chosen = select.value;
  while (select.options.length > 1) select.remove(1);
  for (const value of values) select.append(el("option", { value }, name(value)));
  select.value = values.includes(chosen) ? chosen : "";
}

function render() {
  if (!shown) return;
  fill(form.actor, shown.actors, who);
  fill(form.kind, shown.kinds, kindName);
  const body = document.querySelector("#audit tbody");
  clear(body);
  const time = new Intl.DateTimeFormat(document.documentElement.lang, {
    hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false, timeZone: shown.timezone,
  });
  for (const entry of shown.entries) {
    body.append(el("tr", { dataset: { kind: entry.kind } },
      el("td", { class: "at" }, time.format(new Date(entry.at))), el("td", { class: "actor" }, who(entry.actor)),
      el("td", { class: "kind" }, kindName(entry.kind)), el("td", { class: "subject" }, subject(entry)),
      el("td", { class: "hall" }, hallName(entry.hall)), el("td", { class: "details" }, details(entry))));
  }
  document.getElementById("audit-empty").hidden = shown.entries.length > 0;
}

async function load() {
  const query = new URLSearchParams();
  for (const name of ["day", "actor", "kind"]) if (form[name].value) query.set(name, form[name].value);
  try {
    shown = await api("GET", `/api/audit?${query}`);
    if (!form.day.value) form.day.value = shown.day;
    render();
  } catch (error) {
    showError(error.message);
  }
}

async function main() {
  const me = await signedIn();
  if (me.role !== "admin" && me.role !== "supervisor") { refuse(t("refused.manager")); return; }
  form.addEventListener("change", load);
  onLanguage(render);
  await load();
  document.getElementById("audit-page").hidden = false;
}

main();
