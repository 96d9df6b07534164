/* 办件 at the counter: open a case (即办件 / 承诺件) for the ticket being served or just
 * completed, record a 一次性告知 of missing materials (shown to print, and sent by SMS
 * when a phone is given), and follow my cases and the center's cases due soon or
 * overdue: move one to its next stage, hand it to a colleague or an agent (全程代理).
 *
 * Its own module beside caller.js, which hands it a few helpers (its default
 * export: model, call, say, plain, serviceName) and forwards the
 * case_* events of /live to onCaseEvent. Its dialogs are the caller's
 * (caller/dialogs.js): the same box, keys and error line.
 */
import J from "./jiaohao.js";
import C from "./caller.js";
import {choice, closeDialog, field, openDialog, said, showResult} from "./caller/dialogs.js";
import {$, el, fillRows} from "./lib/dom.js";
import strings from "./strings/caller_cases.js";

J.addStrings(strings);

const state = {list: null, show: "mine", lastNumber: "", lastService: "", timer: null};

/* ------------------------------------------------------------ page parts */

function build() {
  const words = (key) => el("span", {"data-cs": key});
  const panel = el("div", {id: "cases-panel", class: "card cases-panel"},
    el("div", "cases-head", el("h3", {"data-cs": "cs_title"}),
      el("button", {type: "button", id: "case-open", class: "case-open"}, words("cs_open"), el("kbd", {text: "C"})),
      el("button", {type: "button", id: "case-notice"}, words("cs_notice"), el("kbd", {text: "M"}))),
    el("nav", "cases-tabs", ["mine", "due_soon", "overdue"].map((s) =>
      el("button", {type: "button", "data-case-show": s}, words("cs_" + s), " ", el("b", {id: "case-count-" + s, text: "0"})))),
    el("ol", {id: "cases-list", class: "rows cases-list"}));
  const actions = $("actions");
  actions.parentNode.insertBefore(panel, actions.nextSibling);
  panel.addEventListener("click", onPanelClick);
  document.addEventListener("keydown", onKey);
  document.addEventListener("click", (event) => { if (event.target.closest("#lang")) setTimeout(render, 0); });
}

function onKey(event) {
  if (C.model.dialog || C.model.view !== "work" || event.ctrlKey || event.altKey || event.metaKey) return;
  const target = event.target;
  if (target && ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName)) return;
  const key = event.key.toUpperCase();
  if (key === "C") { event.preventDefault(); openCaseDialog(); }
  if (key === "M") { event.preventDefault(); openNoticeDialog(); }
}

/* ------------------------------------------------------------ data */

async function load() {
  if (!C.model.token || C.model.view !== "work") return;
  try {
    state.list = await C.call(`/api/v1/cases?show=${state.show}`);
  } catch (error) {
    return;  // the caller page shows connection trouble itself
  }
  render();
}

function serviceOf(id) {
  return state.list && state.list.services.find((s) => s.id === id);
}

function stageName(service, stage) {
  const s = serviceOf(service);
  const found = s && s.stages.find((x) => x.id === stage);
  return found ? J.name(found.name) : stage;
}

/** The ticket a case is about: the one at my window, else the last one seen there. */
function ticketHere() {
  const w = C.model.detail && C.model.detail.window;
  const t = w && w.ticket;
  if (t) { state.lastNumber = t.number; state.lastService = t.service; }
  return {number: state.lastNumber, service: state.lastService};
}

/* ------------------------------------------------------------ drawing */

function render() {
  document.querySelectorAll("[data-cs]").forEach((el) => { el.textContent = J.t(el.dataset.cs); });
  document.querySelectorAll("[data-case-show]").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.caseShow === state.show)));
  const list = state.list;
  if (!list) return;
  for (const name of ["mine", "due_soon", "overdue"]) $(`case-count-${name}`).textContent = list.counts[name];
  const rows = list.cases.filter((c) => !c.closed).map((c) => {
    const next = c.stages[c.stages.findIndex((s) => s.id === c.stage) + 1];
    const mine = c.holder === C.model.me.username || ["admin", "manager"].includes(C.model.me.role);
    const flag = c.overdue ? el("span", {class: "mark overdue", text: J.t("cs_overdue")})
      : (c.due_soon ? el("span", {class: "mark due-soon", text: J.t("cs_due_soon")}) : null);
    const left = c.days_left === null ? "" : ` · ${J.t("cs_left", {n: Math.max(c.days_left, 0)})}`;
    return el("li", {"data-case": c.number, class: c.overdue ? "overdue" : (c.due_soon ? "due-soon" : "")},
      el("b", {class: "case-no", text: c.number}),
      el("span", "svc", J.name(c.service_name) + " · ", el("b", {class: "case-stage", text: J.name(c.stage_name)}),
        el("small", {text: `${J.t("cs_due", {day: c.due_on})}${left} · ${c.holder_name}`
          + (c.agent ? ` (${J.t("cs_agent")})` : "")})),
      flag,
      mine && next ? el("button", {type: "button", class: "small", "data-case-next": next.id,
        text: J.t("cs_next", {stage: J.name(next.name)})}) : null,
      mine ? el("button", {type: "button", class: "small", "data-case-hand": true, text: J.t("cs_hand")}) : null);
  });
  // Redrawn at each case event of the center: rows drawn the same stay (fillRows), so
  // a press on one of their buttons is not lost.
  fillRows($("cases-list"), rows.length ? rows : [el("li", {class: "empty", text: J.t("cs_none")})]);
}

function onPanelClick(event) {
  const el = event.target.closest("button");
  if (!el) return;
  if (el.id === "case-open") openCaseDialog();
  else if (el.id === "case-notice") openNoticeDialog();
  else if (el.dataset.caseShow) { state.show = el.dataset.caseShow; load(); }
  else if (el.dataset.caseNext) advance(el.closest("li").dataset.case, el.dataset.caseNext);
  else if (el.dataset.caseHand !== undefined) openHandDialog(el.closest("li").dataset.case);
}

/* ------------------------------------------------------------ dialogs */

/* The dialogs' form rows besides the caller's field and choice: a checkbox, a text input. */
const checkbox = (attrs, text) => el("label", "choice", el("input", {type: "checkbox", ...attrs}), el("span", "", text));
const input = (attrs) => el("input", {type: "text", ...attrs});

/** The ticket at the counter and its service (else the first), the lists loaded. */
async function serving() {
  if (!state.list) await load();
  const here = ticketHere();
  return {here, service: serviceOf(here.service) || (state.list && state.list.services[0])};
}

function serviceOptions(chosen) {
  return (state.list ? state.list.services : []).map((s) =>
    el("option", {value: s.id, selected: s.id === chosen, text: J.name(s.name)}));
}

async function openCaseDialog() {
  const {here, service} = await serving();
  const days = service ? service.days : 0;
  openDialog(J.t("cs_open"), [
    el("fieldset", "", el("legend", {text: J.t("cs_kind")}),
      choice("kind", "promised", el("span", {id: "case-promised-label", text: J.t("cs_promised", {n: days})}), true),
      choice("kind", "immediate", J.t("cs_immediate"), false)),
    field(J.t("cs_service"), el("select", {name: "service", id: "case-service"}, serviceOptions(service && service.id))),
    field(J.t("cs_ticket"), input({name: "ticket", id: "case-ticket", maxlength: 8, value: here.number})),
    field(J.t("cs_phone"), input({type: "tel", name: "phone", id: "case-phone", maxlength: 20, autocomplete: "off"})),
    field(J.t("cs_note"), input({name: "note", id: "case-note", maxlength: 200}))],
    async (form) => {
      const kind = form.querySelector("input[name=kind]:checked").value;
      const phone = form.phone.value.trim();
      if (kind === "promised" && !phone) throw new Error(J.t("cs_need_phone"));
      const body = {kind, service: form.service.value, phone: phone || null, note: form.note.value.trim() || null,
        ticket: form.ticket.value.trim() || null};
      const c = await C.call("/api/v1/cases", {method: "POST", body});
      const text = kind === "immediate" ? J.t("cs_opened_now", {number: c.number}) : J.t("cs_opened", {number: c.number, day: c.due_on});
      C.say(text, "ok");
      showResult(J.t("cs_open"), [
        el("p", {class: "case-result", id: "case-result"}, el("b", {text: c.number}), el("br", ""), text),
        el("p", {class: "hint", text: J.t("cs_lookup", {url: location.origin + "/c?n=" + c.number})})]);
      load();
    });
  $("case-service").addEventListener("change", () => {
    const s = serviceOf($("case-service").value);
    $("case-promised-label").textContent = J.t("cs_promised", {n: s ? s.days : 0});
  });
}

async function openNoticeDialog() {
  const {here, service} = await serving();
  const boxes = (s) => (s ? s.materials : []).map((m) =>
    checkbox({name: "material", value: m}, m));
  openDialog(J.t("cs_notice"), [
    field(J.t("cs_ticket"), input({name: "ticket", id: "notice-ticket", maxlength: 8, value: here.number})),
    el("fieldset", "", el("legend", {text: `${J.t("cs_materials")} · ${service ? J.name(service.name) : ""}`}),
      el("div", {id: "notice-materials"}, boxes(service))),
    field(J.t("cs_other"), input({name: "other", id: "notice-other", maxlength: 200})),
    field(J.t("cs_notice_phone"), input({type: "tel", name: "phone", id: "notice-phone", maxlength: 20, autocomplete: "off"}))],
    async (form) => {
      const materials = Array.from(form.querySelectorAll("input[name=material]:checked")).map((i) => i.value);
      const other = form.other.value.trim();
      if (!materials.length && !other) throw new Error(J.t("cs_need_material"));
      const notice = await C.call("/api/v1/materials-notices", {method: "POST", body: {
        ticket: form.ticket.value.trim(), materials, other: other || null, phone: form.phone.value.trim() || null}});
      C.say(J.t("cs_notice_done", {number: notice.ticket_number, sent: notice.notified ? J.t("cs_sent") : ""}), "ok");
      // Shown here to print (the counter has no receipt printer of its own).
      showResult(J.t("cs_notice"), [
        el("pre", {class: "notice-text", id: "notice-text", text: J.lang === "en" ? notice.text.en : notice.text.zh}),
        el("button", {type: "button", id: "notice-print", class: "primary", text: J.t("cs_print"),
          onclick: () => window.print()})]);
    });
}

function openHandDialog(number) {
  const staff = (state.list ? state.list.staff : []).filter((u) => u.username !== C.model.me.username);
  openDialog(`${J.t("cs_hand")} ${number}`, [
    field(J.t("cs_to"), el("select", {name: "to", id: "hand-to"},
      staff.map((u) => el("option", {value: u.username, text: `${u.name} (${u.username})`})))),
    checkbox({name: "agent", id: "hand-agent"}, J.t("cs_as_agent")),
    field(J.t("cs_note"), input({name: "note", maxlength: 200}))],
    async (form) => {
      const c = await C.call(`/api/v1/cases/${encodeURIComponent(number)}/hand`, {method: "POST", body: {
        to: form.to.value, agent: form.agent.checked, note: form.note.value.trim() || null}});
      C.say(J.t("cs_handed", {number: c.number, name: c.holder_name}), "ok");
      closeDialog();
      load();
    });
}

async function advance(number, stage) {
  try {
    const c = await C.call(`/api/v1/cases/${encodeURIComponent(number)}/advance`, {method: "POST", body: {stage}});
    C.say(J.t("cs_advanced", {number: c.number, stage: J.name(c.stage_name)}), "ok");
  } catch (error) {
    C.say(said(error), "error");
  }
  load();
}

/* ------------------------------------------------------------ start */

C.onCaseEvent = () => {
  clearTimeout(state.timer);
  state.timer = setTimeout(load, 300);
};

build();
render();
setInterval(() => { ticketHere(); }, 1000);
setInterval(load, 30000);
const watch = new MutationObserver(() => { if (!$("view-work").hidden && !state.list) load(); });
watch.observe($("view-work"), {attributes: true, attributeFilter: ["hidden"]});
if (!$("view-work").hidden) load();
