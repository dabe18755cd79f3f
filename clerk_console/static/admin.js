// Accounts for admins (and a supervisor's own hall's clerks): the list with what can be done to
// each (disable, enable, reset the password, change role and hall) and a form to add one; the
// halls' webhooks (docs/WEBHOOKS.md, admins only).
import { api, clear, config, el, refuse, showError, signedIn, t, toast } from "./common.js";

const form = document.getElementById("add-user");
let me = null;

const hallName = (id) => config.halls.find((hall) => hall.id === id)?.name || id || "—";

async function load() {
  const { users } = await api("GET", "/api/users");
  const body = document.querySelector("#users tbody");
  clear(body);
  for (const user of users) {
    const actions = el("td", { class: "actions" });
    const buttons = el("div", {});
    actions.append(buttons);
    if (user.disabled) {
      buttons.append(el("button", { type: "button", class: "enable", onclick: () => change(user, "enable") }, t("admin.enable")));
    } else {
      buttons.append(el("button", { type: "button", class: "disable", onclick: () => change(user, "disable") }, t("admin.disable")));
    }
    buttons.append(el("button", { type: "button", class: "reset", onclick: () => resetPassword(user) }, t("admin.reset")));
    if (me.role === "admin") {
      buttons.append(el("button", { type: "button", class: "change", onclick: () => changeRole(user) }, t("admin.change_role")));
    }
    body.append(el("tr", { dataset: { user: user.username }, class: user.disabled ? "state-closed" : "" },
      el("td", {}, user.username), el("td", { class: "role" }, t(`role.${user.role}`)),
      el("td", { class: "hall" }, hallName(user.hall)),
      el("td", { class: "state" }, t(user.disabled ? "admin.disabled" : "admin.enabled")),
      el("td", {}, new Date(user.created_at).toLocaleString()), actions));
  }
}

async function run(work, done) {
  try {
    await work();
    toast(done);
    await load();
  } catch (error) {
    showError(error.message);
  }
}

function change(user, verb) {
  const path = `/api/users/${encodeURIComponent(user.username)}/${verb}`;
  run(() => api("POST", path), t(`admin.${verb}d_done`, { username: user.username }));
}

function resetPassword(user) {
  const dialog = document.getElementById("password-dialog");
  const dialogForm = dialog.querySelector("form");
  dialogForm.reset();
  dialog.querySelector(".account").textContent = user.username;
  dialog.onclose = () => {
    if (dialog.returnValue !== "ok") return;
    const path = `/api/users/${encodeURIComponent(user.username)}/password`;
    run(() => api("POST", path, { password: dialogForm.password.value }), t("admin.password_set", { username: user.username }));
  };
  dialog.showModal();
}

function changeRole(user) {
  const dialog = document.getElementById("role-dialog");
  const dialogForm = dialog.querySelector("form");
  dialog.querySelector(".account").textContent = user.username;
  dialogForm.role.value = user.role;
  dialogForm.hall.value = user.hall || config.halls[0].id;
  dialog.onclose = () => {
    if (dialog.returnValue !== "ok") return;
    const role = dialogForm.role.value;
    const path = `/api/users/${encodeURIComponent(user.username)}`;
    const body = { role, hall: role === "admin" ? null : dialogForm.hall.value };
    run(() => api("PATCH", path, body), t("admin.role_set", { username: user.username }));
  };
  dialog.showModal();
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const body = {
    username: form.username.value.trim(), role: form.role.value,
    hall: form.role.value === "admin" ? null : form.hall.value, password: form.password.value,
  };
  try {
    await api("POST", "/api/users", body);
    toast(t("admin.added", { username: body.username }));
    form.reset();
    await load();
  } catch (error) {
    showError(error.message);
  }
});

// The event types the form offers (the API takes any ledger event type).
const WEBHOOK_EVENTS = ["ticket.issued", "ticket.called", "ticket.finished", "ticket.rated",
  "window.paused", "window.resumed", "hall.alert"];
const hookForm = document.getElementById("add-webhook");
const hookHall = document.getElementById("webhook-hall");
// A type the form does not offer (registered through the API) shows as it is named there.
const eventName = (type) => (WEBHOOK_EVENTS.includes(type) ? t(`admin.event.${type}`) : type);
const hooksPath = () => `/api/halls/${encodeURIComponent(hookHall.value)}/webhooks`;

async function loadWebhooks() {
  const { webhooks } = await api("GET", hooksPath());
  const body = document.querySelector("#webhooks tbody");
  clear(body);
  for (const hook of webhooks) {
    const state = hook.enabled
      ? (hook.failing_since ? t("admin.webhook.failing", { attempts: hook.attempts }) : t("admin.webhook.ok"))
      : t("admin.webhook.disabled");
    const actions = el("td", {});
    if (!hook.enabled) actions.append(el("button", { type: "button", class: "enable", onclick: () => act("POST", `${hooksPath()}/${hook.id}/enable`) }, t("admin.webhook.enable")));
    actions.append(el("button", { type: "button", class: "remove", onclick: () => act("DELETE", `${hooksPath()}/${hook.id}`) }, t("admin.webhook.remove")));
    body.append(el("tr", { dataset: { webhook: hook.id } },
      el("td", {}, hook.url), el("td", {}, hook.events.map(eventName).join("、")), el("td", { class: "state" }, state),
      el("td", { class: "delivered" }, String(hook.delivered_seq)), actions));
  }
}

async function act(method, path) {
  try {
    await api(method, path);
    await loadWebhooks();
  } catch (error) {
    showError(error.message);
  }
}

hookForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const events = [...hookForm.querySelectorAll("input[name=event]:checked")].map((box) => box.value);
  try {
    const created = await api("POST", hooksPath(), { url: hookForm.url.value.trim(), events });
    const secret = document.getElementById("webhook-secret");
    secret.querySelector("code").textContent = created.secret;
    secret.hidden = false;
    hookForm.reset();
    await loadWebhooks();
  } catch (error) {
    showError(error.message);
  }
});

// Halls (admins): a new one starts with one category, comprehensive windows and the usual
// weekday hours, to be completed on its settings page; a hall is retired from the list.
const hallForm = document.getElementById("add-hall");

async function loadHalls() {
  const { halls } = await api("GET", "/api/halls");
  const list = document.getElementById("halls");
  clear(list);
  for (const hall of halls) {
    const link = el("a", { href: `/console/admin/halls/${encodeURIComponent(hall.id)}` }, hall.name);
    const retire = el("button", { type: "button", class: "quiet retire", onclick: () => retireHall(hall) }, t("halls.retire"));
    list.append(el("li", { dataset: { hall: hall.id } }, link, " ", retire));
  }
}

async function retireHall(hall) {
  if (!window.confirm(t("halls.retire_confirm", { hall: hall.name }))) return;
  try {
    await api("DELETE", `/api/halls/${encodeURIComponent(hall.id)}`);
    toast(t("halls.retired", { hall: hall.name }));
    await loadHalls();
  } catch (error) {
    showError(error.message);
  }
}

hallForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const name = hallForm.name.value.trim();
  const category = hallForm.category.value.trim();
  const windows = Array.from({ length: Number(hallForm.windows.value) }, (_, i) => ({ number: i + 1 }));
  const body = {
    id: hallForm.id.value.trim(), name, timezone: hallForm.timezone.value.trim(),
    categories: [{ code: "general", prefix: "A", name: category }], windows,
    hours: { weekdays: [["09:00", "12:00"], ["13:30", "17:30"]], weekend: [] },
  };
  if (hallForm.name_en.value.trim()) body.name_en = hallForm.name_en.value.trim();
  try {
    await api("POST", "/api/halls", body);
    toast(t("halls.added", { hall: name }));
    hallForm.reset();
    await loadHalls();
  } catch (error) {
    showError(error.message);
  }
});

async function main() {
  me = await signedIn();
  if (me.role !== "admin" && me.role !== "supervisor") { refuse(t("refused.manager")); return; }
  const halls = me.role === "admin" ? config.halls : config.halls.filter((hall) => hall.id === me.hall);
  for (const select of [form.hall, document.querySelector("#role-dialog select[name=hall]")]) {
    for (const hall of halls) select.append(el("option", { value: hall.id }, hall.name));
  }
  if (me.role === "supervisor") {
    // A supervisor adds the clerks of their own hall, nothing else.
    for (const option of form.role.querySelectorAll("option:not([value=clerk])")) option.remove();
    document.getElementById("webhooks-panel").remove();
  } else {
    for (const hall of config.halls) hookHall.append(el("option", { value: hall.id }, hall.name));
    const boxes = document.getElementById("webhook-events");
    for (const type of WEBHOOK_EVENTS) {
      boxes.append(el("label", {}, el("input", { type: "checkbox", name: "event", value: type }), " ", t(`admin.event.${type}`)));
    }
    hookHall.addEventListener("change", () => loadWebhooks().catch((error) => showError(error.message)));
  }
  try {
    await load();
    if (me.role === "admin") {
      await loadWebhooks();
      await loadHalls();
      hallForm.hidden = false;
    }
    document.getElementById("admin").hidden = false;
  } catch (error) {
    showError(error.message);
  }
}

main();
