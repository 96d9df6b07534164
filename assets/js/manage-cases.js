/* 办件督办: the cases after the counter as a manager follows them — overdue and due
 * soon first, then every open one; who holds each (an agent for 全程代理), its stage
 * and due day; a manager may move a case to its next stage or hand it on. The rules
 * (one stage at a time, who may) are the hub's; refusals are shown as answered.
 */
import M from "./manage.js";
import strings from "./strings/manage-cases.js";

const {h, t} = M;

M.J.addStrings(strings);

let root = null, list = null, show = "open";
const SHOWS = ["overdue", "due_soon", "open", "done", "all"];

async function load() {
  list = await M.api(`/api/v1/cases?show=${show}`);
  render();
}

async function advance(c, stage) {
  try {
    const moved = await M.api(`/api/v1/cases/${encodeURIComponent(c.number)}/advance`, {method: "POST", body: {stage}});
    M.toast(t("ca_moved", {number: moved.number, stage: M.name(moved.stage_name)}));
  } catch (error) {
    M.toast(M.errorText(error), "error");
  }
  load().catch(() => {});
}

function handForm(c) {
  const staff = list.staff.filter((u) => u.username !== c.holder)
    .sort((a, b) => (a.role === "admin") - (b.role === "admin"));  // colleagues first
  const to = M.select(staff.map((u) => [u.username, `${u.name} (${u.username})`]), "", {name: "to"});
  const agent = h("input", {type: "checkbox", name: "agent"});
  return h("form", {class: "inline-form", onsubmit: async (event) => {
    event.preventDefault();
    try {
      const handed = await M.api(`/api/v1/cases/${encodeURIComponent(c.number)}/hand`, {method: "POST", body: {to: to.value, agent: agent.checked}});
      M.toast(t("ca_handed", {number: handed.number, name: handed.holder_name}));
    } catch (error) {
      M.toast(M.errorText(error), "error");
    }
    load().catch(() => {});
  }}, to, h("label", {class: "check"}, agent, t("ca_as_agent")), h("button", {type: "submit", class: "small"}, t("ca_hand")));
}

function ops(c) {
  if (c.closed) return "";
  const here = c.stages.findIndex((s) => s.id === c.stage);
  const next = c.stages[here + 1];
  return h("div", {class: "ops"},
    next ? h("button", {type: "button", class: "small primary", "data-case-next": c.number,
      onclick: () => advance(c, next.id)}, t("ca_next", {stage: M.name(next.name)})) : null,
    h("details", {}, h("summary", {}, t("ca_hand")), handForm(c)));
}

function standing(c) {
  if (c.on_time === true) return h("span", {class: "status-sent"}, t("ca_on_time"));
  if (c.on_time === false) return h("span", {class: "status-failed"}, t("ca_late"));
  if (c.overdue) return h("span", {class: "badge bad"}, t("ca_overdue"));
  if (c.due_soon) return h("span", {class: "badge warn"}, t("ca_due_soon"));
  return "";
}

function render() {
  if (!root) return;
  const counts = list ? list.counts : {};
  const filters = h("div", {class: "filters"}, SHOWS.map((name) => h("button", {
    type: "button", class: "small" + (name === show ? " primary" : ""), "data-show": name,
    onclick: () => { show = name; load().catch((e) => M.toast(M.errorText(e), "error")); }},
    t("ca_" + name) + (counts[name] !== undefined ? ` ${counts[name]}` : ""))));
  root.replaceChildren(h("div", {class: "card"}, h("h2", {}, t("ca_title")),
    h("p", {class: "hint"}, t("ca_hint", {n: list ? list.due_soon_days : 1})), filters,
    M.table([
      [t("ca_number"), (c) => h("b", {}, c.number)],
      [t("ca_service"), (c) => M.name(c.service_name)],
      [t("ca_kind"), (c) => t("k_" + c.kind)],
      [t("ca_stage"), (c) => M.name(c.stage_name)],
      [t("ca_opened"), (c) => c.opened_on],
      [t("ca_due"), (c) => h("span", {}, c.due_on, " ", standing(c))],
      [t("ca_left"), (c) => (c.days_left === null ? "" : (c.days_left < 0 ? t("ca_over_by", {n: -c.days_left}) : c.days_left)), "num"],
      [t("ca_holder"), (c) => c.holder_name + (c.agent ? ` (${t("ca_agent")})` : "")],
      [t("ca_phone"), (c) => c.phone],
      [t("ca_ops"), ops],
    ], list ? list.cases : [], {class: "cases", rowClass: (c) => (c.overdue ? "row-bad" : (c.due_soon ? "row-warn" : ""))})));
}

const refetch = M.throttle(() => { if (M.isShown("cases")) load().catch(() => {}); }, 1000);

M.pages.cases = {
  show(el) { root = el; render(); load().catch((e) => M.toast(M.errorText(e), "error")); },
  onEvent(event) { if (event.type === "snapshot" || event.type.startsWith("case_")) refetch(); },
};
