/* How long a wait is, in words (the hub's views.wait_view). */
import {addStrings, t} from "./i18n.js";
import strings from "../strings/waits.js";

addStrings(strings);

/** The clock time of an ISO moment as the hall reads it (HH:MM, local to the hub's offset). */
export function clockTime(iso) {
  const match = /T(\d{2}):(\d{2})/.exec(iso || "");
  return match ? `${match[1]}:${match[2]}` : "";
}

/**
 * The words for a wait {state, minutes, low, high, resumes_at, after_closing}
 * from the hub (views.wait_view): 马上办理 only when a window serving it is
 * open and idle; no number when nobody is staffed for it; a range when the
 * wait is long. `elapsed` (minutes since the estimate) counts it down.
 */
export function waitText(wait, elapsed) {
  if (!wait) return t("w_unknown");
  const gone = Math.max(0, elapsed || 0);
  const less = (n) => Math.max(wait.state === "now" ? 0 : 1, Math.round(n - gone));
  switch (wait.state) {
    case "now": return t("w_now");
    case "no_window": return t("w_no_window");
    case "closed": return t("w_closed");
    case "resumes": {
      const time = clockTime(wait.resumes_at);
      if (wait.minutes === null || wait.minutes === undefined) return t("w_no_window");
      return wait.high - wait.low >= 10 ? t("w_resumes_range", {time, low: less(wait.low), high: less(wait.high)})
        : t("w_resumes", {time, n: less(wait.minutes)});
    }
    default: {
      if (wait.minutes === null || wait.minutes === undefined) return t("w_unknown");
      if (wait.minutes >= 20 && wait.high - wait.low >= 10) return t("w_range", {low: less(wait.low), high: less(wait.high)});
      return t("w_about", {n: less(wait.minutes)});
    }
  }
}
