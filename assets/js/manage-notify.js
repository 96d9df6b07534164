/* 短信通知: the outbox as a manager sees it — what was queued, sent, is being retried
 * or was given up, with masked numbers (a one-time code is never shown). Read-only;
 * it refetches when the hub reports notification events.
 */
import M from "./manage.js";

const {h, t} = M;

M.J.addStrings({
  zh: {
    nav_notifications: "短信通知",
    nt_title: "短信通知（最近）", nt_hint: "通知随引起它的事件一同记录，由发送进程重试直至送达；号码已脱敏。",
    nt_time: "时间", nt_kind: "类型", nt_phone: "手机号", nt_template: "模板", nt_status: "状态",
    nt_attempts: "尝试", nt_outcome: "结果", nt_next: "下次重试",
    ns_pending: "待发送", ns_sent: "已发送", ns_failed: "已放弃",
    nk_booking_code: "预约码", nk_reminder: "预约提醒", nk_three_ahead: "前面还有3人", nk_called: "叫号",
    nk_follow_up: "差评回访", nk_checkin_code: "签到验证码", nk_case_accepted: "办件受理",
    nk_case_due_soon: "办件即将到期", nk_case_done: "办件办结", nk_materials_notice: "一次性告知",
    nk_booking_verify: "预约验证码",
  },
  en: {
    nav_notifications: "Text messages",
    nt_title: "Text messages (recent)", nt_hint: "Each is recorded with the event that caused it and retried until delivered; numbers are masked.",
    nt_time: "Time", nt_kind: "Kind", nt_phone: "Phone", nt_template: "Template", nt_status: "Status",
    nt_attempts: "Tries", nt_outcome: "Outcome", nt_next: "Next try",
    ns_pending: "Pending", ns_sent: "Sent", ns_failed: "Given up",
    nk_booking_code: "Booking code", nk_reminder: "Reminder", nk_three_ahead: "3 ahead", nk_called: "Called",
    nk_follow_up: "Follow-up", nk_checkin_code: "Check-in code", nk_case_accepted: "Case accepted",
    nk_case_due_soon: "Case due soon", nk_case_done: "Case done", nk_materials_notice: "Materials notice",
    nk_booking_verify: "Booking check code",
  },
});

let root = null, list = null;

async function load() {
  list = await M.api("/api/v1/notifications");
  render();
}

const clock = (iso) => (iso ? iso.slice(11, 19) : "");

function render() {
  if (!root) return;
  const rows = list ? list.pending.concat(list.finished) : [];
  root.replaceChildren(h("div", {class: "card"}, h("h2", {}, t("nt_title")),
    h("p", {class: "hint"}, t("nt_hint")),
    M.table([
      [t("nt_time"), (n) => clock(n.queued_at)],
      [t("nt_kind"), (n) => t("nk_" + n.kind)],
      [t("nt_phone"), (n) => n.phone],
      [t("nt_template"), (n) => n.template],
      [t("nt_status"), (n) => h("span", {class: "status-" + n.status}, t("ns_" + n.status))],
      [t("nt_attempts"), (n) => n.attempts, "num"],
      [t("nt_outcome"), (n) => n.outcome],
      [t("nt_next"), (n) => (n.status === "pending" ? clock(n.retry_at) : "")],
    ], rows, {class: "notifications"})));
}

const refetch = M.throttle(() => { if (M.isShown("notifications")) load().catch(() => {}); }, 1000);

M.pages.notifications = {
  show(el) { root = el; render(); load().catch((e) => M.toast(M.errorText(e), "error")); },
  onEvent(event) { if (event.type === "snapshot" || event.type.startsWith("notification_")) refetch(); },
};
