/* The kiosk page's words: names, the wait and closed lines of a service, the
 * categories, the hub's refusals and the printer's faults in plain words. Drawing
 * nothing: every part uses these. */
import J from "../jiaohao.js";
import {S} from "./state.js";

export function serviceName(service) { return J.name(service.name); }
/** A tile's queue line: 马上办理 only when a window is idle for it, no number when
 *  nobody is staffed for it, and a warning before taking a ticket closing may cut off. */
export function waitText(service) {
  const wait = service.wait;
  const sep = J.lang === "en" ? " · " : " · ";
  let text;
  if (!wait) text = service.waiting ? J.t("waiting", {n: service.waiting}) + sep + J.t("eta", {n: service.eta_minutes}) : J.t("waiting_none");
  else if (!service.waiting && wait.state === "now") text = J.t("waiting_none");
  else text = (service.waiting ? J.t("waiting", {n: service.waiting}) + sep : "") + J.waitText(wait);
  if (wait && wait.after_closing && wait.state !== "closed") text += sep + J.t("w_after_closing");
  return text;
}
export const EN_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
export function whenText(iso) {
  // The hub sends the center's local time with its offset: read it as written.
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(iso || "");
  if (!m) return "";
  const time = `${m[4]}:${m[5]}`;
  if (S.info && `${m[1]}-${m[2]}-${m[3]}` === S.info.business_day) return time;
  if (J.lang === "en") return `${Number(m[3])} ${EN_MONTHS[Number(m[2]) - 1]} ${time}`;
  return `${Number(m[2])}月${Number(m[3])}日 ${time}`;
}
export function closedText(service) {
  const key = "closed_" + (service.closed_reason || "other");
  let text = J.t(J.t(key) === key ? "closed_other" : key);
  if (service.opens_at) text += (J.lang === "en" ? "; " : "，") + J.t("opens_at", {when: whenText(service.opens_at)});
  return text;
}
export function categories() {
  const found = [];
  for (const service of S.services) {
    const key = service.category.zh;
    let group = found.find((g) => g.key === key);
    if (!group) { group = {key, name: service.category, services: []}; found.push(group); }
    group.services.push(service);
  }
  return found;
}
export function priorityName(id) {
  const found = ((S.info && S.info.priority_classes) || []).find((p) => p.id === id);
  return found ? found.name : null;
}
export function errorText(error) {
  if (error instanceof J.Unreachable) return J.t("err_unreachable");
  const key = "err_" + (error.code || "other");
  return J.t(key) !== key ? J.t(key) : J.t("err_other");
}
export function printerReason(status, message) {
  const text = (status && status.error) || message || "";
  // The agent's texts read "缺纸 / out of paper (tcp 10.0.0.5:9100: …)".
  const [zh, rest] = text.split(" / ");
  if (J.lang === "en" && rest) return rest.replace(/\s*\(.*$/, "");
  return (zh || text).replace(/\s*\(.*$/, "");
}
