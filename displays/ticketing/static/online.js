// Taking a number from a phone: choose a matter, give a mobile number, follow the ticket page.
"use strict";

const Online = {
  offer: null,
  chosen: null,

  async start() {
    UI.phoneLanguage();
    UI.switchLanguage(() => Online.render());
    document.getElementById("form").addEventListener("submit", (event) => {
      event.preventDefault();
      Online.submit();
    });
    try {
      Online.offer = await kit.request("GET", `/api/halls/${BOOT.hall}/online`, {
        token: null, lang: UI.lang, offline: UI.t("error_generic"),
      });
    } catch (error) {
      kit.showError(error.message);
    }
    Online.render();
  },

  render() {
    UI.applyText();
    const offer = Online.offer;
    if (!offer) return;
    const open = offer.issuing === "open";
    document.getElementById("closed").hidden = open;
    document.getElementById("form").hidden = !open;
    if (!open) {
      const ended = offer.issuing === "ended";
      const title = offer.holiday ? "holiday_title" : ended ? "ended_title" : "closed_title";
      document.getElementById("closed-title").textContent = UI.t(title);
      document.getElementById("closed-next").textContent = UI.t("next_opening", { when: UI.when(offer.next_opening) });
      return;
    }
    const box = document.getElementById("categories");
    box.replaceChildren();
    for (const category of offer.categories.filter((c) => c.available)) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = `choice${Online.chosen === category.code ? " chosen" : ""}`;
      button.dataset.category = category.code;
      button.textContent = UI.pick(category.name, category.name_en);
      button.addEventListener("click", () => { Online.chosen = category.code; Online.render(); });
      box.append(button);
    }
  },

  async submit() {
    kit.clearError();
    if (!Online.chosen) {
      kit.showError(UI.t("choose_category"));
      return;
    }
    const phone = document.getElementById("phone").value;
    try {
      const issued = await kit.request("POST", `/api/halls/${BOOT.hall}/online-tickets`, {
        body: { category: Online.chosen, phone }, token: null, lang: UI.lang, offline: UI.t("error_generic"),
      });
      location.href = `/t/${issued.ticket.id}`;
    } catch (error) {
      kit.showError(error.message);
    }
  },
};

Online.start();
