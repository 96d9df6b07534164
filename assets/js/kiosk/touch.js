/* The kiosk page's touches and keys: every button, the idle timer, the long press
 * on the staff corner, the second tick. */
import J from "../jiaohao.js";
import {checkIn, pressKey, sendCode, setCheckinMode} from "./checkin.js";
import {renderCode, renderSendCode} from "./codepad.js";
import {issue} from "./issue.js";
import {connectBridge, openStaff, reprint} from "./printing.js";
import {openGuide, renderAll, renderChrome, tick} from "./render.js";
import {choosePriority, goHome, openCategory, reset} from "./screens.js";
import {$, IDLE, LONG_PRESS_MS, S} from "./state.js";
import {overlay, setLarge, show} from "./view.js";

export function onClick(event) {
  const target = event.target.closest("button");
  if (!target || target.disabled) return;
  const data = target.dataset;
  if (data.category) openCategory(data.category);
  else if (data.guide) openGuide(data.guide);
  else if (data.service) choosePriority(S.services.find((s) => s.id === data.service));
  else if (data.priority !== undefined) issue({service: S.service.id, priority: data.priority || undefined});
  else if (data.key) pressKey(data.key);
  else if (data.mode) setCheckinMode(data.mode);
  else if (data.field) { S.field = data.field; renderCode(); }
  else if (target.id === "g-issue") { overlay("guide", false); choosePriority(S.services.find((s) => s.id === S.guideFor)); }
  else if (target.id === "checkin-go") checkIn();
  else if (target.id === "send-code") sendCode();
  else if (target.id === "lang-toggle") { J.setLang(J.lang === "zh" ? "en" : "zh"); renderAll(); }
  else if (target.id === "large-toggle") { setLarge(!document.body.classList.contains("large")); renderChrome(); }
  else if (target.id === "staff-reprint") reprint();
  else if (data.action === "home") goHome();
  else if (data.action === "services") show("services");
  else if (data.action === "checkin") {
    S.code = ""; S.phone = ""; S.otpSent = false; S.resendAt = 0; setCheckinMode("code"); show("checkin");
  }
  else if (data.action === "close-guide") overlay("guide", false);
  else if (data.action === "close-notice") overlay("notice", false);
  else if (data.action === "close-staff") overlay("staff", false);
}
export function everySecond() {
  tick();
  if (S.resendAt && S.checkinMode === "phone") renderSendCode();
  const atStart = document.body.dataset.screen === "home" && $("guide").hidden && $("notice").hidden
    && $("staff").hidden && J.lang === "zh" && !document.body.classList.contains("large");
  if (atStart || S.busy) { S.idleLeft = IDLE; return; }
  S.idleLeft -= 1;
  $("t-countdown").textContent = J.t("back_in", {n: Math.max(0, S.idleLeft)});
  if (S.idleLeft <= 0) { S.idleLeft = IDLE; reset(); }
}
export function wire() {
  document.addEventListener("click", onClick);
  ["pointerdown", "keydown"].forEach((type) => document.addEventListener(type, () => { S.idleLeft = IDLE; }, true));
  const corner = $("staff-corner");
  corner.addEventListener("pointerdown", () => { S.pressTimer = setTimeout(openStaff, LONG_PRESS_MS); });
  ["pointerup", "pointerleave", "pointercancel"].forEach((type) => corner.addEventListener(type, () => clearTimeout(S.pressTimer)));
  document.addEventListener("contextmenu", (event) => event.preventDefault());  // long presses on touch screens
  window.addEventListener("pywebviewready", connectBridge);
}
