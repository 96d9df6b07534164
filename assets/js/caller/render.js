/* The caller page's drawing: which view shows, the top bar, my windows, the current
 * ticket, the buttons, the tabs (queue, held, transfers, today) and the clock. */
import J from "../jiaohao.js";
import {el, fill, fillRows} from "../lib/dom.js";
import {$, allowed, clock, current, model, priorityName, serviceName, since, windowName} from "./model.js";

export function renderAll() {
  renderTop();
  if (model.view === "windows") renderWindows();
  if (model.view !== "work") return;
  renderCurrent();
  renderActions();
  renderQueue();
  renderHeld();
  renderTransfers();
  renderToday();
}
export function renderTop() {
  const me = model.me;
  $("top-window").textContent = model.windowId ? windowName(model.windowId) : J.t("app_title");
  $("top-clerk").textContent = me ? me.name : "";
  const live = $("live-status");
  const status = model.liveStatus === "refused" ? "lost" : (model.liveStatus || "connecting");
  live.textContent = J.t("live_" + status);
  live.className = "conn " + status;
  $("lang").textContent = J.lang === "zh" ? "EN" : "中文";
  document.title = `${J.t("app_title")} · ${model.windowId ? windowName(model.windowId) : "jiaohao"}`;
}
export function renderWindows() {
  const me = model.me;
  if (!me) return;
  const mine = me.windows.filter((w) => w.allowed);
  // Redrawn whenever a colleague signs in or out: rows drawn the same stay (fillRows).
  fillRows($("window-list"), mine.length ? mine.map((w) => {
    let label = J.t("w_sign_in"), cls = "", disabled = false;
    if (w.clerk === me.username) { label = J.t("w_enter"); cls = "mine"; }
    else if (w.clerk && w.state === "paused") { label = J.t("w_take_over"); cls = "take-over"; }
    else if (w.clerk) { disabled = true; cls = "taken"; }
    const state = w.clerk === me.username ? J.t("w_mine") : windowState(w);
    return el("li", cls,
      el("div", "", el("b", {text: J.name(w.name)}), el("small", {text: state})),
      el("button", {type: "button", "data-sign-in": w.id, disabled}, label, w.id < 10 ? el("kbd", {text: w.id}) : null));
  }) : [el("li", {class: "empty", text: J.t("w_none")})]);
}
export function marks(t) {
  const mark = (cls, text, title) => el("span", {class: "mark " + cls, text, title});
  const out = [];
  if (t.priority) {
    // The short name (老年人), the full one (老年人（65岁以上）) on hover: rows stay on one line.
    const full = priorityName(t.priority);
    out.push(mark("priority", full.replace(/（[^）]*）|\([^)]*\)/g, ""), full));
  }
  if (t.appointment) out.push(mark("appointment", J.t("mark_appointment")));
  if (t.transferred) out.push(mark("transferred", J.t("mark_transferred")));
  if (t.target_window && t.target_window === model.windowId) out.push(mark("transferred", J.t("mark_to_window")));
  return out;
}
export function renderCurrent() {
  const box = $("current");
  const w = model.detail && model.detail.window;
  if (!w) { fill(box); return; }
  const t = w.ticket;
  if (w.state === "paused") {
    box.className = "card current paused";
    fill(box, el("div", {class: "state-line", text: J.t("paused")}),
      el("div", {class: "big-text", text: w.reason || ""}),
      el("div", "hint", J.t("paused_hint"), " · ", el("span", {class: "timer", "data-since": w.since || ""})));
  } else if (!t) {
    box.className = "card current idle";
    fill(box, el("div", {class: "state-line", text: J.t("idle")}),
      el("div", {class: "big-text", text: J.t("waiting_n", {n: model.queue.length})}),
      el("div", {class: "hint", text: J.t("idle_hint")}));
  } else {
    box.className = "card current " + t.status;
    const note = model.notes[t.id] || t.note;
    fill(box,
      el("div", "state-line", el("span", {class: "status " + t.status, text: J.t("st_" + t.status)}), marks(t),
        t.recall_count ? el("span", {class: "mark recalled", text: J.t("mark_recalled", {n: t.recall_count})}) : null),
      el("div", {class: "number", id: "current-number", text: t.number}),
      el("div", {class: "service", text: serviceName(t.service)}),
      el("div", {class: "times", id: "current-times"}),
      note ? el("div", {class: "note", text: J.t("note", {note})}) : null);
  }
  tick();
}
/** The running times (waited, called or serving for) from the hub's clock. */
export function tick() {
  const times = $("current-times");
  const t = current();
  if (times && t) {
    const parts = [];
    if (t.waited_seconds !== null && t.waited_seconds !== undefined) parts.push(J.t("waited", {t: clock(t.waited_seconds)}));
    if (t.status === "serving" && t.started_at) parts.push(J.t("serving_for", {t: clock(since(t.started_at))}));
    else if (t.called_at) parts.push(J.t("called_for", {t: clock(since(t.called_at))}));
    times.textContent = parts.join(" · ");
  }
  document.querySelectorAll("[data-since]").forEach((el) => {
    if (el.dataset.since) el.textContent = clock(since(el.dataset.since));
  });
  document.querySelectorAll("[data-waited]").forEach((el) => {
    el.textContent = J.t("minutes", {n: Math.floor(since(el.dataset.waited) / 60)});
  });
}
export function renderActions() {
  document.querySelectorAll("button[data-action]").forEach((button) => {
    button.disabled = !allowed(button.dataset.action);
  });
  document.querySelectorAll("[data-call]").forEach((b) => { b.disabled = !allowed("call"); });
  document.querySelectorAll("[data-resume]").forEach((b) => { b.disabled = model.busy; });
  document.querySelectorAll("[data-reinstate]").forEach((b) => { b.disabled = model.busy; });
}
export function renderQueue() {
  const rows = model.queue.map((t) => el("li", {"data-number": t.number},
    el("b", {class: "num", text: t.number}),
    el("span", {class: "svc", text: serviceName(t.service)}), marks(t),
    // The honest estimate says this one is unlikely to be reached before closing.
    t.wait && t.wait.after_closing && t.wait.state !== "closed"
      ? el("span", {class: "mark after-closing", text: J.t("w_after_closing")}) : null,
    el("span", {class: "wait", "data-waited": t.issued_at}),
    el("button", {type: "button", class: "small", "data-call": t.number, text: J.t("call_this")})));
  // Redrawn at each ticket the window could call: a row's 叫此号 stays under the
  // clerk's finger while the rows around it come and go (fillRows).
  const [list] = fillRows($("tab-queue"), [rows.length ? el("ol", "rows") : el("p", {class: "empty", text: J.t("queue_empty")})]);
  if (rows.length) fillRows(list, rows);
  $("count-queue").textContent = model.queue.length;
  renderActions();
  tick();
}
export function renderHeld() {
  const d = model.detail || {suspended: [], no_show: []};
  const rows = (tickets, attr, label) => tickets.map((t) => el("li", "",
    el("b", {class: "num", text: t.number}), el("span", {class: "svc", text: serviceName(t.service)}),
    el("button", {type: "button", class: "small", ["data-" + attr]: t.number, text: label})));
  const lists = [rows(d.suspended, "resume", J.t("resume_this")), rows(d.no_show, "reinstate", J.t("reinstate_this"))];
  const box = (items) => (items.length ? el("ol", "rows") : el("p", {class: "empty", text: J.t("held_none")}));
  // Redrawn at each ticket the window could call, too: rows drawn the same stay (fillRows).
  const placed = fillRows($("tab-held"), [el("h3", {text: J.t("held_suspended")}), box(lists[0]),
    el("h3", {text: J.t("held_no_show")}), box(lists[1])]);
  lists.forEach((items, i) => { if (items.length) fillRows(placed[1 + 2 * i], items); });
  $("count-held").textContent = d.suspended.length + d.no_show.length;
  renderActions();
}
export function where(t) {
  const values = {service: serviceName(t.service), ahead: t.ahead, window: t.window_name || windowName(t.window),
    clerk: t.clerk_name || t.clerk || ""};
  switch (t.status) {
    case "waiting": return t.target_window
      ? J.t("where_waiting_window", Object.assign(values, {window: windowName(t.target_window)}))
      : J.t("where_waiting", values);
    case "called": return J.t("where_called", values);
    case "serving": return J.t("where_serving", values);
    case "suspended": return J.t("where_suspended", Object.assign(values, {window: windowName(t.last_window)}));
    case "no_show": return J.t("where_no_show", Object.assign(values, {window: windowName(t.last_window)}));
    case "done": return J.t("where_done", Object.assign(values, {time: t.completed_at ? t.completed_at.slice(11, 16) : ""}));
    default: return t.status;
  }
}
export function renderTransfers() {
  const rows = model.transfers.map((t) => el("li", {class: t.status, "data-number": t.number},
    el("b", {class: "num", text: t.number}), el("span", {class: "where", text: where(t)})));
  fill($("tab-transfers"), rows.length ? el("ol", "rows transfers", rows)
    : el("p", {class: "empty", text: J.t("transfers_none")}));
  $("count-transfers").textContent = model.transfers.filter((t) => t.status !== "done").length;
}
export function renderToday() {
  const d = model.today;
  if (!d) { fill($("tab-today")); return; }
  const avg = d.average_handling_seconds === null ? "—" : clock(d.average_handling_seconds);
  const rate = d.ratings.satisfaction_rate === null ? "—" : (d.ratings.satisfaction_rate * 100).toFixed(1) + "%";
  const cell = (id, label, value) => el("div", {class: "stat", id}, el("b", {text: value}), el("span", {text: label}));
  const levels = [5, 4, 3, 2, 1].map((level) =>
    el("li", "level-" + level, el("span", {text: J.t("level_" + level)}), el("b", {text: d.ratings.levels[level]})));
  fill($("tab-today"),
    el("div", "stats", cell("stat-served", J.t("today_served"), d.served),
      cell("stat-average", J.t("today_avg"), avg), cell("stat-no-shows", J.t("today_no_shows"), d.no_shows),
      cell("stat-transferred", J.t("today_transferred"), d.transferred),
      cell("stat-rated", J.t("today_rated"), d.ratings.count), cell("stat-rate", J.t("today_rate"), rate)),
    el("ol", "levels", levels));
}
export function show(view) {
  model.view = view;
  for (const name of ["login", "windows", "work"]) $("view-" + name).hidden = name !== view;
  $("logout").hidden = view !== "windows";
  $("sign-out").hidden = view !== "work";
  $("live-status").hidden = view === "login";
  renderTop();
}
export function windowState(w) {
  if (!w.clerk) return J.t("w_closed");
  if (w.state === "paused") return J.t("w_paused_by", {name: w.clerk_name, reason: w.reason || ""});
  return J.t("w_open_by", {name: w.clerk_name});
}
export function selectTab(name) {
  model.tab = name;
  document.querySelectorAll("[data-tab]").forEach((b) => b.setAttribute("aria-selected", String(b.dataset.tab === name)));
  for (const tab of ["queue", "held", "transfers", "today"]) $("tab-" + tab).hidden = tab !== name;
}
