/* The phone page of one ticket (/t/<id>, from the QR code): where it stands,
 * updated live through the ticket:<id> room; "请到3号窗口" when it is called.
 *
 * Holding the unguessable id is the permission; the page shows no personal data.
 */
import J from "./jiaohao.js";
import strings from "./strings/ticket.js";
import {$} from "./lib/dom.js";

const ticketId = decodeURIComponent(location.pathname.split("/").pop() || "");

J.addStrings(strings);

let ticket = null;
let liveStatus = "connecting";
let waitReceived = Date.now();  // when the estimate now shown arrived (for the countdown)
setInterval(renderWait, 5000);

/** Large text (大字): everything under the header a third bigger, kept on this phone. */
const LARGE_KEY = "jiaohao.ticket.large";
function setLarge(on) {
  document.documentElement.classList.toggle("large", on);
  $("large").setAttribute("aria-pressed", String(on));
  $("large").dataset.i18n = on ? "large_off" : "large_on";
  $("large").textContent = J.t($("large").dataset.i18n);
  try { localStorage.setItem(LARGE_KEY, on ? "1" : ""); } catch (e) { /* private mode */ }
}

function render() {
  J.translate();
  if (!ticket) return;
  $("card").hidden = false;
  $("center").textContent = J.name(ticket.center_name);
  $("number").textContent = ticket.number;
  $("service").textContent = J.name(ticket.service_name);
  const status = ticket.status;
  document.body.className = status;
  const values = {window: ticket.window || "", name: J.name(ticket.window_name) || ""};
  $("state").textContent = J.t(status in {waiting: 1, called: 1, serving: 1, done: 1, no_show: 1, suspended: 1, closed_out: 1} ? status : "waiting", values);
  $("ahead").textContent = J.t("ahead_value", {n: ticket.ahead});
  renderWait();
  const closed = ticket.closed_out;
  const carried = closed && closed.appointment;
  $("hint").textContent = status === "called" ? J.t("hint_called", values)
    : status === "done" ? J.t("hint_done") : status === "waiting" ? J.t("hint_waiting")
    : status === "closed_out" && closed ? J.t("hint_closed_out", {reason: closed.reason})
      + (carried ? " " + J.t("carried", carried) : "") : "";
  document.title = `${ticket.number} · ${$("state").textContent}`;
  const canNotify = "Notification" in window && window.isSecureContext && status === "waiting";
  $("notify").hidden = !canNotify;
  if (canNotify && Notification.permission === "granted") $("notify").textContent = J.t("notify_on");
  renderGuide(ticket.guide);
  renderLive();
}

function renderGuide(guide) {
  if (!guide) return;
  $("guide").hidden = false;
  const fill = (id, items) => $(id).replaceChildren(...(items || []).map((text) => {
    const li = document.createElement("li"); li.textContent = text; return li;
  }));
  fill("g-materials", guide.materials);
  fill("g-conditions", guide.conditions);
  $("g-time-limit").textContent = guide.time_limit || "—";
  $("g-fees").textContent = guide.fees || "—";
  $("g-basis").textContent = guide.basis || "—";
}

/** The estimate, counted down between updates: minutes since it arrived are taken off. */
function renderWait() {
  if (!ticket || ticket.status !== "waiting") { $("eta").textContent = "—"; $("eta-note").hidden = true; return; }
  const wait = ticket.wait || (ticket.eta_minutes !== null && ticket.eta_minutes !== undefined
    ? {state: ticket.ahead ? "queue" : "now", minutes: ticket.eta_minutes, low: ticket.eta_minutes, high: ticket.eta_minutes}
    : null);
  $("eta").textContent = J.waitText(wait, (Date.now() - waitReceived) / 60000);
  $("eta").dataset.state = wait ? wait.state : "";
  const note = $("eta-note");
  note.hidden = !(wait && wait.after_closing && wait.state !== "closed");
  note.textContent = J.t("w_after_closing");
}

function renderLive() {
  const node = $("live");
  node.className = "live" + (liveStatus === "lost" ? " lost" : "");
  node.textContent = liveStatus === "live" ? J.t("live") : liveStatus === "lost" ? J.t("lost")
    : liveStatus === "refused" ? J.t("refused") : "";
}

/** Apply a new picture of the ticket; alert once when it turns to "called". */
function update(changes) {
  const before = ticket && ticket.status;
  const recalled = changes.recall_count !== undefined && ticket && changes.recall_count !== ticket.recall_count;
  ticket = Object.assign({}, ticket, changes);
  if ("wait" in changes || "eta_minutes" in changes) waitReceived = Date.now();
  render();
  if (ticket.status === "called" && (before !== "called" || recalled)) alertCalled();
}

function alertCalled() {
  try { if (navigator.vibrate) navigator.vibrate([400, 200, 400, 200, 400]); } catch (e) { /* not allowed */ }
  if ("Notification" in window && Notification.permission === "granted") {
    try { new Notification(J.t("notification", {number: ticket.number, window: ticket.window})); } catch (e) { /* mobile: needs a service worker */ }
  }
}

async function load() {
  try {
    update(await J.api(`/api/v1/tickets/${encodeURIComponent(ticketId)}`));
    return true;
  } catch (error) {
    if (error instanceof J.ApiError && error.status === 404) {
      $("missing").hidden = false;
      $("card").hidden = true;
      J.translate();
      return false;
    }
    liveStatus = "lost";
    renderLive();
    return true;
  }
}

function onEvent(event) {
  const data = event.data || {};
  if (data.id !== ticketId) return;
  switch (event.type) {
    case "ticket_called":
    case "ticket_recalled":
      update({status: "called", window: data.window, window_name: {zh: data.window_name}, recall_count: data.recall_count || 0});
      break;
    case "service_started": update({status: "serving"}); break;
    case "ticket_completed": update({status: "done"}); break;
    case "ticket_no_show": update({status: "no_show"}); break;
    case "ticket_suspended": update({status: "suspended"}); break;
    default: load();  // back in a queue (reinstated, resumed, transferred): the hub knows where
  }
}

function start() {
  J.live({
    rooms: ["ticket:" + ticketId],
    onSnapshot(snapshot) { const found = (snapshot.tickets || {})[ticketId]; if (found) update(found); },
    onEvent,
    onProgress(message) { if (message.data && message.data.id === ticketId) update(message.data); },
    onStatus(status) { liveStatus = status; renderLive(); },
  });
}

$("lang").addEventListener("click", () => { J.setLang(J.lang === "zh" ? "en" : "zh"); render(); });
$("large").addEventListener("click", () => setLarge(!document.documentElement.classList.contains("large")));
let large = false;
try { large = localStorage.getItem(LARGE_KEY) === "1"; } catch (e) { /* private mode */ }
setLarge(large);
$("notify").addEventListener("click", async () => {
  try { await Notification.requestPermission(); } catch (e) { /* refused */ }
  render();
});
J.translate();
load().then((found) => { if (found) start(); });
