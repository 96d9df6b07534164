/* The kiosk page's view: which screen and overlay show, large text, a notice, and
 * every way to a ticket greyed out while the hub cannot be reached. */
import {renderCode} from "./codepad.js";
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
export function notice(text) {
  $("notice-text").textContent = text;
  overlay("notice", true);
}
/** While the hub cannot be reached every way to a ticket is greyed out and does
 *  nothing (the banner says why), so nobody walks through category and service to
 *  learn it at the end; they come back by themselves once the hub does. */
export const TICKET_WAYS = "#categories .tile, #service-list .svc-take, #priority-list .prio, #g-issue";
export function markUnreachable() {
  const down = S.status === "lost" || S.status === "refused";
  document.body.classList.toggle("unreachable", down);
  renderCode();  // its buttons' own rules, and the hub's state
  document.querySelectorAll(TICKET_WAYS).forEach((button) => {
    if (down && !button.disabled) { button.disabled = true; button.dataset.unreachable = ""; }
    else if (!down && button.dataset.unreachable !== undefined) {
      button.disabled = false;
      delete button.dataset.unreachable;
    }
  });
}
