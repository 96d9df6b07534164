/* 统计报表: a day, a month or a range, per service, window and clerk; attendance; the
 * 优秀窗口 ranking; charts; CSV and XLSX export. Every figure is computed by the hub
 * (GET /api/v1/manage/reports) from its journal; this page only shows it.
 */
import M from "./manage.js";

const {h, t} = M;

M.J.addStrings({
  zh: {
    rp_mode: "报表类型", rp_day: "日报", rp_month: "月报", rp_range: "区间", rp_date: "日期", rp_month_pick: "月份",
    rp_from: "起始日期", rp_to: "截止日期", rp_query: "查询", rp_xlsx: "导出 Excel", rp_csv: "导出 CSV",
    rp_table: "CSV 表", rp_title: "{from} 至 {to}", rp_title_day: "{from}",
    rp_tickets: "取号", rp_called: "呼叫", rp_served: "办结", rp_no_shows: "过号", rp_transfers: "转办",
    rp_wait: "平均等候", rp_wait_p90: "等候P90", rp_handling: "平均办理", rp_handling_p90: "办理P90",
    rp_rated: "评价数", rp_satisfaction: "满意率", rp_bad: "差评", rp_in_time: "按期回访",
    rp_complaints: "投诉", rp_attendance: "出勤/迟到/早退",
    rp_services: "按事项", rp_windows: "按窗口", rp_clerks: "按人员", rp_ranking: "优秀窗口评比",
    rp_ranking_clerks: "工作人员排名", rp_attendance_detail: "考勤明细", rp_rank: "名次", rp_score: "得分",
    rp_excellent: "优秀窗口", rp_excellent_clerk: "服务之星",
    rp_per_hour: "各时段取号", rp_per_day: "每日取号与办结", rp_wait_dist: "等候时长分布",
    rp_levels: "评价分布", rp_by_window: "各窗口满意率(%)",
    rp_first_in: "首次签到", rp_last_out: "最后签退", rp_late: "迟到", rp_early: "早退", yes: "是", no: "否",
    rp_downloaded: "已导出 {name}",
    rp_cases: "按期办结率（承诺件，按承诺办结日期落在本期计）", rp_cases_windows: "按期办结率（按受理窗口）", rp_cases_due: "到期承诺件", rp_cases_on_time: "按期办结",
    rp_cases_late: "逾期办结", rp_cases_overdue: "超期未办结", rp_cases_pending: "未到期在办", rp_cases_rate: "按期办结率",
    tbl_cases: "按期办结",
    rp_definitions: "说明：等候 = 取号至首次呼叫；办理 = 开始办理至办结；P90 为第 90 百分位（最近秩）；满意率 = 基本满意及以上占评价数；按期回访 = 差评在期限（15 个工作日）内完成回访；迟到/早退按首次签到、最后签退与办公时间比较；得分 = 满意率×60 + 办结量÷最高办结量×40 − 投诉×5。",
    level_5: "非常满意", level_4: "满意", level_3: "基本满意", level_2: "不满意", level_1: "非常不满意",
    tbl_summary: "汇总", tbl_services: "事项", tbl_windows: "窗口", tbl_clerks: "人员", tbl_attendance: "考勤", tbl_ranking: "排名",
  },
  en: {
    rp_mode: "Report", rp_day: "Day", rp_month: "Month", rp_range: "Range", rp_date: "Date", rp_month_pick: "Month",
    rp_from: "From", rp_to: "To", rp_query: "Show", rp_xlsx: "Export Excel", rp_csv: "Export CSV",
    rp_table: "CSV table", rp_title: "{from} to {to}", rp_title_day: "{from}",
    rp_tickets: "Tickets", rp_called: "Called", rp_served: "Completed", rp_no_shows: "No-shows", rp_transfers: "Transfers",
    rp_wait: "Mean wait", rp_wait_p90: "Wait P90", rp_handling: "Mean handling", rp_handling_p90: "Handling P90",
    rp_rated: "Ratings", rp_satisfaction: "Satisfaction", rp_bad: "Bad ratings", rp_in_time: "Called back in time",
    rp_complaints: "Complaints", rp_attendance: "Days/late/early",
    rp_services: "By service", rp_windows: "By window", rp_clerks: "By clerk", rp_ranking: "Window ranking",
    rp_ranking_clerks: "Clerk ranking", rp_attendance_detail: "Attendance", rp_rank: "Rank", rp_score: "Score",
    rp_excellent: "Excellent window", rp_excellent_clerk: "Star clerk",
    rp_per_hour: "Tickets by hour", rp_per_day: "Tickets and completions by day", rp_wait_dist: "Waiting times",
    rp_levels: "Ratings", rp_by_window: "Satisfaction by window (%)",
    rp_first_in: "First sign-in", rp_last_out: "Last sign-out", rp_late: "Late", rp_early: "Left early", yes: "yes", no: "no",
    rp_downloaded: "Exported {name}",
    rp_cases: "On-time completion (committed cases due in the period)", rp_cases_windows: "On-time completion by window opened at", rp_cases_due: "Due", rp_cases_on_time: "On time",
    rp_cases_late: "Done late", rp_cases_overdue: "Overdue, open", rp_cases_pending: "Open, not yet due", rp_cases_rate: "On-time rate",
    tbl_cases: "cases",
    rp_definitions: "Wait = ticket to first call; handling = start to completion; P90 = 90th percentile (nearest rank); satisfaction = share rated fairly satisfied or better; in time = bad rating called back within its deadline (15 working days); late/early = first sign-in and last sign-out against opening hours; score = 60 × satisfaction + 40 × completed ÷ most completed − 5 × complaints.",
    level_5: "Very satisfied", level_4: "Satisfied", level_3: "Fairly satisfied", level_2: "Dissatisfied", level_1: "Very dissatisfied",
    tbl_summary: "summary", tbl_services: "services", tbl_windows: "windows", tbl_clerks: "clerks", tbl_attendance: "attendance", tbl_ranking: "ranking",
  },
});

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

M.J.addStrings({zh: {col_window: "窗口", col_clerk: "工作人员", col_name: "名称"},
  en: {col_window: "Window", col_clerk: "Clerk", col_name: "Name"}});

M.pages.reports = {
  show(el) { root = el; render(); if (!report) load(); },
};
