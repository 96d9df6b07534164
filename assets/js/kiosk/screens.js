/* The kiosk page's way through its screens: home, a category, the priority step,
 * and going back home after a while untouched. */
import J from "../jiaohao.js";
import {renderAll, renderPriority, renderServices, updateCounts} from "./render.js";
import {S} from "./state.js";
import {overlay, setLarge, show} from "./view.js";

export function goHome() {
  S.category = null; S.service = null; S.ticket = null; S.code = "";
  ["guide", "notice", "staff", "busy"].forEach((id) => overlay(id, false));
  show("home");
}
/** Back to the start for the next person: Chinese, normal text, first screen. */
export function reset() {
  setLarge(false);
  if (J.lang !== "zh") J.setLang("zh");
  goHome();
  renderAll();
}
export function openCategory(key) {
  S.category = key;
  renderServices();
  updateCounts();
  show("services");
}
export function choosePriority(service) {
  S.service = service;
  renderPriority();
  show("priority");
}
