/* The kiosk page's drawing: the chrome (center, clock, language), the category tiles
 * and service lists with their waits, and what changes with the counts. */
import J from "../jiaohao.js";
import {el} from "../lib/dom.js";
import {renderCode} from "./checkin.js";
import {markUnreachable} from "./connection.js";
import {renderTicket} from "./issue.js";
import {renderPrinter} from "./printing.js";
import {openGuide, renderPriority} from "./screens.js";
import {$, S} from "./state.js";

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
