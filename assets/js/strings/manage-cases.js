/* The manage-cases page's strings, zh first, en. */
export default {
  zh: {
    nav_cases: "办件督办", kind_case_overdue: "办件超期", kind_case_due_soon: "办件即将到期",
    ca_title: "办件督办（承诺件按工作日计算，调休与节假日已计入）",
    ca_hint: "即将到期：剩余 {n} 个工作日及以内；超期：已过承诺办结日期仍未办结。手机号已脱敏。",
    ca_overdue: "已超期", ca_due_soon: "即将到期", ca_open: "全部在办", ca_done: "已办结", ca_all: "全部",
    ca_number: "办件编号", ca_service: "事项", ca_kind: "类型", ca_stage: "环节", ca_opened: "受理日期",
    ca_due: "承诺办结", ca_left: "剩余工作日", ca_holder: "负责人", ca_phone: "手机号", ca_ops: "操作",
    ca_next: "→ {stage}", ca_hand: "转交", ca_to: "转交给", ca_as_agent: "代办员全程代理",
    ca_moved: "办件 {number} 已进入“{stage}”", ca_handed: "办件 {number} 已转交 {name}",
    ca_over_by: "超 {n} 天", ca_agent: "代办", ca_on_time: "按期", ca_late: "逾期", k_immediate: "即办件", k_promised: "承诺件",
  },
  en: {
    nav_cases: "Cases", kind_case_overdue: "Case overdue", kind_case_due_soon: "Case due soon",
    ca_title: "Cases (committed days count working days, 调休 and holidays included)",
    ca_hint: "Due soon: {n} working days or fewer left; overdue: past the committed day, not done. Phones are masked.",
    ca_overdue: "Overdue", ca_due_soon: "Due soon", ca_open: "Open", ca_done: "Done", ca_all: "All",
    ca_number: "Case", ca_service: "Service", ca_kind: "Kind", ca_stage: "Stage", ca_opened: "Opened",
    ca_due: "Due", ca_left: "Days left", ca_holder: "Held by", ca_phone: "Phone", ca_ops: "Actions",
    ca_next: "→ {stage}", ca_hand: "Hand over", ca_to: "Hand to", ca_as_agent: "Agent carries it through",
    ca_moved: "Case {number} is now at {stage}", ca_handed: "Case {number} handed to {name}",
    ca_over_by: "{n} over", ca_agent: "agent", ca_on_time: "on time", ca_late: "late", k_immediate: "Immediate", k_promised: "Committed",
  },
};
