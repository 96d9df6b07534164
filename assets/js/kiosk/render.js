/* The kiosk page's drawing: the chrome (center, clock, language), the category tiles
 * and service lists with their waits, what changes with the counts, the priority
 * step and the guide. */
import J from "../jiaohao.js";
import {el} from "../lib/dom.js";
import {renderCode} from "./codepad.js";
import {renderPrinter} from "./printing.js";
import {renderTicket} from "./slip.js";
import {$, S} from "./state.js";
import {EN_MONTHS, categories, closedText, serviceName, waitText} from "./text.js";
import {markUnreachable, overlay} from "./view.js";

export function renderLists() {
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
export function renderServices() {
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
export function updateCounts() {
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
export function renderChrome() {
  const info = S.info;
  if (info) {
    $("center-zh").textContent = J.name(info.center_name);
    $("phone").textContent = info.complaint_phone ? J.t("complaint", {phone: info.complaint_phone}) : "";
  }
  $("large-toggle").textContent = J.t(document.body.classList.contains("large") ? "large_off" : "large_on");
  renderPrinter();
  tick();
}
export function renderAll() {
  J.translate();
  $("banner").textContent = J.t(S.status === "refused" ? "refused" : "lost");
  renderChrome();
  renderLists();
  if (S.service && !$("priority").hidden) renderPriority();
  if (S.ticket) renderTicket();
  if (!$("guide").hidden && S.guideFor) openGuide(S.guideFor);
  renderCode();
}
export function tick() {
  const now = new Date(Date.now() + S.hubOffset + S.zoneMinutes * 60000);
  const hh = String(now.getUTCHours()).padStart(2, "0");
  const mm = String(now.getUTCMinutes()).padStart(2, "0");
  const zhDays = "日一二三四五六";
  const enDays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  $("clock").textContent = J.lang === "en"
    ? `${enDays[now.getUTCDay()]} ${now.getUTCDate()} ${EN_MONTHS[now.getUTCMonth()]} ${hh}:${mm}`
    : `${now.getUTCMonth() + 1}月${now.getUTCDate()}日 星期${zhDays[now.getUTCDay()]} ${hh}:${mm}`;
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
