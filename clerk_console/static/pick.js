// Sign in, then choose the window to work at: open a closed one or go back to one's own.
import { api, clear, el, named, onLanguage, showError, signedIn, t } from "./common.js";

const list = document.getElementById("window-list");
const hallSelect = document.getElementById("hall-select");
let who = null;
let snapshot = null;

function consoleUrl(hall, number) {
  return `/console/halls/${encodeURIComponent(hall)}/windows/${number}`;
}

function render() {
  if (!snapshot) return;
  document.getElementById("hall-name").textContent = named(snapshot.hall);
  clear(list);
  for (const window of snapshot.windows) {
    const mine = window.clerk === who.username;
    let action;
    if (window.state === "closed") {
      action = el("button", { type: "button", class: "primary", onclick: () => open(window.number) }, t("console.open"));
    } else if (mine || who.role !== "clerk") {
      action = el("a", { class: "button primary", href: consoleUrl(snapshot.hall.id, window.number) }, t("console.continue"));
    } else {
      action = el("span", { class: "muted" }, t("console.taken", { clerk: window.clerk || "-" }));
    }
    list.append(el("li", { class: `window-card state-${window.state}${mine ? " mine" : ""}`, dataset: { window: window.number } },
      el("span", { class: "window-number" }, window.number),
      el("span", { class: "window-name" }, named(window)),
      el("span", { class: "window-state" }, t(`state.${window.state}`), window.clerk ? ` · ${window.clerk}` : ""),
      action));
  }
}

async function open(number) {
  try {
    await api("POST", `/api/halls/${encodeURIComponent(snapshot.hall.id)}/windows/${number}/open`, {});
    location.href = consoleUrl(snapshot.hall.id, number);
  } catch (error) {
    showError(error.message);
    await load(snapshot.hall.id);
  }
}

async function load(hall) {
  try {
    snapshot = await api("GET", `/api/halls/${encodeURIComponent(hall)}`);
    document.getElementById("pick").hidden = false;
    render();
  } catch (error) {
    showError(error.message);
  }
}

async function main() {
  who = await signedIn();
  if (who.hall) return load(who.hall);
  // An admin belongs to no hall: let them choose one.
  const { halls } = await api("GET", "/api/halls");
  hallSelect.hidden = false;
  for (const hall of halls) hallSelect.append(el("option", { value: hall.id }, named(hall)));
  hallSelect.addEventListener("change", () => load(hallSelect.value));
  return load(halls[0].id);
}

onLanguage(render);
main();
