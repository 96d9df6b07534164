/* The caller page's dialogs: call a number, transfer, suspend, pause, resume,
 * reinstate, sign out; and the window list to sign in to. */
import J from "../jiaohao.js";
import {esc} from "../lib/dom.js";
import {act} from "./actions.js";
import {READERS, refresh} from "./connection.js";
import {$, current, model, plain, serviceName, windowName} from "./model.js";
import {windowState} from "./render.js";

/** Open the dialog: `body` is HTML, `submit(form)` returns the action to run or
 * throws a message to show; digit keys pick the n-th choice. */
export function openDialog(title, body, submit) {
  model.dialog = {submit};
  $("dialog-title").textContent = title;
  $("dialog-body").innerHTML = body;
  $("dialog-error").textContent = "";
  $("dialog").hidden = false;
  const first = $("dialog-body").querySelector("input[type=text], input:checked, input");
  (first || $("dialog-ok")).focus();
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
  } catch (message) {
    $("dialog-error").textContent = String(message);
    return;
  }
  try {
    await act(request.action, request.body, request.window);
    closeDialog();
  } catch (error) {
    $("dialog-error").textContent = plain(error);
  }
}
export function choice(name, value, label, checked, extra) {
  return `<label class="choice"><input type="radio" name="${name}" value="${esc(value)}"${checked ? " checked" : ""}>` +
    `<span>${label}</span>${extra ? `<small>${extra}</small>` : ""}</label>`;
}
export function chips(target, keys) {
  return `<div class="chips" data-for="${target}">` +
    keys.map((k) => `<button type="button" class="chip" data-chip="${esc(J.t(k))}">${esc(J.t(k))}</button>`).join("") +
    "</div>";
}
export function picked(form, name) {
  const input = form.querySelector(`input[name="${name}"]:checked`);
  return input ? input.value : "";
}
export function callDialog() {
  const options = model.queue.slice(0, 6).map((t) => `<button type="button" class="chip" data-fill="number" data-chip="${esc(t.number)}">${esc(t.number)}</button>`).join("");
  openDialog(J.t("d_call"),
    `<label class="field"><span>${J.t("d_call_label")}</span>` +
    `<input type="text" name="number" id="d-number" maxlength="8" autocomplete="off" class="number-input"></label>` +
    `<div class="chips">${options}</div>`,
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
    .map((s) => choice("target", "service:" + s.id, `${esc(s.prefix)} · ${esc(J.name(s.name))}`, false,
      staffed(s.id) ? "" : esc(J.t("w_nobody_serves"))));
  let warned = "";
  const windows = model.me.windows.filter((w) => w.id !== model.windowId).map((w) =>
    choice("target", "window:" + w.id, esc(J.name(w.name)), false, esc(windowState(w))));
  openDialog(J.t("d_transfer", {number: ticket.number}),
    `<div class="two"><fieldset><legend>${J.t("d_to_service")}</legend>${services.join("")}</fieldset>` +
    `<fieldset><legend>${J.t("d_to_window")}</legend>${windows.join("")}</fieldset></div>` +
    `<label class="field"><span>${J.t("d_note")}</span><input type="text" name="note" id="d-note" maxlength="200"></label>` +
    chips("note", ["chip_missing", "chip_other_dept", "chip_joint", "chip_request"]),
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
  openDialog(J.t("d_suspend", {number: ticket.number}),
    `<label class="field"><span>${J.t("d_suspend_reason")}</span><input type="text" name="reason" id="d-reason" maxlength="200"></label>` +
    chips("reason", ["chip_missing", "chip_proof", "chip_away", "chip_verify"]),
    (form) => ({action: "suspend", body: {reason: form.reason.value.trim()}}));
}
export function ticketChoices(tickets) {
  return tickets.map((t, i) => choice("ticket", t.number,
    `<b>${esc(t.number)}</b> ${esc(serviceName(t.service))}`, i === 0)).join("");
}
export function resumeDialog() {
  openDialog(J.t("d_resume"),
    `<fieldset class="list">${ticketChoices(model.detail.suspended)}</fieldset><p class="hint">${J.t("d_digits")}</p>`,
    (form) => {
      const number = picked(form, "ticket");
      if (!number) throw J.t("d_pick_ticket");
      return {action: "resume", body: {ticket: number}};
    });
}
export function reinstateDialog() {
  openDialog(J.t("d_reinstate"),
    `<fieldset class="list">${ticketChoices(model.detail.no_show)}</fieldset>` +
    `<label class="field"><span>${J.t("d_other_number")}</span><input type="text" name="other" id="d-other" maxlength="8" autocomplete="off" class="number-input"></label>`,
    (form) => {
      const number = form.other.value.trim().toUpperCase() || picked(form, "ticket");
      if (!number) throw J.t("d_pick_ticket");
      return {action: "reinstate", body: {ticket: number}};
    });
}
export function pauseDialog() {
  const reasons = model.me.pause_reasons.map((r, i) =>
    choice("reason", r, `<kbd>${i + 1}</kbd> ${esc(r)}`, false)).join("");
  openDialog(J.t("d_pause"),
    `<fieldset class="list"><legend>${J.t("d_pause_reason")}</legend>${reasons}</fieldset><p class="hint">${J.t("d_digits")}</p>`,
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
    `<p>${esc(J.t("d_take_over_text", {window: J.name(w.name), name: w.clerk_name, reason: w.reason || ""}))}</p>`,
    () => ({action: "sign-in", body: {}, window: id}));
}
export function signOutDialog() {
  openDialog(J.t("d_sign_out"), `<p>${esc(J.t("d_sign_out_text", {window: windowName(model.windowId)}))}</p>`,
    () => ({action: "sign-out", body: {}}));
}
