/* Hall display (综合屏): the newest call, the last calls, every window, the queues.
 *
 * Fed by the /live "hall" room through Jiaohao.live, which resyncs with `since`
 * after a drop (each event applied once). The page keeps a small picture of the
 * hall, updated from each event, and never counts a queue itself: waiting
 * figures come from the snapshot and from the `data.queue` the hub puts on each
 * event. Calls are keyed by ticket number and ordered by seq, so two calls made at the
 * same instant both show, a recall moves its ticket to the top and flashes it
 * again, and a call replayed after a reconnect is never listed twice.
 *
 * Add ?lang=en for English, ?rotate=SECONDS to turn the 政务公开 slides at another pace
 * (1–600 s; 12 s unless told). Test hooks: body[data-status], [data-number],
 * .call-row[data-number], .window-card[data-window].
 */
import J from "./jiaohao.js";
import S from "./screen.js";
import {$, el} from "./lib/dom.js";
import strings from "./strings/hall.js";
import {applyToWindows, windowFrom} from "./lib/screen-state.js";
import {showClock, showStatus, takeDeviceNotices} from "./lib/screen-status.js";

const RECENT_MAX = 6;          // cells in the "recent calls" list (3 × 2)
const KEEP_CALLS = 16;
const FLASH_MS = 7000;         // how long a new call stays highlighted
const ROTATE_MS = rotateSeconds(new URLSearchParams(location.search).get("rotate")) * 1000;
const STAFF_PER_SLIDE = 4;      // two columns of two
const MISSED_MAX = 6;          // numbers in the 过号 list

J.addStrings(strings);

const view = {
  seq: 0, floor: 0, businessDay: "", centerName: null, display: {},
  services: [], windows: new Map(), calls: new Map(), staffByClerk: new Map(),
  missed: [], center: "",
};
let shownNewest = null;

function windowLabel(id) { return J.t("hall.window", {n: id}); }

function shortName(name) {
  // "户籍业务（户口迁移、身份证办理）" -> "户籍业务": the bar has room for the gist only.
  return J.name(name).replace(/\s*[（(][^（()）]*[)）]\s*$/, "");
}

/* ------------------------------------------------------------ the picture */

function windowOf(w) {
  if (w.clerk && w.staff && w.staff.name) view.staffByClerk.set(w.clerk, w.staff);
  return windowFrom(w);
}

function rememberCall(call, flash) {
  // Calls are kept by ticket number: a public screen never learns a ticket's id.
  const known = view.calls.get(call.number);
  if (known && known.seq >= call.seq) return;
  call.flashAt = flash ? Date.now() : (known ? known.flashAt : 0);
  view.calls.set(call.number, call);
  if (view.calls.size > KEEP_CALLS) {
    const oldest = Array.from(view.calls.values()).sort((a, b) => a.seq - b.seq)[0];
    view.calls.delete(oldest.number);
  }
}

function applySnapshot(snap) {
  view.seq = snap.seq;
  view.centerName = snap.center_name;
  view.businessDay = snap.business_day;
  view.display = snap.display || {};
  view.center = snap.center || "";
  S.sound.center = view.center;
  view.missed = (snap.no_shows || []).slice(0, MISSED_MAX);
  S.clock.learn(snap.now);
  view.services = (snap.services || []).map((s) => Object.assign({}, s));
  view.windows = new Map((snap.windows || []).map((w) => [w.id, windowOf(w)]));
  view.calls = new Map();
  (snap.recent_calls || []).slice().sort((a, b) => a.seq - b.seq).forEach((c) => {
    rememberCall({seq: c.seq, type: c.type, number: c.number, window: c.window,
                  recall_count: c.recall_count}, false);
  });
  render();
}

function applyQueue(queue) {
  for (const [id, figures] of Object.entries(queue)) {
    const service = view.services.find((s) => s.id === id);
    if (service) Object.assign(service, figures);
  }
}

function onEvent(event) {
  if (event.seq <= view.floor) return;   // already in a snapshot fetched over REST
  view.seq = Math.max(view.seq, event.seq);
  S.clock.atLeast(event.at);
  const d = event.data || {};
  if (d.queue) applyQueue(d.queue);
  applyToWindows(view.windows, event, (clerk) => view.staffByClerk.get(clerk));
  switch (event.type) {
    case "ticket_called":
    case "ticket_recalled":
      rememberCall({seq: event.seq, type: event.type, number: d.number,
                    window: d.window, recall_count: d.recall_count}, true);
      S.sound.call({seq: event.seq, number: d.number, window: d.window}, event.at);
      break;
    case "ticket_no_show":
      view.missed = [d.number].concat(view.missed.filter((n) => n !== d.number)).slice(0, MISSED_MAX);
      break;
    case "ticket_reinstated":
      view.missed = view.missed.filter((n) => n !== d.number);
      break;
    case "clerk_signed_in":
      refreshStaff();
      break;
    case "config_changed": case "day_started":
      refreshAll();
      break;
    default:
      break;
  }
  render();
}

/* After a long drop the hub answers with a snapshot, and the live client hands on
 * the calls in it this screen never had: new to the people in front of it, so
 * flashed and said (the snapshot already put them in the list). */
function onMissedCall(event) {
  const d = event.data || {};
  const known = view.calls.get(d.number);
  if (known && known.seq === event.seq) known.flashAt = Date.now();
  else rememberCall({seq: event.seq, type: event.type, number: d.number, window: d.window,
                     recall_count: d.recall_count}, true);
  S.sound.call({seq: event.seq, number: d.number, window: d.window}, event.at);
  render();
}

/* The staff card (name and post) of a clerk who just signed in is not in the
 * event: read it from the hub's snapshot, for the windows still staffed so. */
async function refreshStaff() {
  try {
    const snap = await J.api("/api/v1/state", {token});
    for (const fresh of snap.windows) {
      const w = view.windows.get(fresh.id);
      if (fresh.clerk && fresh.staff && fresh.staff.name) view.staffByClerk.set(fresh.clerk, fresh.staff);
      if (w && w.clerk === fresh.clerk) w.staff = fresh.staff || {};
    }
    render();
  } catch (error) { console.warn("staff refresh failed", error); }
}

/* The configuration or the day changed: take the whole picture again. */
async function refreshAll() {
  try {
    const snap = await J.api("/api/v1/state", {token});
    if (snap.seq < view.seq) { setTimeout(refreshAll, 1000); return; }
    view.floor = snap.seq;
    applySnapshot(snap);
  } catch (error) { setTimeout(refreshAll, 3000); }
}

/* ------------------------------------------------------------ drawing */

function render() {
  $("center-name").textContent = view.centerName ? J.name(view.centerName) : "";
  if (view.centerName) document.title = J.name(view.centerName) + " · " + J.t("hall.now");
  renderDate();
  tick();
  renderNewest();
  renderRecent();
  renderWindows();
  renderQueues();
  renderPublic(false);
  renderMissed();
  renderNotice();
  fitTexts();
}

/* Long names (English, a long service name, a paused card) shrink to fit: never "…". */
function fitTexts() {
  S.fit(document.querySelectorAll(".center-name, .newest .where, .call-row .to, " +
    ".window-card .name, .window-card .current, .window-card .state, " +
    ".queue .figures, .public .slide li, .public .staff .post, .public .complaint"));
  // Figures still wider than their cell at the smallest size ("14 waiting No window"
  // in a sixth of an English hall): the count alone, not "No windo".
  document.querySelectorAll(".queue .figures").forEach((figures) => {
    figures.classList.remove("count-only");
    if (figures.scrollWidth > figures.clientWidth + 1) figures.classList.add("count-only");
  });
  S.fit(document.querySelectorAll(".queue .title"), true);
}

function sortedCalls() {
  return Array.from(view.calls.values()).sort((a, b) => b.seq - a.seq);
}

function flashing(call) { return call.flashAt && Date.now() - call.flashAt < FLASH_MS; }

function restart(node, className) {
  node.classList.remove(className);
  void node.offsetWidth;  // let the browser see the class go, so the animation runs again
  node.classList.add(className);
}

/* A call stands while its ticket is still at that window, called or being served,
 * and the window is open: a no-show, completion, transfer or 挂起, a pause, a
 * sign-out or a closed window ends it. */
function stands(call) {
  const w = view.windows.get(call.window);
  return Boolean(w && w.state === "open" && w.ticket && w.ticket.number === call.number);
}

/** The call the big panel shows: the newest that still stands, or none. */
function currentCall() {
  return sortedCalls().find(stands) || null;
}

function renderNewest() {
  const box = $("newest");
  const newest = currentCall();
  $("newest-empty").style.display = newest ? "none" : "";
  box.querySelector(".where").style.display = newest ? "" : "none";
  $("newest-number").textContent = newest ? newest.number : "";
  $("newest-number").dataset.number = newest ? newest.number : "";
  $("newest-window").textContent = newest ? windowLabel(newest.window) : "";
  box.classList.toggle("is-recall", Boolean(newest && newest.recall_count > 0));
  box.dataset.seq = newest ? newest.seq : "";
  const key = newest ? newest.seq : null;
  if (key !== shownNewest) {
    shownNewest = key;
    if (newest && flashing(newest)) restart(box, "flash"); else box.classList.remove("flash");
  }
}

function renderRecent() {
  const list = $("recent");
  const shown = currentCall();
  const rows = sortedCalls().filter((c) => c !== shown).slice(0, RECENT_MAX);
  const existing = new Map(Array.from(list.children).map((node) => [node.dataset.number, node]));
  const wanted = new Set(rows.map((c) => c.number));
  existing.forEach((node, number) => { if (!wanted.has(number)) node.remove(); });
  rows.forEach((call, index) => {
    let row = existing.get(call.number);
    if (!row) {
      row = el("li", "call-row");
      row.append(el("span", "number num"), el("span", "to"));
    }
    row.dataset.number = call.number;
    row.querySelector(".number").textContent = call.number;
    row.querySelector(".to").textContent = windowLabel(call.window);
    if (String(call.flashAt) !== row.dataset.flashAt) {
      row.dataset.flashAt = String(call.flashAt);
      if (flashing(call)) restart(row, "fresh"); else row.classList.remove("fresh");
    }
    if (list.children[index] !== row) list.insertBefore(row, list.children[index] || null);
  });
}

function windowState(w) {
  // A paused card says 暂停 in its big line and the reason (午休, 会议 …) under it.
  if (w.state === "paused") return ["paused", w.reason || J.t("state.paused")];
  if (w.state === "closed") return ["closed", J.t("state.closed")];
  if (w.ticket) return [w.ticket.status === "serving" ? "serving" : "called", J.t("state." + (w.ticket.status === "serving" ? "serving" : "called"))];
  return ["idle", J.t("state.idle")];
}

function renderWindows() {
  const grid = $("windows");
  const windows = Array.from(view.windows.values()).sort((a, b) => a.id - b.id);
  const cols = windows.length <= 4 ? Math.max(windows.length, 1) : windows.length <= 12 ? 4 : windows.length <= 20 ? 5 : 6;
  grid.style.setProperty("--cols", cols);
  grid.style.setProperty("--rows", Math.max(2, Math.ceil(windows.length / cols)));
  grid.replaceChildren(...windows.map((w) => {
    const [kind, label] = windowState(w);
    const card = el("div", "window-card " + kind);
    card.dataset.window = w.id;
    card.dataset.state = kind;
    const shown = kind === "paused" ? J.t("state.paused_short")
      : w.ticket && kind !== "closed" ? w.ticket.number : "—";
    const current = el("div", "current num", shown);
    if (w.ticket) current.dataset.number = w.ticket.number;
    // An English window name ("Window 1 Social insurance") does not fit a card: its number does.
    const name = J.lang === "en" ? windowLabel(w.id) : J.name(w.name) || windowLabel(w.id);
    card.append(el("div", "name", name), current, el("div", "state", label));
    return card;
  }));
}

function renderQueues() {
  $("queues").replaceChildren(...view.services.map((s) => {
    const cell = el("div", "queue" + (s.open === false ? " shut" : ""));
    cell.dataset.service = s.id;
    const title = el("div", "title");
    title.append(el("span", "prefix", s.prefix || ""), el("span", "name", shortName(s.name)));
    const figures = el("div", "figures");
    const waiting = el("span", "waiting num", String(s.waiting || 0));
    figures.append(waiting, el("span", "unit", J.t("queue.unit")));
    if (s.open === false && !s.waiting) figures.append(el("span", "eta", J.t("queue.shut")));
    else if (s.wait && s.wait.state === "no_window" && s.waiting) figures.append(el("span", "eta no-window", J.t("w_no_window_short")));
    else if (s.wait && s.waiting && s.wait.minutes) figures.append(el("span", "eta", J.t("queue.eta", {m: s.wait.minutes})));
    else if (s.wait) { /* served now, or nothing to say: the count alone */ }
    else if (s.waiting && s.eta_minutes) figures.append(el("span", "eta", J.t("queue.eta", {m: s.eta_minutes})));
    cell.append(title, figures);
    return cell;
  }));
}

function renderMissed() {
  const box = $("missed");
  box.hidden = !view.missed.length;
  box.title = J.t("hall.missed_hint");
  document.body.classList.toggle("has-missed", view.missed.length > 0);
  $("missed-list").replaceChildren(...view.missed.map((n) => {
    const item = el("li", "num", n);
    item.dataset.number = n;
    return item;
  }));
}

/* 公告: one line, scrolled from right to left at a steady reading pace. */
let shownNotice = null;
function renderNotice() {
  const notice = view.display.notice || {};
  const text = (J.lang === "en" && notice.en) ? notice.en : (notice.zh || "");
  document.body.classList.toggle("has-notice", Boolean(text));
  if (text === shownNotice) return;
  shownNotice = text;
  const track = $("notice-text");
  track.textContent = text;
  track.style.animationDuration = Math.max(12, text.length * (J.lang === "en" ? 0.18 : 0.45)) + "s";
  restart(track, "scrolling");
}

/* ------------------------------------------------------------ 政务公开 */

/** The slide interval in seconds: ?rotate= when it is 1–600, else 12. */
function rotateSeconds(asked) {
  const value = Number(asked);
  return value >= 1 && value <= 600 ? value : 12;
}

let slideIndex = 0;

function slides() {
  const out = [];
  const staffed = Array.from(view.windows.values())
    .filter((w) => w.staff && w.staff.name).sort((a, b) => a.id - b.id);
  for (let i = 0; i < staffed.length; i += STAFF_PER_SLIDE) out.push({kind: "staff", windows: staffed.slice(i, i + STAFF_PER_SLIDE)});
  if (!staffed.length) out.push({kind: "staff", windows: []});
  const promises = (view.display.promises || []);
  if (promises.length) out.push({kind: "promises", items: promises});
  return out;
}

function renderPublic(advance) {
  const all = slides();
  if (advance) slideIndex = (slideIndex + 1) % all.length;
  slideIndex = slideIndex % all.length;
  const slide = all[slideIndex];
  const box = $("public-slide");
  const list = el("ul", slide.kind);
  if (slide.kind === "staff") {
    if (!slide.windows.length) list.append(el("li", "", J.t("public.no_staff")));
    slide.windows.forEach((w) => {
      const item = el("li");
      item.append(el("span", "where", windowLabel(w.id)), el("span", "who", w.staff.name), el("span", "post", w.staff.post || ""));
      list.append(item);
    });
  } else {
    slide.items.forEach((text) => list.append(el("li", "", text)));
  }
  box.replaceChildren(list);
  S.fit(list.querySelectorAll("li, .post"));
  $("public-kind").textContent = J.t(slide.kind === "staff" ? "public.staff" : "public.promises");
  box.dataset.slide = slide.kind;
  $("public-dots").replaceChildren(...all.map((_, i) => el("span", i === slideIndex ? "on" : "")));
  const phone = view.display.complaint_phone;
  const complaint = $("complaint");
  complaint.replaceChildren();
  if (phone) complaint.append(J.t("public.complaint") + "  ", el("span", "num", phone));
}

function rotate() {
  const box = $("public-slide");
  box.classList.add("fading");
  setTimeout(() => { renderPublic(true); box.classList.remove("fading"); }, 800);
}

/* ------------------------------------------------------------ date, clock, status */

function renderDate() {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(view.businessDay || "");
  if (!match) { $("date").textContent = ""; return; }
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  const names = J.lang === "en" ? J.t("weekdays").split(",") : Array.from(J.t("weekdays"));
  const mon = new Date(Date.UTC(y, m - 1, d)).toLocaleString("en", {month: "short", timeZone: "UTC"});
  $("date").textContent = J.t("date", {y, m, d, w: names[weekday], mon});
}

function tick() { showClock(S.clock, true); }

// The display agent's device notices (lib/screen-status.js, as the banner).
takeDeviceNotices();

/* ------------------------------------------------------------ start */

const lang = new URLSearchParams(location.search).get("lang");
J.setLang(lang === "en" ? "en" : "zh");
const token = J.token();
S.sound.mount($("sound"));
if (document.fonts) document.fonts.ready.then(fitTexts);
window.addEventListener("resize", fitTexts);
tick();
setInterval(tick, 1000);
setInterval(rotate, ROTATE_MS);
render();
if (!token) {
  showStatus("no_token");
} else {
  J.live({
    rooms: ["hall"], token,
    onSnapshot: (snap) => { view.floor = 0; applySnapshot(snap); },
    onEvent, onMissedCall, onStatus: showStatus,
  });
}
