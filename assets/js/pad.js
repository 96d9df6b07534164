/* The rating pad at a window (窗口评价器), facing the citizen.
 *
 * Idle, it shows the clerk's card (政务公开: name, post, photo if configured). When
 * the window completes a ticket it asks for the national 政务服务“好差评” rating —
 * 非常满意 / 满意 / 基本满意 / 不满意 / 非常不满意 — and, for the two unhappy levels,
 * which aspect (服务效率、服务水平、服务态度) and an optional reason; it thanks the
 * citizen and returns to idle. One rating per ticket (一次一评) is the hub's rule: a
 * second one is refused (already_rated) and the pad says so kindly.
 *
 * Timeouts (seconds) may be set in the query: ?ask=30&details=60&thanks=6.
 */
import J from "./jiaohao.js";
import {$, el, fill} from "./lib/dom.js";
import strings from "./strings/pad.js";

const params = new URLSearchParams(location.search);
const WINDOW = Number((/\/pad\/window\/(\d+)/.exec(location.pathname) || [])[1]);
const seconds = (name, fallback) => {
  const value = Number(params.get(name));
  return value > 0 && value <= 600 ? value : fallback;
};
const TIMEOUT = {ask: seconds("ask", 30), details: seconds("details", 60), thanks: seconds("thanks", 6)};
const RETRIES = 3;
const LANG_KEY = "jiaohao.lang.pad";

// The offline 好差评 indicators, each with the reasons citizens most often give.
// Reasons are stored in Chinese whatever the pad's language: the center reads them.
const REASONS = {
  wait_long: {zh: "等候时间长", en: "Long wait"},
  slow: {zh: "办理速度慢", en: "Slow handling"},
  run_again: {zh: "需要多次跑", en: "Had to come again"},
  unskilled: {zh: "业务不熟练", en: "Not competent"},
  unclear: {zh: "告知不清楚", en: "Unclear information"},
  inconsistent: {zh: "材料要求前后不一", en: "Inconsistent requirements"},
  cold: {zh: "态度冷淡", en: "Indifferent"},
  rude: {zh: "用语不文明", en: "Impolite"},
  shirk: {zh: "推诿扯皮", en: "Passed the buck"},
};
const ASPECTS = [
  {id: "服务效率", name: {zh: "服务效率", en: "Efficiency"}, reasons: ["wait_long", "slow", "run_again"]},
  {id: "服务水平", name: {zh: "服务水平", en: "Competence"}, reasons: ["unskilled", "unclear", "inconsistent"]},
  {id: "服务态度", name: {zh: "服务态度", en: "Attitude"}, reasons: ["cold", "rude", "shirk"]},
];

J.addStrings(strings);

const pad = {
  token: "", window: null, phone: "", center: null, ticket: null, level: null,
  aspects: new Set(), reasons: new Set(), timer: null, step: null, deadline: 0, sending: false,
};

/* ------------------------------------------------------------ views and timeouts */

function show(view, timeout, then) {
  for (const name of ["idle", "ask", "details", "thanks"]) $("view-" + name).hidden = name !== view;
  clearInterval(pad.timer);
  pad.timer = null;
  if (!timeout) return;
  pad.deadline = Date.now() + timeout * 1000;
  const countdown = $(view + "-countdown");
  const step = () => {
    const left = Math.ceil((pad.deadline - Date.now()) / 1000);
    if (countdown) countdown.textContent = J.t("countdown", {n: Math.max(left, 0)});
    if (left <= 0) { clearInterval(pad.timer); pad.timer = null; then(); }
  };
  pad.timer = setInterval(step, 250);
  pad.step = step;
  step();
}

function idle() {
  pad.ticket = null;
  pad.level = null;
  show("idle");
  renderCard();
}

/* ------------------------------------------------------------ the clerk's card */

function adoptWindow(snapshot) {
  pad.window = (snapshot.windows || []).find((w) => w.id === WINDOW) || null;
  pad.phone = (snapshot.display && snapshot.display.complaint_phone) || "";
  pad.center = snapshot.center_name || null;
  renderCard();
}

async function reloadCard() {
  try {
    adoptWindow(await J.api("/api/v1/state", {token: pad.token}));
  } catch (error) { /* the live channel will bring it back */ }
}

function renderCard() {
  const w = pad.window;
  const staff = (w && w.staff) || {};
  $("window-name").textContent = w ? J.name(w.name) : "";
  $("staff-name").textContent = staff.name || "";
  $("staff-post").textContent = staff.post || "";
  const photo = $("staff-photo");
  fill(photo);
  photo.hidden = !staff.name;
  if (staff.photo) {
    photo.append(el("img", {src: staff.photo, alt: ""}));
  } else if (staff.name) {
    photo.textContent = staff.name.slice(0, 1);  // the family name, in place of a photo
  }
  let state = "";
  if (!w || w.state === "closed" || !w.clerk) state = J.t("closed");
  else if (w.state === "paused") state = J.t("paused", {reason: w.reason || ""});
  $("window-state").textContent = state;
  $("view-idle").classList.toggle("closed", Boolean(state));
  $("complaint-phone").textContent = pad.phone;
  $("center-name").textContent = pad.center ? J.name(pad.center) : "";
}

/* ------------------------------------------------------------ asking */

function ask(ticket) {
  pad.ticket = ticket;
  pad.level = null;
  renderAsk();
  show("ask", TIMEOUT.ask, idle);  // no answer: back to idle, nothing is recorded
}

function renderAsk() {
  if (!pad.ticket) return;
  const staff = pad.window && pad.window.staff && pad.window.staff.name;
  $("ask-about").textContent = J.t("about", {number: pad.ticket.number,
    window: pad.window ? J.name(pad.window.name) : ""}) + (staff ? " · " + staff : "");
}

function chooseLevel(level) {
  if (!pad.ticket || pad.sending) return;
  pad.level = level;
  if (level >= 3) { send(); return; }
  pad.aspects.clear();
  pad.reasons.clear();
  $("reason-text").value = "";
  renderDetails();
  // The citizen has answered with the level: if they walk away from the details,
  // the level is still recorded, with whatever aspects they chose.
  show("details", TIMEOUT.details, send);
}

function renderDetails() {
  $("details-title").textContent = J.t("details_title", {level: J.t("level_" + pad.level)});
  $("reason-text").placeholder = J.t("reason_placeholder");
  fill($("aspects"), ASPECTS.map((aspect) => {
    const on = pad.aspects.has(aspect.id);
    const reasons = aspect.reasons.map((key) => el("button", {type: "button", class: "reason", "data-reason": key,
      "data-aspect": aspect.id, "aria-pressed": String(pad.reasons.has(key)), text: J.name(REASONS[key])}));
    return el("div", on ? "aspect on" : "aspect",
      el("button", {type: "button", class: "aspect-button", "data-aspect-toggle": aspect.id, "aria-pressed": String(on),
        text: J.name(aspect.name)}),
      el("div", "reasons", reasons));
  }));
  $("details-submit").disabled = pad.aspects.size === 0;
}

function toggleAspect(id) {
  if (pad.aspects.has(id)) {
    pad.aspects.delete(id);
    ASPECTS.find((a) => a.id === id).reasons.forEach((r) => pad.reasons.delete(r));
  } else pad.aspects.add(id);
  renderDetails();
}

function toggleReason(key, aspect) {
  if (pad.reasons.has(key)) pad.reasons.delete(key);
  else { pad.reasons.add(key); pad.aspects.add(aspect); }
  renderDetails();
}

function reasonText() {
  const chosen = Array.from(pad.reasons).map((key) => REASONS[key].zh);
  const typed = $("reason-text").value.trim();
  return chosen.concat(typed ? [typed] : []).join("；").slice(0, 200);
}

/* ------------------------------------------------------------ sending */

async function send() {
  if (!pad.ticket || pad.sending) return;
  const ticket = pad.ticket;
  const level = pad.level;
  const body = {level};
  if (level <= 2) {
    body.aspects = ASPECTS.map((a) => a.id).filter((id) => pad.aspects.has(id));
    const reason = reasonText();
    if (reason) body.reason = reason;
  }
  pad.sending = true;
  show(pad.level <= 2 ? "details" : "ask");
  setBusy(true);
  let outcome = "failed";
  for (let attempt = 1; attempt <= RETRIES; attempt++) {
    try {
      // The pad rates by number, through its own window: the hub takes it only from
      // the pad bound to this window, for a ticket completed here (一次一评).
      await J.api(`/api/v1/windows/${WINDOW}/rating`, {token: pad.token,
                                                        body: Object.assign({number: ticket.number}, body)});
      outcome = "thanks";
      break;
    } catch (error) {
      if (error.code === "already_rated") { outcome = "already"; break; }
      if (!(error instanceof J.Unreachable) || attempt === RETRIES) break;
      await new Promise((resolve) => setTimeout(resolve, 800 * attempt));
    }
  }
  pad.sending = false;
  setBusy(false);
  if (pad.ticket !== ticket) return;  // a newer completion took over meanwhile
  thank(outcome, level);
}

function setBusy(busy) {
  document.querySelectorAll("#levels button, #details-submit, #details-back").forEach((b) => {
    b.disabled = busy || (b.id === "details-submit" && pad.aspects.size === 0);
  });
}

function thank(outcome, level) {
  pad.ticket = null;
  $("view-thanks").className = "view thanks " + outcome;
  if (outcome === "thanks") {
    $("thanks-title").textContent = J.t("thanks");
    $("thanks-text").textContent = level <= 2 ? J.t("thanks_unhappy") : J.t("thanks_text");
  } else {
    $("thanks-title").textContent = J.t(outcome);
    $("thanks-text").textContent = J.t(outcome + "_text");
  }
  show("thanks", TIMEOUT.thanks, idle);
}

/* ------------------------------------------------------------ live */

function onEvent(event) {
  const d = event.data || {};
  if (d.window !== WINDOW && event.type !== "config_changed" && event.type !== "day_started") return;
  switch (event.type) {
    case "ticket_completed":
      ask({number: d.number});
      break;
    case "ticket_rated":  // rated elsewhere (the phone page) while we ask: don't ask twice
      if (pad.ticket && pad.ticket.number === d.number && !pad.sending) thank("already", d.level);
      break;
    case "window_paused":
      if (pad.window) { pad.window.state = "paused"; pad.window.reason = d.reason; renderCard(); }
      break;
    case "window_opened":
      if (pad.window) { pad.window.state = "open"; pad.window.reason = null; renderCard(); }
      break;
    case "clerk_signed_in": case "clerk_signed_out": case "config_changed": case "day_started":
      reloadCard();  // the card (name, post, photo) comes with the window's state
      break;
    default:
  }
}

function onStatus(status) {
  document.body.dataset.status = status;  // as on the hall and window screens: body[data-status]
  const banner = $("banner");
  banner.classList.toggle("show", status === "lost" || status === "refused");
  banner.textContent = status === "refused" ? J.t("banner_refused") : J.t("banner_lost");
}

/* ------------------------------------------------------------ touches */

function onClick(event) {
  const el = event.target.closest("button");
  if (!el || el.disabled) return;
  if (el.dataset.level) chooseLevel(Number(el.dataset.level));
  else if (el.dataset.aspectToggle) toggleAspect(el.dataset.aspectToggle);
  else if (el.dataset.reason) toggleReason(el.dataset.reason, el.dataset.aspect);
  else if (el.id === "details-submit") send();
  else if (el.id === "details-back" && pad.ticket) show("ask", TIMEOUT.ask, idle);
  else if (el.id === "lang") setLang(J.lang === "zh" ? "en" : "zh");
}

function setLang(lang) {
  J.setLang(lang);
  try { localStorage.setItem(LANG_KEY, lang); } catch (e) { /* private mode */ }
  $("lang").textContent = lang === "zh" ? "English" : "中文";
  renderCard();
  renderAsk();
  if (pad.timer && pad.step) pad.step();  // the countdown, in the new language
  if (pad.level && !$("view-details").hidden) renderDetails();
}

function start() {
  let lang = params.get("lang");
  try { lang = lang || localStorage.getItem(LANG_KEY); } catch (e) { /* private mode */ }
  setLang(lang || "zh");
  document.addEventListener("click", onClick);
  // Typing a reason keeps the details open: each key restarts their timeout.
  $("reason-text").addEventListener("input", () => { pad.deadline = Date.now() + TIMEOUT.details * 1000; });
  pad.token = J.token();
  if (!pad.token) {
    $("window-state").textContent = J.t("no_token");
    return;
  }
  idle();
  // "hall" as well as "window:N": the hub pushes config_changed and day_started to the
  // hall only (window rooms get them on resync), and the card must follow both.
  J.live({rooms: ["window:" + WINDOW, "hall"], token: pad.token, onSnapshot: adoptWindow,
          onEvent, onStatus});
}

start();
