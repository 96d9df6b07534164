/* The manager's dashboard (管理后台): log in, find your way, stay live.
 *
 * This file holds what every part of the dashboard shares: the login (managers and
 * admins only; a clerk is told plainly that this is not for them), the navigation
 * between pages (#overview, #reports, #config/services …), the /live subscription
 * to the manager room (events, and the hub's `alerts` messages), the hub's clock,
 * and small helpers to build elements and show errors. Each page lives in its own
 * file and registers itself in Manage.pages[name] = {title, show(el, sub), onEvent}.
 *
 * The dashboard decides nothing: every rule is the hub's, and every change goes
 * through the REST API, which answers with what was refused and why.
 */
import J from "./jiaohao.js";
import {$, el} from "./lib/dom.js";
import strings from "./strings/manage.js";

const TOKEN_KEY = "manage";
const LANG_KEY = "jiaohao.lang.manage";

J.addStrings(strings);

const M = {
  J, token: "", me: null, pages: {}, current: null, live: null, clock: null,
  alerts: {alerts: [], cleared: []}, config: null,
};

/* ------------------------------------------------------------------ helpers */

/** h("div", {class: "x", text: "…", onclick}, child, …): build an element (lib/dom.js). */
M.h = el;

M.t = (key, values) => J.t(key, values);

/** Download a file the hub makes (an export) with the login token; returns its file name.
 * Throws ApiError as M.api does. */
M.download = async function (path, fallbackName) {
  const response = await J.fetch(path, {headers: {Authorization: "Bearer " + M.token}});
  if (!response.ok) throw new J.ApiError(response.status, await response.json().catch(() => null));
  const disposition = response.headers.get("Content-Disposition") || "";
  const name = (/filename="([^"]+)"/.exec(disposition) || [])[1] || fallbackName;
  const url = URL.createObjectURL(await response.blob());
  const link = M.h("a", {href: url, download: name});
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  return name;
};

/* While the dashboard waits for the hub's answers, its main area says so: <main
 * aria-busy="true"> from the first request until the page has drawn what the last
 * one brought (a screen reader waits rather than read a half-filled page; the tests
 * wait for aria-busy="false"). It turns false a task after the last answer, so the
 * code awaiting it has drawn it, or started its next request, by then. */
let pending = 0;
function busy(change) {
  pending += change;
  $("main").setAttribute("aria-busy", String(pending > 0));
}

/** A REST call with the login token; a lost login goes back to the login form. */
M.api = async function (path, options) {
  busy(1);
  try {
    return await J.api(path, Object.assign({token: M.token}, options || {}));
  } catch (error) {
    if (error.status === 401) { logout(); }
    throw error;
  } finally {
    setTimeout(() => busy(-1), 0);
  }
};

/** A plain sentence for an error from the hub (names the field when there is one). */
M.errorText = function (error) {
  if (!error) return "";
  if (error.code === "unreachable") return M.t("e_unreachable");
  const own = M.t("e_" + error.code);
  if (own !== "e_" + error.code) return M.t("e_" + error.code, {message: error.message});
  if (error.field) return M.t("e_field", {field: error.field, message: error.message});
  return M.t("e_other", {message: error.message || error});
};

M.toast = function (text, kind) {
  const toast = $("toast");
  toast.textContent = text;
  toast.className = "toast show " + (kind || "ok");
  clearTimeout(M.toastTimer);
  M.toastTimer = setTimeout(() => { toast.className = "toast"; }, 4000);
};

/** "12 分钟" from seconds; "—" when unknown. */
M.minutes = function (seconds) {
  if (seconds === null || seconds === undefined) return M.t("none");
  const minutes = seconds / 60;
  if (minutes >= 90) return M.t("hours_minutes", {h: Math.floor(minutes / 60), m: Math.round(minutes % 60)});
  return M.t("minutes", {n: minutes < 10 ? minutes.toFixed(1) : Math.round(minutes)});
};

/** mm:ss or h:mm:ss of a duration in seconds. */
M.duration = function (seconds) {
  if (seconds === null || seconds === undefined) return "";
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const two = (n) => String(n).padStart(2, "0");
  return h ? `${h}:${two(m)}:${two(r)}` : `${two(m)}:${two(r)}`;
};

M.time = (iso) => (iso ? iso.slice(11, 16) : "");
M.dateTime = (iso) => (iso ? iso.slice(5, 10).replace("-", "/") + " " + iso.slice(11, 16) : "");
M.percent = (rate) => (rate === null || rate === undefined ? M.t("none") : (rate * 100).toFixed(1) + "%");
M.name = (text) => J.name(text);

/** The hub's time now, running at the hub clock's speed between readings. */
M.now = function () {
  if (!M.clock) return new Date();
  const elapsed = (performance.now() - M.clock.read) * M.clock.speed;
  return new Date(M.clock.hub.getTime() + elapsed);
};

async function readClock() {
  try {
    const clock = await J.api("/api/v1/clock");
    M.clock = {hub: new Date(clock.now), speed: clock.speed, read: performance.now(), day: clock.business_day};
    showClock();
  } catch (error) { /* the banner shows a lost connection */ }
}

function showClock() {
  if (!M.clock) return;
  const now = M.now();
  const text = now.toLocaleTimeString(J.lang === "zh" ? "zh-CN" : "en-GB",
    {hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false, timeZone: "Asia/Shanghai"});
  $("hub-clock").textContent = (M.clock.day || "") + " " + text + (M.clock.speed !== 1 ? ` ×${M.clock.speed}` : "");
}

/** A table from rows: columns = [[header, (row) => cell, className?], …]. */
M.table = function (columns, rows, options) {
  const opts = options || {};
  const head = M.h("tr", {}, columns.map((c) => M.h("th", {class: c[2] || ""}, c[0])));
  // A form control in a cell is named by its column's heading (and the row's place),
  // so a screen reader says which field it is.
  const name = (cell, c, i) => {
    for (const control of cell.querySelectorAll("input, select, textarea")) {
      if (!control.labels.length && !control.getAttribute("aria-label") && typeof c[0] === "string" && c[0]) {
        control.setAttribute("aria-label", `${c[0]} (${i + 1})`);
      }
    }
    return cell;
  };
  const body = rows.map((row, i) => M.h("tr", {class: opts.rowClass ? opts.rowClass(row) : ""},
    columns.map((c) => { const v = c[1](row); return name(M.h("td", {class: c[2] || ""}, v === null || v === undefined ? "" : v), c, i); })));
  if (!rows.length) body.push(M.h("tr", {}, M.h("td", {colspan: columns.length, class: "empty"}, M.t("empty"))));
  return M.h("table", {class: "grid " + (opts.class || "")}, M.h("thead", {}, head), M.h("tbody", {}, body));
};

/** A labelled input, select or textarea. */
M.field = function (label, control, hint) {
  return M.h("label", {class: "field"}, M.h("span", {}, label), control, hint ? M.h("small", {class: "hint"}, hint) : null);
};

M.select = function (options, value, attrs) {
  return M.h("select", attrs || {}, options.map(([v, text]) =>
    M.h("option", {value: v, selected: String(v) === String(value) ? "selected" : null}, text)));
};

/** The center's configuration (cached; refreshed when a config_changed event arrives). */
M.loadConfig = async function (force) {
  if (!M.config || force) {
    const answer = await M.api("/api/v1/config");
    M.config = answer.config;
    $("center-name").textContent = M.name(M.config.center.name);
  }
  return M.config;
};

M.serviceName = function (id) {
  const found = M.config && M.config.services.find((s) => s.id === id);
  return found ? M.name(found.name) : id;
};

M.windowName = function (id) {
  const found = M.config && M.config.windows.find((w) => w.id === id);
  return found ? M.name(found.name || `${id}号窗口`) : (id ? `${id}号窗口` : "");
};

/* ------------------------------------------------------------------ login */

function showView(name) {
  $("view-login").hidden = name !== "login";
  $("view-app").hidden = name !== "app";
  $("logout").hidden = name !== "app";
}

async function login(event) {
  event.preventDefault();
  $("login-error").textContent = "";
  $("login-button").disabled = true;
  try {
    const answer = await J.api("/api/v1/auth/token", {body: {
      username: $("username").value.trim(), password: $("password").value}});
    if (answer.role !== "manager" && answer.role !== "admin") {
      $("login-error").textContent = M.t("not_manager", {role: M.t("role_" + answer.role)});
      return;
    }
    M.token = answer.token;
    J.saveToken(M.token, TOKEN_KEY);
    $("password").value = "";
    await enter();
  } catch (error) {
    $("login-error").textContent = M.errorText(error);
  } finally {
    $("login-button").disabled = false;
  }
}

function logout() {
  J.saveToken("", TOKEN_KEY);
  M.token = "";
  if (M.live) { M.live.close(); M.live = null; }
  showView("login");
  setStatus(null);
}

async function enter() {
  try {
    M.me = await M.api("/api/v1/me");
    if (M.me.role !== "manager" && M.me.role !== "admin") {
      const error = new J.ApiError(403, {error: "forbidden"});
      throw error;
    }
    await M.loadConfig(true);
  } catch (error) {
    if (error.status === 401) return;
    J.saveToken("", TOKEN_KEY);
    M.token = "";
    showView("login");
    $("login-error").textContent = error.status === 403
      ? M.t("not_manager", {role: M.t("role_" + ((M.me && M.me.role) || "clerk"))}) : M.errorText(error);
    return;
  }
  showWho();
  showView("app");
  connect();
  route();
}

/* ------------------------------------------------------------------ live */

let lastStatus = null;

function showWho() {
  if (M.me) $("who").textContent = `${M.me.name || M.me.username} · ${M.t("role_" + M.me.role)}`;
}

function setStatus(status) {
  lastStatus = status;
  const badge = $("live-status");
  badge.hidden = !status;
  if (!status) { $("banner").className = "banner"; return; }
  badge.className = "conn " + status;
  badge.textContent = M.t("live_" + (status === "refused" ? "lost" : status));
  const banner = $("banner");
  if (status === "lost" || status === "refused") {
    banner.textContent = M.t(status === "lost" ? "banner_lost" : "banner_refused");
    banner.className = "banner show";
  } else {
    banner.className = "banner";
  }
}

function connect() {
  if (M.live) M.live.close();
  M.live = J.live({
    rooms: ["manager"], token: M.token,
    onStatus(status) {
      setStatus(status);
      if (status === "live") fetchAlerts();
      if (status === "refused") logout();
    },
    onSnapshot() { notify({type: "snapshot"}); },
    onEvent(event) {
      if (event.type === "config_changed") {
        M.loadConfig(true).then(() => notify(event)).catch(() => {});
        return;
      }
      notify(event);
    },
  });
  // The hub pushes the current alerts whenever they change (raised or cleared).
  M.live.socket.on("alerts", (message) => setAlerts(message));
}

function notify(event) {
  for (const page of Object.values(M.pages)) {
    try { page.onEvent && page.onEvent(event); } catch (e) { console.error(e); }
  }
}

async function fetchAlerts() {
  try { setAlerts(await M.api("/api/v1/manage/alerts")); } catch (e) { /* shown when it matters */ }
}

function setAlerts(message) {
  M.alerts = message;
  const count = $("alert-count");
  count.textContent = message.alerts.length;
  count.hidden = !message.alerts.length;
  for (const page of Object.values(M.pages)) {
    try { page.onAlerts && page.onAlerts(message); } catch (e) { console.error(e); }
  }
}

M.setCounts = function (supervision) {
  const complaints = $("complaint-count"), followUps = $("follow-up-count");
  complaints.textContent = supervision.complaints_overdue;
  complaints.hidden = !supervision.complaints_overdue;
  followUps.textContent = supervision.follow_ups_open;
  followUps.hidden = !supervision.follow_ups_open;
};

/** Run `fn` at most once per `ms` (trailing), for refetching after bursts of events. */
M.throttle = function (fn, ms) {
  let timer = null, last = 0;
  return function () {
    if (timer) return;
    const wait = Math.max(0, last + ms - Date.now());
    timer = setTimeout(() => { timer = null; last = Date.now(); fn(); }, wait);
  };
};

/* ------------------------------------------------------------------ routing */

function route() {
  if (!M.token) return;
  const hash = location.hash.replace(/^#/, "") || "overview";
  const [name, sub] = hash.split("/");
  const key = M.pages[name] ? name : "overview";
  document.querySelectorAll("#nav a").forEach((a) => a.classList.toggle("active", a.dataset.page === hash || a.dataset.page === key && !sub));
  document.querySelectorAll(".page").forEach((p) => { p.hidden = p.id !== "page-" + key; });
  M.current = key;
  const page = M.pages[key];
  try { page.show($("page-" + key), sub); } catch (e) { console.error(e); }
}

M.isShown = (name) => M.current === name && !$("view-app").hidden;

M.start = function () {
  const saved = localStorage.getItem(LANG_KEY);
  J.setLang(saved || "zh");
  $("lang").textContent = J.lang === "zh" ? "EN" : "中文";
  $("lang").addEventListener("click", () => {
    J.setLang(J.lang === "zh" ? "en" : "zh");
    localStorage.setItem(LANG_KEY, J.lang);
    $("lang").textContent = J.lang === "zh" ? "EN" : "中文";
    if (M.config) $("center-name").textContent = M.name(M.config.center.name);
    showWho();
    if (lastStatus) setStatus(lastStatus);
    route();
  });
  $("login-form").addEventListener("submit", login);
  $("logout").addEventListener("click", logout);
  window.addEventListener("hashchange", route);
  readClock();
  setInterval(readClock, 15000);
  setInterval(showClock, 1000);
  M.token = J.token(TOKEN_KEY);
  if (M.token) enter(); else showView("login");
};

// The dashboard's pages (manage-*.js) import it; tests and the console reach it as window.Manage.
window.Manage = M;
export default M;
