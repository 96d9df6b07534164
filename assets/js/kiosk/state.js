/* The kiosk page's state (S) and settings (idle time, code lengths). */
import J from "../jiaohao.js";
import {el} from "../lib/dom.js";

export const params = new URLSearchParams(location.search);
// Seconds without a touch before the kiosk returns to the start for the next person.
export const IDLE = Math.max(3, Number(params.get("idle")) || 45);
export const LONG_PRESS_MS = 3000;
export const REFRESH_MS = 30000;
export const CODE_LENGTH = 6;
export const PHONE_LENGTH = 11;  // a mainland mobile number
export const ID_LENGTH = 18;  // a resident ID card number (GB 11643); shown masked, never in clear
export const codeLength = () => (S.checkinMode === "id" ? ID_LENGTH : CODE_LENGTH);
export const RESEND_MS = 60 * 1000;  // the hub sends a number one code a minute at most
export const $ = (id) => document.getElementById(id);
export const S = {
  token: J.token(), info: null, services: [], shape: "", category: null, service: null,
  ticket: null, printState: null, printer: null, bridge: null, live: null, online: false, status: "connecting",
  busy: false, code: "", phone: "", otpSent: false, resendAt: 0, codeMinutes: 5, checkinMode: "code", field: "code", idleLeft: IDLE, hubOffset: 0, zoneMinutes: 480, pressTimer: null,
};
