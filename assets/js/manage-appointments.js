/* 预约管理: today's and upcoming appointments per service and slot (booked, checked in,
 * served, missed, cancelled), capacity use, no-show rates, the list with masked phone
 * numbers, CSV/XLSX export, and the phones blocked by the no-show policy (a manager may
 * lift a block; the hub journals who and why).
 */
import M from "./manage.js";
import strings from "./strings/manage-appointments.js";

const {h, t} = M;

M.J.addStrings(strings);

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
