/* The caller page's keys and clicks (F-keys and digits, buttons, tabs, dialogs):
 * a press opens the action's dialog first or does it at once; and the page's start. */
import J from "../jiaohao.js";
import {act} from "./actions.js";
import {loadMe, login, logout} from "./connection.js";
import {callDialog, closeDialog, pauseDialog, reinstateDialog, resumeDialog, signIn, signOutDialog, submitDialog, suspendDialog, transferDialog} from "./dialogs.js";
import {$, LANG_KEY, TOKEN_KEY, allowed, model} from "./model.js";
import {renderAll, selectTab, show, tick} from "./render.js";

export const TABS = {"1": "queue", "2": "held", "3": "transfers", "4": "today"};
export const DIALOGS = {call: callDialog, transfer: transferDialog, suspend: suspendDialog,
  resume: resumeDialog, reinstate: reinstateDialog, pause: pauseDialog, "sign-out": signOutDialog};
export function press(action) {
  if (!allowed(action)) return;
  if (DIALOGS[action]) DIALOGS[action]();
  else act(action).catch(() => {});  // act() has already said why
}
export function onKey(event) {
  if (event.ctrlKey || event.altKey || event.metaKey) return;
  if (model.dialog) { dialogKey(event); return; }
  const target = event.target;
  const typing = target && ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName) && target.offsetParent !== null;
  if (typing) return;  // a letter typed in a visible field is a letter, not a shortcut
  const key = event.key.length === 1 ? event.key.toUpperCase() : event.key;
  if (model.view === "windows" && /^[1-9]$/.test(key)) {
    const button = document.querySelector(`[data-sign-in="${key}"]`);
    if (button && !button.disabled) { event.preventDefault(); button.click(); }
    return;
  }
  if (model.view !== "work") return;
  if (TABS[key]) { event.preventDefault(); selectTab(TABS[key]); return; }
  const button = document.querySelector(`button[data-action][data-key="${key}"]`);
  if (button) {
    event.preventDefault();
    if (!button.disabled) press(button.dataset.action);
  }
}
export function dialogKey(event) {
  if (event.key === "Escape") { event.preventDefault(); closeDialog(); return; }
  if (event.key === "Enter" && event.target.tagName !== "BUTTON") {
    event.preventDefault();  // Enter confirms from any field, radio buttons included
    $("dialog-form").requestSubmit();
    return;
  }
  const target = event.target;
  const typing = target && (["TEXTAREA", "SELECT"].includes(target.tagName)
    || (target.tagName === "INPUT" && !["radio", "checkbox"].includes(target.type)));
  if (!typing && /^[1-9]$/.test(event.key)) {  // a digit typed in a field (a phone) is a digit
    const radios = $("dialog-body").querySelectorAll("input[type=radio]");
    const radio = radios[Number(event.key) - 1];
    if (radio) { event.preventDefault(); radio.checked = true; radio.focus(); }
  }
}
export function onClick(event) {
  const el = event.target.closest("button");
  if (!el || el.disabled) return;
  if (el.dataset.action) press(el.dataset.action);
  else if (el.dataset.tab) selectTab(el.dataset.tab);
  else if (el.dataset.signIn) signIn(Number(el.dataset.signIn));
  else if (el.dataset.call) act("call", {ticket: el.dataset.call}).catch(() => {});
  else if (el.dataset.resume) act("resume", {ticket: el.dataset.resume}).catch(() => {});
  else if (el.dataset.reinstate) act("reinstate", {ticket: el.dataset.reinstate}).catch(() => {});
  else if (el.dataset.chip) chipPressed(el);
}
/** A quick choice fills the text field it belongs to (notes and reasons add up). */
export function chipPressed(el) {
  const form = $("dialog-form");
  const box = el.closest(".chips");
  const field = el.dataset.fill ? form[el.dataset.fill] : box && form[box.dataset.for];
  if (!field) return;
  if (el.dataset.fill) field.value = el.dataset.chip;
  else {
    const parts = field.value.split("；").map((p) => p.trim()).filter(Boolean);
    if (!parts.includes(el.dataset.chip)) parts.push(el.dataset.chip);
    field.value = parts.join("；").slice(0, 200);
  }
  field.focus();  // so that Enter confirms, as from the field itself
}
export function setLang(lang) {
  J.setLang(lang);
  try { localStorage.setItem(LANG_KEY, lang); } catch (e) { /* private mode */ }
  renderAll();
}
export function start() {
  let lang = new URLSearchParams(location.search).get("lang");
  try { lang = lang || localStorage.getItem(LANG_KEY); } catch (e) { /* private mode */ }
  J.setLang(lang || "zh");
  $("login-form").addEventListener("submit", login);
  $("dialog-form").addEventListener("submit", submitDialog);
  $("dialog-cancel").addEventListener("click", closeDialog);
  $("logout").addEventListener("click", logout);
  $("lang").addEventListener("click", () => setLang(J.lang === "zh" ? "en" : "zh"));
  document.addEventListener("keydown", onKey);
  document.addEventListener("click", onClick);
  setInterval(tick, 1000);
  model.token = J.token(TOKEN_KEY);
  if (model.token) loadMe();
  else { show("login"); $("username").focus(); }
}
