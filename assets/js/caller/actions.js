/* The caller page's actions: doing one (call, recall, start, complete, no-show,
 * transfer, suspend, pause…) and the hub's answer in plain words. What the window's
 * state plainly allows is in model.js; which action asks in a dialog first, keys.js. */
import J from "../jiaohao.js";
import {fresh, leaveWindow, loadMe, logout, refresh} from "./connection.js";
import {call, hubNow, model, plain, say, serviceName, windowName} from "./model.js";
import {renderActions, renderAll} from "./render.js";

/** POST one window action; show the outcome in plain words. Resolves true when done. */
export async function act(action, body, windowId) {
  const id = windowId || model.windowId;
  model.busy = true;
  renderActions();
  try {
    const answer = await call(`/api/v1/windows/${id}/${action}`, {method: "POST", body: body || {}});
    say(success(action, answer, body), "ok");
    if (action === "sign-in") { await loadMe(); return true; }
    if (action === "sign-out") { leaveWindow(); return true; }
    adopt(answer);
    refresh(["detail", "queue", "today", "transfers"]);
    return true;
  } catch (error) {
    say(plain(error), "error");
    if (error.code === "not_signed_in" || error.code === "clerk_signed_in_elsewhere") loadMe();
    if (error.status === 401) logout();
    else refresh(["detail", "queue"]);
    throw error;
  } finally {
    model.busy = false;
    renderActions();
  }
}
/** Take the window from an action's answer at once (times follow with the refresh). */
export function adopt(answer) {
  if (!model.detail || !model.detail.window || !answer.window || !fresh("detail", answer)) return;
  const before = model.detail.window.ticket;
  const ticket = answer.window.ticket;
  if (ticket && before && before.id === ticket.id) {
    for (const key of ["called_at", "started_at", "waited_seconds"]) ticket[key] = before[key];
    if (ticket.status === "serving" && !ticket.started_at) ticket.started_at = new Date(hubNow()).toISOString();
  }
  model.detail.window = Object.assign({}, model.detail.window, answer.window);
  if (ticket) model.queue = model.queue.filter((t) => t.id !== ticket.id);  // no longer waiting
  renderAll();
}
export function success(action, answer, body) {
  const t = answer.ticket || {};
  // The answer's ticket is the window's current one when it has one: a ticket named
  // in the request (reinstated, resumed) is named by the request.
  const number = (body && body.ticket) || t.number || "";
  switch (action) {
    case "call-next": return t.number ? J.t("ok_called", {number}) : J.t("ok_nobody");
    case "call": return J.t("ok_called", {number});
    case "recall": return J.t("ok_recalled", {number, n: t.recall_count});
    case "start": return J.t("ok_started", {number});
    case "complete": return J.t("ok_completed", {number});
    case "no-show": return J.t("ok_no_show", {number});
    case "reinstate": return J.t("ok_reinstated", {number});
    case "transfer": return J.t("ok_transferred", {number, target: body.to_service
      ? serviceName(body.to_service) : windowName(body.to_window)});
    case "suspend": return J.t("ok_suspended", {number});
    case "resume": return J.t("ok_resumed", {number});
    case "pause": return J.t("ok_paused", {reason: body.reason});
    case "open": return J.t("ok_opened");
    case "sign-out": return J.t("ok_signed_out");
    case "sign-in": {
      const replaced = model.me && model.me.windows.find((w) => w.id === answer.window.id);
      if (replaced && replaced.clerk && replaced.clerk !== model.me.username) {
        return J.t("ok_took_over", {window: windowName(answer.window.id), name: replaced.clerk_name});
      }
      return J.t("ok_signed_in", {window: windowName(answer.window.id)});
    }
    default: return "";
  }
}
