/* 督查: complaints (投诉), 差评 follow-ups (回访/整改), the call-back sample (抽样回访)
 * and the audit trail of a ticket (办件追溯). Deadlines, what may be closed and
 * who may be assigned are the hub's rules; the page sends the request and shows
 * what the hub answers, refusals included.
 */
import M from "./manage.js";
import strings from "./strings/manage-supervision.js";

const {h, t} = M;

M.J.addStrings(strings);

let users = [];
async function loadUsers() {
  try { users = (await M.api("/api/v1/manage/users")).users; } catch (e) { users = []; }
}

function userOptions(blank) {
  return (blank ? [["", t("none")]] : []).concat(users.filter((u) => u.active).map((u) => [u.username, `${u.name} (${u.username})`]));
}

function levelText(level) { return t("level_" + level); }

/** An inline form under a row: the given fields, then confirm/cancel. While one is
 *  open its list is not redrawn (news waits), so what is typed is never lost. */
function inlineForm(cell, fields, submit, reload) {
  cell.querySelectorAll(".inline-form").forEach((f) => f.remove());
  const error = h("p", {class: "error"});
  const close = () => { box.remove(); reload().catch((e) => M.toast(M.errorText(e), "error")); };
  const box = h("div", {class: "inline-form"}, fields.map((f) => f.node), error,
    h("div", {class: "actions"},
      h("button", {class: "primary small", onclick: async () => {
        const values = {};
        fields.forEach((f) => { values[f.name] = f.node.querySelector("input,select,textarea").value.trim(); });
        try { await submit(values); } catch (e) { error.textContent = M.errorText(e); return; }
        close();
      }}, t("confirm")),
      h("button", {class: "small", onclick: close}, t("cancel"))));
  cell.append(box);
}

const editing = (root) => !!(root && root.querySelector(".inline-form"));

const input = (name, label, control) => ({name, node: M.field(label, control)});

/* ------------------------------------------------------------------ complaints */

let complaintsRoot = null, complaints = [], filter = "open";
const draft = {channel: "on_site", deadline_class: "next_day", window: "", clerk: "", ticket: "", complainant: "", phone: "", text: ""};

async function loadComplaints() {
  await loadUsers();
  complaints = (await M.api("/api/v1/manage/complaints")).complaints;
  renderComplaints();
}

async function recordComplaint(errorNode) {
  errorNode.textContent = "";
  const body = {channel: draft.channel, deadline_class: draft.deadline_class, text: draft.text};
  for (const key of ["ticket", "complainant", "phone", "clerk"]) if (draft[key].trim()) body[key] = draft[key].trim();
  if (draft.window) body.window = Number(draft.window);
  try {
    const made = await M.api("/api/v1/manage/complaints", {body});
    Object.assign(draft, {ticket: "", complainant: "", phone: "", text: ""});
    M.toast(t("cp_recorded", {code: made.code, due: made.due_on}));
    await loadComplaints();
  } catch (error) {
    errorNode.textContent = M.errorText(error);
  }
}

function complaintForm() {
  const bind = (key, control) => { control.value = draft[key]; control.addEventListener("input", (e) => { draft[key] = e.target.value; }); control.addEventListener("change", (e) => { draft[key] = e.target.value; }); control.id = "cp-" + key; return control; };
  const error = h("p", {class: "error", id: "cp-error"});
  const windows = [["", t("none")]].concat((M.config.windows || []).map((w) => [w.id, M.name(w.name || `${w.id}号窗口`)]));
  return h("div", {class: "card"}, h("h2", {}, t("cp_new")), h("p", {class: "hint"}, t("cp_private")),
    h("div", {class: "form-grid"},
      M.field(t("cp_channel"), bind("channel", M.select(["on_site", "phone", "letter"].map((c) => [c, t("ch_" + c)]), draft.channel))),
      M.field(t("cp_class"), bind("deadline_class", M.select(["on_spot", "next_day", "multi_unit"].map((c) => [c, t("cls_" + c)]), draft.deadline_class))),
      M.field(t("cp_window"), bind("window", M.select(windows, draft.window))),
      M.field(t("cp_clerk"), bind("clerk", M.select(userOptions(true), draft.clerk))),
      M.field(t("cp_ticket"), bind("ticket", h("input", {maxlength: 40, placeholder: "A012"}))),
      M.field(t("cp_name"), bind("complainant", h("input", {maxlength: 40}))),
      M.field(t("cp_phone"), bind("phone", h("input", {maxlength: 20, inputmode: "tel"}))),
      h("div", {}),
      h("label", {class: "field full"}, h("span", {}, t("cp_text")), bind("text", h("textarea", {rows: 2, maxlength: 1000})))),
    h("div", {class: "actions"}, h("button", {class: "primary", id: "cp-record", onclick: () => recordComplaint(error)}, t("cp_record")), error));
}

function status(item) {
  return h("span", {}, h("span", {class: "badge " + item.status}, t("st_" + item.status)),
    item.overdue ? h("span", {class: "badge overdue"}, t("overdue")) : null);
}

function complaintActions(c, cell) {
  const base = `/api/v1/manage/complaints/${c.id}/`;
  const done = (action) => (body) => M.api(base + action, {body});
  if (c.status === "closed") return null;
  return h("div", {class: "row-actions"},
    h("button", {class: "small", "data-action": "assign", onclick: () => inlineForm(cell(), [
      input("assignee", t("cp_assignee"), M.select(userOptions(false), c.assignee || M.me.username))], done("assign"), loadComplaints)}, t("cp_assign")),
    h("button", {class: "small", "data-action": "answer", onclick: () => inlineForm(cell(), [
      input("answer", t("cp_answer"), h("textarea", {rows: 2}, c.answer || ""))], done("answer"), loadComplaints)}, t("cp_reply")),
    c.status === "answered" ? h("button", {class: "small", "data-action": "close", onclick: () => inlineForm(cell(), [
      input("note", t("cp_note"), h("input", {maxlength: 200}))], done("close"), loadComplaints)}, t("cp_close")) : null);
}

function renderComplaints() {
  if (!complaintsRoot || editing(complaintsRoot)) return;
  const shown = complaints.filter((c) => filter === "all" || (filter === "open" ? c.status !== "closed" : c.overdue));
  const subject = (c) => [c.subject.window_name ? M.name(c.subject.window_name) : null, c.subject.clerk_name,
    c.subject.number].filter(Boolean).join(" · ");
  const table = M.table([
    [t("cp_code"), (c) => c.code, "nowrap"],
    [t("cp_received"), (c) => M.dateTime(c.received_at), "nowrap"],
    [t("cp_channel"), (c) => t("ch_" + c.channel)],
    [t("cp_subject"), subject],
    [t("cp_text"), (c) => c.text],
    [t("cp_name"), (c) => h("span", {}, c.complainant, h("br"), h("small", {class: "muted"}, c.phone))],
    [t("cp_due"), (c) => h("span", {}, c.due_on, h("br"), h("small", {class: "muted"}, t("cls_" + c.deadline_class)))],
    [t("cp_status"), status],
    [t("cp_assignee"), (c) => c.assignee || ""],
    [t("cp_answer"), (c) => (c.answer ? h("span", {}, c.answer, " ", h("small", {class: c.answered_in_time ? "ok-text" : "over"}, t(c.answered_in_time ? "in_time" : "late"))) : "")],
    [t("cp_ops"), (c) => { let cellNode = null; const node = h("div", {}); cellNode = node; node.append(complaintActions(c, () => cellNode) || ""); return node; }],
  ], shown, {class: "complaints", rowClass: (c) => (c.overdue ? "alert-bad" : "")});
  const tabs = ["open", "overdue", "all"].map((f) => h("button", {class: "small" + (filter === f ? " primary" : ""),
    onclick: () => { filter = f; renderComplaints(); }}, t("cp_filter_" + f)));
  complaintsRoot.replaceChildren(complaintForm(), h("div", {class: "card"}, h("h2", {}, t("cp_list"), ...tabs), table));
}

M.pages.complaints = {
  show(el) { complaintsRoot = el; renderComplaints(); loadComplaints().catch((e) => M.toast(M.errorText(e), "error")); },
  onEvent(event) { if (M.isShown("complaints") && event.type.startsWith("complaint")) refreshComplaints(); },
};
const refreshComplaints = M.throttle(() => loadComplaints().catch(() => {}), 800);

/* ------------------------------------------------------------------ follow-ups */

let followRoot = null, followUps = [];

async function loadFollowUps() {
  await loadUsers();
  followUps = (await M.api("/api/v1/manage/follow-ups")).follow_ups;
  renderFollowUps();
}

function followActions(f, cell) {
  const base = `/api/v1/manage/follow-ups/${f.id}/`;
  const done = (action) => (body) => M.api(base + action, {body});
  if (f.status === "closed") return null;
  return h("div", {class: "row-actions"},
    h("button", {class: "small", "data-action": "assign", onclick: () => inlineForm(cell(), [
      input("assignee", t("cp_assignee"), M.select(userOptions(false), f.assignee || M.me.username))], done("assign"), loadFollowUps)}, t("cp_assign")),
    h("button", {class: "small", "data-action": "answer", onclick: () => inlineForm(cell(), [
      input("call_back", t("fu_call_back"), h("textarea", {rows: 2}, f.call_back || "")),
      input("rectification", t("fu_rectification"), h("textarea", {rows: 2}, f.rectification || ""))], done("answer"), loadFollowUps)}, t("fu_answer")),
    f.status === "answered" ? h("button", {class: "small", "data-action": "close", onclick: () => inlineForm(cell(), [
      input("note", t("cp_note"), h("input", {maxlength: 200}))], done("close"), loadFollowUps)}, t("cp_close")) : null);
}

function renderFollowUps() {
  if (!followRoot || editing(followRoot)) return;
  const withCell = (fn, item) => { const node = h("div", {}); node.append(fn(item, () => node) || ""); return node; };
  followRoot.replaceChildren(h("div", {class: "card"}, h("h2", {}, t("fu_list")), M.table([
    [t("fu_ticket"), (f) => h("b", {}, f.number)],
    [t("fu_rated"), (f) => M.dateTime(f.rated_at)],
    [t("col_service"), (f) => M.name(f.service_name)],
    [t("col_window"), (f) => M.name(f.window_name)],
    [t("col_clerk"), (f) => f.clerk_name],
    [t("fu_level"), (f) => h("span", {class: "badge bad"}, levelText(f.level))],
    [t("fu_reason"), (f) => [f.aspects.join("、"), f.reason].filter(Boolean).join("：")],
    [t("fu_due"), (f) => f.due_on],
    [t("cp_status"), status],
    [t("cp_assignee"), (f) => f.assignee || ""],
    [t("fu_record"), (f) => (f.call_back ? h("span", {}, f.call_back, f.rectification ? h("br") : null, f.rectification ? h("small", {class: "muted"}, f.rectification) : null) : "")],
    [t("cp_ops"), (f) => withCell(followActions, f)],
  ], followUps, {class: "follow-ups", rowClass: (f) => (f.overdue ? "alert-bad" : "")})));
}

const refreshFollowUps = M.throttle(() => loadFollowUps().catch(() => {}), 1500);
M.pages["follow-ups"] = {
  show(el) { followRoot = el; renderFollowUps(); loadFollowUps().catch((e) => M.toast(M.errorText(e), "error")); },
  onEvent(event) {
    if (M.isShown("follow-ups") && (event.type === "ticket_rated" || event.type.startsWith("follow_up"))) refreshFollowUps();
  },
};

/* ------------------------------------------------------------------ call-backs */

let callRoot = null, samples = [], sampleSize = "";

async function loadSamples() {
  samples = (await M.api("/api/v1/manage/call-backs")).samples;
  renderSamples();
}

async function draw(error) {
  error.textContent = "";
  try {
    const body = sampleSize ? {size: Number(sampleSize)} : {};
    const made = await M.api("/api/v1/manage/call-backs", {body});
    M.toast(t("cb_drawn", {n: made.size}));
    await loadSamples();
  } catch (e) { error.textContent = M.errorText(e); }
}

function outcomeCell(sample, entry) {
  if (entry.outcome) return h("span", {}, h("span", {class: "badge " + (entry.outcome === "satisfied" ? "ok" : "warn")}, t("oc_" + entry.outcome)), " ", entry.note);
  const note = h("input", {maxlength: 200, placeholder: t("cb_note"), class: "cb-note"});
  const record = (outcome) => M.api(`/api/v1/manage/call-backs/${sample.id}/record`, {body: {ticket: entry.ticket, outcome, note: note.value.trim()}})
    .then(loadSamples).catch((e) => M.toast(M.errorText(e), "error"));
  return h("div", {class: "row-actions"}, note,
    ["satisfied", "dissatisfied", "unreachable"].map((o) => h("button", {class: "small", "data-outcome": o, onclick: () => record(o)}, t("oc_" + o))));
}

function renderSamples() {
  if (!callRoot) return;
  const error = h("p", {class: "error"});
  const parts = [h("div", {class: "card"}, h("h2", {}, t("cb_draw")), h("p", {class: "hint"}, t("cb_hint")),
    h("div", {class: "toolbar"},
      M.field(t("cb_size"), h("input", {type: "number", min: 1, max: 50, value: sampleSize, placeholder: String((M.config.supervision || {}).call_back_sample || 5),
        id: "cb-size", oninput: (e) => { sampleSize = e.target.value; }})),
      h("button", {class: "primary", id: "cb-draw", onclick: () => draw(error)}, t("cb_draw")), error))];
  if (!samples.length) parts.push(h("p", {class: "empty"}, t("cb_none")));
  for (const sample of samples) {
    parts.push(h("div", {class: "card sample"}, h("h2", {}, t("cb_sample", {day: sample.business_day, time: M.time(sample.drawn_at), done: sample.done, size: sample.size})),
      M.table([
        [t("fu_ticket"), (e) => h("b", {}, e.number)],
        [t("col_service"), (e) => M.name(e.service_name)],
        [t("col_window"), (e) => M.name(e.window_name)],
        [t("col_clerk"), (e) => e.clerk_name],
        [t("cb_completed"), (e) => M.time(e.completed_at)],
        [t("cb_rating"), (e) => (e.rating ? levelText(e.rating) : t("none"))],
        [t("cb_outcome"), (e) => outcomeCell(sample, e)],
      ], sample.entries, {class: "call-backs"})));
  }
  callRoot.replaceChildren(...parts);
}

M.pages["call-backs"] = {
  show(el) { callRoot = el; renderSamples(); loadSamples().catch((e) => M.toast(M.errorText(e), "error")); },
};

/* ------------------------------------------------------------------ audit */

let auditRoot = null, trail = null;
const search = {number: "", day: "", ticket: ""};

async function find(error) {
  error.textContent = "";
  const params = new URLSearchParams();
  if (search.ticket.trim()) params.set("ticket", search.ticket.trim());
  else { params.set("number", search.number.trim()); if (search.day) params.set("day", search.day); }
  try {
    trail = await M.api("/api/v1/manage/audit?" + params.toString());
    renderAudit();
  } catch (e) { trail = null; renderAudit(); auditRoot.querySelector(".error").textContent = M.errorText(e); }
}

function detail(event) {
  const d = event.data, parts = [];
  if (d.number) parts.push(d.number);
  if (d.service) parts.push(M.serviceName(d.service));
  if (d.window) parts.push(M.windowName(d.window));
  if (d.from_service) parts.push(`${M.serviceName(d.from_service)} → ${M.serviceName(d.to_service)}`);
  if (d.level) parts.push(levelText(d.level));
  for (const key of ["reason", "note", "call_back", "rectification", "assignee", "outcome", "channel", "priority"]) {
    if (d[key]) parts.push(String(d[key]));
  }
  return parts.join(" · ");
}

function renderAudit() {
  if (!auditRoot) return;
  search.day = search.day || (M.clock && M.clock.day) || "";
  const error = h("p", {class: "error"});
  const bind = (key, attrs) => h("input", Object.assign({value: search[key], oninput: (e) => { search[key] = e.target.value; }}, attrs));
  const parts = [h("div", {class: "card"}, h("h2", {}, t("au_title")),
    h("form", {class: "toolbar", onsubmit: (e) => { e.preventDefault(); find(error); }},
      M.field(t("au_number"), bind("number", {id: "au-number", placeholder: "A012", maxlength: 8})),
      M.field(t("au_day"), bind("day", {id: "au-day", type: "date"})),
      M.field(t("au_id"), bind("ticket", {id: "au-ticket", maxlength: 40})),
      h("button", {class: "primary", id: "au-search", type: "submit"}, t("au_search")), error))];
  if (trail) {
    parts.push(h("div", {class: "card"}, h("h2", {id: "au-found"}, t("au_found", {number: trail.number, day: trail.day, n: trail.events.length})),
      M.table([
        [t("au_seq"), (e) => e.seq, "num"],
        [t("au_time"), (e) => e.at.slice(11, 19)],
        [t("au_event"), (e) => t("ev_" + e.type)],
        [t("au_actor"), (e) => e.actor],
        [t("au_detail"), detail],
      ], trail.events, {class: "events"})));
  }
  auditRoot.replaceChildren(...parts);
}

M.pages.audit = {show(el) { auditRoot = el; renderAudit(); }};
