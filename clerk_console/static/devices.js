// A hall's devices for its managers: each screen, kiosk, rating device and print agent with
// whether it is connected and when it was last seen; register, rename, revoke, re-issue a token
// (a new token is shown once; the old one stops at once, its screen told why).
import { api, clear, config, el, refuse, showError, signedIn, t, toast } from "./common.js";

const hallSelect = document.getElementById("device-hall");
const form = document.getElementById("add-device");
const tokenBox = document.getElementById("device-token");
const devicesPath = () => `/api/halls/${encodeURIComponent(hallSelect.value)}/devices`;

function kindName(device) {
  if (device.kind === "screen" && device.window !== null) return t("devices.kind.rating", { window: device.window });
  return t(`devices.kind.${device.kind}`);
}

async function load() {
  const { devices } = await api("GET", devicesPath());
  const body = document.querySelector("#devices tbody");
  clear(body);
  for (const device of devices) {
    const path = `${devicesPath()}/${encodeURIComponent(device.id)}`;
    const buttons = el("div", {},
      el("button", { type: "button", class: "rename", onclick: () => rename(device, path) }, t("devices.rename")),
      el("button", { type: "button", class: "reissue", onclick: () => reissue(device, path) }, t("devices.reissue")),
      el("button", { type: "button", class: "revoke", onclick: () => revoke(device, path) }, t("devices.revoke")));
    body.append(el("tr", { dataset: { device: device.name } },
      el("td", { class: "name" }, device.name), el("td", { class: "kind" }, kindName(device)),
      el("td", { class: "state" }, t(device.connected ? "devices.connected" : "devices.offline")),
      el("td", { class: "seen" }, device.last_seen ? new Date(device.last_seen).toLocaleString() : t("devices.never")),
      el("td", { class: "actions" }, buttons)));
  }
}

function showToken(name, token) {
  tokenBox.querySelector("code").textContent = token;
  tokenBox.dataset.device = name;
  tokenBox.hidden = false;
}

async function run(work, done) {
  try {
    await work();
    if (done) toast(done);
    await load();
  } catch (error) {
    showError(error.message);
  }
}

function rename(device, path) {
  const dialog = document.getElementById("rename-dialog");
  const dialogForm = dialog.querySelector("form");
  dialogForm.name.value = device.name;
  dialog.onclose = () => {
    if (dialog.returnValue !== "ok") return;
    const name = dialogForm.name.value.trim();
    run(() => api("PATCH", path, { name }), t("devices.renamed", { name }));
  };
  dialog.showModal();
}

function reissue(device, path) {
  if (!confirm(t("devices.reissue_confirm", { name: device.name }))) return;
  run(async () => showToken(device.name, (await api("POST", `${path}/token`)).token), null);
}

function revoke(device, path) {
  if (!confirm(t("devices.revoke_confirm", { name: device.name }))) return;
  run(() => api("DELETE", path), t("devices.revoked", { name: device.name }));
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const body = { name: form.name.value.trim(), kind: form.kind.value };
  if (form.kind.value === "screen" && form.window.value) body.window = Number(form.window.value);
  run(async () => {
    showToken(body.name, (await api("POST", devicesPath(), body)).token);
    form.reset();
  }, null);
});

async function main() {
  const me = await signedIn();
  if (me.role !== "admin" && me.role !== "supervisor") { refuse(t("refused.manager")); return; }
  const halls = me.role === "admin" ? config.halls : config.halls.filter((hall) => hall.id === me.hall);
  for (const hall of halls) hallSelect.append(el("option", { value: hall.id }, hall.name));
  const fillWindows = () => {
    const select = form.window;
    while (select.options.length > 1) select.remove(1);
    const hall = config.halls.find((h) => h.id === hallSelect.value);
    for (const number of hall?.windows || []) select.append(el("option", { value: String(number) }, t("actor.window", { window: number })));
  };
  fillWindows();
  hallSelect.addEventListener("change", () => { tokenBox.hidden = true; fillWindows(); load().catch((error) => showError(error.message)); });
  try {
    await load();
    document.getElementById("devices-page").hidden = false;
  } catch (error) {
    showError(error.message);
  }
}

main();
