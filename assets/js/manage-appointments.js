/* 预约管理: today's and upcoming appointments per service and slot (booked, checked in,
 * served, missed, cancelled), capacity use, no-show rates, the list with masked phone
 * numbers, CSV/XLSX export, and the phones blocked by the no-show policy (a manager may
 * lift a block; the hub journals who and why).
 */
import M from "./manage.js";

const {h, t} = M;

M.J.addStrings({
  zh: {
    nav_appointments: "预约管理",
    ap_title: "预约情况", ap_hint: "今日及今后预约，按事项与时段统计；手机号已脱敏。",
    ap_from: "起始日期", ap_to: "截止日期", ap_query: "查询", ap_xlsx: "导出 Excel", ap_csv_slots: "导出时段 CSV",
    ap_csv_list: "导出名单 CSV", ap_downloaded: "已导出 {name}",
    ap_total: "预约总数", ap_booked: "待签到", ap_checked_in: "已签到", ap_served: "已办结",
    ap_missed: "爽约", ap_cancelled: "已取消", ap_use: "名额使用率", ap_rate: "爽约率",
    ap_rate_90: "近90天爽约率",
    ap_day: "日期", ap_service: "事项", ap_slot: "时段", ap_capacity: "名额", ap_code: "预约码",
    ap_phone: "手机号", ap_status: "状态", ap_number: "号码",
    ap_slots: "按事项与时段", ap_list: "预约名单",
    ap_blocks: "因爽约暂停预约的号码", ap_blocks_hint: "规则：{window}天内爽约{limit}次，暂停网上预约{days}天。",
    ap_since: "起", ap_until: "至", ap_missed_n: "爽约次数", ap_lift: "解除", ap_lift_reason: "解除原因（将记录在案）",
    ap_lifted: "已解除", ap_none: "—",
    st_booked: "待签到", st_checked_in: "已签到", st_served: "已办结", st_missed: "爽约", st_cancelled: "已取消",
  },
  en: {
    nav_appointments: "Appointments",
    ap_title: "Appointments", ap_hint: "Today and ahead, per service and slot; phone numbers are masked.",
    ap_from: "From", ap_to: "To", ap_query: "Show", ap_xlsx: "Export Excel", ap_csv_slots: "Slots CSV",
    ap_csv_list: "List CSV", ap_downloaded: "Exported {name}",
    ap_total: "Booked", ap_booked: "Not yet in", ap_checked_in: "Checked in", ap_served: "Served",
    ap_missed: "Missed", ap_cancelled: "Cancelled", ap_use: "Capacity used", ap_rate: "No-show rate",
    ap_rate_90: "No-show rate, 90 days",
    ap_day: "Day", ap_service: "Service", ap_slot: "Slot", ap_capacity: "Places", ap_code: "Code",
    ap_phone: "Phone", ap_status: "Status", ap_number: "Number",
    ap_slots: "Per service and slot", ap_list: "List",
    ap_blocks: "Phones blocked for no-shows", ap_blocks_hint: "Rule: {limit} missed in {window} days blocks booking for {days} days.",
    ap_since: "Since", ap_until: "Until", ap_missed_n: "Missed", ap_lift: "Lift", ap_lift_reason: "Why lift it (journaled)",
    ap_lifted: "Lifted", ap_none: "—",
    st_booked: "Not yet in", st_checked_in: "Checked in", st_served: "Served", st_missed: "Missed", st_cancelled: "Cancelled",
  },
});

let root = null, view = null;
const form = {from: "", to: ""};

function query() {
  return `from=${encodeURIComponent(form.from)}&to=${encodeURIComponent(form.to)}`;
}

async function load() {
  try {
    view = await M.api("/api/v1/manage/appointments?" + query());
    render();
  } catch (error) { M.toast(M.errorText(error), "error"); }
}

async function download(format, table) {
  const path = `/api/v1/manage/appointments/export?format=${format}&table=${table}&` + query();
  try {
    const name = await M.download(path, `appointments.${format}`);
    M.toast(t("ap_downloaded", {name}));
  } catch (error) { M.toast(M.errorText(error), "error"); }
}

async function lift(block) {
  const reason = window.prompt(t("ap_lift_reason"), "");
  if (reason === null) return;
  try {
    await M.api(`/api/v1/manage/appointments/blocks/${encodeURIComponent(block.id)}/lift`,
      {method: "POST", body: {reason}});
    M.toast(t("ap_lifted"));
    load();
  } catch (error) { M.toast(M.errorText(error), "error"); }
}

function kpi(label, value, id) {
  return h("div", {class: "kpi", "data-kpi": id}, h("span", {}, label), h("b", {}, value));
}

function render() {
  if (!root) return;
  const today = (M.clock && M.clock.day) || new Date().toISOString().slice(0, 10);
  form.from = form.from || today;
  if (!form.to) {
    const end = new Date(today + "T00:00:00Z");
    end.setUTCDate(end.getUTCDate() + 14);
    form.to = end.toISOString().slice(0, 10);
  }
  const bind = (key, id) => h("input", {type: "date", id, value: form[key], oninput: (e) => { form[key] = e.target.value; }});
  const toolbar = h("div", {class: "card toolbar"},
    M.field(t("ap_from"), bind("from", "ap-from")), M.field(t("ap_to"), bind("to", "ap-to")),
    h("button", {class: "primary", id: "ap-query", onclick: load}, t("ap_query")),
    h("span", {class: "grow"}),
    h("button", {id: "ap-xlsx", onclick: () => download("xlsx", "slots")}, t("ap_xlsx")),
    h("button", {id: "ap-csv-slots", onclick: () => download("csv", "slots")}, t("ap_csv_slots")),
    h("button", {id: "ap-csv-list", onclick: () => download("csv", "appointments")}, t("ap_csv_list")));
  const parts = [h("div", {class: "card"}, h("h2", {}, t("ap_title")), h("p", {class: "hint"}, t("ap_hint"))), toolbar];
  if (view) {
    const totals = view.totals;
    const taken = totals.booked + totals.checked_in + totals.served + totals.missed;
    parts.push(h("div", {class: "kpis", id: "ap-kpis"},
      kpi(t("ap_total"), taken, "total"),
      kpi(t("ap_booked"), totals.booked, "booked"),
      kpi(t("ap_checked_in"), totals.checked_in, "checked_in"),
      kpi(t("ap_served"), totals.served, "served"),
      kpi(t("ap_missed"), totals.missed, "missed"),
      kpi(t("ap_cancelled"), totals.cancelled, "cancelled"),
      kpi(t("ap_use"), totals.capacity ? M.percent(taken / totals.capacity) : t("ap_none"), "use"),
      kpi(t("ap_rate"), M.percent(totals.no_show_rate), "rate"),
      kpi(t("ap_rate_90"), M.percent(view.no_show_rate_90), "rate_90")));
    parts.push(h("div", {class: "card"}, h("h2", {}, t("ap_slots")), M.table([
      [t("ap_day"), (r) => r.day],
      [t("ap_service"), (r) => M.name(r.service_name)],
      [t("ap_slot"), (r) => r.slot],
      [t("ap_capacity"), (r) => r.capacity, "num"],
      [t("st_booked"), (r) => r.booked, "num"],
      [t("st_checked_in"), (r) => r.checked_in, "num"],
      [t("st_served"), (r) => r.served, "num"],
      [t("st_missed"), (r) => r.missed, "num"],
      [t("st_cancelled"), (r) => r.cancelled, "num"],
      [t("ap_use"), (r) => M.percent(r.use), "num"],
    ], view.slots, {class: "appointment-slots"})));
    const policy = view.policy;
    parts.push(h("div", {class: "card"}, h("h2", {}, t("ap_blocks")),
      h("p", {class: "hint"}, t("ap_blocks_hint", {limit: policy.limit, window: policy.window_days, days: policy.block_days})),
      M.table([
        [t("ap_phone"), (b) => b.phone],
        [t("ap_since"), (b) => b.since],
        [t("ap_until"), (b) => b.until],
        [t("ap_missed_n"), (b) => b.missed, "num"],
        ["", (b) => h("button", {"data-lift": b.id, onclick: () => lift(b)}, t("ap_lift"))],
      ], view.blocks, {class: "appointment-blocks"})));
    parts.push(h("div", {class: "card"}, h("h2", {}, t("ap_list")), M.table([
      [t("ap_day"), (a) => a.day],
      [t("ap_slot"), (a) => a.slot],
      [t("ap_service"), (a) => M.serviceName(a.service)],
      [t("ap_code"), (a) => a.code],
      [t("ap_phone"), (a) => a.phone],
      [t("ap_status"), (a) => h("span", {class: "status-" + a.status}, t("st_" + a.status))],
      [t("ap_number"), (a) => a.number || ""],
    ], view.appointments, {class: "appointment-list"})));
  }
  root.replaceChildren(...parts);
}

const refetch = M.throttle(() => { if (M.isShown("appointments")) load(); }, 1000);
const TYPES = ["appointment_", "ticket_issued", "ticket_completed", "booking_"];

M.pages.appointments = {
  show(el) { root = el; render(); M.loadConfig().then(load).catch((e) => M.toast(M.errorText(e), "error")); },
  onEvent(event) { if (event.type === "snapshot" || TYPES.some((p) => event.type.startsWith(p))) refetch(); },
};
