/* 办件查询: the citizen looks a case up by its number and the phone given at the
 * counter, and sees its stage, due day and history (no names). The number may come
 * in the link (?n=C2026-000123); the phone is typed and sent only in a POST body.
 * While shown, the case is looked up again every minute.
 */
import J from "./jiaohao.js";
import strings from "./strings/case.js";
import {$} from "./lib/dom.js";

const LANG_KEY = "jiaohao.lang";
let shown = null, timer = null;

J.addStrings(strings);

function errorText(error) {
  const key = "e_" + (error && error.code);
  const text = J.t(key);
  return text === key ? J.t("e_other") : text;
}

async function lookup(quiet) {
  const number = $("number").value.trim().toUpperCase();
  const phone = $("phone").value.trim();
  if (!quiet) { $("error").textContent = ""; $("go").disabled = true; }
  try {
    shown = await J.api("/api/v1/cases/lookup", {method: "POST", body: {number, phone}});
    render();
    if (!timer) timer = setInterval(() => lookup(true), 60000);
  } catch (error) {
    if (!quiet) $("error").textContent = errorText(error);
  } finally {
    $("go").disabled = false;
  }
}

function day(iso) { return iso ? iso.slice(0, 10) : ""; }
function when(iso) { return iso ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : ""; }

function render() {
  const c = shown;
  $("lookup").hidden = !!c;
  $("case").hidden = !c;
  if (!c) return;
  document.body.className = c.overdue ? "overdue" : (c.done_on ? "finished" : "");
  $("case-number").textContent = c.number;
  $("case-service").textContent = `${J.name(c.service_name)} · ${J.t("k_" + c.kind)}`;
  $("case-stage").textContent = c.overdue ? `${J.name(c.stage_name)} · ${J.t("overdue")}` : J.name(c.stage_name);
  $("case-due").textContent = day(c.due_on);
  $("case-left").textContent = c.days_left === null ? J.t("none") : (c.days_left < 0 ? J.t("overdue") : J.t("days", {n: c.days_left}));
  $("case-stages").replaceChildren(...c.stages.map((s) => {
    const li = document.createElement("li");
    li.className = (s.reached ? "reached" : "") + (s.id === c.stage && !c.closed ? " current" : "");
    li.textContent = J.name(s.name);
    if (s.at) { const small = document.createElement("small"); small.textContent = when(s.at); li.append(small); }
    return li;
  }));
  $("case-history").replaceChildren(...c.history.slice().reverse().map((h) => {
    const li = document.createElement("li");
    const time = document.createElement("time");
    time.textContent = when(h.at);
    const text = h.what === "handed" ? J.t("h_handed") : (h.what === "opened" ? J.t("h_opened") : J.name(h.stage_name));
    li.append(time, text);
    return li;
  }));
  $("case-hint").textContent = c.closed ? J.t("hint_closed") : (c.done_on ? J.t("hint_done") : J.t("hint_open", {phone: c.complaint_phone || ""}));
  $("center").textContent = `${J.name(c.center_name)} · ${J.t("title")}`;
}

function setLang(lang) {
  J.setLang(lang);
  try { localStorage.setItem(LANG_KEY, lang); } catch (e) { /* private mode */ }
  render();
}

function start() {
  const params = new URLSearchParams(location.search);
  let lang = params.get("lang");
  try { lang = lang || localStorage.getItem(LANG_KEY); } catch (e) { /* private mode */ }
  J.setLang(lang || "zh");
  if (params.get("n")) $("number").value = params.get("n");
  $("lookup").addEventListener("submit", (event) => { event.preventDefault(); lookup(false); });
  $("again").addEventListener("click", () => {
    shown = null; clearInterval(timer); timer = null; $("phone").value = ""; render(); $("number").focus();
  });
  $("lang").addEventListener("click", () => setLang(J.lang === "zh" ? "en" : "zh"));
}

start();
