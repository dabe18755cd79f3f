/* The supervisor's reports page: sign-in, filters, charts (Chart.js, vendored), plan. */
(function () {
  "use strict";
  const cfg = JSON.parse(document.getElementById("config").textContent);
  const T = cfg.texts[cfg.lang];
  const $ = (id) => document.getElementById(id);
  const charts = {};
  const COLORS = { blue: "#2f6fb0", teal: "#1a9c8c", amber: "#d98a1c", red: "#c8102e", grey: "#9aa5b1" };
  const weekdays = T.weekdays.split(",");
  const fmt = (s, p) => kit.fill(s, p); // the kit's one formatter
  const min = (s) => (s == null ? "–" : (s / 60).toFixed(1));
  const pct = (x) => (x == null ? "–" : (x * 100).toFixed(1) + "%");
  const esc = (s) => String(s ?? "").replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]));
  const reasonName = (code) => { if (!code) return "—"; const r = cfg.reasons.find((x) => x.code === code); return r ? (cfg.lang === "en" ? r.name_en : r.name) : code; };
  const catName = (code) => { const c = cfg.categories.find((x) => x.code === code); return c ? (cfg.lang === "en" ? c.name_en : c.name) : code; };

  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = "#5f6b7a";
  Chart.defaults.animation = false;

  // The kit's session (/kit/kit.js): signed in on the console or the dashboard, signed in here.
  const session = () => kit.session();
  function showLogin() { $("login").hidden = false; $("main").hidden = true; $("sign-out").hidden = true; $("who").textContent = ""; }
  function showMain() {
    $("login").hidden = true; $("main").hidden = false; $("sign-out").hidden = false;
    const s = session();
    $("who").textContent = s ? s.username + " (" + s.role + ")" : "";
  }

  async function api(path) {
    try {
      return await kit.request("GET", path, { lang: cfg.lang, raw: true, offline: T.error });
    } catch (error) {
      if (error.status === 401) { kit.forget(); showLogin(); throw new Error(T["signin.submit"]); }
      throw error;
    }
  }

  $("login-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const f = new FormData(ev.target);
    try {
      await kit.signIn(f.get("username"), f.get("password"), { lang: cfg.lang, offline: T.error });
    } catch (error) {
      kit.showError(error.message || T.error);
      return;
    }
    kit.clearError();
    start();
  });
  $("sign-out").addEventListener("click", async () => {
    showLogin();
    await kit.signOut();
  });

  function query() {
    const f = new FormData($("filters"));
    // The API takes a first day and a number of days (at most a year); the page shows both ends.
    const days = Math.round((Date.parse(f.get("to")) - Date.parse(f.get("from"))) / 86400000) + 1;
    const q = new URLSearchParams({ from: f.get("from"), days: String(days) });
    if (f.get("category")) q.set("category", f.get("category"));
    return q;
  }

  function chart(id, config) {
    if (charts[id]) charts[id].destroy();
    charts[id] = new Chart($(id), config);
  }

  function kpi(label, value, unit, cls) {
    return `<div class="kpi ${cls || ""}"><div class="label">${esc(label)}</div><div class="value">${value}${unit ? "<small>" + esc(unit) + "</small>" : ""}</div></div>`;
  }

  function table(el, rows, cols) {
    const head = cols.map((c) => `<th>${esc(c[0])}</th>`).join("");
    const body = rows.map((r) => "<tr" + (r._hl ? ' class="hl"' : "") + ">" + cols.map((c) => `<td>${c[1](r)}</td>`).join("") + "</tr>").join("");
    el.innerHTML = `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
  }

  function render(r) {
    const o = r.overall;
    const targetMin = Math.round(r.wait_target_s / 60);
    $("range-label").textContent = `${r.from} – ${r.to}` + (r.category ? " · " + catName(r.category) : "");
    const within = o.within_target;
    $("kpis").innerHTML = [
      kpi(T.issued, o.issued), kpi(T.served, o.served), kpi(T.no_shows, o.no_show), kpi(T.transferred, o.transferred),
      kpi(T.wait_mean, min(o.wait_mean_s), T.minutes), kpi(T.wait_median, min(o.wait_median_s), T.minutes),
      kpi(T.wait_p90, min(o.wait_p90_s), T.minutes),
      kpi(fmt(T.within_target, { minutes: targetMin }), pct(within), "", within == null ? "" : within >= 0.9 ? "good" : within >= 0.75 ? "warn" : "bad"),
      kpi(T.handling_mean, min(o.handling_mean_s), T.minutes),
      kpi(T.good_rate, pct(r.ratings.good_rate)), kpi(T.active_rate, r.ratings.rated ? pct(r.ratings.active_rate) : "–"),
      kpi(T.extended_days, `${r.extended.days_with_extension}/${r.extended.open_days}`),
    ].join("");
    if (!o.issued) $("status").textContent = T.no_data;

    const waitAxis = { position: "right", title: { display: true, text: T.wait_mean + " (" + T.minutes + ")" }, grid: { drawOnChartArea: false }, beginAtZero: true };
    const countAxis = { beginAtZero: true, title: { display: true, text: T.issued } };
    chart("chart-day", {
      data: {
        labels: r.by_day.map((d) => d.day.slice(5) + " " + weekdays[(new Date(d.day + "T00:00:00Z").getUTCDay() + 6) % 7]),
        datasets: [
          { type: "bar", label: T.issued, data: r.by_day.map((d) => d.issued), backgroundColor: COLORS.blue + "cc", yAxisID: "y" },
          { type: "line", label: T.wait_mean, data: r.by_day.map((d) => d.wait_mean_s / 60), borderColor: COLORS.red, backgroundColor: COLORS.red, yAxisID: "w", tension: 0.25 },
        ],
      },
      options: { maintainAspectRatio: false, scales: { y: countAxis, w: waitAxis } },
    });
    chart("chart-hour", {
      data: {
        labels: r.by_hour.map((h) => h.hour + ":00"),
        datasets: [
          { type: "bar", label: T.issued, data: r.by_hour.map((h) => h.issued), backgroundColor: COLORS.teal + "cc", yAxisID: "y" },
          { type: "line", label: T.wait_mean, data: r.by_hour.map((h) => h.wait_mean_s / 60), borderColor: COLORS.red, backgroundColor: COLORS.red, yAxisID: "w", tension: 0.25 },
        ],
      },
      options: { maintainAspectRatio: false, scales: { y: countAxis, w: waitAxis } },
    });
    const cats = [...r.by_category].sort((a, b) => b.issued - a.issued);
    chart("chart-category", {
      type: "bar",
      data: {
        labels: cats.map((c) => catName(c.category)),
        datasets: [
          { label: T.issued, data: cats.map((c) => c.issued), backgroundColor: COLORS.blue + "cc", xAxisID: "x" },
          { label: T.wait_mean + " (" + T.minutes + ")", data: cats.map((c) => c.wait_mean_s / 60), backgroundColor: COLORS.amber + "cc", xAxisID: "w" },
        ],
      },
      options: { indexAxis: "y", maintainAspectRatio: false, scales: { x: { beginAtZero: true, position: "bottom" }, w: { beginAtZero: true, position: "top", grid: { drawOnChartArea: false } } } },
    });
    heatmap(r.heatmap);
    const ext = r.extended;
    chart("chart-extended", {
      type: "bar",
      data: {
        labels: ext.days.map((d) => d.day.slice(5)),
        datasets: [{ label: T.minutes_after_closing, data: ext.days.map((d) => d.minutes_after_closing), backgroundColor: ext.days.map((d) => (d.minutes_after_closing > 15 ? COLORS.red : COLORS.amber) + "cc") }],
      },
      options: { maintainAspectRatio: false, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, title: { display: true, text: T.minutes_after_closing } } } },
    });
    $("extended-kpis").innerHTML = [
      [T.extended_days, `${ext.days_with_extension}/${ext.open_days}`],
      [T.extended_minutes, Math.round(ext.total_minutes_after_closing)],
      [T.extended_max, ext.max_minutes_after_closing + " " + T.minutes],
      [T.extended_tickets, ext.tickets_after_closing],
    ].map(([k, v]) => `<span>${esc(k)} <b>${esc(v)}</b></span>`).join("");
    ratings(r.ratings);
    const cols = (key, label) => [
      [label, (x) => esc(x[key])], [T.issued, (x) => x.issued], [T.served, (x) => x.served],
      [T.wait_mean, (x) => min(x.wait_mean_s)], [T.handling_mean, (x) => min(x.handling_mean_s)],
      [fmt(T.within_target, { minutes: targetMin }), (x) => pct(x.within_target)],
    ];
    const byKey = (k) => (a, b) => (Number(a[k]) || 1e9) - (Number(b[k]) || 1e9) || String(a[k]).localeCompare(String(b[k]));
    table($("table-window"), [...r.by_window].sort(byKey("window")), cols("window", T.window));
    table($("table-clerk"), r.by_clerk, cols("clerk", T.clerk));
  }

  function heatmap(cells) {
    const byKey = {};
    let peak = 0;
    cells.forEach((c) => { byKey[c.weekday + ":" + c.hour] = c; peak = Math.max(peak, c.arrivals_per_day); });
    const hours = [...new Set(cells.filter((c) => c.arrivals > 0).map((c) => c.hour))].sort((a, b) => a - b);
    let html = "<table><tr><th></th>" + hours.map((h) => `<th>${h}</th>`).join("") + "</tr>";
    for (let wd = 0; wd < 7; wd++) {
      html += `<tr><th>${esc(weekdays[wd])}</th>`;
      for (const h of hours) {
        const c = byKey[wd + ":" + h];
        if (!c || c.arrivals === 0) { html += '<td class="closed">·</td>'; continue; }
        const x = peak ? c.arrivals_per_day / peak : 0;
        const bg = `rgba(200, 16, 46, ${(0.08 + 0.85 * x).toFixed(2)})`;
        const title = `${weekdays[wd]} ${h}:00 · ${c.arrivals_per_day.toFixed(1)} · ${T.wait_mean} ${min(c.mean_wait_s)} ${T.minutes}`;
        html += `<td data-bg="${bg}" data-fg="${x > 0.55 ? "#fff" : "#1d2733"}" title="${esc(title)}">${Math.round(c.arrivals_per_day)}</td>`;
      }
      html += "</tr>";
    }
    $("heatmap").innerHTML = html + "</table>";
    // Colours through the DOM, not style attributes: the page's CSP allows no inline styles.
    $("heatmap").querySelectorAll("td[data-bg]").forEach((td) => { td.style.background = td.dataset.bg; td.style.color = td.dataset.fg; });
  }

  function ratings(rt) {
    if (!rt.rated) {
      $("ratings").innerHTML = `<p class="sub">${esc(T.no_ratings)}</p>`;
      if (charts["chart-ratings"]) { charts["chart-ratings"].destroy(); delete charts["chart-ratings"]; }
      $("chart-ratings").parentElement.hidden = true;
      return;
    }
    $("chart-ratings").parentElement.hidden = false;
    let html = `<div class="rates"><span>${esc(T.good_rate)} <b>${pct(rt.good_rate)}</b></span><span>${esc(T.active_rate)} <b>${pct(rt.active_rate)}</b></span></div>`;
    if (rt.bad.length) {
      html += `<h2>${esc(T.bad_ratings)}</h2><div class="table"><table><tr><th>${esc(T.time)}</th><th>${esc(T.category)}</th><th>${esc(T.window)}</th><th>${esc(T.level)}</th><th>${esc(T.reason)}</th></tr>` +
        rt.bad.slice(0, 20).map((b) => `<tr><td>${esc(b.issued_at.slice(0, 16).replace("T", " "))}</td><td>${esc(catName(b.category))}</td><td>${esc(b.window)}</td><td>${esc(T[`rate.level.${b.rating}`] || b.label)}</td><td>${esc(reasonName(b.reason))}</td></tr>`).join("") + "</table></div>";
    }
    $("ratings").innerHTML = html;
    chart("chart-ratings", {
      type: "doughnut",
      data: { labels: rt.by_level.map((l) => l.label), datasets: [{ data: rt.by_level.map((l) => l.count), backgroundColor: [COLORS.teal, "#5cbfb1", COLORS.grey, COLORS.amber, COLORS.red] }] },
      options: { maintainAspectRatio: false, plugins: { legend: { position: "right" } } },
    });
  }

  async function load() {
    $("status").textContent = T.loading;
    try {
      const r = await (await api(`/api/halls/${cfg.hall}/reports?` + query())).json();
      $("status").textContent = "";
      render(r);
    } catch (e) { $("status").textContent = ""; kit.showError(e.message); }
  }

  $("filters").addEventListener("submit", (ev) => { ev.preventDefault(); load(); });
  $("csv").addEventListener("click", async (ev) => {
    ev.preventDefault();
    const q = query(); q.set("format", "csv");
    try {
      const r = await api(`/api/halls/${cfg.hall}/reports?` + q);
      const url = URL.createObjectURL(await r.blob());
      const a = document.createElement("a");
      a.href = url; a.download = `onewindow-${cfg.hall}-${q.get("from")}-${new FormData($("filters")).get("to")}.csv`;
      document.body.appendChild(a); a.click(); a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } catch (e) { kit.showError(e.message); }
  });

  const OPTION = { all_windows: T.opt_all_windows, plan: T.opt_plan, roster: T.opt_roster, weekend_all_windows: T.opt_weekend_all_windows, weekend_plan: T.opt_weekend_plan };
  let lastPlan = null;
  const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
  $("plan-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const f = new FormData(ev.target);
    const q = query(); q.delete("category");
    q.set("weekday", f.get("weekday"));
    q.set("target_wait", String(Number(f.get("target_wait")) * 60));
    q.set("target_level", f.get("target_level"));
    const reps = new URLSearchParams(location.search).get("replications");
    if (reps) q.set("replications", reps);
    $("plan-status").textContent = fmt(T.plan_progress, { progress: pct(0), step: "" });
    try {
      // 200: the plan (cached); 202: a background job, polled until it is done
      let r = await api(`/api/halls/${cfg.hall}/plan?` + q);
      let body = await r.json();
      while (r.status === 202 || body.status === "running") {
        $("plan-status").textContent = fmt(T.plan_progress, { progress: pct(body.progress), step: body.step });
        await sleep(500);
        r = await api(body.poll);
        body = await r.json();
        if (body.status === "failed") throw new Error(body.error);
      }
      $("plan-status").textContent = "";
      lastPlan = body.status === "done" ? body.result : body;
      renderPlan(lastPlan, Number(f.get("weekday")));
    } catch (e) { $("plan-status").textContent = ""; kit.showError(e.message); }
  });
  $("plan-form").elements.weekday.addEventListener("change", (ev) => {
    if (lastPlan) renderPlan(lastPlan, Number(ev.target.value));
  });

  function renderPlan(p, weekday) {
    $("plan-result").hidden = false;
    const day = p.days.find((d) => d.weekday === weekday) || p.days.find((d) => d.weekday === p.weekday);
    const s = day.slots;
    chart("chart-plan", {
      data: {
        labels: s.map((x) => x.slot),
        datasets: [
          { type: "bar", label: T.windows_plan, data: s.map((x) => x.windows), backgroundColor: COLORS.blue + "cc", yAxisID: "y" },
          { type: "line", label: T.capacity, data: s.map((x) => x.capacity), borderColor: COLORS.grey, borderDash: [6, 4], pointRadius: 0, yAxisID: "y" },
          { type: "line", label: T.windows_needed, data: s.map((x) => x.needed), borderColor: COLORS.red, pointRadius: 2, yAxisID: "y", hidden: !s.some((x) => x.needed > x.windows) },
          { type: "line", label: T.arrivals, data: s.map((x) => x.arrivals), borderColor: COLORS.amber, backgroundColor: COLORS.amber, yAxisID: "a", tension: 0.25 },
          { type: "line", label: T.service_level, data: s.map((x) => x.service_level == null ? null : x.service_level * 100), borderColor: COLORS.teal, backgroundColor: COLORS.teal, yAxisID: "p", tension: 0.25 },
        ],
      },
      options: { maintainAspectRatio: false, scales: {
        y: { beginAtZero: true, title: { display: true, text: T.windows_plan } },
        a: { beginAtZero: true, position: "right", grid: { drawOnChartArea: false }, title: { display: true, text: T.arrivals } },
        p: { min: 0, max: 100, position: "right", grid: { drawOnChartArea: false }, title: { display: true, text: "%" } },
      } },
    });
    table($("plan-slots"), s.map((x) => ({ ...x, _hl: !x.meets_target && x.judged })), [
      [T.slot, (x) => x.slot], [T.arrivals, (x) => x.arrivals], [T.windows_plan, (x) => x.windows],
      [T.windows_needed, (x) => x.needed], [T.capacity, (x) => x.capacity], [T.service_level, (x) => pct(x.service_level)],
    ]);
    const cmp = [
      { name: "all_windows", staff_hours: day.all_windows_hours, service_level: day.all_windows_service_level, mean_overtime_min: day.overtime.all_windows_mean_min },
      { name: "plan", staff_hours: day.staff_hours, service_level: day.service_level, mean_overtime_min: day.overtime.simulated_mean_min, _hl: true },
    ];
    if (p.roster && p.roster.weekday === day.weekday) cmp.push({ name: "roster", staff_hours: p.roster.staff_hours, service_level: null, mean_overtime_min: null });
    table($("plan-comparison"), cmp, [
      [T.option, (c) => esc(OPTION[c.name] || c.name)], [T.staff_hours, (c) => c.staff_hours],
      [T.service_level, (c) => pct(c.service_level)], [T.mean_overtime, (c) => c.mean_overtime_min ?? "–"],
    ]);
    const e = day.overtime;
    let advice = `<h2>${esc(T.advice)}</h2><p>${esc(fmt(T.overtime_forecast, { mean: e.simulated_mean_min, p90: e.simulated_p90_min, limit: e.limit_minutes }))}</p>`;
    if (e.recorded) advice += `<p class="sub">${esc(fmt(T.recorded_overtime, { share: pct(e.recorded.share_with_overtime), mean: e.recorded.mean_minutes }))}</p>`;
    if (e.within_limit) advice += `<p>${esc(fmt(T.advice_none, { limit: e.limit_minutes }))}</p>`;
    else if (e.extension) advice += `<p>${esc(fmt(T.advice_extra, { extra: e.extension.extra_windows, slots: e.extension.last_slots, minutes: e.extension.mean_overtime_min }))}</p>`;
    else advice += `<p>${esc(fmt(T.advice_hours, { minutes: e.simulated_mean_min }))}</p>`;
    const short = p.advice.filter((a) => a.kind === "shortfall" && a.weekday === day.weekday);
    advice += short.length ? short.map((a) => `<p class="warn">${esc(fmt(T.shortfall, {
      day: weekdays[a.weekday], pool: a.pool === "comprehensive" ? "" : catName(a.pool) + " ", slots: a.slots.join("、"), needed: a.needed,
      capacity: a.capacity, visitors: Math.round(a.visitors_beyond), overtime: Math.round(a.overtime_min),
      spare: Math.round(a.weekend_spare_visitors), online: pct(a.online_share) }))}</p>`).join("") : `<p class="sub">${esc(T.no_shortfall)}</p>`;
    $("plan-advice").innerHTML = advice;
    const rosterShifts = p.roster && p.roster.weekday === day.weekday ? p.roster.shifts.filter((x) => x.clerks > 0) : [];
    table($("plan-roster"), rosterShifts, [[T.roster, (x) => esc(x.shift)], [T.clerks, (x) => x.clerks], [T.staff_hours, (x) => x.hours * x.clerks]]);
    const w = p.weekend;
    $("plan-weekend").innerHTML = w && day.weekend ? `<h2>${esc(T.weekend)}</h2><p class="sub">${esc(day.hours.join(" "))} · ${w.categories.map((c) => esc(catName(c.category)) + " " + pct(c.share)).join("、")}</p>` : "";
    const f = (day.pools.find((x) => x.forecast) || {}).forecast;
    let notes = `<h2>${esc(T.assumptions)}</h2>`;
    if (f) {
      notes += `<p>${esc(fmt(f.source === "own" ? T.history_own : T.history_scaled, { days: f.history_days, first: f.first_day, last: f.last_day, sources: f.source_weekdays.map((x) => weekdays[x]).join("、"), ratio: f.ratio }))}</p>`;
      notes += `<p>${esc(fmt(T.margin, { q: Math.round(f.margin_quantile * 100), extra: pct(f.margin_factor - 1) }))}</p>`;
    }
    if (p.history.holidays_excluded.length) notes += `<p>${esc(fmt(T.holidays_excluded, { days: p.history.holidays_excluded.join("、") }))}</p>`;
    notes += `<p>${esc(fmt(T.week_total, { plan: p.week.staff_hours, all: p.week.all_windows_hours, met: p.week.slots_met, judged: p.week.slots_judged }))}</p>`;
    notes += `<p class="sub">${esc(T.window_time)}</p>`;
    $("plan-assumptions").innerHTML = notes;
    table($("plan-window-time"), p.window_time, [
      [T.category, (x) => esc(catName(x.category))], [T.wt_mean, (x) => Math.round(x.mean_s)], [T.wt_walk, (x) => Math.round(x.walk_up_s)],
      [T.wt_handling, (x) => Math.round(x.handling_s)], [T.no_shows, (x) => `${x.no_shows} (${Math.round(x.no_show_hold_s)} s)`],
      [T.wt_gap, (x) => Math.round(x.gap_s)], [T.wt_fit, (x) => `${x.lognormal_sigma} / ${x.lognormal_ks}`],
    ]);
  }

  function start() {
    if (!session()) { showLogin(); return; }
    showMain();
    const f = $("filters");
    if (!f.elements.to.value) {
      const to = new Date(cfg.today + "T00:00:00Z");
      const from = new Date(to.getTime() - 29 * 86400000);
      f.elements.to.value = cfg.today;
      f.elements.from.value = from.toISOString().slice(0, 10);
      $("plan-form").elements.weekday.value = "0";
    }
    load();
  }
  start();
})();
