/* The caller page's connection: the read models it keeps fresh (READERS), logging
 * in and out (401 → log in again), and the /live subscription
 * of the hall and my window (lib/live.js) with what each event changes. */
import J from "../jiaohao.js";
import {$, JiaohaoCaller, TOKEN_KEY, call, model, noteClock, plain, say, windowName} from "./model.js";
import {renderAll, renderCurrent, renderQueue, renderTop, renderWindows, selectTab, show} from "./render.js";

export async function login(event) {
  event.preventDefault();
  $("login-error").textContent = "";
  $("login-button").disabled = true;
  try {
    const answer = await J.api("/api/v1/auth/token", {body: {
      username: $("username").value.trim(), password: $("password").value}});
    model.token = answer.token;
    J.saveToken(answer.token, TOKEN_KEY);
    $("password").value = "";
    await loadMe();
  } catch (error) {
    $("login-error").textContent = plain(error);
  } finally {
    $("login-button").disabled = false;
  }
}
export function logout() {
  if (model.live) model.live.close();
  model.live = null;
  model.token = "";
  model.me = null;
  model.windowId = null;
  Object.assign(model, {detail: null, queue: [], today: null, transfers: [], notes: {}});
  J.saveToken("", TOKEN_KEY);
  show("login");
  $("username").focus();
}
/** Who I am and where I am signed in; then the window list or the work view. */
export async function loadMe() {
  let me;
  try {
    me = await call("/api/v1/me");
  } catch (error) {
    if (error.status === 401 || error.status === 403) { logout(); $("login-error").textContent = plain(error); return; }
    show(model.view || "login");
    $("login-error").textContent = plain(error);
    return;
  }
  model.me = me;
  noteClock(me);
  if (me.window) enterWindow(me.window);
  else leaveWindow();
}
export function leaveWindow() {
  model.windowId = null;
  model.detail = null;
  connect(["staff"]);
  show("windows");
  renderWindows();
}
export function enterWindow(id) {
  const changed = model.windowId !== id;
  model.windowId = id;
  if (changed || !model.live) connect(["staff"]);  // staff hear ids; public rooms hear numbers
  show("work");
  selectTab(model.tab);
  renderAll();
  refresh(["detail", "queue", "today", "transfers"]);
}
export function connect(rooms) {
  if (model.live) model.live.close();
  model.live = J.live({rooms, token: model.token, onSnapshot, onEvent, onStatus});
}
export const READERS = {
  me: () => call("/api/v1/me").then((me) => { model.me = me; noteClock(me); }),
  detail: () => call("/api/v1/me/window").then((answer) => {
    if (!fresh("detail", answer)) return;
    noteClock(answer);
    model.detail = answer;
    if (!answer.window && model.view === "work") loadMe();
  }),
  queue: () => model.windowId && call(`/api/v1/windows/${model.windowId}/queue`).then((answer) => {
    if (fresh("queue", answer)) model.queue = answer.waiting;
  }),
  today: () => call("/api/v1/me/today").then((answer) => { if (fresh("today", answer)) model.today = answer; }),
  transfers: () => call("/api/v1/me/transfers").then((answer) => {
    if (fresh("transfers", answer)) model.transfers = answer.tickets;
  }),
};
/** Answers may come back out of order: keep only the newest of each kind. */
export function fresh(kind, answer) {
  if ((model.seqs[kind] || 0) > answer.seq) return false;
  model.seqs[kind] = answer.seq;
  return true;
}
/** Read the given parts again, a moment later, once for a burst of events (a busy
 * hall never postpones it: the first event of a burst starts the clock). */
export function refresh(parts) {
  parts.forEach((part) => model.due.add(part));
  if (model.timer) return;
  model.timer = setTimeout(async () => {
    model.timer = null;
    const due = Array.from(model.due);
    model.due.clear();
    const results = await Promise.allSettled(due.map((part) => READERS[part] && READERS[part]()));
    const failed = results.find((r) => r.status === "rejected");
    if (failed && failed.reason && failed.reason.status === 401) { logout(); return; }
    renderAll();
  }, 120);
}

export function onStatus(status, detail) {
  model.liveStatus = status;
  const banner = $("banner");
  if (status === "lost") {
    model.wasLost = true;
    banner.textContent = J.t("banner_lost");
    banner.classList.add("show");
  } else if (status === "refused") {
    banner.textContent = J.t("banner_refused");
    banner.classList.add("show");
    if (detail && detail.error === "invalid_token") logout();
  } else if (status === "live") {
    banner.classList.remove("show");
    // "连接不上" said while the hub was away is no longer true: clear it.
    if ($("message").textContent === J.t("e_unreachable")) say("");
    if ($("dialog-error").textContent === J.t("e_unreachable")) $("dialog-error").textContent = "";
    if (model.wasLost) {  // back after a drop: what changed meanwhile comes from the hub
      model.wasLost = false;
      refresh(model.windowId ? ["me", "detail", "queue", "today", "transfers"] : ["me"]);
    }
  }
  renderTop();
}
export function onSnapshot() {
  refresh(model.windowId ? ["me", "detail", "queue", "today", "transfers"] : ["me"]);
}
export const WINDOW_EVENTS = ["clerk_signed_in", "clerk_signed_out", "window_paused", "window_opened"];
export const COUNTED = ["ticket_completed", "ticket_rated", "ticket_no_show", "ticket_transferred"];
export function onEvent(event) {
  const data = event.data || {};
  if (event.type.startsWith("case_") && JiaohaoCaller.onCaseEvent) JiaohaoCaller.onCaseEvent(event);
  const me = model.me ? model.me.username : null;
  if (event.type === "ticket_transferred" && data.note) model.notes[data.id] = data.note;
  if (event.type === "day_started" || event.type === "config_changed") {
    refresh(["me", "detail", "queue", "today", "transfers"]);
    return;
  }
  if (event.type === "clerk_signed_in" && me && data.replaced === me) {
    say(J.t("replaced", {name: clerkName(data.clerk), window: windowName(data.window)}), "error");
    loadMe();
    return;
  }
  const parts = new Set();
  if (WINDOW_EVENTS.includes(event.type)) parts.add("me");
  const mine = model.windowId !== null &&
    [data.window, data.from_window, data.to_window].includes(model.windowId);
  if (mine) {
    parts.add("detail").add("queue");
    if (COUNTED.includes(event.type)) parts.add("today");
    if (event.type === "ticket_transferred") parts.add("transfers");
    if (event.type === "ticket_called" && data.window === model.windowId) showCall(event);
  }
  if (model.windowId !== null && touchesMyQueue(data)) parts.add("queue");
  if (data.id && model.transfers.some((t) => t.id === data.id)) parts.add("transfers");
  if (parts.size) refresh(Array.from(parts));
}
/** A call to my window is shown at once from the event (it carries the call record). */
export function showCall(event) {
  if (!model.detail || !model.detail.window) return;
  const d = event.data;
  const current = model.detail.window.ticket;
  if (current && current.id === d.id) return;
  model.detail.window.ticket = {id: d.id, number: d.number, service: d.service, status: "called",
    recall_count: d.recall_count || 0, called_at: event.at, issued_at: null};
  model.queue = model.queue.filter((t) => t.id !== d.id);  // no longer waiting
  renderCurrent();
  renderQueue();
}
export function touchesMyQueue(data) {
  const services = myServices();
  const named = [data.service, data.from_service, data.to_service].concat(Object.keys(data.queue || {}));
  return named.some((s) => s && services.includes(s));
}
export function myServices() {
  return model.detail && model.detail.window ? model.detail.window.services : [];
}
export function clerkName(username) {
  return (model.me && model.me.staff && model.me.staff[username]) || username;
}
