import J from "../jiaohao.js";
import {el, fill} from "../lib/dom.js";
import {act} from "./actions.js";
import {READERS, refresh} from "./connection.js";
import {$, current, model, plain, serviceName, windowName} from "./model.js";
import {windowState} from "./render.js";

/** Open the dialog: `body` is its nodes (see lib/dom.js `el`), `submit(form)` returns
 * the action to run or throws a message to show; digit keys pick the n-th choice.
 * A `submit` that does its own work (the 办件 dialogs, caller_cases.js) returns
 * nothing: the dialog then stays as the submitter left it (see `showResult`). */
export function openDialog(title, body, submit) {
  model.dialog = {submit};
  $("dialog-title").textContent = title;
  fill($("dialog-body"), body);
  $("dialog-error").textContent = "";
  $("dialog-ok").hidden = false;
  cancelSays("cancel");
  $("dialog").hidden = false;
  const first = $("dialog-body").querySelector("input[type=text], input:checked, input, select");
  (first || $("dialog-ok")).focus();
}
/** What a dialog's work came to, in place of its form: only a button to close it. */
export function showResult(title, body) {
  $("dialog-title").textContent = title;
  fill($("dialog-body"), body);
  $("dialog-error").textContent = "";
  $("dialog-ok").hidden = true;
  cancelSays("close");
  model.dialog = {submit: () => { closeDialog(); }};
  $("dialog-cancel").focus();
}
function cancelSays(key) {
  const words = $("dialog-cancel").querySelector("[data-i18n]");
  words.dataset.i18n = key;
  words.textContent = J.t(key);
}
export function closeDialog() {
  // Focus leaves the hidden field, or the next shortcut would be typed into it.
  if (document.activeElement && $("dialog").contains(document.activeElement)) document.activeElement.blur();
  $("dialog").hidden = true;
  model.dialog = null;
}
export async function submitDialog(event) {
  event.preventDefault();
  if (!model.dialog || model.busy) return;
  const form = $("dialog-form");
  let request;
  try {
    request = await model.dialog.submit(form);  // a dialog may look something up first
  } catch (error) {
    $("dialog-error").textContent = said(error);
    return;
  }
  if (!request) return;  // the submitter did its work itself
  try {
    await act(request.action, request.body, request.window);
    closeDialog();
  } catch (error) {
    $("dialog-error").textContent = plain(error);
  }
}
/** What went wrong, in the page's words: a message thrown as text (or an Error), or
 * the hub's refusal or silence. */
export function said(error) {
  if (typeof error === "string") return error;
  return error instanceof J.ApiError || error instanceof J.Unreachable ? plain(error) : String(error.message || error);
}
/** A radio choice: `label` and `extra` are text or nodes. */
export function choice(name, value, label, checked, extra) {
  return el("label", "choice", el("input", {type: "radio", name, value, checked}),
    el("span", "", label), extra ? el("small", "", extra) : null);
}
export function chips(target, keys) {
  return el("div", {class: "chips", "data-for": target},
    keys.map((k) => el("button", {type: "button", class: "chip", "data-chip": J.t(k), text: J.t(k)})));
}
/** A labelled field around its control. */
export function field(label, control) {
  return el("label", "field", el("span", {text: label}), control);
}
export function picked(form, name) {
  const input = form.querySelector(`input[name="${name}"]:checked`);
  return input ? input.value : "";
}
export function callDialog() {
  const options = model.queue.slice(0, 6).map((t) =>
    el("button", {type: "button", class: "chip", "data-fill": "number", "data-chip": t.number, text: t.number}));
  openDialog(J.t("d_call"), [
    field(J.t("d_call_label"), el("input", {type: "text", name: "number", id: "d-number", maxlength: 8,
      autocomplete: "off", class: "number-input"})),
    el("div", "chips", options)],
    (form) => {
      const number = form.number.value.trim().toUpperCase();
      if (!number) throw J.t("d_pick_ticket");
      return {action: "call", body: {ticket: number}};
    });
}
export function transferDialog() {
  const ticket = current();
  // Which services a window with someone signed in serves now (paused windows count:
  // their clerk is there and comes back); a transfer elsewhere waits unserved.
  const staffed = (id) => model.me.windows.some((w) => w.clerk && (w.services || []).includes(id));
  const unstaffed = (kind, id) => kind === "window"
    ? !(model.me.windows.find((w) => String(w.id) === id) || {}).clerk
    : !staffed(id);
  const services = model.me.services.filter((s) => s.id !== ticket.service)
    .map((s) => choice("target", "service:" + s.id, `${s.prefix} · ${J.name(s.name)}`, false,
      staffed(s.id) ? "" : J.t("w_nobody_serves")));
  let warned = "";
  const windows = model.me.windows.filter((w) => w.id !== model.windowId).map((w) =>
    choice("target", "window:" + w.id, J.name(w.name), false, windowState(w)));
  openDialog(J.t("d_transfer", {number: ticket.number}), [
    el("div", "two", el("fieldset", "", el("legend", {text: J.t("d_to_service")}), services),
      el("fieldset", "", el("legend", {text: J.t("d_to_window")}), windows)),
    field(J.t("d_note"), el("input", {type: "text", name: "note", id: "d-note", maxlength: 200})),
    chips("note", ["chip_missing", "chip_other_dept", "chip_joint", "chip_request"])],
    async (form) => {
      const target = picked(form, "target");
      if (!target) throw J.t("d_pick_target");
      const [kind, id] = target.split(":");
      // Warn once before sending a citizen where nobody will call them (the list may
      // be a little old: a colleague may have signed in since; ask the hub again).
      const win = kind === "window" && model.me.windows.find((w) => String(w.id) === id);
      const service = kind === "service" && model.me.services.find((s) => s.id === id);
      let nobody = warned !== target && unstaffed(kind, id);
      if (nobody) {
        try { await READERS.me(); } catch (e) { /* the transfer itself will say */ }
        nobody = unstaffed(kind, id);
      }
      if (nobody) {
        warned = target;
        throw win ? J.t("d_nobody_window", {target: J.name(win.name)})
          : J.t("d_nobody_service", {target: J.name(service.name)});
      }
      const body = {note: form.note.value.trim()};
      if (kind === "service") body.to_service = id; else body.to_window = Number(id);
      return {action: "transfer", body};
    });
  refresh(["me"]);  // fresh window states for the list next time
}
export function suspendDialog() {
  const ticket = current();
  openDialog(J.t("d_suspend", {number: ticket.number}), [
    field(J.t("d_suspend_reason"), el("input", {type: "text", name: "reason", id: "d-reason", maxlength: 200})),
    chips("reason", ["chip_missing", "chip_proof", "chip_away", "chip_verify"])],
    (form) => ({action: "suspend", body: {reason: form.reason.value.trim()}}));
}
export function ticketChoices(tickets) {
  return tickets.map((t, i) => choice("ticket", t.number,
    [el("b", {text: t.number}), " " + serviceName(t.service)], i === 0));
}
export function resumeDialog() {
  openDialog(J.t("d_resume"), [
    el("fieldset", "list", ticketChoices(model.detail.suspended)), el("p", {class: "hint", text: J.t("d_digits")})],
    (form) => {
      const number = picked(form, "ticket");
      if (!number) throw J.t("d_pick_ticket");
      return {action: "resume", body: {ticket: number}};
    });
}
export function reinstateDialog() {
  openDialog(J.t("d_reinstate"), [
    el("fieldset", "list", ticketChoices(model.detail.no_show)),
    field(J.t("d_other_number"), el("input", {type: "text", name: "other", id: "d-other", maxlength: 8,
      autocomplete: "off", class: "number-input"}))],
    (form) => {
      const number = form.other.value.trim().toUpperCase() || picked(form, "ticket");
      if (!number) throw J.t("d_pick_ticket");
      return {action: "reinstate", body: {ticket: number}};
    });
}
export function pauseDialog() {
  const reasons = model.me.pause_reasons.map((r, i) =>
    choice("reason", r, [el("kbd", {text: i + 1}), " " + r], false));
  openDialog(J.t("d_pause"), [
    el("fieldset", "list", el("legend", {text: J.t("d_pause_reason")}), reasons),
    el("p", {class: "hint", text: J.t("d_digits")})],
    (form) => {
      const reason = picked(form, "reason");
      if (!reason) throw J.t("d_pick_reason");
      return {action: "pause", body: {reason}};
    });
}
/** Sign in (签到); taking over a colleague's paused window (顶岗) is confirmed first. */
export function signIn(id) {
  const w = model.me.windows.find((x) => x.id === id);
  if (!w || !w.clerk || w.clerk === model.me.username) {
    act("sign-in", {}, id).catch(() => {});
    return;
  }
  openDialog(J.t("d_take_over"),
    el("p", {text: J.t("d_take_over_text", {window: J.name(w.name), name: w.clerk_name, reason: w.reason || ""})}),
    () => ({action: "sign-in", body: {}, window: id}));
}
export function signOutDialog() {
  openDialog(J.t("d_sign_out"), el("p", {text: J.t("d_sign_out_text", {window: windowName(model.windowId)})}),
    () => ({action: "sign-out", body: {}}));
}
