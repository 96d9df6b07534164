/* The kiosk page's ticket: the slip screen (number, who is ahead, the QR code, the
 * print state) and what the agent prints. */
import J from "../jiaohao.js";
import {el} from "../lib/dom.js";
import {$, S} from "./state.js";
import {printerReason, priorityName, serviceName} from "./text.js";

export function renderTicket() {
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
export function renderPrintState() {
  const node = $("t-print");
  const state = S.printState;
  node.className = "print-state" + (state && state.fault ? " fault" : "");
  if (!S.bridge) node.textContent = J.t("no_printer");
  else if (!state) node.textContent = J.t("printing");
  else if (state.ok) node.textContent = J.t("printed");
  else node.textContent = J.t("print_failed", {reason: printerReason(state.status, state.message)});
}
/** The slip's line under the wait when minutes alone would mislead (Chinese, as printed). */
export function slipWaitNote(wait) {
  if (!wait) return null;
  if (wait.state === "no_window") return "暂无窗口办理，请咨询导服台";
  if (wait.after_closing && wait.state !== "closed") return "今日下班前可能无法办理，请咨询导服台";
  if (wait.state === "resumes" && wait.resumes_at) return J.clockTime(wait.resumes_at) + " 开始/恢复办理";
  return null;
}
/** What the agent prints: the hub's answer plus what the slip says besides. */
export function slipFor(ticket) {
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
