/* 办件查询: the citizen looks a case up by its number and the phone given at the
 * counter, and sees its stage, due day and history (no names). The number may come
 * in the link (?n=C2026-000123); the phone is typed and sent only in a POST body.
 * While shown, the case is looked up again every minute.
 */
import J from "./jiaohao.js";

const $ = (id) => document.getElementById(id);
const LANG_KEY = "jiaohao.lang";
let shown = null, timer = null;

J.addStrings({
  zh: {
    title: "办件查询", lang_other: "English", ask: "查询我的办件",
    f_number: "办件编号", f_phone: "受理时登记的手机号", go: "查询",
    your_case: "办件编号", due: "承诺办结日期", left: "剩余工作日", history: "办理记录",
    again: "查询其他办件", days: "{n} 天", overdue: "已超期", none: "—",
    h_opened: "受理", h_stage: "{stage}", h_handed: "转交代办员全程代理",
    hint_open: "办结后会发短信通知您。如有疑问请致电 {phone}。",
    hint_done: "已办结，请按通知领取或等待送达。",
    hint_closed: "本办件已全部完成。",
    k_immediate: "即办件", k_promised: "承诺件",
    e_unknown_case: "没有找到这个办件，请核对办件编号和手机号。",
    e_invalid_field: "请填写正确的办件编号（如 C2026-000123）和手机号。",
    e_missing_field: "请填写办件编号和手机号。",
    e_rate_limited: "查询过于频繁，请稍后再试。",
    e_other: "暂时无法查询，请稍后再试。",
  },
  en: {
    title: "My case", lang_other: "中文", ask: "Look up my case",
    f_number: "Case number", f_phone: "Phone number given at the counter", go: "Look up",
    your_case: "Case number", due: "Due by", left: "Working days left", history: "History",
    again: "Look up another case", days: "{n} days", overdue: "Overdue", none: "—",
    h_opened: "Accepted", h_stage: "{stage}", h_handed: "Handed to an agent (全程代理)",
    hint_open: "We will text you when it is done. Questions: {phone}.",
    hint_done: "Done: collect it as the message says, or wait for delivery.",
    hint_closed: "This case is complete.",
    k_immediate: "Done on the spot", k_promised: "Committed case",
    e_unknown_case: "No case matches; check the case number and the phone number.",
    e_invalid_field: "Enter a case number like C2026-000123 and your phone number.",
    e_missing_field: "Enter the case number and the phone number.",
    e_rate_limited: "Too many look-ups; please try again later.",
    e_other: "Cannot look it up right now; please try again later.",
  },
});

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
