/* The kiosk page's printing bridge: the kiosk agent's window.pywebview.api
 * (print_ticket, last_ticket, reprint_last, printer_status), the printer state,
 * and the staff panel (long press on the corner) to reprint. */
import J from "../jiaohao.js";
import {$, S} from "./state.js";
import {printerReason} from "./text.js";
import {overlay} from "./view.js";

export function setPrinter(status) {
  S.printer = status;
  renderPrinter();
}
export function renderPrinter() {
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
export async function openStaff() {
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
export async function reprint() {
  if (!S.bridge) return;
  $("staff-result").textContent = J.t("printing");
  const result = await window.pywebview.api.reprint_last();
  if (result.status) setPrinter(result.status);
  $("staff-result").textContent = result.ok ? J.t("reprinted") : (result.message || J.t("err_other"));
}
export function connectBridge() {
  if (!(window.pywebview && window.pywebview.api && window.pywebview.api.print_ticket)) return;
  S.bridge = true;
  window.pywebview.api.printer_status().then((status) => { if (status) setPrinter(status); });
  renderPrinter();
}
