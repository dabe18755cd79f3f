// Accounts for admins: the list and a form to add one; the halls' webhooks (docs/WEBHOOKS.md).
import { api, clear, config, el, refuse, showError, signedIn, t, toast } from "./common.js";

const form = document.getElementById("add-user");

async function load() {
  const { users } = await api("GET", "/api/users");
  const body = document.querySelector("#users tbody");
  clear(body);
  for (const user of users) {
    body.append(el("tr", { dataset: { user: user.username } },
      el("td", {}, user.username), el("td", {}, t(`role.${user.role}`)),
      el("td", {}, user.hall || "—"), el("td", {}, new Date(user.created_at).toLocaleString())));
  }
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

async function main() {
  const who = await signedIn();
  if (who.role !== "admin") { refuse(t("refused.admin")); return; }
  for (const hall of config.halls) form.hall.append(el("option", { value: hall.id }, hall.name));
  for (const hall of config.halls) hookHall.append(el("option", { value: hall.id }, hall.name));
  const boxes = document.getElementById("webhook-events");
  for (const type of WEBHOOK_EVENTS) {
    boxes.append(el("label", {}, el("input", { type: "checkbox", name: "event", value: type }), " ", t(`admin.event.${type}`)));
  }
  hookHall.addEventListener("change", () => loadWebhooks().catch((error) => showError(error.message)));
  try {
    await load();
    await loadWebhooks();
    document.getElementById("admin").hidden = false;
  } catch (error) {
    showError(error.message);
  }
}

main();
