/* The kiosk page's appointment check-in: the keypad, the code or ID number, the
 * phone and one-time code, and checking in (the ticket it issues). */
import J from "../jiaohao.js";
import {el} from "../lib/dom.js";
import {issue} from "./issue.js";
import {errorText} from "./screens.js";
import {$, CODE_LENGTH, ID_LENGTH, PHONE_LENGTH, RESEND_MS, S, codeLength} from "./state.js";

export function renderCode() {
  const boxes = [];
  const byId = S.checkinMode === "id";
  if (byId) boxes.push(el("span", {class: "digit id-number", text: "*".repeat(S.code.length)}),
                       el("span", {class: "id-count", text: `${S.code.length}/${ID_LENGTH}`}));
  else for (let i = 0; i < CODE_LENGTH; i++) boxes.push(el("span", {class: "digit", text: S.code[i] || ""}));
  $("code").replaceChildren(...boxes);
  document.querySelector("#checkin .checkin-body").classList.toggle("by-id", byId);
  const byPhone = S.checkinMode === "phone";
  document.querySelectorAll("#checkin .mode").forEach((button) => {
    button.setAttribute("aria-pressed", String(button.dataset.mode === S.checkinMode));
  });
  document.querySelector("#checkin .checkin-body").classList.toggle("by-phone", byPhone);
  const otp = byPhone && S.otpSent;  // the code field now takes the SMS code
  $("checkin-hint").textContent = J.t(otp ? "checkin_hint_otp" : byPhone ? "checkin_hint_phone"
    : byId ? "checkin_hint_id" : "checkin_hint");
  $("phone-field").hidden = !byPhone;
  $("phone-row").hidden = !byPhone;
  document.querySelector("#code-field .field-label").textContent = J.t(otp ? "otp_label" : "code_label");
  $("code-sent").hidden = !otp;
  if (otp) $("code-sent").textContent = J.t("code_sent", {n: S.codeMinutes});
  renderSendCode();
  $("phone-number").textContent = S.phone.replace(/^(\d{3})(\d{1,4})?(\d{1,4})?$/, (m, a, b, c) =>
    [a, b, c].filter(Boolean).join(" "));
  $("phone-field").classList.toggle("active", byPhone && S.field === "phone");
  $("code-field").classList.toggle("active", byPhone && S.field === "code");
  $("checkin-go").disabled = S.code.length !== codeLength() ||
    (byPhone && S.phone.length !== PHONE_LENGTH) || S.status === "lost" || S.status === "refused";
}
/** Check in by code alone, or by phone number together with the code (DOMAIN.md:
 *  never by the number alone). The keypad types into the field that is lit. */
export function renderSendCode() {
  const wait = Math.ceil((S.resendAt - Date.now()) / 1000);
  const button = $("send-code");
  button.textContent = wait > 0 ? J.t("send_again", {n: wait}) : J.t("send_code");
  button.disabled = S.busy || wait > 0 || S.phone.length !== PHONE_LENGTH
    || S.status === "lost" || S.status === "refused";
}
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
export function buildKeypad() {
  const keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "delete", "X"];
  $("keypad").replaceChildren(...keys.map((key) => el("button", {
    class: "key" + (key.length > 1 ? " key-word" : ""), type: "button", "data-key": key,
    "data-i18n": key.length > 1 ? key : null, text: key.length > 1 ? J.t(key) : key,
  })));
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
