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
import strings from "./strings/window.js";
import {applyToWindows, windowFrom} from "./lib/screen-state.js";
import {showClock, showStatus, takeDeviceNotices} from "./lib/screen-status.js";
import {$} from "./lib/dom.js";

const FLASH_MS = 7000;

J.addStrings(strings);

const match = /\/display\/window\/(\d+)/.exec(location.pathname);
const number = match ? Number(match[1]) : 0;
const view = {seq: 0, floor: 0, window: null, known: false, flashAt: 0, queue: null};
let shownCall = null;

function applySnapshot(snap) {
  view.seq = snap.seq;
  const found = (snap.windows || []).find((w) => w.id === number);
  const before = view.window;
  view.window = found ? Object.assign(windowFrom(found), {callSeq: null}) : null;
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
  // The one reducer of the screens (lib/screen-state.js), over this window alone.
  const changed = applyToWindows(new Map([[w.id, w]]), event);
  if (changed && (event.type === "ticket_called" || event.type === "ticket_recalled")) {
    w.callSeq = event.seq;
    view.flashAt = Date.now();
    S.sound.call({seq: event.seq, number: d.number, window: d.window}, event.at);
  } else if (changed && event.type === "clerk_signed_in") {
    refreshStaff();
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

function tick() { showClock(S.clock, false); }

// The display agent's device notices (lib/screen-status.js, as the banner).
takeDeviceNotices();

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
  showStatus("no_token");
} else {
  // The hall room too: a ticket issued for this window's services changes its queue.
  J.live({rooms: ["window:" + number, "hall"], token, onEvent, onMissedCall,
          onStatus: showStatus, onSnapshot: (snap) => { view.floor = 0; applySnapshot(snap); }});
}
