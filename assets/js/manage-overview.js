/* 实时总览 and 告警: where citizens wait, what each window does, today's charts, and
 * the alerts the hub raises and clears. Read from GET /api/v1/manage/overview again
 * shortly after events arrive (the figures are the hub's read model, not recounted
 * here), and from the `alerts` messages the hub pushes to the manager room.
 */
import M from "./manage.js";
import strings from "./strings/manage-overview.js";

const {h, t} = M;

M.J.addStrings(strings);

let data = null, fetchedAt = 0, root = null;

async function load() {
  try {
    data = await M.api("/api/v1/manage/overview");
    fetchedAt = performance.now();
    M.setCounts(data.supervision);
    if (M.isShown("overview")) render();
  } catch (error) {
    if (root && M.isShown("overview")) M.toast(M.errorText(error), "error");
  }
}

const refresh = M.throttle(load, 800);

/** Seconds since a figure was read, at the hub clock's speed. */
function since(seconds) {
  if (seconds === null || seconds === undefined) return null;
  const speed = M.clock ? M.clock.speed : 1;
  return seconds + ((performance.now() - fetchedAt) / 1000) * speed;
}

function kpi(label, value, kind, id) {
  return h("div", {class: "kpi " + (kind || ""), "data-kpi": id}, h("span", {}, label), h("b", {}, value));
}

/** 未办结 at the close-out: each number with the reason, for the manager to follow up. */
function closedOut(items) {
  if (!items.length) return [];
  return [h("div", {class: "card ov-closed-out", "data-closed-out": String(items.length)},
    h("h2", {}, t("ov_closed_out") + " · " + items.length),
    h("ul", {}, ...items.map((c) => h("li", {text: `${c.number} · ${c.reason}`}))))];
}

function render() {
  if (!data || !root) return;
  const today = data.today, sup = data.supervision;
  const alerts = M.alerts.alerts || [];
  root.replaceChildren(
    h("div", {class: "kpis"},
      kpi(t("ov_issued"), today.issued, "", "issued"),
      kpi(t("ov_waiting"), today.waiting, today.waiting > 30 ? "warn" : "", "waiting"),
      kpi(t("ov_in_service"), today.in_service, "", "in_service"),
      kpi(t("ov_served"), today.served, "ok", "served"),
      kpi(t("ov_no_shows"), today.no_shows, "", "no_shows"),
      kpi(t("ov_wait_mean"), M.minutes(today.wait_mean_seconds), "", "wait"),
      kpi(t("ov_satisfaction"), M.percent(today.satisfaction_rate), "ok", "satisfaction"),
      kpi(t("ov_alerts"), alerts.length, alerts.length ? "bad" : "ok", "alerts"),
      kpi(t("ov_complaints_overdue"), sup.complaints_overdue, sup.complaints_overdue ? "bad" : "", "complaints"),
      kpi(t("ov_follow_ups_open"), sup.follow_ups_open, sup.follow_ups_overdue ? "bad" : "", "follow_ups")),
    h("div", {class: "ov-grid"},
      h("div", {class: "ov-main"},
        h("div", {class: "card"}, h("h2", {}, t("ov_services")), servicesTable()),
        h("div", {class: "card"}, h("h2", {}, t("ov_windows")), windowsGrid())),
      h("div", {class: "card ov-alerts", tabindex: "0", role: "region", "aria-label": t("ov_alert_list")},
        h("h2", {}, t("ov_alert_list")), alertList(alerts))),
    ...closedOut(today.closed_out || []),
    h("div", {class: "charts3"},
      h("div", {class: "card"}, h("h2", {}, t("ov_per_hour")), M.charts.bars({
        labels: today.per_hour.map((p) => t("hour_label", {h: p.hour})),
        series: [{name: t("series_issued"), values: today.per_hour.map((p) => p.tickets)}]})),
      h("div", {class: "card"}, h("h2", {}, t("ov_wait_dist")), M.charts.bars({
        labels: today.wait_buckets.map(bucketLabel),
        series: [{name: "", values: today.wait_buckets.map((b) => b.count), color: "#b06000"}]})),
      h("div", {class: "card"}, h("h2", {}, t("ov_by_service")), M.charts.hbars({
        labels: data.services.map((s) => M.name(s.name)), rowHeight: 34,
        series: [{name: t("series_issued"), values: data.services.map((s) => s.issued)},
          {name: t("series_served"), values: data.services.map((s) => s.served), color: "#1e7d32"}]}))));
}

function bucketLabel(bucket) {
  return bucket.to === null ? t("bucket_last", {from: bucket.from}) : t("bucket_label", bucket);
}

function servicesTable() {
  return M.table([
    [t("col_service"), (s) => h("span", {}, h("b", {class: "prefix"}, s.prefix), M.name(s.name))],
    [t("col_waiting"), (s) => s.waiting, "num"],
    [t("col_longest"), (s) => {
      const over = s.waiting && s.longest_wait_seconds > s.threshold_minutes * 60;
      return h("span", {class: over ? "over" : ""}, s.waiting ? M.minutes(since(s.longest_wait_seconds)) : t("none"));
    }, "num"],
    [t("col_eta"), (s) => (s.waiting ? t("minutes", {n: s.eta_minutes}) : t("none")), "num"],
    [t("col_issued"), (s) => s.issued, "num"],
    [t("col_served"), (s) => s.served, "num"],
  ], data.services, {class: "services"});
}

function windowsGrid() {
  const grid = h("div", {class: "windows"});
  for (const w of data.windows) {
    const ticket = w.ticket;
    let state = w.state === "closed" ? "closed" : w.state === "paused" ? "paused" : "open";
    if (ticket && w.state === "open") state = ticket.status === "serving" ? "serving" : "called";
    const detail = [];
    if (state === "paused") detail.push(h("span", {}, t("w_reason", {reason: w.reason || ""}), " ", h("span", {class: "timer", "data-since": w.since_seconds}, M.duration(since(w.since_seconds)))));
    if (ticket) detail.push(h("span", {class: "ticket"}, h("b", {}, ticket.number), " ", t("w_" + state), " ",
      h("span", {class: "timer", "data-since": ticket.for_seconds}, M.duration(since(ticket.for_seconds)))));
    const look = state === "open" ? "idle" : state;  // "open" is a complaint's status colour
    grid.append(h("div", {class: "window " + look, "data-window": w.id, "data-state": state},
      h("div", {class: "wtop"}, h("b", {}, M.name(w.name)), h("span", {class: "badge " + look}, t("w_" + state))),
      h("div", {class: "clerk"}, w.clerk ? (w.clerk_name || w.clerk) : t("none")),
      h("div", {class: "wnow"}, detail),
      h("div", {class: "hint"}, t("w_served", {n: w.served}))));
  }
  return grid;
}

function alertList(alerts) {
  if (!alerts.length) return h("p", {class: "empty ok-text"}, t("no_alerts"));
  return h("ul", {class: "alerts"}, alerts.map((a) => h("li", {class: a.level, "data-alert": a.id},
    h("span", {class: "kind"}, t("kind_" + a.kind)), h("span", {}, M.name(a.text)),
    h("small", {}, M.time(a.raised_at)))));
}

function tick() {
  if (!root || !M.isShown("overview")) return;
  root.querySelectorAll(".timer").forEach((el) => {
    const base = el.dataset.since;
    if (base !== undefined && base !== "null") el.textContent = M.duration(since(Number(base)));
  });
}

M.pages.overview = {
  show(el) { root = el; if (data) render(); load(); },
  onEvent() { refresh(); },
  onAlerts() { if (M.isShown("overview")) render(); },
};
setInterval(tick, 1000);
setInterval(() => { if (M.token && M.isShown("overview")) refresh(); }, 10000);

/* ------------------------------------------------------------------ alerts page */

let alertsRoot = null;

function renderAlerts() {
  if (!alertsRoot) return;
  const message = M.alerts;
  alertsRoot.replaceChildren(
    h("div", {class: "card"}, h("h2", {}, t("alerts_now"), " ", h("span", {class: "pill"}, (message.alerts || []).length)),
      M.table([
        [t("col_level"), (a) => h("span", {class: "badge " + a.level}, t("level_" + a.level))],
        [t("col_kind"), (a) => t("kind_" + a.kind)],
        [t("col_text"), (a) => M.name(a.text)],
        [t("col_raised"), (a) => M.dateTime(a.raised_at)],
      ], message.alerts || [], {class: "alert-table", rowClass: (a) => "alert-" + a.level})),
    h("div", {class: "card"}, h("h2", {}, t("alerts_cleared")),
      M.table([
        [t("col_kind"), (a) => t("kind_" + a.kind)],
        [t("col_text"), (a) => M.name(a.text)],
        [t("col_raised"), (a) => M.dateTime(a.raised_at)],
        [t("col_cleared"), (a) => M.dateTime(a.cleared_at)],
      ], message.cleared || [], {class: "cleared-table"})));
}

M.pages.alerts = {
  show(el) { alertsRoot = el; renderAlerts(); },
  onAlerts() { if (M.isShown("alerts")) renderAlerts(); },
};
