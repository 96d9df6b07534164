/* 配置: the center's configuration in the browser, staff accounts and devices.
 *
 * The configuration is edited as a whole (GET /api/v1/config, then PUT it back):
 * the hub validates it, refuses what is wrong naming the field (e.g.
 * services[2].prefix, which this page marks), and records the change as an event
 * (who, when, what) that reaches kiosks and displays live. Staff accounts and
 * devices have their own routes; a new device's token is shown once.
 */
import M from "./manage.js";
import strings from "./strings/manage-config.js";

const {h, t} = M;

M.J.addStrings(strings);

let root = null, sub = "services", draft = null, dirty = false, stale = false, lastError = null;

const clone = (value) => JSON.parse(JSON.stringify(value));
const text = (value) => (typeof value === "string" ? {zh: value, en: ""} : Object.assign({zh: "", en: ""}, value || {}));

function fresh() {
  draft = clone(M.config);
  draft.center.name = text(draft.center.name);
  for (const s of draft.services) { s.name = text(s.name); if (s.category) s.category = text(s.category); s.guide = s.guide || {}; }
  for (const w of draft.windows) {
    if (Array.isArray(w.services)) w.services = Object.fromEntries(w.services.map((id) => [id, 1]));
    w.name = text(w.name || `${w.id}号窗口`);
  }
  for (const p of draft.priority_classes || []) p.name = text(p.name);
  dirty = stale = false;
  lastError = null;
}

/** An input bound to obj[key]: kinds text, int, float, lines, bool, select(options). */
function bind(obj, key, kind, path, attrs, options) {
  const a = Object.assign({"data-path": path}, attrs || {});
  let control;
  const value = obj[key];
  if (kind === "lines") control = h("textarea", Object.assign({rows: 3}, a), (value || []).join("\n"));
  else if (kind === "bool") control = h("input", Object.assign({type: "checkbox", checked: !!value}, a));
  else if (kind === "select") control = M.select(options, value, a);
  else control = h("input", Object.assign({value: value === undefined || value === null ? "" : value,
    type: kind === "int" || kind === "float" ? "number" : "text", step: kind === "float" ? "0.5" : null}, a));
  const update = () => {
    let v = kind === "bool" ? control.checked : control.value;
    if (kind === "lines") v = control.value.split("\n").map((s) => s.trim()).filter(Boolean);
    if ((kind === "int" || kind === "float") && v !== "") v = kind === "int" && /^-?\d+$/.test(v) ? parseInt(v, 10) : Number(v);
    if (v === "" && kind !== "text") delete obj[key]; else obj[key] = v;
    setDirty();
  };
  control.addEventListener(kind === "bool" || kind === "select" ? "change" : "input", update);
  return control;
}

function setDirty() {
  dirty = true;
  const note = root && root.querySelector(".dirty");
  if (note) note.hidden = false;
}

async function save(summary) {
  const error = root.querySelector("#cf-error");
  error.textContent = "";
  root.querySelectorAll(".invalid").forEach((el) => el.classList.remove("invalid"));
  const config = clone(draft);
  for (const service of config.services) {  // an empty category means "as its name"
    if (service.category && !service.category.zh) delete service.category;
  }
  try {
    await M.api("/api/v1/config", {method: "PUT", body: {config, summary}});
    await M.loadConfig(true);
    fresh();
    M.toast(t("cf_saved"));
    render();
  } catch (e) {
    lastError = e;
    const target = e.field && root.querySelector(`[data-path="${CSS.escape(e.field)}"]`);
    const label = target && target.closest("label") ? target.closest("label").firstChild.textContent : "";
    error.textContent = e.field ? t("cf_refused", {label: label || e.field, field: e.field, message: e.message}) : M.errorText(e);
    if (target) { target.classList.add("invalid"); target.focus(); }
  }
}

function saveBar(summary) {
  return h("div", {class: "card actions savebar"},
    h("button", {class: "primary", id: "cf-save", onclick: () => save(summary)}, t("cf_save")),
    h("button", {id: "cf-reload", onclick: () => { fresh(); render(); }}, t("cf_reload")),
    h("span", {class: "badge warn dirty", hidden: !dirty}, t("cf_dirty")),
    stale ? h("span", {class: "over"}, t("cf_changed_elsewhere")) : null,
    h("p", {class: "error", id: "cf-error"}, lastError ? M.errorText(lastError) : ""));
}

const field = (label, control, cls) => { const f = M.field(label, control); if (cls) f.classList.add(cls); return f; };
const removeButton = (list, index) => h("button", {class: "small danger", onclick: () => { list.splice(index, 1); setDirty(); render(); }}, t("remove"));

/* ------------------------------------------------------------------ the center's configuration */

function services() {
  const items = draft.services.map((s, i) => {
    const p = `services.${i}`;
    s.category = s.category || {zh: "", en: ""};
    return h("details", {class: "item", open: !s.id ? "open" : null, "data-service": s.id},
      h("summary", {}, h("b", {class: "prefix"}, s.prefix || "?"), M.name(s.name) || "…", h("span", {class: "muted"}, ` (${s.id || "new"})`)),
      h("div", {class: "form-grid"},
        field(t("f_id"), bind(s, "id", "text", `${p}.id`, {readonly: M.config.services.some((o) => o.id === s.id) ? "readonly" : null})),
        field(t("f_prefix"), bind(s, "prefix", "text", `${p}.prefix`, {maxlength: 1})),
        field(t("f_name_zh"), bind(s.name, "zh", "text", `${p}.name.zh`)),
        field(t("f_name_en"), bind(s.name, "en", "text", `${p}.name.en`)),
        field(t("f_category_zh"), bind(s.category, "zh", "text", `${p}.category.zh`)),
        field(t("f_daily_cap"), bind(s, "daily_cap", "int", `${p}.daily_cap`, {placeholder: 999})),
        field(t("f_cutoff"), bind(s, "cutoff_minutes", "int", `${p}.cutoff_minutes`, {placeholder: 30})),
        field(t("f_wait_alert"), bind(s, "wait_alert_minutes", "int", `${p}.wait_alert_minutes`, {placeholder: 30})),
        field(t("f_handling"), bind(s, "handling_minutes", "float", `${p}.handling_minutes`, {placeholder: 8})),
        field(t("f_capacity"), bind(s, "appointment_capacity", "int", `${p}.appointment_capacity`, {placeholder: 0})),
        field(t("f_time_limit"), bind(s.guide, "time_limit", "text", `${p}.guide.time_limit`), "wide"),
        field(t("f_fees"), bind(s.guide, "fees", "text", `${p}.guide.fees`), "wide"),
        field(t("f_basis"), bind(s.guide, "basis", "text", `${p}.guide.basis`), "wide"),
        field(t("f_materials"), bind(s.guide, "materials", "lines", `${p}.guide.materials`), "wide"),
        field(t("f_conditions"), bind(s.guide, "conditions", "lines", `${p}.guide.conditions`), "wide")),
      h("div", {class: "actions"}, removeButton(draft.services, i)));
  });
  return [h("div", {class: "card"}, h("h2", {}, t("cfg_services")), items,
    h("div", {class: "actions"}, h("button", {onclick: () => {
      draft.services.push({id: "", prefix: "", name: {zh: "", en: ""}, guide: {}}); setDirty(); render();
    }}, t("cf_add_service")))), saveBar("修改事项与办事指南")];
}

function windows() {
  const items = draft.windows.map((w, i) => {
    const p = `windows.${i}`;
    const weights = h("div", {class: "weights"}, draft.services.map((s) => {
      const on = w.services[s.id] !== undefined;
      const weight = h("input", {type: "number", min: 0.5, step: 0.5, value: on ? w.services[s.id] : 1, disabled: !on,
        "data-path": `${p}.services.${s.id}`, oninput: (e) => { w.services[s.id] = Number(e.target.value); setDirty(); }});
      const box = h("input", {type: "checkbox", checked: on, onchange: (e) => {
        if (e.target.checked) w.services[s.id] = Number(weight.value) || 1; else delete w.services[s.id];
        weight.disabled = !e.target.checked; setDirty();
      }});
      return h("label", {}, box, M.name(s.name), weight);
    }));
    return h("details", {class: "item", open: i < 2 ? "open" : null},
      h("summary", {}, M.name(w.name), h("span", {class: "muted"}, "  " + Object.keys(w.services).map((id) => M.serviceName(id)).join("、"))),
      h("div", {class: "form-grid"},
        field(t("f_id"), bind(w, "id", "int", `${p}.id`)),
        field(t("f_name_zh"), bind(w.name, "zh", "text", `${p}.name.zh`)),
        field(t("f_name_en"), bind(w.name, "en", "text", `${p}.name.en`)),
        h("label", {class: "field"}, h("span", {}, t("f_comprehensive")), bind(w, "comprehensive", "bool", `${p}.comprehensive`)),
        h("div", {class: "full"}, h("h3", {}, t("f_services_weights")), weights)),
      h("div", {class: "actions"}, removeButton(draft.windows, i)));
  });
  return [h("div", {class: "card"}, h("h2", {}, t("cfg_windows")), items,
    h("div", {class: "actions"}, h("button", {onclick: () => {
      const id = Math.max(0, ...draft.windows.map((w) => w.id)) + 1;
      draft.windows.push({id, name: {zh: `${id}号窗口`, en: `Window ${id}`}, services: {}}); setDirty(); render();
    }}, t("cf_add_window")))), saveBar("修改窗口与办理事项")];
}

function hours() {
  draft.hours = draft.hours || {};
  const hrs = draft.hours;
  if (!hrs.spans) hrs.spans = ["08:30-12:00", "13:30-17:30"];
  return [h("div", {class: "card"}, h("h2", {}, t("cfg_hours")), h("div", {class: "form-grid"},
    field(t("f_spans"), bind(hrs, "spans", "lines", "hours.spans"), "wide"),
    field(t("f_issue_early"), bind(hrs, "issue_early_minutes", "int", "hours.issue_early_minutes", {placeholder: 30})),
    field(t("f_calendar"), bind(hrs, "calendar", "select", "hours.calendar", {},
      ["china", "weekdays", "every_day"].map((c) => [c, t("cal_" + c)]))),
    field(t("f_extra_holidays"), bind(hrs, "extra_holidays", "lines", "hours.extra_holidays"), "wide"),
    field(t("f_extra_workdays"), bind(hrs, "extra_workdays", "lines", "hours.extra_workdays"), "wide"))),
  saveBar("修改办公时间与节假日")];
}

function queue() {
  draft.queue = draft.queue || {};
  draft.priority_classes = draft.priority_classes || [];
  const q = draft.queue;
  const list = draft.priority_classes;
  const classes = M.table([
    [t("f_id"), (c) => bind(c, "id", "text", `priority_classes.${list.indexOf(c)}.id`, {size: 10})],
    [t("f_name_zh"), (c) => bind(c.name, "zh", "text", `priority_classes.${list.indexOf(c)}.name.zh`)],
    [t("f_name_en"), (c) => bind(c.name, "en", "text", `priority_classes.${list.indexOf(c)}.name.en`)],
    [t("f_priority_weight"), (c) => bind(c, "weight", "float", `priority_classes.${list.indexOf(c)}.weight`, {style: "width:5em"})],
    ["", (c) => removeButton(list, list.indexOf(c))],
  ], list, {class: "priority-classes"});
  return [h("div", {class: "split"},
    h("div", {class: "card"}, h("h2", {}, t("cfg_queue")), classes,
      h("div", {class: "actions"}, h("button", {onclick: () => { draft.priority_classes.push({id: "", name: {zh: "", en: ""}, weight: 1}); setDirty(); render(); }}, t("cf_add_class")))),
    h("div", {class: "card"}, h("div", {class: "form-grid"},
      field(t("f_ratio"), bind(q, "priority_ratio", "int", "queue.priority_ratio", {placeholder: 3}), "wide"),
      field(t("f_transfer_place"), bind(q, "transfer_place", "select", "queue.transfer_place", {}, [["front", t("tp_front")], ["arrival", t("tp_arrival")]]), "wide"),
      field(t("f_auto_no_show"), bind(q, "auto_no_show_after_recalls", "int", "queue.auto_no_show_after_recalls", {placeholder: 0}), "wide"),
      field(t("f_late_rule"), bind(q, "late_appointment", "select", "queue.late_appointment", {}, [["walk_in", t("lr_walk_in")], ["refuse", t("lr_refuse")]]), "wide"),
      field(t("f_early"), bind(q, "appointment_early_minutes", "int", "queue.appointment_early_minutes", {placeholder: 15}), "wide"),
      field(t("f_late"), bind(q, "appointment_late_minutes", "int", "queue.appointment_late_minutes", {placeholder: 15}), "wide"),
      field(t("f_pause_reasons"), bind(q, "pause_reasons", "lines", "queue.pause_reasons", {rows: 5, placeholder: "午休\n会议\n临时离开\n请假\n外出办事"}), "full")))),
  saveBar("修改优先类别与排队规则")];
}

function appointments() {
  draft.appointment_slots = draft.appointment_slots || [];
  return [h("div", {class: "split"},
    h("div", {class: "card"}, h("h2", {}, t("cfg_appointments")),
      field(t("f_slots"), bind(draft, "appointment_slots", "lines", "appointment_slots", {rows: 7}))),
    h("div", {class: "card"}, M.table([
      [t("col_service"), (s) => M.name(s.name)],
      [t("f_capacity"), (s) => bind(s, "appointment_capacity", "int", `services.${draft.services.indexOf(s)}.appointment_capacity`, {placeholder: 0, min: 0})],
    ], draft.services))), saveBar("修改预约时段与名额")];
}

function display() {
  const c = draft.center;
  c.staff = c.staff || [];
  if (typeof c.notice !== "object" || c.notice === null) c.notice = {zh: c.notice || "", en: ""};
  const staff = M.table([
    [t("f_person"), (s) => bind(s, "name", "text", `center.staff.${c.staff.indexOf(s)}.name`)],
    [t("f_post"), (s) => bind(s, "post", "text", `center.staff.${c.staff.indexOf(s)}.post`)],
    [t("f_window"), (s) => bind(s, "window", "int", `center.staff.${c.staff.indexOf(s)}.window`, {min: 0})],
    [t("f_username"), (s) => bind(s, "username", "text", `center.staff.${c.staff.indexOf(s)}.username`)],
    ["", (s) => removeButton(c.staff, c.staff.indexOf(s))],
  ], c.staff);
  return [h("div", {class: "card"}, h("h2", {}, t("cfg_display")), h("div", {class: "form-grid"},
    field(t("f_center_zh"), bind(c.name, "zh", "text", "center.name.zh"), "wide"),
    field(t("f_center_en"), bind(c.name, "en", "text", "center.name.en"), "wide"),
    field(t("f_complaint_phone"), bind(c, "complaint_phone", "text", "center.complaint_phone")),
    field(t("f_promises"), bind(c, "promises", "lines", "center.promises", {rows: 4}), "full"),
    field(t("f_notice_zh"), bind(c.notice, "zh", "text", "center.notice.zh", {maxlength: 300, id: "cf-notice-zh"}), "full"),
    field(t("f_notice_en"), bind(c.notice, "en", "text", "center.notice.en", {maxlength: 300, id: "cf-notice-en"}), "full"))),
  h("div", {class: "card"}, h("h2", {}, t("f_staff_cards")), staff,
    h("div", {class: "actions"}, h("button", {onclick: () => { c.staff.push({name: "", post: "", window: 0}); setDirty(); render(); }}, t("cf_add_staff")))),
  saveBar("修改公示信息")];
}

function supervision() {
  draft.supervision = draft.supervision || {};
  const s = draft.supervision;
  s.complaint_days = s.complaint_days || {};
  return [h("div", {class: "card"}, h("h2", {}, t("cfg_supervision")), h("div", {class: "form-grid"},
    field(t("f_on_spot"), bind(s.complaint_days, "on_spot", "int", "supervision.complaint_days.on_spot", {placeholder: 0})),
    field(t("f_next_day"), bind(s.complaint_days, "next_day", "int", "supervision.complaint_days.next_day", {placeholder: 1})),
    field(t("f_multi_unit"), bind(s.complaint_days, "multi_unit", "int", "supervision.complaint_days.multi_unit", {placeholder: 5})),
    field(t("f_follow_up_days"), bind(s, "follow_up_days", "int", "supervision.follow_up_days", {placeholder: 15})),
    field(t("f_sample"), bind(s, "call_back_sample", "int", "supervision.call_back_sample", {placeholder: 5})))),
  saveBar("修改督查时限")];
}

/* ------------------------------------------------------------------ accounts and devices */

let userList = [], deviceList = [], newToken = null;

async function loadAccounts() {
  [userList, deviceList] = await Promise.all([
    M.api("/api/v1/manage/users").then((a) => a.users), M.api("/api/v1/manage/devices").then((a) => a.devices)]);
  render();
}

// What is typed into the "add" forms outlives a redraw (the lists load after the first one).
const blankUser = () => ({username: "", role: "clerk", display_name: "", windows: "", password: "", active: true});
let newUser = blankUser();
const newDevice = {name: "", role: "display", window: ""};

function userForm(user) {
  const u = user ? Object.assign({}, user, {windows: user.windows.join(","), password: ""}) : newUser;
  const error = h("p", {class: "error"});
  const input = (key, attrs) => h("input", Object.assign({value: u[key], oninput: (e) => { u[key] = e.target.value; }}, attrs));
  const submit = async () => {
    error.textContent = "";
    const windows = u.windows.split(/[,，\s]+/).filter(Boolean).map(Number);
    const body = {username: u.username.trim(), role: u.role, display_name: u.display_name, windows, active: !!u.active, create: !user};
    if (u.password) body.password = u.password;
    try {
      await M.api("/api/v1/manage/users", {body});
      if (!user) newUser = blankUser();
      M.toast(t("us_added", {name: body.username}));
      await loadAccounts();
    } catch (e) { error.textContent = M.errorText(e); }
  };
  return h("div", {class: "inline-form"}, h("div", {class: "form-grid"},
    M.field(t("us_username"), input("username", {readonly: user ? "readonly" : null, class: "us-username"})),
    M.field(t("us_role"), M.select(["clerk", "manager", "admin"].map((r) => [r, t("role_" + r)]), u.role,
      {class: "us-role", onchange: (e) => { u.role = e.target.value; }})),
    M.field(t("us_display"), input("display_name", {maxlength: 40})),
    M.field(t("us_windows"), input("windows", {class: "us-windows"})),
    M.field(user ? t("us_new_password") : t("us_password"), input("password", {type: "password", class: "us-password", autocomplete: "new-password"})),
    h("label", {class: "field"}, h("span", {}, t("us_active")), h("input", {type: "checkbox", checked: u.active, onchange: (e) => { u.active = e.target.checked; }}))),
  h("div", {class: "actions"}, h("button", {class: "primary us-save", onclick: submit}, t("save")), error));
}

function users() {
  const holder = h("div", {});
  const table = M.table([
    [t("us_username"), (u) => u.username],
    [t("f_person"), (u) => u.name],
    [t("us_role"), (u) => t("role_" + u.role)],
    [t("us_windows_short"), (u) => u.windows.join(",") || t("none")],
    [t("us_active"), (u) => (u.active ? "✓" : h("span", {class: "over"}, t("us_disabled")))],
    ["", (u) => h("button", {class: "small", onclick: (e) => { e.target.closest("td").append(userForm(u)); }}, t("us_edit"))],
  ], userList, {class: "users"});
  holder.append(table);
  return [h("div", {class: "card"}, h("h2", {}, t("us_title")), holder),
    h("div", {class: "card"}, h("h2", {}, t("us_add")), userForm(null))];
}

function health(report) {
  if (!report) return t("none");
  return Object.entries(report).map(([part, value]) => `${part}: ${typeof value === "object" ? (value.error || value.message || value.sound || value.paper || "ok") : value}`).join("; ");
}

function devices() {
  const error = h("p", {class: "error"});
  const add = newDevice;
  const issue = async (name, role, window) => {
    error.textContent = "";
    const body = {name, role};
    if (window) body.window = Number(window);  // a pad rates only what its window served
    try {
      newToken = await M.api("/api/v1/manage/devices", {body});
      if (name === add.name) add.name = "";
      await loadAccounts();
    } catch (e) { error.textContent = M.errorText(e); }
  };
  const pagePath = (d) => ({kiosk: "/kiosk", display: d.window ? "/display/window/" + d.window : "/display/hall",
                            pad: "/pad/window/" + (d.window || 1), caller: "/caller"})[d.role];
  return [
    newToken ? h("div", {class: "card", id: "dv-new-token"}, h("h2", {}, t("dv_token", {name: newToken.name})),
      h("div", {class: "token-box"}, newToken.token),
      h("p", {class: "hint"}, t("dv_url"), ": ", location.origin + pagePath(newToken) + "#token=" + newToken.token)) : null,
    h("div", {class: "card"}, h("h2", {}, t("dv_title")), M.table([
      [t("dv_name"), (d) => h("b", {}, d.name)],
      [t("dv_role"), (d) => t("role_" + d.role)],
      [t("dv_window"), (d) => (d.window ? String(d.window) : "—")],
      [t("dv_online"), (d) => h("span", {class: "badge " + (d.online ? "ok" : "closed")}, t(d.online ? "dv_yes" : "dv_no"))],
      [t("dv_health"), (d) => health(d.health)],
      [t("dv_status"), (d) => (d.active ? t("dv_active") : h("span", {class: "over"}, t("dv_revoked")))],
      ["", (d) => (d.active
        ? h("button", {class: "small danger", "data-revoke": d.name, onclick: async () => {
          try { await M.api(`/api/v1/manage/devices/${encodeURIComponent(d.name)}/revoke`, {method: "POST"}); M.toast(t("dv_revoked_ok", {name: d.name})); newToken = null; await loadAccounts(); } catch (e) { M.toast(M.errorText(e), "error"); }
        }}, t("dv_revoke"))
        : h("button", {class: "small", onclick: () => issue(d.name, d.role, d.window)}, t("dv_reissue")))],
    ], deviceList, {class: "devices"})),
    h("div", {class: "card"}, h("h2", {}, t("dv_add")), h("div", {class: "toolbar"},
      M.field(t("dv_name"), h("input", {id: "dv-name", maxlength: 40, placeholder: "window-9", value: add.name, oninput: (e) => { add.name = e.target.value.trim(); }})),
      M.field(t("dv_role"), M.select(["kiosk", "display", "pad", "caller"].map((r) => [r, t("role_" + r)]), add.role,
        {id: "dv-role", onchange: (e) => { add.role = e.target.value; }})),
      M.field(t("dv_window"), h("input", {id: "dv-window", type: "number", min: 1, max: 999, value: add.window || "",
        oninput: (e) => { add.window = e.target.value.trim(); }})),
      h("button", {class: "primary", id: "dv-add", onclick: () => issue(add.name, add.role, add.window)}, t("dv_add")), error))];
}

/* ------------------------------------------------------------------ page */

const VIEWS = {services, windows, hours, queue, appointments, display, supervision, users, devices};

function render() {
  if (!root || !M.isShown("config")) return;
  if (!draft) fresh();
  root.replaceChildren(...VIEWS[sub]().filter(Boolean));
}

M.pages.config = {
  show(el, which) {
    root = el;
    sub = VIEWS[which] ? which : "services";
    if (sub !== "users" && sub !== "devices") newToken = null;
    if (!dirty) fresh();
    render();
    if (sub === "users" || sub === "devices") loadAccounts().catch((e) => M.toast(M.errorText(e), "error"));
  },
  onEvent(event) {
    if (event.type === "config_changed") {
      if (!dirty) { fresh(); render(); } else { stale = true; render(); }
    }
    if (["user_saved", "device_added", "device_revoked"].includes(event.type) && M.isShown("config")
        && (sub === "users" || sub === "devices")) loadAccounts().catch(() => {});
  },
};
