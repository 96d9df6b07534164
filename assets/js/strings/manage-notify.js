/* The manage-notify page's strings, zh first, en. */
export default {
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
};
