// Accounts for admins: the list and a form to add one.
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

async function main() {
  const who = await signedIn();
  if (who.role !== "admin") { refuse(t("refused.admin")); return; }
  for (const hall of config.halls) form.hall.append(el("option", { value: hall.id }, hall.name));
  try {
    await load();
    document.getElementById("admin").hidden = false;
  } catch (error) {
    showError(error.message);
  }
}

main();
