/* The clerk's caller (窗口叫号): log in, sign in to a window (签到), serve citizens.
 *
 * What the page shows comes from the hub: the read models under /api/v1/me (who I
 * am, my window in detail, my counters, my transfers) and the window's waiting list,
 * kept fresh by the /live events of the hall and of my window. A call to my window is
 * shown at once from the event itself; the lists whose order is a queue rule (the
 * waiting list) are read again from the hub, never recomputed here.
 *
 * The page decides nothing: it disables what the window's state plainly forbids
 * (presentation only) and, when the hub refuses anyway, says why in plain words.
 *
 * Split by concern under caller/, each importing only those before it (no circle,
 * tests/arch/test_pages_imports.py): model (state, REST calls, helpers) → render →
 * connection (read models, login, live) → actions → dialogs → keys (input, start);
 * its strings in strings/caller.js.
 */
import J from "./jiaohao.js";
import strings from "./strings/caller.js";
import {start} from "./caller/keys.js";
import {JiaohaoCaller} from "./caller/model.js";

J.addStrings(strings);

// For caller_cases.js (办件 at the counter), which imports it; a global for the console.
window.JiaohaoCaller = JiaohaoCaller;

export default JiaohaoCaller;

start();

