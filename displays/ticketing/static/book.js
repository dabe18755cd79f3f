// Booking a slot from the phone (线上预约): a matter, a day, a 30-minute time with places left,
// the phone number; the code and its QR code to show at the kiosk; cancelling with the phone.
"use strict";

const Book = {
  category: null,
  day: null,
  slot: null,
  offer: null, // the server's days and slots for the chosen matter and day
  booked: null,

  start() {
    UI.phoneLanguage();
    UI.switchLanguage(() => Book.render());
    document.getElementById("form").addEventListener("submit", (event) => {
      event.preventDefault();
      Book.submit();
    });
    document.getElementById("cancel-form").addEventListener("submit", (event) => {
      event.preventDefault();
      Book.cancel();
    });
    document.getElementById("another").addEventListener("click", () => {
      Book.booked = null;
      Book.slot = null;
      Book.load();
    });
    Book.render();
  },

  call(method, path, body) {
    return kit.request(method, path, { body, token: null, lang: UI.lang, offline: UI.t("error_generic") });
  },

  // The days and the chosen day's slots with the places left, from the server.
  async load() {
    if (!Book.category) return Book.render();
    const day = Book.day ? `&date=${Book.day}` : "";
    try {
      Book.offer = await Book.call("GET", `/api/halls/${BOOT.hall}/booking-slots?category=${Book.category}${day}`);
      Book.day = Book.offer.date;
      kit.clearError();
    } catch (error) {
      Book.offer = null;
      kit.showError(error.message);
    }
    Book.render();
  },

  dayName(iso) {
    // A calendar day, worded in the page's language (noon UTC: the same day in every zone).
    return new Intl.DateTimeFormat(UI.lang, { month: "short", day: "numeric", weekday: "short", timeZone: "UTC" })
      .format(new Date(`${iso}T12:00:00Z`));
  },

  choice(box, label, chosen, onClick, disabled = false) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = `choice${chosen ? " chosen" : ""}`;
    button.disabled = disabled;
    button.replaceChildren(...label);
    button.addEventListener("click", onClick);
    box.append(button);
    return button;
  },

  render() {
    UI.applyText();
    document.getElementById("form").hidden = Book.booked !== null;
    document.getElementById("booked").hidden = Book.booked === null;
    const categories = document.getElementById("categories");
    categories.replaceChildren();
    for (const category of BOOT.categories) {
      const button = Book.choice(categories, [UI.pick(category.name, category.name_en)], Book.category === category.code, () => {
        Book.category = category.code;
        Book.slot = null;
        Book.load();
      });
      button.dataset.category = category.code;
    }
    const days = document.getElementById("days");
    const slots = document.getElementById("slots");
    days.replaceChildren();
    slots.replaceChildren();
    const offer = Book.offer;
    document.getElementById("no-slots").hidden = !offer || offer.slots.some((s) => !s.begun);
    if (offer) {
      for (const day of offer.days) {
        const button = Book.choice(days, [Book.dayName(day.date)], day.date === Book.day, () => {
          Book.day = day.date;
          Book.slot = null;
          Book.load();
        }, !day.open);
        button.dataset.day = day.date;
      }
      for (const slot of offer.slots.filter((s) => !s.begun)) {
        const time = document.createElement("span");
        time.className = "slot-time";
        time.textContent = `${UI.time(slot.start)}`;
        const left = document.createElement("span");
        left.className = "slot-left";
        left.textContent = slot.left > 0 ? UI.t("book.left", { n: slot.left }) : UI.t("book.full");
        const button = Book.choice(slots, [time, left], slot.start === Book.slot, () => {
          Book.slot = slot.start;
          Book.render();
        }, slot.left === 0);
        button.dataset.slot = UI.time(slot.start);
      }
    }
    if (Book.booked) Book.showBooked();
  },

  showBooked() {
    const b = Book.booked;
    document.getElementById("code").textContent = b.code;
    document.getElementById("qr").src = b.qr_url;
    document.getElementById("qr").alt = `${UI.t("book.code")} ${b.code}`;
    document.getElementById("booked-when").textContent = UI.t("book.when", {
      day: Book.dayName(b.slot_start.slice(0, 10)),
      start: UI.time(b.slot_start),
      end: UI.time(b.slot_end),
      category: UI.pick(b.category_name, b.category_name_en),
    });
    document.getElementById("booked-how").textContent = UI.t("book.how", { early: BOOT.checkin_early_minutes });
  },

  async submit() {
    if (!Book.category || !Book.slot) {
      kit.showError(UI.t("book.choose"));
      return;
    }
    const phone = document.getElementById("phone").value;
    try {
      Book.booked = await Book.call("POST", `/api/halls/${BOOT.hall}/bookings`, {
        category: Book.category,
        slot: { start: Book.slot, minutes: 30 },
        phone,
        notify: document.getElementById("notify").checked,
        language: UI.lang,
      });
      kit.clearError();
      // Ready to cancel from this page: the code and the phone just typed (kept nowhere else).
      document.getElementById("cancel-code").value = Book.booked.code;
      document.getElementById("cancel-phone").value = phone;
    } catch (error) {
      kit.showError(error.message);
    }
    await Book.load();
  },

  async cancel() {
    const done = document.getElementById("cancel-done");
    done.hidden = true;
    const code = document.getElementById("cancel-code").value.trim();
    const phone = document.getElementById("cancel-phone").value;
    try {
      await Book.call("DELETE", `/api/halls/${BOOT.hall}/bookings/${encodeURIComponent(code || "-")}`, { phone });
      kit.clearError();
      done.textContent = UI.t("book.cancelled", { code });
      done.hidden = false;
      if (Book.booked && Book.booked.code === code) Book.booked = null;
    } catch (error) {
      kit.showError(error.message);
    }
    await Book.load();
  },
};

Book.start();
