/* The caller page's state (the model: who I am, my window, its lists, the live link)
 * and the small helpers every part uses (REST calls with the login token, names,
 * times, the toast, what the window's state plainly allows). The bottom of caller/:
 * it imports none of the others. */
import J from "../jiaohao.js";

export const TOKEN_KEY = "caller";
export const LANG_KEY = "jiaohao.lang.caller";
export const $ = (id) => document.getElementById(id);
export const model = {
  token: "", me: null, windowId: null, view: "",
  detail: null, queue: [], today: null, transfers: [],
  seqs: {}, offset: 0, busy: false, live: null, liveStatus: "", wasLost: false,
  tab: "queue", notes: {}, dialog: null, due: new Set(), timer: null,
};

export function hubNow() { return Date.now() + model.offset; }
export function noteClock(answer) {
  if (answer && answer.now) model.offset = Date.parse(answer.now) - Date.now();
}
export function clock(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const two = (n) => String(n).padStart(2, "0");
  return h ? `${h}:${two(m)}:${two(r)}` : `${two(m)}:${two(r)}`;
}
export function since(iso) { return iso ? (hubNow() - Date.parse(iso)) / 1000 : 0; }
export function serviceName(id) {
  const found = model.me && model.me.services.find((s) => s.id === id);
  return found ? J.name(found.name) : id;
}
export function windowName(id) {
  const found = model.me && model.me.windows.find((w) => w.id === id);
  return found ? J.name(found.name) : (id ? `${id}号窗口` : "");
}
export function priorityName(id) {
  const found = model.me && model.me.priority_classes.find((p) => p.id === id);
  return found ? J.name(found.name) : id;
}
export function plain(error) {
  if (error instanceof J.Unreachable) return J.t("e_unreachable");
  const key = "e_" + (error.code || "other");
  const text = J.t(key);
  return text === key ? J.t("e_other", {message: error.message}) : text;
}
export function call(path, options) {
  return J.api(path, Object.assign({token: model.token}, options || {}));
}
export function say(text, kind) {
  const box = $("message");
  box.textContent = text || "";
  box.className = "message" + (kind ? " " + kind : "");
}
export function current() {
  return model.detail && model.detail.window ? model.detail.window.ticket : null;
}
/** Whether the window's state plainly forbids `action` (presentation, not a rule:
 * the hub decides, and says why when it refuses). */
export function allowed(action) {
  const w = model.detail && model.detail.window;
  if (!w || model.busy) return false;
  const status = w.ticket ? w.ticket.status : null;
  const open = w.state === "open";
  switch (action) {
    case "call-next": case "call": case "pause": return open && !status;
    case "recall": case "start": case "no-show": return open && status === "called";
    case "complete": case "transfer": return open && (status === "called" || status === "serving");
    case "suspend": return open && status === "serving";
    case "resume": return model.detail.suspended.length > 0;
    case "reinstate": return (model.detail.no_show || []).length > 0;  // nothing to restore: off
    case "open": return w.state === "paused";
    case "sign-out": return !status;
    default: return false;
  }
}
// For caller_cases.js (办件 at the counter): the helpers it shares with this page.
export const JiaohaoCaller = {model, call, say, plain, serviceName};
