/* The kiosk (取号机): categories → service → optional priority → ticket; guide,
 * appointment check-in, large text, English; printing through the kiosk agent.
 *
 * The hub decides everything (numbers, who is ahead, whether a service is open);
 * this page only shows it. A ticket is handed to the agent for printing only
 * after the hub answered 201. In a plain browser (no window.pywebview) the
 * ticket is shown on screen and nothing is printed.
 *
 * Split by concern under kiosk/, each importing only those before it (no circle,
 * tests/arch/test_pages_imports.py): state → text (words) → codepad (the check-in
 * fields, drawn) → view (screens, overlays, unreachable) → slip (the ticket screen,
 * what is printed), printing (the agent's bridge) → render → connection (REST, live)
 * → issue → screens (the way through), checkin → touch; its strings in
 * strings/kiosk.js. This module starts it and exposes window.Kiosk to the agent.
 */
import J from "./jiaohao.js";
import strings from "./strings/kiosk.js";
import {buildKeypad} from "./kiosk/codepad.js";
import {loadServices, refresh, startLive} from "./kiosk/connection.js";
import {connectBridge, setPrinter} from "./kiosk/printing.js";
import {reset} from "./kiosk/screens.js";
import {REFRESH_MS, S} from "./kiosk/state.js";
import {everySecond, wire} from "./kiosk/touch.js";

J.addStrings(strings);

// Called by the kiosk agent when its periodic printer check finds a change.
// (bridge.js holds the name until now, and what the agent said before.)
const told = (window.Kiosk && window.Kiosk.early) || [];
window.Kiosk = {setPrinter(status) { S.bridge = true; setPrinter(status); }};

buildKeypad();
wire();
reset();
connectBridge();
setInterval(everySecond, 1000);
// Availability follows the clock (opening, cut-off), which no event announces.
setInterval(() => { if (S.online) loadServices().catch(() => {}); }, REFRESH_MS);

told.forEach((status) => window.Kiosk.setPrinter(status));
refresh().then(startLive);

