// What every page's script shares (served once at /kit/kit.js, a classic script so that the
// module pages and the classic ones use the same): the one formatter and catalog lookup, the
// staff session, fetch with the session's token and the server's worded errors, and the one
// place a page shows an error.
"use strict";

// The session of the signed-in person: in sessionStorage (this tab only, gone when the tab
// closes), so a token never outlives the browser on a shared office PC, and one sign-in serves
// every staff page of the tab (console, dashboard, reports and plans, admin).
const SESSION_KEY = "onewindow.session";

class ApiError extends Error {
  constructor(status, message, code) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

function session() {
  try { return JSON.parse(sessionStorage.getItem(SESSION_KEY) || "null"); } catch { return null; }
}

// `method` `path` with the session's token (or `token`); the JSON answer, or with `raw` the
// response itself. A refusal throws ApiError with the server's message, worded in `lang`; no
// answer at all throws ApiError(0, `offline`, "network").
async function request(method, path, { body, token = session()?.token, lang = "zh-CN", raw = false, offline = "" } = {}) {
  const headers = { "Accept-Language": lang };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, offline, "network");
  }
  if (response.ok && raw) return response;
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = data.error || {};
    throw new ApiError(response.status, error.message || `${response.status}`, error.code);
  }
  return data;
}

// "{name}" takes params[name]; a parameter not given stays "{name}", as the server's catalog
// does, so a gap is seen rather than hidden.
function fill(template, params = {}) {
  return String(template).replace(/\{(\w+)\}/g, (whole, name) =>
    (params[name] === undefined || params[name] === null ? whole : String(params[name])));
}

// `key` of a page's catalog view (the server's page_strings) in `lang`, Chinese when the entry
// has no such language, the key itself when the page was given no such entry.
function text(strings, key, lang, params = {}) {
  const entry = strings[key];
  if (!entry) return key;
  return fill(entry[lang] || entry["zh-CN"], params);
}

// Every [data-t] under `root` worded by `t` (and [data-t-placeholder]'s placeholder).
function applyTexts(t, root = document) {
  root.querySelectorAll("[data-t]").forEach((node) => { node.textContent = t(node.dataset.t); });
  root.querySelectorAll("[data-t-placeholder]").forEach((node) => { node.placeholder = t(node.dataset.tPlaceholder); });
}

// The one error display: the page's #error box (or one the kit adds), shown for `ms`. A
// refusal is read where the visitor or clerk is already looking, in the server's words.
let errorTimer = null;
function errorBox() {
  let box = document.getElementById("error");
  if (!box) {
    box = document.createElement("div");
    box.id = "error";
    box.hidden = true;
    document.body.prepend(box);
  }
  box.classList.add("kit-error");
  box.setAttribute("role", "alert");
  return box;
}

function showError(message, ms = 8000) {
  const box = errorBox();
  box.textContent = message;
  box.hidden = false;
  clearTimeout(errorTimer);
  errorTimer = setTimeout(() => { box.hidden = true; }, ms);
}

function clearError() {
  clearTimeout(errorTimer);
  const box = document.getElementById("error");
  if (box) box.hidden = true;
}

globalThis.kit = Object.freeze({
  fill,
  text,
  applyTexts,
  showError,
  clearError,
  ApiError,
  request,
  session,
  forget() { sessionStorage.removeItem(SESSION_KEY); },
  async signIn(username, password, options = {}) {
    const data = await request("POST", "/api/auth/login", { ...options, body: { username, password }, token: null });
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(data));
    return data;
  },
  // Ends the token on the server (on every process), not only in this tab.
  async signOut() {
    const token = session()?.token;
    sessionStorage.removeItem(SESSION_KEY);
    if (!token) return;
    try { await request("POST", "/api/auth/logout", { token }); } catch { /* unreachable: it still expires */ }
  },
});
