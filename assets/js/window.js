/* Window display (窗口屏): the small screen above one window.
 *
 * Shows the window's name, the number called to it (or served at it), the
 * clerk on duty (name and post, 挂牌上岗) and whether it is paused (with the
 * reason) or closed. Fed by the /live "window:N" room with `since`, so after a
 * drop it shows where the window stands now, and a call is flashed once.
 *
 * Add ?lang=en for English. Test hooks: body[data-status], body[data-state],
 * #current[data-number].
 */
import J from "./jiaohao.js";
import S from "./screen.js";

const FLASH_MS = 7000;

J.addStrings({
  zh: {
    "win.name": "{n}号窗口", "win.please": "请", "win.come": "号 到本窗口办理",
    "win.serving": "正在办理", "win.recall": "重呼", "win.on_duty": "工作人员",
    "win.idle": "欢迎光临", "win.idle_hint": "等待叫号",
    "win.paused": "暂停服务", "win.paused_hint": "请到其他窗口办理",
    "win.closed": "暂未开放", "win.unknown": "没有{n}号窗口",
    "win.next": "下一位", "win.waiting": "{n}人等候", "win.nobody": "暂无等候",
    "status.connecting": "正在连接叫号服务器…",
    "status.lost": "⚠ 连接中断，正在重新连接… Connection lost",
    "status.refused": "本屏幕未获授权：设备令牌无效",
    "status.no_token": "本屏幕缺少设备令牌（请在网址后加 #token=…）",
  },
  en: {
    "win.name": "Window {n}", "win.please": "Now calling", "win.come": "Please come to this window",
    "win.serving": "Now serving", "win.recall": "Recall", "win.on_duty": "On duty",
    "win.idle": "Welcome", "win.idle_hint": "Waiting for the next call",
    "win.paused": "Paused", "win.paused_hint": "Please go to another window",
    "win.closed": "Closed", "win.unknown": "There is no window {n}",
    "win.next": "Next", "win.waiting": "{n} waiting", "win.nobody": "Nobody waiting",
    "status.connecting": "Connecting to the hub…",
    "status.lost": "⚠ Connection lost — reconnecting… 连接中断",
    "status.refused": "This screen's device token was refused",
    "status.no_token": "This screen needs a device token (#token=… in its address)",
  },
});

const $ = (id) => document.getElementById(id);
const match = /\/display\/window\/(\d+)/.exec(location.pathname);
const number = match ? Number(match[1]) : 0;
const view = {seq: 0, floor: 0, window: null, known: false, flashAt: 0, queue: null};
let shownCall = null;

function windowFrom(w) {
  const ticket = w.ticket ? {number: w.ticket.number, status: w.ticket.status,
                             recall_count: w.ticket.recall_count} : null;
  return {id: w.id, name: w.name, state: w.state, reason: w.reason, clerk: w.clerk,
          staff: w.staff || {}, ticket, callSeq: null};
}

function applySnapshot(snap) {
  view.seq = snap.seq;
  const found = (snap.windows || []).find((w) => w.id === number);
  const before = view.window;
  view.window = found ? windowFrom(found) : null;
  view.known = true;
  S.clock.learn(snap.now);
  S.sound.center = snap.center || "";
  view.queue = (snap.window_queues || {})[String(number)] || null;
  if (view.window && before && before.ticket && view.window.ticket &&
      before.ticket.number === view.window.ticket.number) {
    view.window.callSeq = before.callSeq;   // the same call: not new, no flash
  }
  render();
}

/* A call to this window that the page missed, listed by the snapshot that answered
 * it after a long drop: said, and flashed if it is still the window's call. */
function onMissedCall(event) {
  const d = event.data || {};
  const w = view.window;
  if (!w || d.window !== number) return;
  if (w.ticket && w.ticket.number === d.number) { w.callSeq = event.seq; view.flashAt = Date.now(); }
  S.sound.call({seq: event.seq, number: d.number, window: d.window}, event.at);
  render();
}

function onEvent(event) {
  if (event.seq <= view.floor) return;
  view.seq = Math.max(view.seq, event.seq);
  S.clock.atLeast(event.at);
  const d = event.data || {};
  // The hub's routing says who this window calls next and how many wait for it.
  if (d.window_queues && d.window_queues[String(number)]) view.queue = d.window_queues[String(number)];
  const w = view.window;
  if (event.type === "config_changed" || event.type === "day_started") { refreshAll(); return; }
  if (!w) return;
  const mine = d.window === number;
  const current = w.ticket && w.ticket.number === d.number;  // screens know numbers, not ids
  switch (event.type) {
    case "ticket_called": case "ticket_recalled":
      if (!mine) break;
      w.ticket = {number: d.number, status: "called", recall_count: d.recall_count};
      w.callSeq = event.seq;
      view.flashAt = Date.now();
      S.sound.call({seq: event.seq, number: d.number, window: d.window}, event.at);
      break;
    case "service_started":
      if (mine && current) w.ticket.status = "serving";
      break;
    case "ticket_completed": case "ticket_no_show": case "ticket_suspended":
      if (mine && current) w.ticket = null;
      break;
    case "ticket_transferred":
      if (d.from_window === number && current) w.ticket = null;
      break;
    case "clerk_signed_in":
      if (mine) { Object.assign(w, {clerk: d.clerk, state: "open", reason: null}); refreshStaff(); }
      break;
    case "clerk_signed_out":
      if (mine) Object.assign(w, {clerk: null, state: "closed", reason: null, staff: {}});
      break;
    case "window_paused":
      if (mine) Object.assign(w, {state: "paused", reason: d.reason});
      break;
    case "window_opened":
      if (mine) Object.assign(w, {state: "open", reason: null});
      break;
    default:
      break;
  }
  render();
}

/* The name and post of a clerk who just signed in come from the snapshot. */
async function refreshStaff() {
  try {
    const snap = await J.api("/api/v1/state", {token});
    const fresh = snap.windows.find((w) => w.id === number);
    if (fresh && view.window && fresh.clerk === view.window.clerk) view.window.staff = fresh.staff || {};
    render();
  } catch (error) { console.warn("staff refresh failed", error); }
}

async function refreshAll() {
  try {
    const snap = await J.api("/api/v1/state", {token});
    if (snap.seq < view.seq) { setTimeout(refreshAll, 1000); return; }
    view.floor = snap.seq;
    applySnapshot(snap);
  } catch (error) { setTimeout(refreshAll, 3000); }
}

/* ------------------------------------------------------------ drawing */

function kindOf(w) {
  if (!w) return "closed";
  if (w.state === "paused") return "paused";
  if (w.state === "closed") return "closed";
  if (w.ticket) return w.ticket.status === "serving" ? "serving" : "called";
  return "idle";
}

function render() {
  const w = view.window;
  const kind = kindOf(w);
  const label = w ? J.name(w.name) : J.t("win.name", {n: number});
  $("window-name").textContent = label;
  document.title = label + " · 窗口屏";
  const body = document.body;
  ["called", "serving", "idle", "paused", "closed"].forEach((k) => body.classList.toggle(k, k === kind));
  body.dataset.state = kind;
  const withTicket = kind === "called" || kind === "serving";
  $("with-ticket").hidden = !withTicket;
  $("without-ticket").hidden = withTicket;
  if (withTicket) {
    $("current").textContent = w.ticket.number;
    $("current").dataset.number = w.ticket.number;
    $("serving-label").textContent = J.t(kind === "called" ? "win.please" : "win.serving");
    $("hint").textContent = kind === "called" ? J.t("win.come") : "";
    $("with-ticket").classList.toggle("is-recall", kind === "called" && w.ticket.recall_count > 0);
  } else {
    $("current").dataset.number = "";
    const big = {idle: "win.idle", paused: "win.paused", closed: "win.closed"}[kind];
    $("big-state").textContent = view.known && !w ? J.t("win.unknown", {n: number}) : J.t(big);
    $("reason").textContent = kind === "paused" ? (w.reason || J.t("win.paused_hint"))
      : kind === "idle" ? J.t("win.idle_hint") : "";
  }
  renderQueue(w);
  tick();
  const staff = w && w.state !== "closed" && w.staff && w.staff.name ? w.staff : null;
  $("staff").hidden = !staff;
  $("staff-name").textContent = staff ? staff.name : "";
  $("staff-post").textContent = staff ? staff.post || "" : "";
  $("staff-photo").hidden = !(staff && staff.photo);
  if (staff && staff.photo) $("staff-photo").src = staff.photo;
  const call = withTicket ? w.callSeq : null;
  if (call !== shownCall) {
    shownCall = call;
    const screen = $("screen");
    screen.classList.remove("flash");
    if (call !== null && Date.now() - view.flashAt < FLASH_MS) {
      void screen.offsetWidth;  // restart the animation for a recall of the same number
      screen.classList.add("flash");
    }
  }
  fitTexts();
}

function fitTexts() {
  S.fit(document.querySelectorAll(".window-name, .queue-line, .big-state, .reason, .hint, " +
                                  ".serving-label, .current, .staff-card"));
}

/* Next number and how many wait for this window: shown while it is open. */
function renderQueue(w) {
  const q = view.queue;
  const show = Boolean(w && w.state === "open" && q);
  $("queue-line").hidden = !show;
  if (!show) return;
  $("next-label").textContent = J.t("win.next");
  $("next-number").textContent = q.next || "—";
  $("next-number").dataset.number = q.next || "";
  $("waiting-count").textContent = q.waiting ? J.t("win.waiting", {n: q.waiting}) : J.t("win.nobody");
  $("waiting-count").dataset.waiting = String(q.waiting || 0);
}

/* ------------------------------------------------------------ clock, status */

function tick() {
  // The hub's clock (never this PC's), in the center's time zone.
  $("clock").textContent = S.clock.known ? S.clock.hhmm(false) : "";
}

function onStatus(status) {
  document.body.dataset.status = status;
  document.body.classList.toggle("cut", status === "lost");
  const banner = $("banner");
  banner.classList.toggle("show", status !== "live");
  banner.classList.toggle("warn", status === "connecting");
  banner.textContent = status === "live" ? "" : J.t("status." + status);
}

/* Called by the display agent (pywebview) to show a device problem, e.g. no sound. */
function deviceNotice(text) {
  $("notice").textContent = text || "";
  $("notice").classList.toggle("show", Boolean(text));
}
window.JiaohaoDisplay = {deviceNotice};

const lang = new URLSearchParams(location.search).get("lang");
J.setLang(lang === "en" ? "en" : "zh");
const token = J.token();
S.sound.mount($("sound"));
if (document.fonts) document.fonts.ready.then(fitTexts);
window.addEventListener("resize", fitTexts);
tick();
setInterval(tick, 1000);
render();
if (!token || !number) {
  onStatus("no_token");
} else {
  // The hall room too: a ticket issued for this window's services changes its queue.
  J.live({rooms: ["window:" + number, "hall"], token, onEvent, onMissedCall, onStatus,
          onSnapshot: (snap) => { view.floor = 0; applySnapshot(snap); }});
}
