/* The kiosk page's connection: the hub's kiosk info and services over REST, the
 * /live subscription of the hall (lib/live.js) that keeps the waits fresh, and the
 * 连接中断 state when the hub cannot be reached. */
import J from "../jiaohao.js";
import {renderChrome, renderLists, updateCounts} from "./render.js";
import {$, S} from "./state.js";
import {markUnreachable} from "./view.js";

export async function loadInfo() {
  S.info = await J.api("/api/v1/kiosk", {token: S.token});
  S.hubOffset = Date.parse(S.info.now) - Date.now();
  const zone = /([+-])(\d{2}):(\d{2})$/.exec(S.info.now);
  S.zoneMinutes = zone ? (zone[1] === "-" ? -1 : 1) * (Number(zone[2]) * 60 + Number(zone[3])) : 0;
  renderChrome();
}
export async function loadServices() {
  const data = await J.api("/api/v1/services", {token: S.token});
  S.services = data.services;
  const shape = JSON.stringify(S.services.map((s) => [s.id, s.open, s.closed_reason, s.opens_at, s.name]));
  if (shape !== S.shape) { S.shape = shape; renderLists(); } else updateCounts();
}
export async function refresh() {
  try {
    await loadInfo();
    await loadServices();
  } catch (error) {
    if (error instanceof J.Unreachable) setConnection("lost");
    else console.error(error);
  }
}
export function applyQueue(queue) {
  for (const [id, q] of Object.entries(queue || {})) {
    const service = S.services.find((s) => s.id === id);
    if (service) { service.waiting = q.waiting; service.eta_minutes = q.eta_minutes; service.wait = q.wait; }
  }
  updateCounts();
}
export function startLive() {
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
export function setConnection(status) {
  const banner = $("banner");
  const wasDown = S.status === "lost" || S.status === "refused";
  S.status = status;
  S.online = status === "live";
  document.body.dataset.status = status;  // as on the hall and window screens: body[data-status]
  banner.classList.toggle("show", status === "lost" || status === "refused");
  banner.textContent = status === "refused" ? J.t("refused") : J.t("lost");
  document.body.classList.toggle("offline", status === "lost");
  markUnreachable();
  if (S.online && wasDown) refresh();  // recovered: services may have changed meanwhile
}
