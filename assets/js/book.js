/* 网上预约: book a slot on the phone (service → day and slot → phone and texted code →
 * the appointment code), and view, reschedule or cancel it by code and phone (#mine).
 * Talks to /api/v1/book/...; no personal data is kept in the page beyond the form.
 */
import J from "./jiaohao.js";
import {$, el} from "./lib/dom.js";
import strings from "./strings/book.js";

J.addStrings(strings);

const state = {info: null, service: null, days: [], day: null, slot: null, mine: null,
               moveDays: [], moveDay: null, resendAt: 0};

function showError(error) {
  const node = $("error");
  if (!error) { node.hidden = true; return; }
  node.textContent = error instanceof J.ApiError ? error.message
    : typeof error === "string" ? error : J.t("net");
  node.hidden = false;
  node.scrollIntoView({block: "center"});
}

function show(step) {
  for (const name of ["service", "slot", "phone", "done", "mine"]) $("step-" + name).hidden = name !== step;
  $("tab-book").className = step === "mine" ? "" : "on";
  $("tab-mine").className = step === "mine" ? "on" : "";
  showError(null);
  window.scrollTo(0, 0);
}

function dayLabel(day) {
  const today = state.info && day.day === state.info.today;
  return [el("b", {}, day.day.slice(5).replace("-", "/")),
          today ? J.t("today") : J.t("weekday")[day.weekday]];
}

// ----------------------------------------------------------------- booking

function renderServices() {
  $("center").textContent = J.name(state.info.center);
  $("services").replaceChildren(...state.info.services.map((service) => el("button", {
    type: "button", class: "service", "data-service": service.id,
    onclick: () => chooseService(service),
  }, J.name(service.name), el("small", {}, J.name(service.category)))));
}

function renderGuide(guide) {
  const fill = (id, items) => $(id).replaceChildren(...(items || []).map((text) => el("li", {}, text)));
  fill("g-materials", guide.materials);
  fill("g-conditions", guide.conditions);
  $("g-time-limit").textContent = guide.time_limit || "—";
  $("g-fees").textContent = guide.fees || "—";
}

async function loadDays(service) {
  const answer = await J.api(`/api/v1/book/slots?service=${encodeURIComponent(service.id)}`);
  return answer.days;
}

async function chooseService(service) {
  state.service = service;
  try {
    state.days = await loadDays(service);
  } catch (error) { showError(error); return; }
  state.day = (state.days.find((d) => d.slots.some((s) => s.open)) || state.days[0] || {}).day;
  $("slot-service").textContent = J.name(service.name);
  renderGuide(service.guide || {});
  renderSlots();
  show("slot");
}

function renderDayButtons(container, days, chosen, onChoose) {
  container.replaceChildren(...days.map((day) => el("button", {
    type: "button", class: "day" + (day.day === chosen ? " on" : ""), "data-day": day.day,
    onclick: () => onChoose(day.day),
  }, ...dayLabel(day))));
}

function renderSlotButtons(container, day, onChoose, current) {
  container.replaceChildren(...(day ? day.slots : []).map((slot) => {
    const mine = current && current.day === day.day && current.slot_start === slot.start;
    const open = slot.open && !mine;
    return el("button", {
      type: "button", class: "slot", "data-slot": slot.start, disabled: !open,
      onclick: () => onChoose(slot),
    }, `${slot.start}-${slot.end}`, el("small", {},
      slot.over ? J.t("over") : slot.open ? J.t("left", {n: slot.left}) : J.t("full")));
  }));
}

function renderSlots() {
  renderDayButtons($("days"), state.days, state.day, (d) => { state.day = d; renderSlots(); });
  renderSlotButtons($("slots"), state.days.find((d) => d.day === state.day), (slot) => {
    state.slot = slot;
    $("summary").replaceChildren(J.name(state.service.name), el("br"), `${state.day} ${slot.start}-${slot.end}`);
    show("phone");
  });
  if (!state.days.length) showError(J.t("no_slots"));
}

function phoneDigits(id) { return $(id).value.replace(/\D/g, ""); }

function tickResend() {
  const left = Math.ceil((state.resendAt - Date.now()) / 1000);
  const button = $("send-code");
  button.disabled = left > 0;
  button.textContent = left > 0 ? J.t("resend", {n: left}) : J.t("send_code");
  if (left > 0) setTimeout(tickResend, 500);
}

async function sendCode() {
  const phone = phoneDigits("phone");
  if (!/^1\d{10}$/.test(phone)) { showError(J.t("need_phone")); return; }
  try {
    const answer = await J.api("/api/v1/book/code", {method: "POST", body: {phone}});
    $("code-sent").textContent = J.name(answer.message);
    $("code-sent").hidden = false;
    showError(null);
    state.resendAt = Date.now() + 60000;
    tickResend();
    $("otp").focus();
  } catch (error) { showError(error); }
}

async function confirm() {
  const phone = phoneDigits("phone");
  const otp = $("otp").value.replace(/\D/g, "");
  if (!/^1\d{10}$/.test(phone)) { showError(J.t("need_phone")); return; }
  if (!/^\d{6}$/.test(otp)) { showError(J.t("need_otp")); return; }
  const body = {service: state.service.id, day: state.day, slot: state.slot.start, phone, otp};
  const id = $("id-number").value.trim().toUpperCase();
  if (id) body.id_number = id;
  $("confirm").disabled = true;
  try {
    const booked = await J.api("/api/v1/book", {method: "POST", body});
    $("done-code").textContent = booked.code;
    $("done-when").replaceChildren(J.name(booked.service_name), document.createElement("br"),
      `${booked.day} ${booked.slot_start}-${booked.slot_end}`);
    $("mine-code").value = booked.code;
    $("mine-phone").value = phone;
    $("otp").value = "";
    $("id-number").value = "";
    show("done");
  } catch (error) {
    showError(error);
    if (error instanceof J.ApiError && error.field === "slot") {
      state.days = await loadDays(state.service).catch(() => state.days);
    }
  } finally { $("confirm").disabled = false; }
}

// ----------------------------------------------------------------- mine

function renderMine() {
  const mine = state.mine;
  $("mine").hidden = !mine;
  if (!mine) return;
  $("mine-service").textContent = J.name(mine.service_name);
  $("mine-when").textContent = `${mine.day} ${mine.slot_start}-${mine.slot_end}`;
  $("mine-status").textContent = J.t("s_" + mine.status) + (mine.number ? ` · ${mine.number}` : "");
  $("mine-status").className = "status " + mine.status;
  $("mine-actions").hidden = !mine.changeable;
  if (!mine.changeable) $("move").hidden = true;
}

function mineBody() {
  return {code: $("mine-code").value.replace(/\D/g, ""), phone: phoneDigits("mine-phone")};
}

/** POST my appointment's code and phone (and `extra`) to `path`: the hub answers with it. */
function mineCall(path, extra) {
  return J.api(path, {method: "POST", body: Object.assign(mineBody(), extra || {})});
}

async function lookup() {
  try {
    state.mine = await mineCall("/api/v1/book/lookup");
    $("move").hidden = true;
    renderMine();
    showError(null);
  } catch (error) { state.mine = null; renderMine(); showError(error); }
}

async function startMove() {
  try {
    state.moveDays = await loadDays({id: state.mine.service});
  } catch (error) { showError(error); return; }
  state.moveDay = state.mine.day;
  $("move").hidden = false;
  renderMove();
}

function renderMove() {
  renderDayButtons($("move-days"), state.moveDays, state.moveDay, (d) => { state.moveDay = d; renderMove(); });
  renderSlotButtons($("move-slots"), state.moveDays.find((d) => d.day === state.moveDay), async (slot) => {
    try {
      state.mine = await mineCall("/api/v1/book/reschedule", {day: state.moveDay, slot: slot.start});
      $("move").hidden = true;
      renderMine();
      showError(null);
    } catch (error) { showError(error); }
  }, state.mine);
}

async function cancel() {
  if (!window.confirm(J.t("cancel_sure"))) return;
  try {
    state.mine = await mineCall("/api/v1/book/cancel");
    renderMine();
  } catch (error) { showError(error); }
}

// ----------------------------------------------------------------- start

function route() {
  show(location.hash === "#mine" ? "mine" : "service");
}

document.querySelectorAll("[data-back]").forEach((button) => button.addEventListener("click", () => show(button.dataset.back)));
$("send-code").addEventListener("click", sendCode);
$("confirm").addEventListener("click", confirm);
$("lookup").addEventListener("click", lookup);
$("reschedule").addEventListener("click", startMove);
$("cancel").addEventListener("click", cancel);
$("lang").addEventListener("click", () => {
  J.setLang(J.lang === "zh" ? "en" : "zh");
  J.translate();
  if (state.info) renderServices();
  if (state.service) { $("slot-service").textContent = J.name(state.service.name); renderSlots(); }
  renderMine();
});
window.addEventListener("hashchange", route);
J.translate();
J.api("/api/v1/book/services").then((info) => {
  state.info = info;
  renderServices();
  route();
}).catch(showError);
