/* The kiosk page's screens: home, a category, the priority step, the guide, the
 * overlays and notices, and going back home after a while untouched. */
import J from "../jiaohao.js";
import {el} from "../lib/dom.js";
import {markUnreachable} from "./connection.js";
import {issue} from "./issue.js";
import {closedText, renderAll, renderServices, serviceName, updateCounts, waitText} from "./render.js";
import {$, S} from "./state.js";

export function show(screen) {
  document.querySelectorAll(".screen").forEach((node) => { node.hidden = node.id !== screen; });
  document.body.dataset.screen = screen;
}
export function overlay(id, open) { $(id).hidden = !open; }
export function setLarge(on) {
  // On <html> for the root size (rem), on <body> for the rules that pick parts.
  document.documentElement.classList.toggle("large", on);
  document.body.classList.toggle("large", on);
}
export function goHome() {
  S.category = null; S.service = null; S.ticket = null; S.code = "";
  ["guide", "notice", "staff", "busy"].forEach((id) => overlay(id, false));
  show("home");
}
/** Back to the start for the next person: Chinese, normal text, first screen. */
export function reset() {
  setLarge(false);
  if (J.lang !== "zh") J.setLang("zh");
  goHome();
  renderAll();
}
export function openCategory(key) {
  S.category = key;
  renderServices();
  updateCounts();
  show("services");
}
export function choosePriority(service) {
  S.service = service;
  renderPriority();
  show("priority");
}
export function renderPriority() {
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
export function openGuide(serviceId) {
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
export function notice(text) {
  $("notice-text").textContent = text;
  overlay("notice", true);
}
export function errorText(error) {
  if (error instanceof J.Unreachable) return J.t("err_unreachable");
  const key = "err_" + (error.code || "other");
  return J.t(key) !== key ? J.t(key) : J.t("err_other");
}
