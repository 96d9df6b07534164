/* The kiosk page's check-in fields, drawn: the keypad, the code or ID number, the
 * phone and the send-code button (what they do is in checkin.js). */
import J from "../jiaohao.js";
import {el} from "../lib/dom.js";
import {$, CODE_LENGTH, ID_LENGTH, PHONE_LENGTH, S, codeLength} from "./state.js";

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
export function renderSendCode() {
  const wait = Math.ceil((S.resendAt - Date.now()) / 1000);
  const button = $("send-code");
  button.textContent = wait > 0 ? J.t("send_again", {n: wait}) : J.t("send_code");
  button.disabled = S.busy || wait > 0 || S.phone.length !== PHONE_LENGTH
    || S.status === "lost" || S.status === "refused";
}
export function buildKeypad() {
  const keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "delete", "X"];
  $("keypad").replaceChildren(...keys.map((key) => el("button", {
    class: "key" + (key.length > 1 ? " key-word" : ""), type: "button", "data-key": key,
    "data-i18n": key.length > 1 ? key : null, text: key.length > 1 ? J.t(key) : key,
  })));
}
