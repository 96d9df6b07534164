/* 督查: complaints (投诉), 差评 follow-ups (回访/整改), the call-back sample (抽样回访)
 * and the audit trail of a ticket (办件追溯). Deadlines, what may be closed and
 * who may be assigned are the hub's rules; the page sends the request and shows
 * what the hub answers, refusals included.
 */
import M from "./manage.js";

const {h, t} = M;

M.J.addStrings({
  zh: {
    cp_new: "登记投诉", cp_list: "投诉台账", cp_channel: "投诉渠道", cp_class: "答复时限", cp_window: "涉及窗口",
    cp_clerk: "涉及人员", cp_ticket: "涉及号票", cp_name: "投诉人", cp_phone: "联系电话", cp_text: "投诉内容",
    cp_record: "登记", cp_recorded: "投诉 {code} 已登记，应于 {due} 前答复", cp_code: "编号", cp_received: "收到时间",
    cp_subject: "投诉对象", cp_due: "答复期限", cp_status: "状态", cp_assignee: "承办人", cp_answer: "答复情况",
    cp_ops: "操作", cp_assign: "指派", cp_reply: "答复", cp_close: "办结", cp_note: "办结说明",
    cp_filter_all: "全部", cp_filter_open: "未办结", cp_filter_overdue: "已逾期", cp_private: "投诉人信息仅管理人员可见，请注意保密。",
    ch_on_site: "现场", ch_phone: "电话", ch_letter: "信函",
    cls_on_spot: "当场答复", cls_next_day: "次个工作日内答复", cls_multi_unit: "涉及多部门，一周内答复",
    st_open: "待处理", st_assigned: "已指派", st_answered: "已答复", st_closed: "已办结", overdue: "已逾期",
    in_time: "按期", late: "逾期",
    fu_list: "差评回访台账（每条不满意、非常不满意评价均须在 15 个工作日内回访、整改）",
    fu_ticket: "号票", fu_rated: "评价时间", fu_level: "评价", fu_reason: "方面与原因", fu_due: "回访期限",
    fu_record: "回访/整改", fu_call_back: "回访情况", fu_rectification: "整改措施", fu_answer: "记录回访",
    cb_draw: "抽取回访样本", cb_size: "样本数量", cb_drawn: "已抽取 {n} 个办件", cb_sample: "{day} 抽样（{time}），已回访 {done}/{size}",
    cb_hint: "从今天已办结、未被差评回访覆盖的办件中随机抽取，电话回访群众并记录结果。",
    cb_completed: "办结时间", cb_rating: "评价", cb_outcome: "回访结果", cb_note: "备注",
    oc_satisfied: "满意", oc_dissatisfied: "不满意", oc_unreachable: "未接通", cb_none: "还没有抽样",
    au_title: "办件追溯：一张号票的全部记录（谁、何时、做了什么）", au_number: "号票号码", au_day: "办理日期",
    au_id: "或办件 ID", au_search: "查询", au_seq: "序号", au_time: "时间", au_event: "事件", au_actor: "操作人",
    au_detail: "内容", au_found: "{number}（{day}）共 {n} 条记录",
    ev_ticket_issued: "取号", ev_ticket_called: "叫号", ev_ticket_recalled: "重呼", ev_service_started: "开始办理",
    ev_ticket_completed: "办结", ev_ticket_no_show: "过号", ev_ticket_reinstated: "过号恢复",
    ev_ticket_transferred: "转办", ev_ticket_suspended: "挂起", ev_ticket_resumed: "继续办理", ev_ticket_rated: "评价",
    ev_follow_up_assigned: "回访指派", ev_follow_up_answered: "回访记录", ev_follow_up_closed: "回访办结",
    ev_complaint_recorded: "投诉登记", ev_call_back_sample_drawn: "抽样回访", ev_call_back_recorded: "回访结果",
  },
  en: {
    cp_new: "Record a complaint", cp_list: "Complaints", cp_channel: "Channel", cp_class: "Deadline", cp_window: "Window",
    cp_clerk: "Clerk", cp_ticket: "Ticket", cp_name: "Complainant", cp_phone: "Phone", cp_text: "Complaint",
    cp_record: "Record", cp_recorded: "Complaint {code} recorded; answer by {due}", cp_code: "No.", cp_received: "Received",
    cp_subject: "About", cp_due: "Due", cp_status: "Status", cp_assignee: "Assigned to", cp_answer: "Answer",
    cp_ops: "Actions", cp_assign: "Assign", cp_reply: "Answer", cp_close: "Close", cp_note: "Closing note",
    cp_filter_all: "All", cp_filter_open: "Open", cp_filter_overdue: "Overdue", cp_private: "Complainants' details are for managers only; keep them confidential.",
    ch_on_site: "On site", ch_phone: "Phone", ch_letter: "Letter",
    cls_on_spot: "On the spot", cls_next_day: "By the next working day", cls_multi_unit: "Several units: within a week",
    st_open: "Open", st_assigned: "Assigned", st_answered: "Answered", st_closed: "Closed", overdue: "overdue",
    in_time: "in time", late: "late",
    fu_list: "Bad-rating follow-ups (every dissatisfied rating is called back and rectified within 15 working days)",
    fu_ticket: "Ticket", fu_rated: "Rated", fu_level: "Rating", fu_reason: "Aspect and reason", fu_due: "Due",
    fu_record: "Call-back / rectification", fu_call_back: "Call-back", fu_rectification: "Rectification", fu_answer: "Record",
    cb_draw: "Draw a call-back sample", cb_size: "Size", cb_drawn: "Drew {n} tickets", cb_sample: "Sample of {day} ({time}), called {done}/{size}",
    cb_hint: "A random sample of today's completed tickets not covered by a bad-rating follow-up; call the citizens and record the outcome.",
    cb_completed: "Completed", cb_rating: "Rating", cb_outcome: "Outcome", cb_note: "Note",
    oc_satisfied: "Satisfied", oc_dissatisfied: "Dissatisfied", oc_unreachable: "Unreachable", cb_none: "No sample yet",
    au_title: "Audit trail: every record of one ticket (who, when, what)", au_number: "Ticket number", au_day: "Day",
    au_id: "or ticket id", au_search: "Search", au_seq: "Seq", au_time: "Time", au_event: "Event", au_actor: "By",
    au_detail: "Details", au_found: "{number} ({day}): {n} records",
    ev_ticket_issued: "Issued", ev_ticket_called: "Called", ev_ticket_recalled: "Recalled", ev_service_started: "Started",
    ev_ticket_completed: "Completed", ev_ticket_no_show: "No-show", ev_ticket_reinstated: "Reinstated",
    ev_ticket_transferred: "Transferred", ev_ticket_suspended: "Suspended", ev_ticket_resumed: "Resumed", ev_ticket_rated: "Rated",
    ev_follow_up_assigned: "Follow-up assigned", ev_follow_up_answered: "Called back", ev_follow_up_closed: "Follow-up closed",
    ev_complaint_recorded: "Complaint", ev_call_back_sample_drawn: "Sampled", ev_call_back_recorded: "Call-back outcome",
  },
});

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
