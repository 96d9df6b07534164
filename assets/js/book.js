/* 网上预约: book a slot on the phone (service → day and slot → phone and texted code →
 * the appointment code), and view, reschedule or cancel it by code and phone (#mine).
 * Talks to /api/v1/book/...; no personal data is kept in the page beyond the form.
 */
import J from "./jiaohao.js";
import {el} from "./lib/dom.js";

J.addStrings({
  zh: {
    lang_other: "English", tab_book: "我要预约", tab_mine: "我的预约", back: "‹ 返回",
    choose_service: "请选择办理事项", choose_day: "选择日期", choose_slot: "选择时段",
    guide: "办事指南（请备齐材料）", g_materials: "所需材料", g_conditions: "办理条件",
    g_time_limit: "办理时限", g_fees: "收费标准",
    left: "余 {n} 个", full: "已约满", over: "已结束", today: "今天",
    phone: "手机号码", send_code: "获取验证码", resend: "重新发送（{n}秒）", otp: "短信验证码",
    id_number: "身份证号码（选填，可凭证件签到）",
    id_hint: "身份证号码只以加密摘要保存，用于在取号机上凭证件签到。",
    confirm: "确认预约", booked: "预约成功", your_code: "预约码",
    done_hint: "请在预约时段到大厅取号机签到：输入预约码，或手机号加短信验证码。预约码已通过短信发送。",
    view_mine: "查看 / 改约 / 取消", mine_title: "查询我的预约", lookup: "查询",
    reschedule: "改约", cancel: "取消预约", cancel_sure: "确定取消这个预约吗？",
    s_booked: "已预约", s_checked_in: "已签到", s_served: "已办结", s_missed: "已过时未签到",
    s_cancelled: "已取消",
    cancelled_ok: "预约已取消", moved_ok: "已改约到 {day} {slot}",
    need_phone: "请输入11位手机号码", need_otp: "请输入6位短信验证码",
    weekday: ["", "周一", "周二", "周三", "周四", "周五", "周六", "周日"],
    no_slots: "这个事项暂不接受预约", net: "网络不通，请稍后再试",
  },
  en: {
    lang_other: "中文", tab_book: "Book", tab_mine: "My appointment", back: "‹ Back",
    choose_service: "Choose a service", choose_day: "Choose a day", choose_slot: "Choose a time",
    guide: "Service guide (materials to bring)", g_materials: "Materials to bring",
    g_conditions: "Conditions", g_time_limit: "Time limit", g_fees: "Fees",
    left: "{n} left", full: "Full", over: "Over", today: "Today",
    phone: "Mobile number", send_code: "Send code", resend: "Resend ({n} s)", otp: "Code from the text message",
    id_number: "ID card number (optional: check in with your ID)",
    id_hint: "Your ID number is kept only as a protected digest, to check in with it at the kiosk.",
    confirm: "Confirm booking", booked: "Booked", your_code: "Appointment code",
    done_hint: "Check in at the kiosk in the hall during your slot: type the code, or your number and a texted code. The code was also sent to you.",
    view_mine: "View / change / cancel", mine_title: "Find my appointment", lookup: "Find",
    reschedule: "Change time", cancel: "Cancel appointment", cancel_sure: "Cancel this appointment?",
    s_booked: "Booked", s_checked_in: "Checked in", s_served: "Done", s_missed: "Missed",
    s_cancelled: "Cancelled",
    cancelled_ok: "The appointment is cancelled", moved_ok: "Moved to {day} {slot}",
    need_phone: "Enter your 11-digit mobile number", need_otp: "Enter the 6-digit code",
    weekday: ["", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    no_slots: "This service takes no appointments now", net: "No connection; please try again",
  },
});

const $ = (id) => document.getElementById(id);
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

async function lookup() {
  try {
    state.mine = await J.api("/api/v1/book/lookup", {method: "POST", body: mineBody()});
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
      state.mine = await J.api("/api/v1/book/reschedule", {method: "POST",
        body: Object.assign(mineBody(), {day: state.moveDay, slot: slot.start})});
      $("move").hidden = true;
      renderMine();
      showError(null);
    } catch (error) { showError(error); }
  }, state.mine);
}

async function cancel() {
  if (!window.confirm(J.t("cancel_sure"))) return;
  try {
    state.mine = await J.api("/api/v1/book/cancel", {method: "POST", body: mineBody()});
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
