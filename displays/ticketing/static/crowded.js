// The crowded periods (办事拥挤时段): for the day a visitor picks (today first), how busy each
// open hour usually is and the mean wait, and the whole week as a heat map. The figures come
// from /api/halls/{hall}/crowded-periods; the page only draws them (plain HTML and CSS bars).
"use strict";

const KIOSK_IDLE_MS = 60000; // opened from the kiosk: back to it when nobody touches the screen

const Crowded = {
  data: null,
  day: null,
  error: null,

  async start() {
    UI.switchLanguage(() => Crowded.render());
    if (BOOT.kiosk) Crowded.backToKioskWhenIdle();
    UI.applyText();
    try {
      Crowded.data = await kit.request("GET", `/api/halls/${BOOT.hall}/crowded-periods?weeks=${BOOT.weeks}`, {
        token: null, lang: UI.lang, offline: UI.t("error_generic"),
      });
      Crowded.day = Crowded.firstDay(Crowded.data.weekdays);
    } catch (error) {
      Crowded.error = error.message;
    }
    Crowded.render();
  },

  backToKioskWhenIdle() {
    const back = document.getElementById("back");
    back.hidden = false;
    let timer = null;
    const touched = () => {
      clearTimeout(timer);
      timer = setTimeout(() => { location.href = back.href; }, KIOSK_IDLE_MS);
    };
    document.addEventListener("pointerdown", touched, true);
    touched();
  },

  // Monday = 0, as the API counts, in the hall's own time zone.
  today() {
    const name = new Intl.DateTimeFormat("en-US", { timeZone: BOOT.timezone, weekday: "short" }).format(new Date());
    return ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].indexOf(name);
  },

  // Today when the hall is open today, else its next open day.
  firstDay(weekdays) {
    const today = Crowded.today();
    for (let step = 0; step < 7; step += 1) {
      const day = weekdays[(today + step) % 7];
      if (day.open) return day.weekday;
    }
    return today;
  },

  names(key) { return UI.t(key).split(","); },

  // "10:00–11:00", joined so that a narrow phone never breaks the line at the dash.
  hourRange(hour) {
    const pad = (h) => `${String(h).padStart(2, "0")}:00`;
    return `${pad(hour)}\u2060–\u2060${pad(hour + 1)}`;
  },

  render() {
    UI.applyText();
    const notice = document.getElementById("notice");
    const data = Crowded.data;
    const empty = data && !data.busiest;
    notice.hidden = Boolean(data) && !empty;
    if (Crowded.error) notice.textContent = Crowded.error;
    else if (empty) notice.textContent = UI.t("crowded.no_data", { weeks: data.weeks });
    for (const id of ["busiest-card", "day-card", "week-card"]) {
      document.getElementById(id).hidden = !data || empty;
    }
    if (!data) return;
    document.getElementById("explain").textContent = UI.t("crowded.explain", {
      weeks: data.weeks, from: data.from, to: data.to,
    });
    if (empty) return;
    Crowded.renderBusiest();
    Crowded.renderDay();
    Crowded.renderWeek();
  },

  renderBusiest() {
    const top = Crowded.data.busiest;
    document.getElementById("busiest").textContent = UI.t("crowded.busiest", {
      day: Crowded.names("crowded.weekdays")[top.weekday], hour: Crowded.hourRange(top.hour),
    });
    document.getElementById("busiest-detail").textContent = UI.t("crowded.busiest_detail", {
      n: Math.round(top.tickets_per_day),
    });
  },

  renderDay() {
    const names = Crowded.names("crowded.weekdays");
    const short = Crowded.names("crowded.weekdays_short");
    const today = Crowded.today();
    const chips = document.getElementById("days");
    chips.replaceChildren();
    for (const day of Crowded.data.weekdays) {
      const chip = Crowded.el("button", "day-chip", short[day.weekday]);
      chip.type = "button";
      chip.setAttribute("role", "tab");
      chip.setAttribute("aria-selected", String(day.weekday === Crowded.day));
      chip.setAttribute("aria-label", names[day.weekday]);
      chip.dataset.weekday = day.weekday;
      chip.classList.toggle("shut", !day.open);
      chip.classList.toggle("today", day.weekday === today);
      chip.addEventListener("click", () => { Crowded.day = day.weekday; Crowded.renderDay(); });
      chips.append(chip);
    }
    const day = Crowded.data.weekdays[Crowded.day];
    const name = day.weekday === today ? UI.t("crowded.today", { day: names[day.weekday] }) : names[day.weekday];
    document.getElementById("day-quiet").textContent = day.open
      ? UI.t("crowded.quiet_hours", { hours: day.best_hours.join(UI.lang === "en" ? ", " : "、") })
      : UI.t("crowded.closed_day", { day: name });
    document.getElementById("day-counted").textContent = day.open
      ? UI.t("crowded.days_counted", { day: name, n: day.days }) : "";
    const peak = Crowded.data.busiest.tickets_per_day;
    const list = document.getElementById("hours");
    list.replaceChildren();
    for (const hour of day.hours) {
      const row = Crowded.el("li", `hour-row level-${hour.level}`);
      row.dataset.hour = hour.hour;
      const bar = Crowded.el("span", "hour-bar");
      bar.style.setProperty("--share", `${Math.max(2, (100 * hour.tickets_per_day) / peak)}%`);
      const wait = hour.mean_wait_min === null
        ? UI.t("crowded.no_wait") : UI.t("crowded.wait", { m: hour.mean_wait_min });
      row.append(
        Crowded.el("span", "hour-label", hour.label),
        Crowded.el("span", "bar-track", bar),
        Crowded.el("span", "hour-level", UI.t(`crowded.level.${hour.level}`)),
        Crowded.el("span", "hour-figures", `${UI.t("crowded.people", { n: Math.round(hour.tickets_per_day) })} · ${wait}`),
      );
      list.append(row);
    }
  },

  // Rows are the hours any day is open, columns the weekdays; a cell's colour is its level,
  // its figure the mean wait in minutes.
  renderWeek() {
    const short = Crowded.names("crowded.weekdays_short");
    const days = Crowded.data.weekdays;
    const hours = [...new Set(days.flatMap((d) => d.hours.map((h) => h.hour)))].sort((a, b) => a - b);
    const grid = document.getElementById("week");
    grid.replaceChildren(Crowded.el("span", "corner"));
    for (const day of days) grid.append(Crowded.el("span", "col-head", short[day.weekday]));
    for (const hour of hours) {
      grid.append(Crowded.el("span", "row-head", `${String(hour).padStart(2, "0")}`));
      for (const day of days) {
        const cell = day.hours.find((h) => h.hour === hour);
        if (!cell) { grid.append(Crowded.el("span", "cell shut")); continue; }
        const box = Crowded.el("span", `cell level-${cell.level}`, cell.mean_wait_min ?? "–");
        box.title = `${short[day.weekday]} ${cell.label} · ${UI.t(`crowded.level.${cell.level}`)}`;
        grid.append(box);
      }
    }
    const legend = document.getElementById("legend");
    legend.replaceChildren(...["quiet", "moderate", "crowded"].map((level) =>
      Crowded.el("span", `legend-key level-${level}`, UI.t(`crowded.level.${level}`))));
  },

  el(tag, className, content) {
    const node = document.createElement(tag);
    node.className = className;
    if (content instanceof Node) node.append(content);
    else if (content !== undefined) node.textContent = String(content);
    return node;
  },
};

Crowded.start();
