/* jiaohao page library: token, REST calls, the /live subscription, i18n, waits.
 *
 * Native ES modules, no build step (lib/*.js); this module gathers them for the
 * pages (`import J from "./jiaohao.js"`) and, for the device agents and the
 * tests, as the global `window.Jiaohao`. Pages load the vendored Socket.IO
 * client (/assets/vendor/socket.io/socket.io.min.js, a classic script) first.
 *
 *   const token = J.token();                  // from #token=… (kept in localStorage)
 *   const data = await J.api("/api/v1/services", {token});
 *   const live = J.live({rooms: ["hall"], token, onSnapshot, onEvent, onStatus});
 */
import {ApiError, Unreachable, api, center, fetchWithCenter, saveToken, token, withCenter} from "./lib/api.js";
import {addStrings, lang, name, setLang, t, translate} from "./lib/i18n.js";
import {live} from "./lib/live.js";
import {clockTime, waitText} from "./lib/waits.js";

const Jiaohao = {ApiError, Unreachable, token, saveToken, center, withCenter, fetch: fetchWithCenter, api, live,
                 addStrings, t, translate, setLang, name, waitText, clockTime,
                 get lang() { return lang(); }};

window.Jiaohao = Jiaohao;
export default Jiaohao;
