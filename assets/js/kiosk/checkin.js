/* The kiosk page's appointment check-in: typing on the keypad, the check-in mode,
 * sending a one-time code, and checking in (the ticket it issues). */
import J from "../jiaohao.js";
import {renderCode} from "./codepad.js";
import {issue} from "./issue.js";
import {$, ID_LENGTH, PHONE_LENGTH, RESEND_MS, S, codeLength} from "./state.js";
import {errorText} from "./text.js";

/** "Send me a code": the hub texts a one-time code to the number if it has an
 *  appointment today; its answer is the same either way (it tells nobody whose
 *  number has one). The code field then takes that code. */
export async function sendCode() {
  if (S.phone.length !== PHONE_LENGTH || S.busy) return;
  S.busy = true;
  $("checkin-error").textContent = "";
  try {
    const answer = await J.api("/api/v1/checkin/code", {token: S.token, body: {phone: S.phone}});
    S.codeMinutes = answer.expires_minutes || S.codeMinutes;
    S.otpSent = true;
    S.resendAt = Date.now() + RESEND_MS;
    S.code = "";
    S.field = "code";
  } catch (error) {
    $("checkin-error").textContent = errorText(error);
  } finally {
    S.busy = false;
    renderCode();
  }
}
export function setCheckinMode(mode) {
  if ((mode === "id") !== (S.checkinMode === "id")) S.code = "";  // an ID number is no code
  S.checkinMode = mode;
  S.field = mode === "phone" && S.phone.length !== PHONE_LENGTH ? "phone" : "code";
  $("checkin-error").textContent = "";
  renderCode();
}
export function pressKey(key) {
  $("checkin-error").textContent = "";
  const phone = S.checkinMode === "phone" && S.field === "phone";
  const value = phone ? S.phone : S.code;
  const length = phone ? PHONE_LENGTH : codeLength();
  let next = value;
  if (key === "clear") next = "";
  else if (key === "delete") next = value.slice(0, -1);
  else if (key === "X" && (S.checkinMode !== "id" || value.length !== ID_LENGTH - 1)) next = value;
  else if (value.length < length) next = value + key;
  if (phone) {
    if (next !== S.phone) S.otpSent = false;  // another number: a code sent before is not its
    S.phone = next;
    if (next.length === PHONE_LENGTH && key.length === 1) S.field = "code";  // on to the code
  } else {
    S.code = next;
    if (S.checkinMode === "phone" && key === "delete" && value === "") S.field = "phone";
  }
  renderCode();
}
/** Check in by code alone, or by phone number together with the code (DOMAIN.md:
 *  never by the number alone). The keypad types into the field that is lit. */
export function checkIn() {
  if (S.code.length !== codeLength()) return;
  if (S.checkinMode === "id") {  // kept by the hub only as a keyed hash
    issue({id_number: S.code}, (text) => { $("checkin-error").textContent = text; },
          "/api/v1/checkin/id");
    return;
  }
  if (S.checkinMode === "phone") {
    if (S.phone.length !== PHONE_LENGTH) return;
    if (S.otpSent) {
      issue({phone: S.phone, otp: S.code}, (text) => { $("checkin-error").textContent = text; });
      return;
    }
    issue({appointment: S.code, phone: S.phone}, (text, error) => {
      $("checkin-error").textContent = error && error.code === "unknown_appointment"
        ? J.t("err_unknown_appointment_phone") : text;
    });
    return;
  }
  issue({appointment: S.code}, (text) => { $("checkin-error").textContent = text; });
}
