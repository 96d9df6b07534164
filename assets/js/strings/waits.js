/* The words for a wait (lib/waits.js), zh first, en. */
export default {
  zh: {
    w_now: "马上办理", w_about: "约 {n} 分钟", w_range: "约 {low}–{high} 分钟",
    w_no_window: "暂无窗口办理，请咨询导服台", w_resumes: "{time} 恢复办理，预计等待约 {n} 分钟",
    w_resumes_range: "{time} 恢复办理，预计等待约 {low}–{high} 分钟", w_closed: "今日已停止办理",
    w_after_closing: "今日下班前可能无法办理", w_unknown: "—", w_no_window_short: "暂无窗口",
  },
  en: {
    w_now: "Served now", w_about: "about {n} min", w_range: "about {low}–{high} min",
    w_no_window: "No window serving this now; please ask at the help desk",
    w_resumes: "Resumes at {time}; wait about {n} min", w_resumes_range: "Resumes at {time}; wait about {low}–{high} min",
    w_closed: "Closed for today", w_after_closing: "May not be served before closing today", w_unknown: "—",
    w_no_window_short: "No window",
  },
};
