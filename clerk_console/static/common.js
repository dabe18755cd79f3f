// Shared by the console pages: language, the signed-in session, API calls and the live stream.
//
// The bearer token is kept in sessionStorage (this tab only, gone when the tab closes) and
// sent as an Authorization header; no cookie is ever set, so there is nothing for a forged
// cross-site request to ride on (no CSRF token needed).

import { HallStream, hallSettingsOf } from "/kit/stream.js";

export const config = JSON.parse(document.getElementById("config").textContent);
const STRINGS = config.strings;
const LANG_KEY = "onewindow.lang";

export let lang = localStorage.getItem(LANG_KEY) === "en" ? "en" : "zh-CN";
const languageListeners = [];

export function t(key, params = {}) {
  return globalThis.kit.text(STRINGS, key, lang, params); // the kit's one lookup and formatter
}

// A name given in both languages by the server ({name, name_en} or {"zh-CN", en}).
export function named(thing) {
  if (!thing) return "";
  if ("zh-CN" in thing) return thing[lang] || thing["zh-CN"];
  return lang === "en" ? thing.name_en || thing.name : thing.name;
}

// Who did a step, in words: "clerk:clerk1" → "窗口人员 clerk1", "system" → "系统".
export function actorName(actor) {
  if (!actor) return "—";
  const [kind, ...rest] = actor.split(":");
  const name = rest.join(":");
  const key = STRINGS[`role.${kind}`] ? `role.${kind}` : `actor.${kind}`;
  if (!STRINGS[key]) return actor;
  return name ? `${t(key)} ${name}` : t(key);
}

// A ledger entry's type in words ("ticket.issued" → "取号").
export function eventName(type) {
  return STRINGS[`event.${type}`] ? t(`event.${type}`) : type;
}

// A pause reason is recorded in the hall's language (「午休」); shown in the page's language
// when it is one of the hall's reasons.
export function pauseReason(text) {
  if (!text) return "-";
  const reason = config.pause_reasons.find((r) => r.name === text);
  return reason ? named(reason) : text;
}

export function applyTexts(root = document) {
  document.documentElement.lang = lang;
  globalThis.kit.applyTexts(t, root);
}

export function onLanguage(listener) { languageListeners.push(listener); }

function switchLanguage() {
  lang = lang === "en" ? "zh-CN" : "en";
  localStorage.setItem(LANG_KEY, lang);
  applyTexts();
  languageListeners.forEach((listener) => listener());
}

// ---- the session ------------------------------------------------------------------------

// The session, sign-out and fetch are the kit's (/kit/kit.js): one sign-in serves every staff page.
export const session = () => globalThis.kit.session();

export async function signOut() {
  await globalThis.kit.signOut();
  location.href = "/console";
}

export const ApiError = globalThis.kit.ApiError;

export function api(method, path, body, token = session()?.token) {
  return globalThis.kit.request(method, path, { body, token, lang, offline: t("offline") });
}

// ---- page chrome ------------------------------------------------------------------------

// Refusals show in the kit's one error box (#error in base.html).
export const showError = (message) => globalThis.kit.showError(message);
export const clearError = () => globalThis.kit.clearError();

const toastBox = document.getElementById("toast");
let toastTimer = null;

export function toast(message) {
  toastBox.textContent = message;
  toastBox.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { toastBox.hidden = true; }, 6000);
}

export function refuse(message) {
  const box = document.getElementById("refused");
  box.textContent = message;
  box.hidden = false;
}

export function setLive(online) {
  const live = document.getElementById("live");
  live.hidden = false;
  live.dataset.state = online ? "on" : "off";
  document.getElementById("live-text").textContent = t(online ? "online" : "offline");
}

// Shows the sign-in form when nobody is signed in in this tab; resolves with the session.
export function signedIn() {
  const current = session();
  if (current) {
    showWho(current);
    return Promise.resolve(current);
  }
  const panel = document.getElementById("signin");
  const form = document.getElementById("signin-form");
  panel.hidden = false;
  return new Promise((resolve) => {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const button = form.querySelector("button");
      button.disabled = true;
      try {
        const data = await globalThis.kit.signIn(form.username.value.trim(), form.password.value, {
          lang, offline: t("offline"),
        });
        panel.hidden = true;
        clearError();
        showWho(data);
        resolve(data);
      } catch (error) {
        showError(error.message);
      } finally {
        button.disabled = false;
      }
    });
  });
}

export function showWho(who) {
  const el = document.getElementById("who");
  el.textContent = `${who.username} · ${t(`role.${who.role}`)}`;
  el.hidden = false;
  document.getElementById("sign-out").hidden = false;
}

document.getElementById("lang").addEventListener("click", switchLanguage);
document.getElementById("sign-out").addEventListener("click", signOut);
onLanguage(() => { const who = session(); if (who && !document.getElementById("who").hidden) showWho(who); });
applyTexts();

// The pause dialog of the console and the dashboard (dialogs.html pause_dialog): one of the
// hall's reasons (its settings', kept current by LiveHall), or one's own words for the reason
// coded "other". `pause` gets the reason in words, in the hall's language, so that the ledger
// reads plainly.
export function askPauseReason(pause) {
  const dialog = document.getElementById("pause-dialog");
  const form = dialog.querySelector("form");
  const box = document.getElementById("pause-reasons");
  const other = form.other;
  clear(box);
  config.pause_reasons.forEach(({ code }, i) => {
    box.append(el("label", { class: "choice" },
      el("input", { type: "radio", name: "reason", value: code, checked: i === 0,
        onchange: () => { other.hidden = code !== "other"; if (code === "other") other.focus(); } }),
      el("span", {}, named(config.pause_reasons[i]))));
  });
  other.hidden = true;
  other.value = "";
  dialog.onclose = () => {
    if (dialog.returnValue !== "ok") return;
    const code = form.querySelector("input[name=reason]:checked")?.value;
    const reason = config.pause_reasons.find((r) => r.code === code) || config.pause_reasons[0];
    pause(code === "other" ? other.value.trim() || reason.name : reason.name);
  };
  dialog.showModal();
}

// ---- the live stream --------------------------------------------------------------------

// The hall's events as "something changed" signals: every page re-reads its view from the
// API after a change, so a missed or doubled event can never leave it wrong for long. The
// connection (resume with ?after=seq, back-off, watchdog) is the kit's, as on the screens.
// A retired hall's console: its hall is gone ("hall_retired") and so are its accounts'
// sign-ins ("token_hall_retired"); retrying every 30 s would not bring either back.
const SIGNED_OUT = new Set([
  "account_disabled", "token_revoked", "bad_token", "hall_retired", "token_hall_retired",
]);

// The pause reasons the page offers, as the hall's settings are now.
function takeReasons(msg) {
  const hall = hallSettingsOf(msg);
  if (hall && hall.pause_reasons) config.pause_reasons = hall.pause_reasons;
}

export class LiveHall {
  constructor(hall, token, onMessage) {
    const where = { ws: `/ws/halls/${encodeURIComponent(hall)}`, token };
    this.stream = new HallStream(where, null, {
      snapshot: (msg) => { takeReasons(msg); onMessage(msg); },
      event: (msg) => { takeReasons(msg); onMessage(msg); },
      online: (online) => setLive(online),
      refused: (msg) => {
        if (!msg) return;
        showError(msg.message);
        // The account was disabled, or its sign-ins ended (password reset, role changed): the
        // page says so for good, and every request says why it is refused.
        if (SIGNED_OUT.has(msg.code)) refuse(msg.message);
      },
    });
  }

  start() { this.stream.start(); }
}

// Runs `work` at most once per `ms`, trailing: a burst of events makes one refetch.
export function debounce(work, ms) {
  let timer = null;
  return () => {
    if (timer) return;
    timer = setTimeout(() => { timer = null; work(); }, ms);
  };
}

// ---- formatting -------------------------------------------------------------------------

export function duration(seconds) {
  if (seconds === null || seconds === undefined) return "—";
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${rest}` : `${m}:${rest}`;
}

// The server's clock may differ from this machine's (and is a manual clock in tests):
// every running timer counts from the server's "now" of the last view.
export class ServerTime {
  constructor() { this.offset = 0; }
  sync(serverNow) { this.offset = Date.parse(serverNow) - Date.now(); }
  now() { return Date.now() + this.offset; }
  since(iso) { return iso ? (this.now() - Date.parse(iso)) / 1000 : null; }
}

export function clear(element) { while (element.firstChild) element.removeChild(element.firstChild); }

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}
