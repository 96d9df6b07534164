/* What the hall and window screens share around what they show: the connection
 * banner (body[data-status]), the display agent's device notice
 * (window.JiaohaoDisplay.deviceNotice, bridge.js holds the name until the page
 * takes it) and the hub's clock in the corner. Its strings: strings/screen-status.js.
 */
import {addStrings, t} from "./i18n.js";
import strings from "../strings/screen-status.js";

addStrings(strings);

const $ = (id) => document.getElementById(id);

/** The /live status (connecting, live, lost, refused), or no_token: the banner says it. */
export function showStatus(status) {
  document.body.dataset.status = status;
  document.body.classList.toggle("cut", status === "lost");
  const banner = $("banner");
  banner.classList.toggle("show", status !== "live");
  banner.classList.toggle("warn", status === "connecting");
  banner.textContent = status === "live" ? "" : t("status." + status);
}

/** The hub's clock (never this PC's), in the center's time zone (screen.js's clock). */
export function showClock(clock, seconds) {
  $("clock").textContent = clock.known ? clock.hhmm(seconds) : "";
}

/** Called by the display agent (pywebview) to show a device problem, e.g. no sound. */
export function deviceNotice(text) {
  const notice = $("notice");
  notice.textContent = text || "";
  notice.classList.toggle("show", Boolean(text));
}

/** Take the display agent's name over from bridge.js, with what it was told before. */
export function takeDeviceNotices() {
  const told = (window.JiaohaoDisplay && window.JiaohaoDisplay.early) || [];
  window.JiaohaoDisplay = {deviceNotice};
  told.forEach(deviceNotice);
}
