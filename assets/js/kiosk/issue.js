/* The kiosk page's issuing: take a ticket (POST /tickets), show the slip screen and
 * hand the slip to the printing bridge. */
import J from "../jiaohao.js";
import {loadServices} from "./connection.js";
import {setPrinter} from "./printing.js";
import {renderPrintState, renderTicket, slipFor} from "./slip.js";
import {S} from "./state.js";
import {errorText} from "./text.js";
import {notice, overlay, show} from "./view.js";

export async function issue(body, onError, path) {
  if (S.busy) return;  // a second touch while the first is on its way
  S.busy = true;
  overlay("busy", true);
  try {
    const ticket = await J.api(path || "/api/v1/tickets", {token: S.token, body});
    const service = S.services.find((s) => s.id === ticket.service) || {id: ticket.service, name: {zh: ticket.service}, guide: {}};
    S.ticket = {answer: ticket, service, priority: body.priority || null};
    S.printState = null;
    renderTicket();
    show("ticket");
    printTicket(S.ticket);
    loadServices().catch(() => {});
  } catch (error) {
    (onError || notice)(errorText(error), error);
    if (!(error instanceof J.ApiError)) console.error(error);
  } finally {
    S.busy = false;
    overlay("busy", false);
  }
}
export async function printTicket(ticket) {
  if (!S.bridge) { renderPrintState(); return; }
  renderPrintState();
  let result;
  try {
    result = await window.pywebview.api.print_ticket(slipFor(ticket));
  } catch (error) {
    result = {ok: false, message: String(error), status: null};
  }
  if (S.ticket !== ticket) return;  // the next person is already at the screen
  S.printState = {ok: result.ok, fault: !result.ok, status: result.status, message: result.message};
  if (result.status) setPrinter(result.status);
  renderPrintState();
}
