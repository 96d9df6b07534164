/* 统计报表: a day, a month or a range, per service, window and clerk; attendance; the
 * 优秀窗口 ranking; charts; CSV and XLSX export. Every figure is computed by the hub
 * (GET /api/v1/manage/reports) from its journal; this page only shows it.
 */
import M from "./manage.js";
import strings, {columns as columnStrings} from "./strings/manage-reports.js";

const {h, t} = M;

M.J.addStrings(strings);

let root = null, report = null;
const form = {mode: "day", day: "", month: "", from: "", to: "", table: "windows"};

function query() {
  if (form.mode === "month") return "month=" + encodeURIComponent(form.month);
  if (form.mode === "range") return `from=${encodeURIComponent(form.from)}&to=${encodeURIComponent(form.to)}`;
  return "day=" + encodeURIComponent(form.day);
}

async function load() {
  try {
    report = await M.api("/api/v1/manage/reports?" + query());
    render();
  } catch (error) {
    M.toast(M.errorText(error), "error");
  }
}

async function download(format) {
  const path = `/api/v1/manage/reports/export?format=${format}&table=${form.table}&` + query();
  try {
    const name = await M.download(path, `report.${format}`);
    M.toast(t("rp_downloaded", {name}));
  } catch (error) {
    M.toast(M.errorText(error), "error");
  }
}

function toolbar() {
  const today = (M.clock && M.clock.day) || new Date().toISOString().slice(0, 10);
  form.day = form.day || today;
  form.month = form.month || today.slice(0, 7);
  form.from = form.from || today.slice(0, 8) + "01";
  form.to = form.to || today;
  const bind = (key, attrs) => h("input", Object.assign({value: form[key], oninput: (e) => { form[key] = e.target.value; }}, attrs));
  const modeSelect = M.select([["day", t("rp_day")], ["month", t("rp_month")], ["range", t("rp_range")]], form.mode,
    {id: "rp-mode", onchange: (e) => { form.mode = e.target.value; render(); }});
  const pickers = form.mode === "month" ? [M.field(t("rp_month_pick"), bind("month", {type: "month", id: "rp-month"}))]
    : form.mode === "range" ? [M.field(t("rp_from"), bind("from", {type: "date", id: "rp-from"})), M.field(t("rp_to"), bind("to", {type: "date", id: "rp-to"}))]
      : [M.field(t("rp_date"), bind("day", {type: "date", id: "rp-day"}))];
  const tables = ["summary", "services", "windows", "clerks", "attendance", "ranking", "cases"].map((n) => [n, t("tbl_" + n)]);
  return h("div", {class: "card toolbar"},
    M.field(t("rp_mode"), modeSelect), ...pickers,
    h("button", {class: "primary", id: "rp-query", onclick: load}, t("rp_query")),
    h("span", {class: "grow"}),
    h("button", {id: "rp-xlsx", onclick: () => download("xlsx")}, t("rp_xlsx")),
    M.field(t("rp_table"), M.select(tables, form.table, {id: "rp-table", onchange: (e) => { form.table = e.target.value; }})),
    h("button", {id: "rp-csv", onclick: () => download("csv")}, t("rp_csv")));
}

const figures = [
  [t.bind(null, "rp_called"), (r) => r.called, "num"],
  [t.bind(null, "rp_served"), (r) => r.served, "num"],
  [t.bind(null, "rp_no_shows"), (r) => r.no_shows, "num"],
  [t.bind(null, "rp_transfers"), (r) => r.transfers, "num"],
  [t.bind(null, "rp_wait"), (r) => M.minutes(r.wait.mean), "num"],
  [t.bind(null, "rp_wait_p90"), (r) => M.minutes(r.wait.p90), "num"],
  [t.bind(null, "rp_handling"), (r) => M.minutes(r.handling.mean), "num"],
  [t.bind(null, "rp_handling_p90"), (r) => M.minutes(r.handling.p90), "num"],
  [t.bind(null, "rp_rated"), (r) => r.ratings.count, "num"],
  [t.bind(null, "rp_satisfaction"), (r) => M.percent(r.ratings.satisfaction_rate), "num"],
  [t.bind(null, "rp_bad"), (r) => r.bad.count, "num"],
  [t.bind(null, "rp_in_time"), (r) => (r.bad.count ? `${r.bad.in_time}/${r.bad.count}` : ""), "num"],
  [t.bind(null, "rp_complaints"), (r) => r.complaints, "num"],
];

function columns(first) {
  return first.concat(figures.map(([label, get, cls]) => [label(), get, cls]));
}

// The columns of a 按期办结率 table, after its first (service or window).
function caseColumns(first) {
  return [[first, (r) => M.name(r.name)], [t("rp_cases_due"), (r) => r.due, "num"],
    [t("rp_cases_on_time"), (r) => r.on_time, "num"], [t("rp_cases_late"), (r) => r.late, "num"],
    [t("rp_cases_overdue"), (r) => r.overdue, "num"], [t("rp_cases_pending"), (r) => r.pending, "num"],
    [t("rp_cases_rate"), (r) => M.percent(r.rate), "num"]];
}

function kpi(label, value, id) {
  return h("div", {class: "kpi", "data-kpi": id}, h("span", {}, label), h("b", {}, value));
}

function render() {
  if (!root) return;
  const parts = [toolbar()];
  if (report) {
    const tot = report.totals;
    const days = report.charts.per_day.length;
    parts.push(
      h("h2", {class: "report-title", id: "rp-title"}, report.from === report.to
        ? t("rp_title_day", report) : t("rp_title", report)),
      h("div", {class: "summary"},
        kpi(t("rp_tickets"), tot.tickets, "tickets"), kpi(t("rp_served"), tot.served, "served"),
        kpi(t("rp_no_shows"), tot.no_shows, "no_shows"), kpi(t("rp_transfers"), tot.transfers, "transfers"),
        kpi(t("rp_wait"), M.minutes(tot.wait.mean), "wait"), kpi(t("rp_handling"), M.minutes(tot.handling.mean), "handling"),
        kpi(t("rp_satisfaction"), M.percent(tot.ratings.satisfaction_rate), "satisfaction"),
        kpi(t("rp_in_time"), `${tot.bad.in_time}/${tot.bad.count}`, "in_time")),
      h("div", {class: "charts3"},
        h("div", {class: "card"}, h("h2", {}, t(days > 1 ? "rp_per_day" : "rp_per_hour")), days > 1
          ? M.charts.bars({labels: report.charts.per_day.map((d) => d.day.slice(5)),
            series: [{name: t("rp_tickets"), values: report.charts.per_day.map((d) => d.tickets)},
              {name: t("rp_served"), values: report.charts.per_day.map((d) => d.served), color: "#1e7d32"}]})
          : M.charts.bars({labels: report.charts.per_hour.map((p) => t("hour_label", {h: p.hour})),
            series: [{name: t("rp_tickets"), values: report.charts.per_hour.map((p) => p.tickets)}]})),
        h("div", {class: "card"}, h("h2", {}, t("rp_levels")), M.charts.bars({
          labels: ["5", "4", "3", "2", "1"].map((l) => t("level_" + l)),
          series: [{name: "", values: ["5", "4", "3", "2", "1"].map((l) => tot.ratings.levels[l]), color: "#1e7d32"}]})),
        h("div", {class: "card"}, h("h2", {}, t("rp_by_window")), M.charts.hbars({
          labels: report.windows.map((w) => M.name(w.name)), rowHeight: 26,
          series: [{name: "", values: report.windows.map((w) => Math.round((w.ratings.satisfaction_rate || 0) * 1000) / 10)}]}))),
      h("div", {class: "split"},
        h("div", {class: "card"}, h("h2", {}, t("rp_ranking")), ranking(report.ranking.windows, "id", "rp_excellent")),
        h("div", {class: "card"}, h("h2", {}, t("rp_ranking_clerks")), ranking(report.ranking.clerks, "username", "rp_excellent_clerk"))),
      h("div", {class: "card"}, h("h2", {}, t("rp_services")), M.table(columns([
        [t("col_service"), (r) => M.name(r.name)], [t("rp_tickets"), (r) => r.tickets, "num"]]), report.services, {class: "rp-services"})),
      h("div", {class: "card"}, h("h2", {}, t("rp_windows")), M.table(columns([
        [t("col_window"), (r) => M.name(r.name)]]), report.windows, {class: "rp-windows"})),
      h("div", {class: "card"}, h("h2", {}, t("rp_clerks")), M.table(columns([
        [t("col_clerk"), (r) => r.name]]).concat([[t("rp_attendance"),
        (r) => `${r.attendance.days}/${r.attendance.late}/${r.attendance.early_leave}`, "num"]]), report.clerks, {class: "rp-clerks"})),
      // 按期办结率: the 承诺件 due within the period, per service with the total, then per
      // window they were opened at.
      h("div", {class: "card"}, h("h2", {}, t("rp_cases")), M.table(caseColumns(t("col_service")), (report.cases || []).filter((r) => r.due), {class: "rp-cases"})),
      h("div", {class: "card"}, h("h2", {}, t("rp_cases_windows")), M.table(caseColumns(t("col_window")), (report.cases_by_window || []).filter((r) => r.due), {class: "rp-cases-windows"})),
      h("div", {class: "card"}, h("h2", {}, t("rp_attendance_detail")), M.table([
        [t("rp_date"), (a) => a.day], [t("col_clerk"), (a) => a.name],
        [t("rp_first_in"), (a) => M.time(a.first_sign_in)], [t("rp_last_out"), (a) => M.time(a.last_sign_out)],
        [t("rp_late"), (a) => h("span", {class: a.late ? "over" : ""}, t(a.late ? "yes" : "no"))],
        [t("rp_early"), (a) => h("span", {class: a.early_leave ? "over" : ""}, t(a.early_leave ? "yes" : "no"))],
      ], report.attendance, {class: "rp-attendance"})),
      h("p", {class: "hint"}, t("rp_definitions")));
  }
  root.replaceChildren(...parts);
}

function ranking(rows, key, badge) {
  return M.table([
    [t("rp_rank"), (r) => r.rank, "num"],
    [t("col_name"), (r) => h("span", {}, M.name(r.name), " ", r.excellent ? h("span", {class: "badge excellent"}, "★ " + t(badge)) : null)],
    [t("rp_score"), (r) => r.score, "num"],
    [t("rp_served"), (r) => r.served, "num"],
    [t("rp_satisfaction"), (r) => M.percent(r.satisfaction_rate), "num"],
    [t("rp_complaints"), (r) => r.complaints, "num"],
  ], rows.slice(0, 8), {class: "ranking-" + key});
}

M.J.addStrings(columnStrings);

M.pages.reports = {
  show(el) { root = el; render(); if (!report) load(); },
};
