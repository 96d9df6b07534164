/* 短信通知: the outbox as a manager sees it — what was queued, sent, is being retried
 * or was given up, with masked numbers (a one-time code is never shown). Read-only;
 * it refetches when the hub reports notification events.
 */
import M from "./manage.js";
import strings from "./strings/manage-notify.js";

const {h, t} = M;

M.J.addStrings(strings);

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
