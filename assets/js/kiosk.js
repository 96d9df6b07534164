/* The kiosk (取号机): categories → service → optional priority → ticket; guide,
 * appointment check-in, large text, English; printing through the kiosk agent.
 *
 * The hub decides everything (numbers, who is ahead, whether a service is open);
 * this page only shows it. A ticket is handed to the agent for printing only
 * after the hub answered 201. In a plain browser (no window.pywebview) the
 * ticket is shown on screen and nothing is printed.
 */
import J from "./jiaohao.js";
import {el} from "./lib/dom.js";

const params = new URLSearchParams(location.search);
// Seconds without a touch before the kiosk returns to the start for the next person.
const IDLE = Math.max(3, Number(params.get("idle")) || 45);
const LONG_PRESS_MS = 3000;
const REFRESH_MS = 30000;
const CODE_LENGTH = 6;
const PHONE_LENGTH = 11;  // a mainland mobile number
const ID_LENGTH = 18;  // a resident ID card number (GB 11643); shown masked, never in clear
const codeLength = () => (S.checkinMode === "id" ? ID_LENGTH : CODE_LENGTH);
const RESEND_MS = 60 * 1000;  // the hub sends a number one code a minute at most

J.addStrings({
  zh: {
    subtitle: "自助取号", lang_other: "English", large_on: "大字模式", large_off: "标准字体",
    choose_category: "请选择要办理的业务", back: "‹ 返回", services_count: "{n}项业务",
    waiting_none: "现在无需等候", waiting: "等候 {n} 人", eta: "约 {n} 分钟",
    take_number: "取号", guide: "办事指南", checkin_tile: "预约签到",
    checkin_tile_sub: "已预约的群众请在此输入预约码",
    priority_question: "是否需要优先办理？", normal: "普通取号", normal_sub: "不需要优先",
    priority_note: "优先号仅限符合条件的群众（老年人、残疾人、孕妇、军人等），工作人员可能查验相关证件。",
    checkin_title: "预约签到", checkin_hint: "请输入短信中的6位预约码",
    checkin_by_code: "预约码签到", checkin_by_phone: "手机号签到", checkin_by_id: "身份证签到",
    checkin_hint_id: "请输入预约时登记的身份证号码（末位是X请按X键）",
    checkin_hint_phone: "请输入预约手机号和6位预约码，或获取短信验证码",
    checkin_hint_otp: "请输入短信中的6位验证码",
    phone_label: "手机号", code_label: "预约码", otp_label: "验证码",
    send_code: "发送验证码", send_again: "重新发送（{n}秒）",
    code_sent: "如果这个号码今天有预约，验证码已发送到该手机，{n}分钟内有效",
    err_wrong_code: "验证码不正确，请重新输入", err_code_expired: "验证码已失效，请重新获取",
    err_rate_limited: "操作太频繁，请稍后再试", err_invalid_phone: "手机号不正确",
    err_unknown_appointment_phone: "手机号与预约码不匹配，请核对后重新输入",
    checkin_go: "确认签到", clear: "清空", delete: "删除",
    your_number: "您的号码", ahead_label: "前面还有", ahead_value: "{n} 人",
    eta_label: "预计等待", eta_value: "约 {n} 分钟", eta_now: "马上办理",
    watch_calls: "请留意叫号，听到号码后到对应窗口办理",
    qr_hint: "扫码在手机上查看排队进度", done: "完成", back_in: "{n} 秒后返回首页",
    tag_appointment: "预约", bring: "请准备好：{list}",
    printing: "正在打印号票…", printed: "请取走号票", print_failed: "号票未能打印：{reason}。请记下号码或用手机扫码。",
    no_printer: "本机不打印号票，请记下号码或用手机扫码。",
    g_materials: "所需材料", g_conditions: "办理条件", g_time_limit: "办理时限",
    g_fees: "收费标准", g_basis: "办理依据", guide_note: "请备齐材料后取号，避免多跑一趟。",
    close: "关闭", ok: "知道了", issuing: "正在取号，请稍候…",
    closed_closed_today: "今天不办公", closed_not_yet_open: "尚未开始取号",
    closed_past_cutoff: "今日已停止取号", closed_daily_cap_reached: "今日号已取完",
    closed_other: "暂停取号", opens_at: "{when}开始取号",
    lost: "暂时无法连接服务器，正在自动重新连接…请稍候或咨询工作人员",
    refused: "本机未获授权，请联系工作人员", complaint: "投诉电话 {phone}",
    printer_ok: "打印机正常", printer_fault: "打印机故障：{reason}（仍可取号，号码显示在屏幕上）",
    printer_low: "打印纸即将用完",
    err_service_closed: "该业务现在不能取号", err_daily_cap_reached: "该业务今日号已取完",
    err_unknown_appointment: "没有找到这个预约码，请核对后重新输入",
    err_appointment_cancelled: "这个预约已经取消",
    err_appointment_already_checked_in: "这个预约已经签到过了",
    err_appointment_not_today: "这个预约不是今天的",
    err_appointment_missed: "预约时段已过，请重新取号",
    err_unreachable: "暂时无法连接服务器，请稍后再试",
    err_other: "取号没有成功，请再试一次或咨询工作人员",
    staff_title: "工作人员", reprint: "补打上一张号票", last_ticket: "上一张号票：{number}",
    no_last: "还没有打印过号票", reprinted: "已补打", no_bridge: "本机没有连接打印机",
  },
  en: {
    subtitle: "Self-service tickets", lang_other: "中文", large_on: "Large text", large_off: "Normal text",
    choose_category: "Please choose a service", back: "‹ Back", services_count: "{n} services", services_count_1: "1 service",
    waiting_none: "No wait now", waiting: "{n} waiting", eta: "about {n} min",
    take_number: "Take a number", guide: "Service guide", checkin_tile: "Appointment check-in",
    checkin_tile_sub: "Booked an appointment? Enter your code here",
    priority_question: "Do you need priority service?", normal: "Regular ticket", normal_sub: "No priority needed",
    priority_note: "Priority is for eligible people only (elderly, disabled, pregnant, military…). Staff may check.",
    checkin_title: "Appointment check-in", checkin_hint: "Enter the 6-digit code from your text message",
    checkin_by_code: "By code", checkin_by_phone: "By phone number", checkin_by_id: "By ID card",
    checkin_hint_id: "Enter the ID card number given when booking (X for a final X)",
    checkin_hint_phone: "Phone number and 6-digit code, or ask for a code by text",
    checkin_hint_otp: "Enter the 6-digit code from the text message",
    phone_label: "Phone", code_label: "Code", otp_label: "SMS code",
    send_code: "Send me a code", send_again: "Send again ({n} s)",
    code_sent: "If this number has an appointment today, a code was sent to it (valid {n} min)",
    err_wrong_code: "Wrong code; please try again", err_code_expired: "The code is no longer valid; ask for a new one",
    err_rate_limited: "Too many tries; please wait a moment", err_invalid_phone: "The phone number is not valid",
    err_unknown_appointment_phone: "The phone number and code do not match; please check them",
    checkin_go: "Check in", clear: "Clear", delete: "Delete",
    your_number: "Your number", ahead_label: "People ahead", ahead_value: "{n}",
    eta_label: "Estimated wait", eta_value: "about {n} min", eta_now: "You are next",
    watch_calls: "Please watch for your number and go to the window shown",
    qr_hint: "Scan to follow your turn on your phone", done: "Done", back_in: "Back to start in {n} s",
    tag_appointment: "Appointment", bring: "Please have ready: {list}",
    printing: "Printing your ticket…", printed: "Please take your ticket",
    print_failed: "The ticket could not be printed: {reason}. Please note your number or scan the code.",
    no_printer: "This kiosk does not print. Please note your number or scan the code.",
    g_materials: "Materials to bring", g_conditions: "Conditions", g_time_limit: "Time limit",
    g_fees: "Fees", g_basis: "Legal basis", guide_note: "Bring everything listed so one visit is enough.",
    close: "Close", ok: "OK", issuing: "Getting your number…",
    closed_closed_today: "Closed today", closed_not_yet_open: "Not issuing yet",
    closed_past_cutoff: "No more tickets today", closed_daily_cap_reached: "All tickets for today are taken",
    closed_other: "Not issuing now", opens_at: "tickets from {when}",
    lost: "Cannot reach the server; reconnecting… please wait or ask staff",
    refused: "This kiosk is not authorised; please call staff", complaint: "Complaints {phone}",
    printer_ok: "Printer ready", printer_fault: "Printer problem: {reason} (tickets are still shown on screen)",
    printer_low: "Paper running low",
    err_service_closed: "This service is not issuing tickets now",
    err_daily_cap_reached: "All tickets for this service are taken today",
    err_unknown_appointment: "No appointment with this code; please check it",
    err_appointment_cancelled: "This appointment was cancelled",
    err_appointment_already_checked_in: "This appointment is already checked in",
    err_appointment_not_today: "This appointment is not for today",
    err_appointment_missed: "The appointment time has passed; please take a regular number",
    err_unreachable: "Cannot reach the server; please try again shortly",
    err_other: "That did not work; please try again or ask staff",
    staff_title: "Staff", reprint: "Reprint last ticket", last_ticket: "Last ticket: {number}",
    no_last: "No ticket printed yet", reprinted: "Reprinted", no_bridge: "No printer on this kiosk",
  },
});

const $ = (id) => document.getElementById(id);
const S = {
  token: J.token(), info: null, services: [], shape: "", category: null, service: null,
  ticket: null, printState: null, printer: null, bridge: null, live: null, online: false, status: "connecting",
  busy: false, code: "", phone: "", otpSent: false, resendAt: 0, codeMinutes: 5, checkinMode: "code", field: "code", idleLeft: IDLE, hubOffset: 0, zoneMinutes: 480, pressTimer: null,
};

/* ------------------------------------------------------------ hub data */

async function loadInfo() {
  S.info = await J.api("/api/v1/kiosk", {token: S.token});
  S.hubOffset = Date.parse(S.info.now) - Date.now();
  const zone = /([+-])(\d{2}):(\d{2})$/.exec(S.info.now);
  S.zoneMinutes = zone ? (zone[1] === "-" ? -1 : 1) * (Number(zone[2]) * 60 + Number(zone[3])) : 0;
  renderChrome();
}

async function loadServices() {
  const data = await J.api("/api/v1/services", {token: S.token});
  S.services = data.services;
  const shape = JSON.stringify(S.services.map((s) => [s.id, s.open, s.closed_reason, s.opens_at, s.name]));
  if (shape !== S.shape) { S.shape = shape; renderLists(); } else updateCounts();
}

async function refresh() {
  try {
    await loadInfo();
    await loadServices();
  } catch (error) {
    if (error instanceof J.Unreachable) setConnection("lost");
    else console.error(error);
  }
}

function applyQueue(queue) {
  for (const [id, q] of Object.entries(queue || {})) {
    const service = S.services.find((s) => s.id === id);
    if (service) { service.waiting = q.waiting; service.eta_minutes = q.eta_minutes; service.wait = q.wait; }
  }
  updateCounts();
}

function startLive() {
  S.live = J.live({
    rooms: ["hall"], token: S.token,
    onSnapshot(snapshot) {
      const changed = snapshot.services.some((s) => {
        const known = S.services.find((k) => k.id === s.id);
        return !known || known.open !== s.open;
      });
      const queue = {};
      snapshot.services.forEach((s) => { queue[s.id] = s; });
      applyQueue(queue);
      if (changed) refresh();
    },
    onEvent(event) {
      if (event.data && event.data.queue) applyQueue(event.data.queue);
      if (event.type === "config_changed" || event.type === "day_started") refresh();
    },
    onStatus: setConnection,
  });
}

function setConnection(status) {
  const banner = $("banner");
  const wasDown = S.status === "lost" || S.status === "refused";
  S.status = status;
  S.online = status === "live";
  banner.classList.toggle("show", status === "lost" || status === "refused");
  banner.textContent = status === "refused" ? J.t("refused") : J.t("lost");
  document.body.classList.toggle("offline", status === "lost");
  markUnreachable();
  if (S.online && wasDown) refresh();  // recovered: services may have changed meanwhile
}

/** While the hub cannot be reached every way to a ticket is greyed out and does
 *  nothing (the banner says why), so nobody walks through category and service to
 *  learn it at the end; they come back by themselves once the hub does. */
const TICKET_WAYS = "#categories .tile, #service-list .svc-take, #priority-list .prio, #g-issue";

function markUnreachable() {
  const down = S.status === "lost" || S.status === "refused";
  document.body.classList.toggle("unreachable", down);
  renderCode();  // its buttons' own rules, and the hub's state
  document.querySelectorAll(TICKET_WAYS).forEach((button) => {
    if (down && !button.disabled) { button.disabled = true; button.dataset.unreachable = ""; }
    else if (!down && button.dataset.unreachable !== undefined) {
      button.disabled = false;
      delete button.dataset.unreachable;
    }
  });
}

/* ------------------------------------------------------------ rendering */

function serviceName(service) { return J.name(service.name); }

/** A tile's queue line: 马上办理 only when a window is idle for it, no number when
 *  nobody is staffed for it, and a warning before taking a ticket closing may cut off. */
function waitText(service) {
  const wait = service.wait;
  const sep = J.lang === "en" ? " · " : " · ";
  let text;
  if (!wait) text = service.waiting ? J.t("waiting", {n: service.waiting}) + sep + J.t("eta", {n: service.eta_minutes}) : J.t("waiting_none");
  else if (!service.waiting && wait.state === "now") text = J.t("waiting_none");
  else text = (service.waiting ? J.t("waiting", {n: service.waiting}) + sep : "") + J.waitText(wait);
  if (wait && wait.after_closing && wait.state !== "closed") text += sep + J.t("w_after_closing");
  return text;
}

const EN_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function whenText(iso) {
  // The hub sends the center's local time with its offset: read it as written.
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(iso || "");
  if (!m) return "";
  const time = `${m[4]}:${m[5]}`;
  if (S.info && `${m[1]}-${m[2]}-${m[3]}` === S.info.business_day) return time;
  if (J.lang === "en") return `${Number(m[3])} ${EN_MONTHS[Number(m[2]) - 1]} ${time}`;
  return `${Number(m[2])}月${Number(m[3])}日 ${time}`;
}

function closedText(service) {
  const key = "closed_" + (service.closed_reason || "other");
  let text = J.t(J.t(key) === key ? "closed_other" : key);
  if (service.opens_at) text += (J.lang === "en" ? "; " : "，") + J.t("opens_at", {when: whenText(service.opens_at)});
  return text;
}

function categories() {
  const found = [];
  for (const service of S.services) {
    const key = service.category.zh;
    let group = found.find((g) => g.key === key);
    if (!group) { group = {key, name: service.category, services: []}; found.push(group); }
    group.services.push(service);
  }
  return found;
}

function renderLists() {
  const tiles = $("categories");
  tiles.replaceChildren();
  for (const group of categories()) {
    const open = group.services.some((s) => s.open);
    tiles.appendChild(el("button", {class: "tile" + (open ? "" : " closed"), type: "button", "data-category": group.key}, [
      el("span", {class: "tile-name", text: J.name(group.name)}),
      el("span", {class: "tile-list", text: group.services.map(serviceName).join(J.lang === "en" ? "; " : "、")}),
      el("span", {class: "tile-sub", "data-category-sub": group.key}),
    ]));
  }
  tiles.appendChild(el("button", {class: "tile checkin-tile", type: "button", "data-action": "checkin"}, [
    el("span", {class: "tile-name", text: J.t("checkin_tile")}),
    el("span", {class: "tile-sub", text: J.t("checkin_tile_sub")}),
  ]));
  tiles.dataset.count = String(tiles.children.length);
  renderServices();
  updateCounts();
  markUnreachable();
}

function renderServices() {
  const list = $("service-list");
  list.replaceChildren();
  const group = categories().find((g) => g.key === S.category);
  if (!group) return;
  $("category-title").textContent = J.name(group.name);
  list.dataset.count = String(group.services.length);
  for (const service of group.services) {
    const take = el("button", {class: "svc-take", type: "button", "data-service": service.id, disabled: !service.open}, [
      el("span", {class: "svc-name", text: serviceName(service)}),
      el("span", {class: service.open ? "svc-wait" : "svc-closed", "data-wait": service.id}),
      el("span", {class: "svc-go", text: J.t("take_number") + " ›"}),
    ]);
    const guide = el("button", {class: "svc-guide", type: "button", "data-guide": service.id, text: J.t("guide")});
    list.appendChild(el("div", {class: "service-card" + (service.open ? "" : " closed")}, [take, guide]));
  }
  markUnreachable();
}

function updateCounts() {
  document.querySelectorAll("[data-wait]").forEach((node) => {
    const service = S.services.find((s) => s.id === node.dataset.wait);
    if (!service) return;
    node.textContent = service.open ? waitText(service) : closedText(service);
    const wait = service.wait;
    node.classList.toggle("warn", !!(service.open && wait && (wait.state === "no_window" || (wait.after_closing && wait.state !== "closed"))));
  });
  document.querySelectorAll("[data-category-sub]").forEach((node) => {
    const group = categories().find((g) => g.key === node.dataset.categorySub);
    if (!group) return;
    const open = group.services.filter((s) => s.open);
    const waiting = open.reduce((sum, s) => sum + s.waiting, 0);
    node.textContent = open.length
      ? J.t(group.services.length === 1 && J.lang === "en" ? "services_count_1" : "services_count", {n: group.services.length}) + " · " + (waiting ? J.t("waiting", {n: waiting}) : J.t("waiting_none"))
      : closedText(group.services[0]);
  });
}

function renderChrome() {
  const info = S.info;
  if (info) {
    $("center-zh").textContent = J.name(info.center_name);
    $("phone").textContent = info.complaint_phone ? J.t("complaint", {phone: info.complaint_phone}) : "";
  }
  $("large-toggle").textContent = J.t(document.body.classList.contains("large") ? "large_off" : "large_on");
  renderPrinter();
  tick();
}

function renderAll() {
  J.translate();
  $("banner").textContent = J.t(S.status === "refused" ? "refused" : "lost");
  renderChrome();
  renderLists();
  if (S.service && !$("priority").hidden) renderPriority();
  if (S.ticket) renderTicket();
  if (!$("guide").hidden && S.guideFor) openGuide(S.guideFor);
  renderCode();
}

function tick() {
  const now = new Date(Date.now() + S.hubOffset + S.zoneMinutes * 60000);
  const hh = String(now.getUTCHours()).padStart(2, "0");
  const mm = String(now.getUTCMinutes()).padStart(2, "0");
  const zhDays = "日一二三四五六";
  const enDays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  $("clock").textContent = J.lang === "en"
    ? `${enDays[now.getUTCDay()]} ${now.getUTCDate()} ${EN_MONTHS[now.getUTCMonth()]} ${hh}:${mm}`
    : `${now.getUTCMonth() + 1}月${now.getUTCDate()}日 星期${zhDays[now.getUTCDay()]} ${hh}:${mm}`;
}

/* ------------------------------------------------------------ screens */

function show(screen) {
  document.querySelectorAll(".screen").forEach((node) => { node.hidden = node.id !== screen; });
  document.body.dataset.screen = screen;
}

function overlay(id, open) { $(id).hidden = !open; }

function setLarge(on) {
  // On <html> for the root size (rem), on <body> for the rules that pick parts.
  document.documentElement.classList.toggle("large", on);
  document.body.classList.toggle("large", on);
}

function goHome() {
  S.category = null; S.service = null; S.ticket = null; S.code = "";
  ["guide", "notice", "staff", "busy"].forEach((id) => overlay(id, false));
  show("home");
}

/** Back to the start for the next person: Chinese, normal text, first screen. */
function reset() {
  setLarge(false);
  if (J.lang !== "zh") J.setLang("zh");
  goHome();
  renderAll();
}

function openCategory(key) {
  S.category = key;
  renderServices();
  updateCounts();
  show("services");
}

function choosePriority(service) {
  S.service = service;
  renderPriority();
  show("priority");
}

function renderPriority() {
  $("priority-service").textContent = serviceName(S.service);
  const list = $("priority-list");
  list.replaceChildren(el("button", {class: "prio normal", type: "button", "data-priority": ""}, [
    el("span", {class: "prio-name", text: J.t("normal")}),
    el("span", {class: "prio-sub", text: J.t("normal_sub")}),
  ]));
  for (const p of (S.info && S.info.priority_classes) || []) {
    list.appendChild(el("button", {class: "prio", type: "button", "data-priority": p.id}, [
      el("span", {class: "prio-name", text: J.name(p.name)}),
    ]));
  }
  markUnreachable();
}

function openGuide(serviceId) {
  const service = S.services.find((s) => s.id === serviceId);
  if (!service) return;
  S.guideFor = serviceId;
  const guide = service.guide || {};
  $("g-title").textContent = serviceName(service) + " · " + J.t("guide");
  const fill = (id, items) => $(id).replaceChildren(...(items || []).map((text) => el("li", {text})));
  fill("g-materials", guide.materials);
  fill("g-conditions", guide.conditions);
  $("g-time-limit").textContent = guide.time_limit || "—";
  $("g-fees").textContent = guide.fees || "—";
  $("g-basis").textContent = guide.basis || "—";
  const issue = $("g-issue");
  issue.disabled = !service.open;
  issue.textContent = service.open ? J.t("take_number") : closedText(service);
  $("g-wait").textContent = service.open ? waitText(service) : "";
  $("g-wait").className = "g-wait" + (service.wait && (service.wait.after_closing || service.wait.state === "no_window") ? " warn" : "");
  overlay("guide", true);
}

function notice(text) {
  $("notice-text").textContent = text;
  overlay("notice", true);
}

function errorText(error) {
  if (error instanceof J.Unreachable) return J.t("err_unreachable");
  const key = "err_" + (error.code || "other");
  return J.t(key) !== key ? J.t(key) : J.t("err_other");
}

/* ------------------------------------------------------------ issuing */

async function issue(body, onError, path) {
  if (S.busy) return;  // a second touch while the first is on its way
  S.busy = true;
  overlay("busy", true);
  try {
    const ticket = await J.api(path || "/api/v1/tickets", {token: S.token, body});
    const service = S.services.find((s) => s.id === ticket.service) || {id: ticket.service, name: {zh: ticket.service}, guide: {}};
    S.ticket = {answer: ticket, service, priority: body.priority || null};
    S.printState = null;
    renderTicket();
    show("ticket");
    printTicket(S.ticket);
    loadServices().catch(() => {});
  } catch (error) {
    (onError || notice)(errorText(error), error);
    if (!(error instanceof J.ApiError)) console.error(error);
  } finally {
    S.busy = false;
    overlay("busy", false);
  }
}

function priorityName(id) {
  const found = ((S.info && S.info.priority_classes) || []).find((p) => p.id === id);
  return found ? found.name : null;
}

function renderTicket() {
  const {answer, service, priority} = S.ticket;
  $("t-number").textContent = answer.number;
  $("t-service").textContent = serviceName(service);
  $("t-ahead").textContent = J.t("ahead_value", {n: answer.ahead});
  // The ticket screen's figure is short; the slip and the tile before it said the rest.
  $("t-eta").textContent = !answer.wait ? (answer.ahead ? J.t("eta_value", {n: answer.eta_minutes}) : J.t("eta_now"))
    : answer.wait.state === "no_window" ? J.t("w_no_window_short") : J.waitText(answer.wait);
  const tags = [];
  if (answer.appointment) tags.push(J.t("tag_appointment"));
  if (priority && priorityName(priority)) tags.push(J.name(priorityName(priority)));
  $("t-tags").replaceChildren(...tags.map((text) => el("span", {class: "tag", text})));
  $("t-qr").src = J.withCenter(`/api/v1/tickets/${encodeURIComponent(answer.id)}/qr.svg`);
  const materials = (service.guide && service.guide.materials) || [];
  $("t-materials").textContent = materials.length ? J.t("bring", {list: materials.join(J.lang === "en" ? "; " : "、")}) : "";
  renderPrintState();
}

function renderPrintState() {
  const node = $("t-print");
  const state = S.printState;
  node.className = "print-state" + (state && state.fault ? " fault" : "");
  if (!S.bridge) node.textContent = J.t("no_printer");
  else if (!state) node.textContent = J.t("printing");
  else if (state.ok) node.textContent = J.t("printed");
  else node.textContent = J.t("print_failed", {reason: printerReason(state.status, state.message)});
}

/** The slip's line under the wait when minutes alone would mislead (Chinese, as printed). */
function slipWaitNote(wait) {
  if (!wait) return null;
  if (wait.state === "no_window") return "暂无窗口办理，请咨询导服台";
  if (wait.after_closing && wait.state !== "closed") return "今日下班前可能无法办理，请咨询导服台";
  if (wait.state === "resumes" && wait.resumes_at) return J.clockTime(wait.resumes_at) + " 开始/恢复办理";
  return null;
}

/** What the agent prints: the hub's answer plus what the slip says besides. */
function slipFor(ticket) {
  const {answer, service, priority} = ticket;
  const label = priority && priorityName(priority) ? priorityName(priority).zh.slice(0, 16) : null;
  return {
    center_name: S.info ? S.info.center_name.zh : "",
    number: answer.number, ahead: answer.ahead, eta_minutes: answer.eta_minutes,
    // The agent words the wait as this screen does (kiosk/printing.py wait_lines);
    // wait_note is for agents older than the wait object.
    wait: answer.wait || null, wait_note: slipWaitNote(answer.wait),
    issued_at: answer.issued_at, track_url: answer.track_url, id: answer.id,
    service_name: service.name.zh, service_name_en: service.name.en || null,
    materials: (service.guide && service.guide.materials) || [],
    // 12345 is the national government service hotline: the fallback when a center lists none.
    complaint_phone: (S.info && S.info.complaint_phone) || "12345",
    priority_label: label, appointment: Boolean(answer.appointment),
  };
}

async function printTicket(ticket) {
  if (!S.bridge) { renderPrintState(); return; }
  renderPrintState();
  let result;
  try {
    result = await window.pywebview.api.print_ticket(slipFor(ticket));
  } catch (error) {
    result = {ok: false, message: String(error), status: null};
  }
  if (S.ticket !== ticket) return;  // the next person is already at the screen
  S.printState = {ok: result.ok, fault: !result.ok, status: result.status, message: result.message};
  if (result.status) setPrinter(result.status);
  renderPrintState();
}

/* ------------------------------------------------------------ printer and staff */

function printerReason(status, message) {
  const text = (status && status.error) || message || "";
  // The agent's texts read "缺纸 / out of paper (tcp 10.0.0.5:9100: …)".
  const [zh, rest] = text.split(" / ");
  if (J.lang === "en" && rest) return rest.replace(/\s*\(.*$/, "");
  return (zh || text).replace(/\s*\(.*$/, "");
}

function setPrinter(status) {
  S.printer = status;
  renderPrinter();
}

function renderPrinter() {
  const node = $("printer");
  const status = S.printer;
  node.className = "printer";
  if (!S.bridge || !status) { node.textContent = ""; return; }
  if (status.error) {
    node.textContent = J.t("printer_fault", {reason: printerReason(status)});
    node.classList.add("fault");
  } else {
    node.textContent = status.paper === "low" ? J.t("printer_low") : J.t("printer_ok");
    if (status.paper === "low") node.classList.add("low");
  }
}

async function openStaff() {
  $("staff-result").textContent = "";
  $("staff-printer").textContent = S.bridge ? ((S.printer && S.printer.error) || J.t("printer_ok")) : J.t("no_bridge");
  $("staff-reprint").disabled = !S.bridge;
  $("staff-last").textContent = "";
  overlay("staff", true);
  if (!S.bridge) return;
  const last = await window.pywebview.api.last_ticket();
  $("staff-last").textContent = last ? J.t("last_ticket", {number: last.number}) : J.t("no_last");
  $("staff-reprint").disabled = !last;
}

async function reprint() {
  if (!S.bridge) return;
  $("staff-result").textContent = J.t("printing");
  const result = await window.pywebview.api.reprint_last();
  if (result.status) setPrinter(result.status);
  $("staff-result").textContent = result.ok ? J.t("reprinted") : (result.message || J.t("err_other"));
}

function connectBridge() {
  if (!(window.pywebview && window.pywebview.api && window.pywebview.api.print_ticket)) return;
  S.bridge = true;
  window.pywebview.api.printer_status().then((status) => { if (status) setPrinter(status); });
  renderPrinter();
}

/* ------------------------------------------------------------ check-in keypad */

function renderCode() {
  const boxes = [];
  const byId = S.checkinMode === "id";
  if (byId) boxes.push(el("span", {class: "digit id-number", text: "*".repeat(S.code.length)}),
                       el("span", {class: "id-count", text: `${S.code.length}/${ID_LENGTH}`}));
  else for (let i = 0; i < CODE_LENGTH; i++) boxes.push(el("span", {class: "digit", text: S.code[i] || ""}));
  $("code").replaceChildren(...boxes);
  document.querySelector("#checkin .checkin-body").classList.toggle("by-id", byId);
  const byPhone = S.checkinMode === "phone";
  document.querySelectorAll("#checkin .mode").forEach((button) => {
    button.setAttribute("aria-pressed", String(button.dataset.mode === S.checkinMode));
  });
  document.querySelector("#checkin .checkin-body").classList.toggle("by-phone", byPhone);
  const otp = byPhone && S.otpSent;  // the code field now takes the SMS code
  $("checkin-hint").textContent = J.t(otp ? "checkin_hint_otp" : byPhone ? "checkin_hint_phone"
    : byId ? "checkin_hint_id" : "checkin_hint");
  $("phone-field").hidden = !byPhone;
  $("phone-row").hidden = !byPhone;
  document.querySelector("#code-field .field-label").textContent = J.t(otp ? "otp_label" : "code_label");
  $("code-sent").hidden = !otp;
  if (otp) $("code-sent").textContent = J.t("code_sent", {n: S.codeMinutes});
  renderSendCode();
  $("phone-number").textContent = S.phone.replace(/^(\d{3})(\d{1,4})?(\d{1,4})?$/, (m, a, b, c) =>
    [a, b, c].filter(Boolean).join(" "));
  $("phone-field").classList.toggle("active", byPhone && S.field === "phone");
  $("code-field").classList.toggle("active", byPhone && S.field === "code");
  $("checkin-go").disabled = S.code.length !== codeLength() ||
    (byPhone && S.phone.length !== PHONE_LENGTH) || S.status === "lost" || S.status === "refused";
}

/** Check in by code alone, or by phone number together with the code (DOMAIN.md:
 *  never by the number alone). The keypad types into the field that is lit. */
function renderSendCode() {
  const wait = Math.ceil((S.resendAt - Date.now()) / 1000);
  const button = $("send-code");
  button.textContent = wait > 0 ? J.t("send_again", {n: wait}) : J.t("send_code");
  button.disabled = S.busy || wait > 0 || S.phone.length !== PHONE_LENGTH
    || S.status === "lost" || S.status === "refused";
}

/** "Send me a code": the hub texts a one-time code to the number if it has an
 *  appointment today; its answer is the same either way (it tells nobody whose
 *  number has one). The code field then takes that code. */
async function sendCode() {
  if (S.phone.length !== PHONE_LENGTH || S.busy) return;
  S.busy = true;
  $("checkin-error").textContent = "";
  try {
    const answer = await J.api("/api/v1/checkin/code", {token: S.token, body: {phone: S.phone}});
    S.codeMinutes = answer.expires_minutes || S.codeMinutes;
    S.otpSent = true;
    S.resendAt = Date.now() + RESEND_MS;
    S.code = "";
    S.field = "code";
  } catch (error) {
    $("checkin-error").textContent = errorText(error);
  } finally {
    S.busy = false;
    renderCode();
  }
}

function setCheckinMode(mode) {
  if ((mode === "id") !== (S.checkinMode === "id")) S.code = "";  // an ID number is no code
  S.checkinMode = mode;
  S.field = mode === "phone" && S.phone.length !== PHONE_LENGTH ? "phone" : "code";
  $("checkin-error").textContent = "";
  renderCode();
}

function buildKeypad() {
  const keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "delete", "X"];
  $("keypad").replaceChildren(...keys.map((key) => el("button", {
    class: "key" + (key.length > 1 ? " key-word" : ""), type: "button", "data-key": key,
    "data-i18n": key.length > 1 ? key : null, text: key.length > 1 ? J.t(key) : key,
  })));
}

function pressKey(key) {
  $("checkin-error").textContent = "";
  const phone = S.checkinMode === "phone" && S.field === "phone";
  const value = phone ? S.phone : S.code;
  const length = phone ? PHONE_LENGTH : codeLength();
  let next = value;
  if (key === "clear") next = "";
  else if (key === "delete") next = value.slice(0, -1);
  else if (key === "X" && (S.checkinMode !== "id" || value.length !== ID_LENGTH - 1)) next = value;
  else if (value.length < length) next = value + key;
  if (phone) {
    if (next !== S.phone) S.otpSent = false;  // another number: a code sent before is not its
    S.phone = next;
    if (next.length === PHONE_LENGTH && key.length === 1) S.field = "code";  // on to the code
  } else {
    S.code = next;
    if (S.checkinMode === "phone" && key === "delete" && value === "") S.field = "phone";
  }
  renderCode();
}

function checkIn() {
  if (S.code.length !== codeLength()) return;
  if (S.checkinMode === "id") {  // kept by the hub only as a keyed hash
    issue({id_number: S.code}, (text) => { $("checkin-error").textContent = text; },
          "/api/v1/checkin/id");
    return;
  }
  if (S.checkinMode === "phone") {
    if (S.phone.length !== PHONE_LENGTH) return;
    if (S.otpSent) {
      issue({phone: S.phone, otp: S.code}, (text) => { $("checkin-error").textContent = text; });
      return;
    }
    issue({appointment: S.code, phone: S.phone}, (text, error) => {
      $("checkin-error").textContent = error && error.code === "unknown_appointment"
        ? J.t("err_unknown_appointment_phone") : text;
    });
    return;
  }
  issue({appointment: S.code}, (text) => { $("checkin-error").textContent = text; });
}

/* ------------------------------------------------------------ touches */

function onClick(event) {
  const target = event.target.closest("button");
  if (!target || target.disabled) return;
  const data = target.dataset;
  if (data.category) openCategory(data.category);
  else if (data.guide) openGuide(data.guide);
  else if (data.service) choosePriority(S.services.find((s) => s.id === data.service));
  else if (data.priority !== undefined) issue({service: S.service.id, priority: data.priority || undefined});
  else if (data.key) pressKey(data.key);
  else if (data.mode) setCheckinMode(data.mode);
  else if (data.field) { S.field = data.field; renderCode(); }
  else if (target.id === "g-issue") { overlay("guide", false); choosePriority(S.services.find((s) => s.id === S.guideFor)); }
  else if (target.id === "checkin-go") checkIn();
  else if (target.id === "send-code") sendCode();
  else if (target.id === "lang-toggle") { J.setLang(J.lang === "zh" ? "en" : "zh"); renderAll(); }
  else if (target.id === "large-toggle") { setLarge(!document.body.classList.contains("large")); renderChrome(); }
  else if (target.id === "staff-reprint") reprint();
  else if (data.action === "home") goHome();
  else if (data.action === "services") show("services");
  else if (data.action === "checkin") {
    S.code = ""; S.phone = ""; S.otpSent = false; S.resendAt = 0; setCheckinMode("code"); show("checkin");
  }
  else if (data.action === "close-guide") overlay("guide", false);
  else if (data.action === "close-notice") overlay("notice", false);
  else if (data.action === "close-staff") overlay("staff", false);
}

function everySecond() {
  tick();
  if (S.resendAt && S.checkinMode === "phone") renderSendCode();
  const atStart = document.body.dataset.screen === "home" && $("guide").hidden && $("notice").hidden
    && $("staff").hidden && J.lang === "zh" && !document.body.classList.contains("large");
  if (atStart || S.busy) { S.idleLeft = IDLE; return; }
  S.idleLeft -= 1;
  $("t-countdown").textContent = J.t("back_in", {n: Math.max(0, S.idleLeft)});
  if (S.idleLeft <= 0) { S.idleLeft = IDLE; reset(); }
}

function wire() {
  document.addEventListener("click", onClick);
  ["pointerdown", "keydown"].forEach((type) => document.addEventListener(type, () => { S.idleLeft = IDLE; }, true));
  const corner = $("staff-corner");
  corner.addEventListener("pointerdown", () => { S.pressTimer = setTimeout(openStaff, LONG_PRESS_MS); });
  ["pointerup", "pointerleave", "pointercancel"].forEach((type) => corner.addEventListener(type, () => clearTimeout(S.pressTimer)));
  document.addEventListener("contextmenu", (event) => event.preventDefault());  // long presses on touch screens
  window.addEventListener("pywebviewready", connectBridge);
}

// Called by the kiosk agent when its periodic printer check finds a change.
window.Kiosk = {setPrinter(status) { S.bridge = true; setPrinter(status); }};

buildKeypad();
wire();
reset();
connectBridge();
setInterval(everySecond, 1000);
// Availability follows the clock (opening, cut-off), which no event announces.
setInterval(() => { if (S.online) loadServices().catch(() => {}); }, REFRESH_MS);
refresh().then(startLive);
