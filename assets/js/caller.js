/* The clerk's caller (窗口叫号): log in, sign in to a window (签到), serve citizens.
 *
 * What the page shows comes from the hub: the read models under /api/v1/me (who I
 * am, my window in detail, my counters, my transfers) and the window's waiting list,
 * kept fresh by the /live events of the hall and of my window. A call to my window is
 * shown at once from the event itself; the lists whose order is a queue rule (the
 * waiting list) are read again from the hub, never recomputed here.
 *
 * The page decides nothing: it disables what the window's state plainly forbids
 * (presentation only) and, when the hub refuses anyway, says why in plain words.
 */
import J from "./jiaohao.js";
import {esc} from "./lib/dom.js";

const TOKEN_KEY = "caller";
const LANG_KEY = "jiaohao.lang.caller";
const $ = (id) => document.getElementById(id);

J.addStrings({
  zh: {
    app_title: "窗口叫号", login_title: "工作人员登录", username: "用户名", password: "密码",
    login: "登录", logout: "退出登录", choose_window: "选择窗口签到",
    choose_hint: "按窗口号数字键或点击签到；同事暂停的窗口可以顶岗。",
    cancel: "取消", ok: "确定",
    a_call_next: "叫号", a_recall: "重呼", a_start: "开始办理", a_complete: "办结",
    a_no_show: "过号", a_call: "指定叫号", a_transfer: "转办", a_suspend: "挂起",
    a_resume: "继续办理", a_reinstate: "过号恢复", a_pause: "暂停", a_open: "恢复服务",
    a_sign_out: "签退",
    tab_queue: "等候", tab_held: "挂起/过号", tab_transfers: "我的转办", tab_today: "今日",
    live_connecting: "连接中…", live_live: "在线", live_lost: "已断开",
    banner_lost: "与叫号服务器的连接已断开，正在重连…（屏幕内容可能不是最新的）",
    banner_refused: "服务器拒绝了连接，请重新登录",
    w_closed: "无人签到", w_open_by: "{name} 在岗", w_paused_by: "{name} 暂停中（{reason}）",
    w_mine: "您已在此签到", w_sign_in: "签到", w_take_over: "顶岗", w_enter: "进入",
    w_none: "您没有可以签到的窗口，请联系管理员。",
    st_called: "已呼叫", st_serving: "办理中", st_waiting: "等候中", st_suspended: "已挂起",
    st_no_show: "过号", st_done: "已办结",
    idle: "空闲", idle_hint: "按 N 叫下一位", waiting_n: "本窗口等候 {n} 人",
    paused: "暂停服务中", paused_hint: "按 O 恢复服务",
    waited: "等候 {t}", called_for: "呼叫后 {t}", serving_for: "办理 {t}",
    mark_appointment: "预约", mark_transferred: "转入", mark_recalled: "已重呼 {n} 次",
    mark_to_window: "指定本窗口", note: "转办说明：{note}",
    queue_empty: "暂无等候的群众", call_this: "叫此号", minutes: "{n} 分钟",
    held_suspended: "挂起的号", held_no_show: "过号的号", held_none: "无",
    resume_this: "继续办理", reinstate_this: "恢复排队",
    transfers_none: "今天还没有转办的号",
    where_waiting: "在「{service}」等候，前面 {ahead} 人",
    where_waiting_window: "在 {window} 等候，前面 {ahead} 人",
    where_called: "{window} 已呼叫（{clerk}）", where_serving: "{window} 办理中（{clerk}）",
    where_suspended: "在 {window} 挂起", where_no_show: "在 {window} 过号",
    where_done: "已办结 · {window}（{clerk}）{time}",
    today_served: "办结", today_avg: "平均办理", today_no_shows: "过号",
    today_transferred: "转办", today_rated: "评价数", today_rate: "满意率",
    level_5: "非常满意", level_4: "满意", level_3: "基本满意", level_2: "不满意",
    level_1: "非常不满意",
    d_call: "指定叫号", d_call_label: "号码（如 A012）",
    d_transfer: "转办 {number}", d_to_service: "转到业务", d_to_window: "转到窗口",
    d_note: "转办说明（可选）", d_pick_target: "请选择转办到哪个业务或窗口",
    d_nobody_window: "{target}现在无人签到，转过去暂时无人办理。确定仍要转办请再按“确定”。",
    d_nobody_service: "现在没有已签到的窗口办理“{target}”，转过去暂时无人办理。确定仍要转办请再按“确定”。",
    w_nobody_serves: "无人签到办理",
    d_suspend: "挂起 {number}", d_suspend_reason: "挂起原因",
    d_resume: "继续办理挂起的号", d_reinstate: "过号恢复排队",
    d_other_number: "其他号码", d_pick_ticket: "请选择或输入一个号码",
    d_pause: "暂停服务", d_pause_reason: "暂停原因", d_pick_reason: "请选择暂停原因",
    d_take_over: "顶岗", d_take_over_text: "{name} 暂停了 {window}（{reason}）。确定由您顶岗吗？顶岗会记录在案。",
    d_sign_out: "签退", d_sign_out_text: "确定在 {window} 签退吗？签退后本窗口不再叫号。",
    d_digits: "数字键选择，Enter 确定",
    chip_missing: "缺少材料", chip_other_dept: "需其他部门办理", chip_joint: "联办事项",
    chip_request: "群众要求", chip_proof: "需补充证明", chip_away: "群众临时离开",
    chip_verify: "需核实信息",
    ok_called: "已呼叫 {number}", ok_nobody: "暂无等候的群众",
    ok_recalled: "已重呼 {number}（第 {n} 次）", ok_started: "{number} 开始办理",
    ok_completed: "{number} 已办结", ok_no_show: "{number} 已过号",
    ok_reinstated: "{number} 已恢复排队", ok_transferred: "{number} 已转办至 {target}",
    ok_suspended: "{number} 已挂起", ok_resumed: "{number} 已恢复，按 N 叫号即可继续办理",
    ok_paused: "窗口已暂停：{reason}", ok_opened: "窗口已恢复服务",
    ok_signed_in: "已在 {window} 签到", ok_took_over: "已顶岗 {window}（替换 {name}）",
    ok_signed_out: "已签退",
    replaced: "{name} 已顶岗您的窗口 {window}，请重新选择窗口。",
    e_window_busy: "当前的号还没处理完：请先办结、转办或过号。",
    e_window_paused: "窗口处于暂停状态，请先恢复服务。",
    e_window_not_paused: "窗口没有暂停。",
    e_window_idle: "当前没有正在处理的号。",
    e_window_taken: "该窗口已有同事在岗；只有在同事暂停时才能顶岗。",
    e_not_signed_in: "您没有在这个窗口签到（可能已被同事顶岗），请重新选择窗口。",
    e_clerk_signed_in_elsewhere: "您已在其他窗口签到，请先在那里签退。",
    e_window_not_allowed: "您没有在这个窗口办理的权限。",
    e_ticket_not_waiting: "这个号现在不在等候中（可能已被其他窗口呼叫或已办结）。",
    e_ticket_not_called: "这个号已经开始办理，不能再重呼、开始或过号。",
    e_ticket_not_serving: "只有正在办理的号才能挂起；群众未到请按过号。",
    e_ticket_not_suspended: "这个号没有挂起。",
    e_ticket_not_no_show: "这个号没有过号，不需要恢复。",
    e_unknown_ticket: "今天没有这个号，请核对号码。",
    e_service_not_served: "本窗口不办理这个号的业务。",
    e_transfer_to_same_place: "不能转办到原来的业务或本窗口。",
    e_unknown_service: "没有这个业务。", e_unknown_window: "没有这个窗口。",
    e_invalid_reason: "原因不能为空，也不能太长。",
    e_forbidden: "您没有权限进行这个操作。",
    e_bad_credentials: "用户名或密码不正确。",
    e_login_locked: "登录失败次数过多，请稍后再试。",
    e_invalid_token: "登录已过期，请重新登录。", e_unauthenticated: "请先登录。",
    e_unreachable: "连接不上叫号服务器，请检查网络后重试。",
    e_other: "操作未成功：{message}",
  },
  en: {
    app_title: "Caller", login_title: "Staff sign-in", username: "Username", password: "Password",
    login: "Sign in", logout: "Log out", choose_window: "Choose a window to sign in",
    choose_hint: "Press the window's number key or click. A window paused by a colleague can be taken over.",
    cancel: "Cancel", ok: "OK",
    a_call_next: "Next", a_recall: "Recall", a_start: "Start", a_complete: "Complete",
    a_no_show: "No-show", a_call: "Call no.", a_transfer: "Transfer", a_suspend: "Suspend",
    a_resume: "Resume", a_reinstate: "Reinstate", a_pause: "Pause", a_open: "Reopen",
    a_sign_out: "Sign out",
    tab_queue: "Waiting", tab_held: "Held", tab_transfers: "My transfers", tab_today: "Today",
    live_connecting: "connecting…", live_live: "live", live_lost: "offline",
    banner_lost: "Connection to the hub lost, reconnecting… (the screen may be out of date)",
    banner_refused: "The hub refused the connection; please sign in again",
    w_closed: "nobody signed in", w_open_by: "{name} on duty", w_paused_by: "{name} paused ({reason})",
    w_mine: "you are signed in here", w_sign_in: "Sign in", w_take_over: "Take over", w_enter: "Enter",
    w_none: "You may not serve any window; ask an administrator.",
    st_called: "Called", st_serving: "Serving", st_waiting: "Waiting", st_suspended: "Suspended",
    st_no_show: "No-show", st_done: "Completed",
    idle: "Idle", idle_hint: "Press N to call the next citizen", waiting_n: "{n} waiting for this window",
    paused: "Paused", paused_hint: "Press O to reopen",
    waited: "waited {t}", called_for: "called {t} ago", serving_for: "serving {t}",
    mark_appointment: "Appointment", mark_transferred: "Transferred", mark_recalled: "recalled {n}×",
    mark_to_window: "for this window", note: "Transfer note: {note}",
    queue_empty: "Nobody is waiting", call_this: "Call", minutes: "{n} min",
    held_suspended: "Suspended", held_no_show: "No-shows", held_none: "none",
    resume_this: "Resume", reinstate_this: "Reinstate",
    transfers_none: "No transfers today",
    where_waiting: "waiting in “{service}”, {ahead} ahead",
    where_waiting_window: "waiting for {window}, {ahead} ahead",
    where_called: "called at {window} ({clerk})", where_serving: "being served at {window} ({clerk})",
    where_suspended: "suspended at {window}", where_no_show: "no-show at {window}",
    where_done: "completed · {window} ({clerk}) {time}",
    today_served: "Completed", today_avg: "Avg. handling", today_no_shows: "No-shows",
    today_transferred: "Transferred", today_rated: "Ratings", today_rate: "Satisfaction",
    level_5: "Very satisfied", level_4: "Satisfied", level_3: "Fairly satisfied",
    level_2: "Dissatisfied", level_1: "Very dissatisfied",
    d_call: "Call a number", d_call_label: "Number (e.g. A012)",
    d_transfer: "Transfer {number}", d_to_service: "To a service", d_to_window: "To a window",
    d_note: "Note (optional)", d_pick_target: "Choose a service or a window",
    d_nobody_window: "Nobody is signed in at {target}: the ticket would wait unserved. Press OK again to transfer anyway.",
    d_nobody_service: "No window signed in serves \"{target}\" now: the ticket would wait unserved. Press OK again to transfer anyway.",
    w_nobody_serves: "no window on duty",
    d_suspend: "Suspend {number}", d_suspend_reason: "Reason",
    d_resume: "Resume a suspended ticket", d_reinstate: "Reinstate a no-show",
    d_other_number: "Other number", d_pick_ticket: "Choose or type a number",
    d_pause: "Pause the window", d_pause_reason: "Reason", d_pick_reason: "Choose a reason",
    d_take_over: "Take over", d_take_over_text: "{name} paused {window} ({reason}). Take it over? This is recorded.",
    d_sign_out: "Sign out", d_sign_out_text: "Sign out of {window}? It will call no more tickets.",
    d_digits: "digit keys choose, Enter confirms",
    chip_missing: "Missing material", chip_other_dept: "Another department", chip_joint: "Joint matter",
    chip_request: "Citizen's request", chip_proof: "Needs more proof", chip_away: "Citizen stepped away",
    chip_verify: "Needs checking",
    ok_called: "Called {number}", ok_nobody: "Nobody is waiting",
    ok_recalled: "Recalled {number} ({n}×)", ok_started: "{number} started",
    ok_completed: "{number} completed", ok_no_show: "{number} marked no-show",
    ok_reinstated: "{number} is back in the queue", ok_transferred: "{number} transferred to {target}",
    ok_suspended: "{number} suspended", ok_resumed: "{number} resumed; press N to call it",
    ok_paused: "Window paused: {reason}", ok_opened: "Window reopened",
    ok_signed_in: "Signed in at {window}", ok_took_over: "Took over {window} from {name}",
    ok_signed_out: "Signed out",
    replaced: "{name} took over your window {window}; choose a window again.",
    e_window_busy: "The current ticket is not finished: complete, transfer or mark it no-show first.",
    e_window_paused: "The window is paused; reopen it first.",
    e_window_not_paused: "The window is not paused.",
    e_window_idle: "There is no current ticket.",
    e_window_taken: "A colleague is on duty there; you may take over only while it is paused.",
    e_not_signed_in: "You are not signed in to this window (a colleague may have taken over); choose a window again.",
    e_clerk_signed_in_elsewhere: "You are signed in at another window; sign out there first.",
    e_window_not_allowed: "You may not serve this window.",
    e_ticket_not_waiting: "That ticket is not waiting (another window may have called it, or it is done).",
    e_ticket_not_called: "That ticket is already being served.",
    e_ticket_not_serving: "Only a ticket being served can be suspended; mark an absent citizen no-show.",
    e_ticket_not_suspended: "That ticket is not suspended.",
    e_ticket_not_no_show: "That ticket is not a no-show.",
    e_unknown_ticket: "There is no such ticket today; check the number.",
    e_service_not_served: "This window does not serve that ticket's service.",
    e_transfer_to_same_place: "That is where the ticket already is.",
    e_unknown_service: "No such service.", e_unknown_window: "No such window.",
    e_invalid_reason: "The reason must not be empty or too long.",
    e_forbidden: "You may not do this.",
    e_bad_credentials: "Wrong username or password.",
    e_login_locked: "Too many failed sign-ins; try again later.",
    e_invalid_token: "Your sign-in has expired; please sign in again.", e_unauthenticated: "Please sign in.",
    e_unreachable: "Cannot reach the hub; check the network and try again.",
    e_other: "Not done: {message}",
  },
});

const model = {
  token: "", me: null, windowId: null, view: "",
  detail: null, queue: [], today: null, transfers: [],
  seqs: {}, offset: 0, busy: false, live: null, liveStatus: "", wasLost: false,
  tab: "queue", notes: {}, dialog: null, due: new Set(), timer: null,
};

/* ------------------------------------------------------------ small helpers */

function hubNow() { return Date.now() + model.offset; }

function noteClock(answer) {
  if (answer && answer.now) model.offset = Date.parse(answer.now) - Date.now();
}

function clock(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const two = (n) => String(n).padStart(2, "0");
  return h ? `${h}:${two(m)}:${two(r)}` : `${two(m)}:${two(r)}`;
}

function since(iso) { return iso ? (hubNow() - Date.parse(iso)) / 1000 : 0; }

function serviceName(id) {
  const found = model.me && model.me.services.find((s) => s.id === id);
  return found ? J.name(found.name) : id;
}

function windowName(id) {
  const found = model.me && model.me.windows.find((w) => w.id === id);
  return found ? J.name(found.name) : (id ? `${id}号窗口` : "");
}

function priorityName(id) {
  const found = model.me && model.me.priority_classes.find((p) => p.id === id);
  return found ? J.name(found.name) : id;
}

function plain(error) {
  if (error instanceof J.Unreachable) return J.t("e_unreachable");
  const key = "e_" + (error.code || "other");
  const text = J.t(key);
  return text === key ? J.t("e_other", {message: error.message}) : text;
}

function say(text, kind) {
  const box = $("message");
  box.textContent = text || "";
  box.className = "message" + (kind ? " " + kind : "");
}

function show(view) {
  model.view = view;
  for (const name of ["login", "windows", "work"]) $("view-" + name).hidden = name !== view;
  $("logout").hidden = view !== "windows";
  $("sign-out").hidden = view !== "work";
  $("live-status").hidden = view === "login";
  renderTop();
}

/* ------------------------------------------------------------ talking to the hub */

function call(path, options) {
  return J.api(path, Object.assign({token: model.token}, options || {}));
}

async function login(event) {
  event.preventDefault();
  $("login-error").textContent = "";
  $("login-button").disabled = true;
  try {
    const answer = await J.api("/api/v1/auth/token", {body: {
      username: $("username").value.trim(), password: $("password").value}});
    model.token = answer.token;
    J.saveToken(answer.token, TOKEN_KEY);
    $("password").value = "";
    await loadMe();
  } catch (error) {
    $("login-error").textContent = plain(error);
  } finally {
    $("login-button").disabled = false;
  }
}

function logout() {
  if (model.live) model.live.close();
  model.live = null;
  model.token = "";
  model.me = null;
  model.windowId = null;
  Object.assign(model, {detail: null, queue: [], today: null, transfers: [], notes: {}});
  J.saveToken("", TOKEN_KEY);
  show("login");
  $("username").focus();
}

/** Who I am and where I am signed in; then the window list or the work view. */
async function loadMe() {
  let me;
  try {
    me = await call("/api/v1/me");
  } catch (error) {
    if (error.status === 401 || error.status === 403) { logout(); $("login-error").textContent = plain(error); return; }
    show(model.view || "login");
    $("login-error").textContent = plain(error);
    return;
  }
  model.me = me;
  noteClock(me);
  if (me.window) enterWindow(me.window);
  else leaveWindow();
}

function leaveWindow() {
  model.windowId = null;
  model.detail = null;
  connect(["staff"]);
  show("windows");
  renderWindows();
}

function enterWindow(id) {
  const changed = model.windowId !== id;
  model.windowId = id;
  if (changed || !model.live) connect(["staff"]);  // staff hear ids; public rooms hear numbers
  show("work");
  selectTab(model.tab);
  renderAll();
  refresh(["detail", "queue", "today", "transfers"]);
}

function connect(rooms) {
  if (model.live) model.live.close();
  model.live = J.live({rooms, token: model.token, onSnapshot, onEvent, onStatus});
}

const READERS = {
  me: () => call("/api/v1/me").then((me) => { model.me = me; noteClock(me); }),
  detail: () => call("/api/v1/me/window").then((answer) => {
    if (!fresh("detail", answer)) return;
    noteClock(answer);
    model.detail = answer;
    if (!answer.window && model.view === "work") loadMe();
  }),
  queue: () => model.windowId && call(`/api/v1/windows/${model.windowId}/queue`).then((answer) => {
    if (fresh("queue", answer)) model.queue = answer.waiting;
  }),
  today: () => call("/api/v1/me/today").then((answer) => { if (fresh("today", answer)) model.today = answer; }),
  transfers: () => call("/api/v1/me/transfers").then((answer) => {
    if (fresh("transfers", answer)) model.transfers = answer.tickets;
  }),
};

/** Answers may come back out of order: keep only the newest of each kind. */
function fresh(kind, answer) {
  if ((model.seqs[kind] || 0) > answer.seq) return false;
  model.seqs[kind] = answer.seq;
  return true;
}

/** Read the given parts again, a moment later, once for a burst of events (a busy
 * hall never postpones it: the first event of a burst starts the clock). */
function refresh(parts) {
  parts.forEach((part) => model.due.add(part));
  if (model.timer) return;
  model.timer = setTimeout(async () => {
    model.timer = null;
    const due = Array.from(model.due);
    model.due.clear();
    const results = await Promise.allSettled(due.map((part) => READERS[part] && READERS[part]()));
    const failed = results.find((r) => r.status === "rejected");
    if (failed && failed.reason && failed.reason.status === 401) { logout(); return; }
    renderAll();
  }, 120);
}

/* ------------------------------------------------------------ live */

function onStatus(status, detail) {
  model.liveStatus = status;
  const banner = $("banner");
  if (status === "lost") {
    model.wasLost = true;
    banner.textContent = J.t("banner_lost");
    banner.classList.add("show");
  } else if (status === "refused") {
    banner.textContent = J.t("banner_refused");
    banner.classList.add("show");
    if (detail && detail.error === "invalid_token") logout();
  } else if (status === "live") {
    banner.classList.remove("show");
    // "连接不上" said while the hub was away is no longer true: clear it.
    if ($("message").textContent === J.t("e_unreachable")) say("");
    if ($("dialog-error").textContent === J.t("e_unreachable")) $("dialog-error").textContent = "";
    if (model.wasLost) {  // back after a drop: what changed meanwhile comes from the hub
      model.wasLost = false;
      refresh(model.windowId ? ["me", "detail", "queue", "today", "transfers"] : ["me"]);
    }
  }
  renderTop();
}

function onSnapshot() {
  refresh(model.windowId ? ["me", "detail", "queue", "today", "transfers"] : ["me"]);
}

const WINDOW_EVENTS = ["clerk_signed_in", "clerk_signed_out", "window_paused", "window_opened"];
const COUNTED = ["ticket_completed", "ticket_rated", "ticket_no_show", "ticket_transferred"];

function onEvent(event) {
  const data = event.data || {};
  if (event.type.startsWith("case_") && JiaohaoCaller.onCaseEvent) JiaohaoCaller.onCaseEvent(event);
  const me = model.me ? model.me.username : null;
  if (event.type === "ticket_transferred" && data.note) model.notes[data.id] = data.note;
  if (event.type === "day_started" || event.type === "config_changed") {
    refresh(["me", "detail", "queue", "today", "transfers"]);
    return;
  }
  if (event.type === "clerk_signed_in" && me && data.replaced === me) {
    say(J.t("replaced", {name: clerkName(data.clerk), window: windowName(data.window)}), "error");
    loadMe();
    return;
  }
  const parts = new Set();
  if (WINDOW_EVENTS.includes(event.type)) parts.add("me");
  const mine = model.windowId !== null &&
    [data.window, data.from_window, data.to_window].includes(model.windowId);
  if (mine) {
    parts.add("detail").add("queue");
    if (COUNTED.includes(event.type)) parts.add("today");
    if (event.type === "ticket_transferred") parts.add("transfers");
    if (event.type === "ticket_called" && data.window === model.windowId) showCall(event);
  }
  if (model.windowId !== null && touchesMyQueue(data)) parts.add("queue");
  if (data.id && model.transfers.some((t) => t.id === data.id)) parts.add("transfers");
  if (parts.size) refresh(Array.from(parts));
}

/** A call to my window is shown at once from the event (it carries the call record). */
function showCall(event) {
  if (!model.detail || !model.detail.window) return;
  const d = event.data;
  const current = model.detail.window.ticket;
  if (current && current.id === d.id) return;
  model.detail.window.ticket = {id: d.id, number: d.number, service: d.service, status: "called",
    recall_count: d.recall_count || 0, called_at: event.at, issued_at: null};
  model.queue = model.queue.filter((t) => t.id !== d.id);  // no longer waiting
  renderCurrent();
  renderQueue();
}

function touchesMyQueue(data) {
  const services = myServices();
  const named = [data.service, data.from_service, data.to_service].concat(Object.keys(data.queue || {}));
  return named.some((s) => s && services.includes(s));
}

function myServices() {
  return model.detail && model.detail.window ? model.detail.window.services : [];
}

function clerkName(username) {
  return (model.me && model.me.staff && model.me.staff[username]) || username;
}

/* ------------------------------------------------------------ what may be pressed */

function current() {
  return model.detail && model.detail.window ? model.detail.window.ticket : null;
}

/** Whether the window's state plainly forbids `action` (presentation, not a rule:
 * the hub decides, and says why when it refuses). */
function allowed(action) {
  const w = model.detail && model.detail.window;
  if (!w || model.busy) return false;
  const status = w.ticket ? w.ticket.status : null;
  const open = w.state === "open";
  switch (action) {
    case "call-next": case "call": case "pause": return open && !status;
    case "recall": case "start": case "no-show": return open && status === "called";
    case "complete": case "transfer": return open && (status === "called" || status === "serving");
    case "suspend": return open && status === "serving";
    case "resume": return model.detail.suspended.length > 0;
    case "reinstate": return (model.detail.no_show || []).length > 0;  // nothing to restore: off
    case "open": return w.state === "paused";
    case "sign-out": return !status;
    default: return false;
  }
}

/* ------------------------------------------------------------ actions */

const DIALOGS = {call: callDialog, transfer: transferDialog, suspend: suspendDialog,
  resume: resumeDialog, reinstate: reinstateDialog, pause: pauseDialog, "sign-out": signOutDialog};

function press(action) {
  if (!allowed(action)) return;
  if (DIALOGS[action]) DIALOGS[action]();
  else act(action).catch(() => {});  // act() has already said why
}

/** POST one window action; show the outcome in plain words. Resolves true when done. */
async function act(action, body, windowId) {
  const id = windowId || model.windowId;
  model.busy = true;
  renderActions();
  try {
    const answer = await call(`/api/v1/windows/${id}/${action}`, {method: "POST", body: body || {}});
    say(success(action, answer, body), "ok");
    if (action === "sign-in") { await loadMe(); return true; }
    if (action === "sign-out") { leaveWindow(); return true; }
    adopt(answer);
    refresh(["detail", "queue", "today", "transfers"]);
    return true;
  } catch (error) {
    say(plain(error), "error");
    if (error.code === "not_signed_in" || error.code === "clerk_signed_in_elsewhere") loadMe();
    if (error.status === 401) logout();
    else refresh(["detail", "queue"]);
    throw error;
  } finally {
    model.busy = false;
    renderActions();
  }
}

/** Take the window from an action's answer at once (times follow with the refresh). */
function adopt(answer) {
  if (!model.detail || !model.detail.window || !answer.window || !fresh("detail", answer)) return;
  const before = model.detail.window.ticket;
  const ticket = answer.window.ticket;
  if (ticket && before && before.id === ticket.id) {
    for (const key of ["called_at", "started_at", "waited_seconds"]) ticket[key] = before[key];
    if (ticket.status === "serving" && !ticket.started_at) ticket.started_at = new Date(hubNow()).toISOString();
  }
  model.detail.window = Object.assign({}, model.detail.window, answer.window);
  if (ticket) model.queue = model.queue.filter((t) => t.id !== ticket.id);  // no longer waiting
  renderAll();
}

function success(action, answer, body) {
  const t = answer.ticket || {};
  // The answer's ticket is the window's current one when it has one: a ticket named
  // in the request (reinstated, resumed) is named by the request.
  const number = (body && body.ticket) || t.number || "";
  switch (action) {
    case "call-next": return t.number ? J.t("ok_called", {number}) : J.t("ok_nobody");
    case "call": return J.t("ok_called", {number});
    case "recall": return J.t("ok_recalled", {number, n: t.recall_count});
    case "start": return J.t("ok_started", {number});
    case "complete": return J.t("ok_completed", {number});
    case "no-show": return J.t("ok_no_show", {number});
    case "reinstate": return J.t("ok_reinstated", {number});
    case "transfer": return J.t("ok_transferred", {number, target: body.to_service
      ? serviceName(body.to_service) : windowName(body.to_window)});
    case "suspend": return J.t("ok_suspended", {number});
    case "resume": return J.t("ok_resumed", {number});
    case "pause": return J.t("ok_paused", {reason: body.reason});
    case "open": return J.t("ok_opened");
    case "sign-out": return J.t("ok_signed_out");
    case "sign-in": {
      const replaced = model.me && model.me.windows.find((w) => w.id === answer.window.id);
      if (replaced && replaced.clerk && replaced.clerk !== model.me.username) {
        return J.t("ok_took_over", {window: windowName(answer.window.id), name: replaced.clerk_name});
      }
      return J.t("ok_signed_in", {window: windowName(answer.window.id)});
    }
    default: return "";
  }
}

/* ------------------------------------------------------------ dialogs */

/** Open the dialog: `body` is HTML, `submit(form)` returns the action to run or
 * throws a message to show; digit keys pick the n-th choice. */
function openDialog(title, body, submit) {
  model.dialog = {submit};
  $("dialog-title").textContent = title;
  $("dialog-body").innerHTML = body;
  $("dialog-error").textContent = "";
  $("dialog").hidden = false;
  const first = $("dialog-body").querySelector("input[type=text], input:checked, input");
  (first || $("dialog-ok")).focus();
}

function closeDialog() {
  // Focus leaves the hidden field, or the next shortcut would be typed into it.
  if (document.activeElement && $("dialog").contains(document.activeElement)) document.activeElement.blur();
  $("dialog").hidden = true;
  model.dialog = null;
}

async function submitDialog(event) {
  event.preventDefault();
  if (!model.dialog || model.busy) return;
  const form = $("dialog-form");
  let request;
  try {
    request = await model.dialog.submit(form);  // a dialog may look something up first
  } catch (message) {
    $("dialog-error").textContent = String(message);
    return;
  }
  try {
    await act(request.action, request.body, request.window);
    closeDialog();
  } catch (error) {
    $("dialog-error").textContent = plain(error);
  }
}

function choice(name, value, label, checked, extra) {
  return `<label class="choice"><input type="radio" name="${name}" value="${esc(value)}"${checked ? " checked" : ""}>` +
    `<span>${label}</span>${extra ? `<small>${extra}</small>` : ""}</label>`;
}

function chips(target, keys) {
  return `<div class="chips" data-for="${target}">` +
    keys.map((k) => `<button type="button" class="chip" data-chip="${esc(J.t(k))}">${esc(J.t(k))}</button>`).join("") +
    "</div>";
}

function picked(form, name) {
  const input = form.querySelector(`input[name="${name}"]:checked`);
  return input ? input.value : "";
}

function callDialog() {
  const options = model.queue.slice(0, 6).map((t) => `<button type="button" class="chip" data-fill="number" data-chip="${esc(t.number)}">${esc(t.number)}</button>`).join("");
  openDialog(J.t("d_call"),
    `<label class="field"><span>${J.t("d_call_label")}</span>` +
    `<input type="text" name="number" id="d-number" maxlength="8" autocomplete="off" class="number-input"></label>` +
    `<div class="chips">${options}</div>`,
    (form) => {
      const number = form.number.value.trim().toUpperCase();
      if (!number) throw J.t("d_pick_ticket");
      return {action: "call", body: {ticket: number}};
    });
}

function transferDialog() {
  const ticket = current();
  // Which services a window with someone signed in serves now (paused windows count:
  // their clerk is there and comes back); a transfer elsewhere waits unserved.
  const staffed = (id) => model.me.windows.some((w) => w.clerk && (w.services || []).includes(id));
  const unstaffed = (kind, id) => kind === "window"
    ? !(model.me.windows.find((w) => String(w.id) === id) || {}).clerk
    : !staffed(id);
  const services = model.me.services.filter((s) => s.id !== ticket.service)
    .map((s) => choice("target", "service:" + s.id, `${esc(s.prefix)} · ${esc(J.name(s.name))}`, false,
      staffed(s.id) ? "" : esc(J.t("w_nobody_serves"))));
  let warned = "";
  const windows = model.me.windows.filter((w) => w.id !== model.windowId).map((w) =>
    choice("target", "window:" + w.id, esc(J.name(w.name)), false, esc(windowState(w))));
  openDialog(J.t("d_transfer", {number: ticket.number}),
    `<div class="two"><fieldset><legend>${J.t("d_to_service")}</legend>${services.join("")}</fieldset>` +
    `<fieldset><legend>${J.t("d_to_window")}</legend>${windows.join("")}</fieldset></div>` +
    `<label class="field"><span>${J.t("d_note")}</span><input type="text" name="note" id="d-note" maxlength="200"></label>` +
    chips("note", ["chip_missing", "chip_other_dept", "chip_joint", "chip_request"]),
    async (form) => {
      const target = picked(form, "target");
      if (!target) throw J.t("d_pick_target");
      const [kind, id] = target.split(":");
      // Warn once before sending a citizen where nobody will call them (the list may
      // be a little old: a colleague may have signed in since; ask the hub again).
      const win = kind === "window" && model.me.windows.find((w) => String(w.id) === id);
      const service = kind === "service" && model.me.services.find((s) => s.id === id);
      let nobody = warned !== target && unstaffed(kind, id);
      if (nobody) {
        try { await READERS.me(); } catch (e) { /* the transfer itself will say */ }
        nobody = unstaffed(kind, id);
      }
      if (nobody) {
        warned = target;
        throw win ? J.t("d_nobody_window", {target: J.name(win.name)})
          : J.t("d_nobody_service", {target: J.name(service.name)});
      }
      const body = {note: form.note.value.trim()};
      if (kind === "service") body.to_service = id; else body.to_window = Number(id);
      return {action: "transfer", body};
    });
  refresh(["me"]);  // fresh window states for the list next time
}

function windowState(w) {
  if (!w.clerk) return J.t("w_closed");
  if (w.state === "paused") return J.t("w_paused_by", {name: w.clerk_name, reason: w.reason || ""});
  return J.t("w_open_by", {name: w.clerk_name});
}

function suspendDialog() {
  const ticket = current();
  openDialog(J.t("d_suspend", {number: ticket.number}),
    `<label class="field"><span>${J.t("d_suspend_reason")}</span><input type="text" name="reason" id="d-reason" maxlength="200"></label>` +
    chips("reason", ["chip_missing", "chip_proof", "chip_away", "chip_verify"]),
    (form) => ({action: "suspend", body: {reason: form.reason.value.trim()}}));
}

function ticketChoices(tickets) {
  return tickets.map((t, i) => choice("ticket", t.number,
    `<b>${esc(t.number)}</b> ${esc(serviceName(t.service))}`, i === 0)).join("");
}

function resumeDialog() {
  openDialog(J.t("d_resume"),
    `<fieldset class="list">${ticketChoices(model.detail.suspended)}</fieldset><p class="hint">${J.t("d_digits")}</p>`,
    (form) => {
      const number = picked(form, "ticket");
      if (!number) throw J.t("d_pick_ticket");
      return {action: "resume", body: {ticket: number}};
    });
}

function reinstateDialog() {
  openDialog(J.t("d_reinstate"),
    `<fieldset class="list">${ticketChoices(model.detail.no_show)}</fieldset>` +
    `<label class="field"><span>${J.t("d_other_number")}</span><input type="text" name="other" id="d-other" maxlength="8" autocomplete="off" class="number-input"></label>`,
    (form) => {
      const number = form.other.value.trim().toUpperCase() || picked(form, "ticket");
      if (!number) throw J.t("d_pick_ticket");
      return {action: "reinstate", body: {ticket: number}};
    });
}

function pauseDialog() {
  const reasons = model.me.pause_reasons.map((r, i) =>
    choice("reason", r, `<kbd>${i + 1}</kbd> ${esc(r)}`, false)).join("");
  openDialog(J.t("d_pause"),
    `<fieldset class="list"><legend>${J.t("d_pause_reason")}</legend>${reasons}</fieldset><p class="hint">${J.t("d_digits")}</p>`,
    (form) => {
      const reason = picked(form, "reason");
      if (!reason) throw J.t("d_pick_reason");
      return {action: "pause", body: {reason}};
    });
}

/** Sign in (签到); taking over a colleague's paused window (顶岗) is confirmed first. */
function signIn(id) {
  const w = model.me.windows.find((x) => x.id === id);
  if (!w || !w.clerk || w.clerk === model.me.username) {
    act("sign-in", {}, id).catch(() => {});
    return;
  }
  openDialog(J.t("d_take_over"),
    `<p>${esc(J.t("d_take_over_text", {window: J.name(w.name), name: w.clerk_name, reason: w.reason || ""}))}</p>`,
    () => ({action: "sign-in", body: {}, window: id}));
}

function signOutDialog() {
  openDialog(J.t("d_sign_out"), `<p>${esc(J.t("d_sign_out_text", {window: windowName(model.windowId)}))}</p>`,
    () => ({action: "sign-out", body: {}}));
}

/* ------------------------------------------------------------ drawing */

function renderAll() {
  renderTop();
  if (model.view === "windows") renderWindows();
  if (model.view !== "work") return;
  renderCurrent();
  renderActions();
  renderQueue();
  renderHeld();
  renderTransfers();
  renderToday();
}

function renderTop() {
  const me = model.me;
  $("top-window").textContent = model.windowId ? windowName(model.windowId) : J.t("app_title");
  $("top-clerk").textContent = me ? me.name : "";
  const live = $("live-status");
  const status = model.liveStatus === "refused" ? "lost" : (model.liveStatus || "connecting");
  live.textContent = J.t("live_" + status);
  live.className = "conn " + status;
  $("lang").textContent = J.lang === "zh" ? "EN" : "中文";
  document.title = `${J.t("app_title")} · ${model.windowId ? windowName(model.windowId) : "jiaohao"}`;
}

function renderWindows() {
  const me = model.me;
  if (!me) return;
  const mine = me.windows.filter((w) => w.allowed);
  $("window-list").innerHTML = mine.length ? mine.map((w) => {
    let label = J.t("w_sign_in"), cls = "", disabled = "";
    if (w.clerk === me.username) { label = J.t("w_enter"); cls = "mine"; }
    else if (w.clerk && w.state === "paused") { label = J.t("w_take_over"); cls = "take-over"; }
    else if (w.clerk) { disabled = " disabled"; cls = "taken"; }
    const state = w.clerk === me.username ? J.t("w_mine") : windowState(w);
    const key = w.id < 10 ? `<kbd>${w.id}</kbd>` : "";
    return `<li class="${cls}"><div><b>${esc(J.name(w.name))}</b><small>${esc(state)}</small></div>` +
      `<button type="button" data-sign-in="${w.id}"${disabled}>${esc(label)}${key}</button></li>`;
  }).join("") : `<li class="empty">${J.t("w_none")}</li>`;
}

function marks(t) {
  const out = [];
  if (t.priority) {
    // The short name (老年人), the full one (老年人（65岁以上）) on hover: rows stay on one line.
    const full = priorityName(t.priority);
    out.push(`<span class="mark priority" title="${esc(full)}">${esc(full.replace(/（[^）]*）|\([^)]*\)/g, ""))}</span>`);
  }
  if (t.appointment) out.push(`<span class="mark appointment">${J.t("mark_appointment")}</span>`);
  if (t.transferred) out.push(`<span class="mark transferred">${J.t("mark_transferred")}</span>`);
  if (t.target_window && t.target_window === model.windowId) out.push(`<span class="mark transferred">${J.t("mark_to_window")}</span>`);
  return out.join("");
}

function renderCurrent() {
  const box = $("current");
  const w = model.detail && model.detail.window;
  if (!w) { box.innerHTML = ""; return; }
  const t = w.ticket;
  if (w.state === "paused") {
    box.className = "card current paused";
    box.innerHTML = `<div class="state-line">${J.t("paused")}</div>` +
      `<div class="big-text">${esc(w.reason || "")}</div><div class="hint">${J.t("paused_hint")} · <span class="timer" data-since="${esc(w.since || "")}"></span></div>`;
  } else if (!t) {
    box.className = "card current idle";
    box.innerHTML = `<div class="state-line">${J.t("idle")}</div>` +
      `<div class="big-text">${J.t("waiting_n", {n: model.queue.length})}</div><div class="hint">${J.t("idle_hint")}</div>`;
  } else {
    box.className = "card current " + t.status;
    const note = model.notes[t.id] || t.note;
    box.innerHTML = `<div class="state-line"><span class="status ${esc(t.status)}">${J.t("st_" + t.status)}</span>` +
      `${marks(t)}${t.recall_count ? `<span class="mark recalled">${J.t("mark_recalled", {n: t.recall_count})}</span>` : ""}</div>` +
      `<div class="number" id="current-number">${esc(t.number)}</div>` +
      `<div class="service">${esc(serviceName(t.service))}</div>` +
      `<div class="times" id="current-times"></div>` +
      (note ? `<div class="note">${esc(J.t("note", {note}))}</div>` : "");
  }
  tick();
}

/** The running times (waited, called or serving for) from the hub's clock. */
function tick() {
  const times = $("current-times");
  const t = current();
  if (times && t) {
    const parts = [];
    if (t.waited_seconds !== null && t.waited_seconds !== undefined) parts.push(J.t("waited", {t: clock(t.waited_seconds)}));
    if (t.status === "serving" && t.started_at) parts.push(J.t("serving_for", {t: clock(since(t.started_at))}));
    else if (t.called_at) parts.push(J.t("called_for", {t: clock(since(t.called_at))}));
    times.textContent = parts.join(" · ");
  }
  document.querySelectorAll("[data-since]").forEach((el) => {
    if (el.dataset.since) el.textContent = clock(since(el.dataset.since));
  });
  document.querySelectorAll("[data-waited]").forEach((el) => {
    el.textContent = J.t("minutes", {n: Math.floor(since(el.dataset.waited) / 60)});
  });
}

function renderActions() {
  document.querySelectorAll("button[data-action]").forEach((button) => {
    button.disabled = !allowed(button.dataset.action);
  });
  document.querySelectorAll("[data-call]").forEach((b) => { b.disabled = !allowed("call"); });
  document.querySelectorAll("[data-resume]").forEach((b) => { b.disabled = model.busy; });
  document.querySelectorAll("[data-reinstate]").forEach((b) => { b.disabled = model.busy; });
}

function renderQueue() {
  const rows = model.queue.map((t) => `<li data-number="${esc(t.number)}"><b class="num">${esc(t.number)}</b>` +
    `<span class="svc">${esc(serviceName(t.service))}</span>${marks(t)}` +
    // The honest estimate says this one is unlikely to be reached before closing.
    (t.wait && t.wait.after_closing && t.wait.state !== "closed" ? `<span class="mark after-closing">${esc(J.t("w_after_closing"))}</span>` : "") +
    `<span class="wait" data-waited="${esc(t.issued_at)}"></span>` +
    `<button type="button" class="small" data-call="${esc(t.number)}">${J.t("call_this")}</button></li>`);
  $("tab-queue").innerHTML = rows.length ? `<ol class="rows">${rows.join("")}</ol>` : `<p class="empty">${J.t("queue_empty")}</p>`;
  $("count-queue").textContent = model.queue.length;
  renderActions();
  tick();
}

function renderHeld() {
  const d = model.detail || {suspended: [], no_show: []};
  const list = (tickets, attr, label) => tickets.length ? `<ol class="rows">${tickets.map((t) =>
    `<li><b class="num">${esc(t.number)}</b><span class="svc">${esc(serviceName(t.service))}</span>` +
    `<button type="button" class="small" data-${attr}="${esc(t.number)}">${label}</button></li>`).join("")}</ol>`
    : `<p class="empty">${J.t("held_none")}</p>`;
  $("tab-held").innerHTML = `<h3>${J.t("held_suspended")}</h3>${list(d.suspended, "resume", J.t("resume_this"))}` +
    `<h3>${J.t("held_no_show")}</h3>${list(d.no_show, "reinstate", J.t("reinstate_this"))}`;
  $("count-held").textContent = d.suspended.length + d.no_show.length;
  renderActions();
}

function where(t) {
  const values = {service: serviceName(t.service), ahead: t.ahead, window: t.window_name || windowName(t.window),
    clerk: t.clerk_name || t.clerk || ""};
  switch (t.status) {
    case "waiting": return t.target_window
      ? J.t("where_waiting_window", Object.assign(values, {window: windowName(t.target_window)}))
      : J.t("where_waiting", values);
    case "called": return J.t("where_called", values);
    case "serving": return J.t("where_serving", values);
    case "suspended": return J.t("where_suspended", Object.assign(values, {window: windowName(t.last_window)}));
    case "no_show": return J.t("where_no_show", Object.assign(values, {window: windowName(t.last_window)}));
    case "done": return J.t("where_done", Object.assign(values, {time: t.completed_at ? t.completed_at.slice(11, 16) : ""}));
    default: return t.status;
  }
}

function renderTransfers() {
  const rows = model.transfers.map((t) => `<li class="${esc(t.status)}" data-number="${esc(t.number)}">` +
    `<b class="num">${esc(t.number)}</b><span class="where">${esc(where(t))}</span></li>`);
  $("tab-transfers").innerHTML = rows.length ? `<ol class="rows transfers">${rows.join("")}</ol>` : `<p class="empty">${J.t("transfers_none")}</p>`;
  $("count-transfers").textContent = model.transfers.filter((t) => t.status !== "done").length;
}

function renderToday() {
  const d = model.today;
  if (!d) { $("tab-today").innerHTML = ""; return; }
  const avg = d.average_handling_seconds === null ? "—" : clock(d.average_handling_seconds);
  const rate = d.ratings.satisfaction_rate === null ? "—" : (d.ratings.satisfaction_rate * 100).toFixed(1) + "%";
  const cell = (id, label, value) => `<div class="stat" id="${id}"><b>${esc(value)}</b><span>${label}</span></div>`;
  const levels = [5, 4, 3, 2, 1].map((level) =>
    `<li class="level-${level}"><span>${J.t("level_" + level)}</span><b>${d.ratings.levels[level]}</b></li>`).join("");
  $("tab-today").innerHTML = `<div class="stats">${cell("stat-served", J.t("today_served"), d.served)}` +
    cell("stat-average", J.t("today_avg"), avg) + cell("stat-no-shows", J.t("today_no_shows"), d.no_shows) +
    cell("stat-transferred", J.t("today_transferred"), d.transferred) +
    cell("stat-rated", J.t("today_rated"), d.ratings.count) + cell("stat-rate", J.t("today_rate"), rate) +
    `</div><ol class="levels">${levels}</ol>`;
}

function selectTab(name) {
  model.tab = name;
  document.querySelectorAll("[data-tab]").forEach((b) => b.setAttribute("aria-selected", String(b.dataset.tab === name)));
  for (const tab of ["queue", "held", "transfers", "today"]) $("tab-" + tab).hidden = tab !== name;
}

/* ------------------------------------------------------------ keys and clicks */

const TABS = {"1": "queue", "2": "held", "3": "transfers", "4": "today"};

function onKey(event) {
  if (event.ctrlKey || event.altKey || event.metaKey) return;
  if (model.dialog) { dialogKey(event); return; }
  const target = event.target;
  const typing = target && ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName) && target.offsetParent !== null;
  if (typing) return;  // a letter typed in a visible field is a letter, not a shortcut
  const key = event.key.length === 1 ? event.key.toUpperCase() : event.key;
  if (model.view === "windows" && /^[1-9]$/.test(key)) {
    const button = document.querySelector(`[data-sign-in="${key}"]`);
    if (button && !button.disabled) { event.preventDefault(); button.click(); }
    return;
  }
  if (model.view !== "work") return;
  if (TABS[key]) { event.preventDefault(); selectTab(TABS[key]); return; }
  const button = document.querySelector(`button[data-action][data-key="${key}"]`);
  if (button) {
    event.preventDefault();
    if (!button.disabled) press(button.dataset.action);
  }
}

function dialogKey(event) {
  if (event.key === "Escape") { event.preventDefault(); closeDialog(); return; }
  if (event.key === "Enter" && event.target.tagName !== "BUTTON") {
    event.preventDefault();  // Enter confirms from any field, radio buttons included
    $("dialog-form").requestSubmit();
    return;
  }
  const inText = event.target && event.target.tagName === "INPUT" && event.target.type === "text";
  if (!inText && /^[1-9]$/.test(event.key)) {
    const radios = $("dialog-body").querySelectorAll("input[type=radio]");
    const radio = radios[Number(event.key) - 1];
    if (radio) { event.preventDefault(); radio.checked = true; radio.focus(); }
  }
}

function onClick(event) {
  const el = event.target.closest("button");
  if (!el || el.disabled) return;
  if (el.dataset.action) press(el.dataset.action);
  else if (el.dataset.tab) selectTab(el.dataset.tab);
  else if (el.dataset.signIn) signIn(Number(el.dataset.signIn));
  else if (el.dataset.call) act("call", {ticket: el.dataset.call}).catch(() => {});
  else if (el.dataset.resume) act("resume", {ticket: el.dataset.resume}).catch(() => {});
  else if (el.dataset.reinstate) act("reinstate", {ticket: el.dataset.reinstate}).catch(() => {});
  else if (el.dataset.chip) chipPressed(el);
}

/** A quick choice fills the text field it belongs to (notes and reasons add up). */
function chipPressed(el) {
  const form = $("dialog-form");
  const box = el.closest(".chips");
  const field = el.dataset.fill ? form[el.dataset.fill] : box && form[box.dataset.for];
  if (!field) return;
  if (el.dataset.fill) field.value = el.dataset.chip;
  else {
    const parts = field.value.split("；").map((p) => p.trim()).filter(Boolean);
    if (!parts.includes(el.dataset.chip)) parts.push(el.dataset.chip);
    field.value = parts.join("；").slice(0, 200);
  }
  field.focus();  // so that Enter confirms, as from the field itself
}

function setLang(lang) {
  J.setLang(lang);
  try { localStorage.setItem(LANG_KEY, lang); } catch (e) { /* private mode */ }
  renderAll();
}

function start() {
  let lang = new URLSearchParams(location.search).get("lang");
  try { lang = lang || localStorage.getItem(LANG_KEY); } catch (e) { /* private mode */ }
  J.setLang(lang || "zh");
  $("login-form").addEventListener("submit", login);
  $("dialog-form").addEventListener("submit", submitDialog);
  $("dialog-cancel").addEventListener("click", closeDialog);
  $("logout").addEventListener("click", logout);
  $("lang").addEventListener("click", () => setLang(J.lang === "zh" ? "en" : "zh"));
  document.addEventListener("keydown", onKey);
  document.addEventListener("click", onClick);
  setInterval(tick, 1000);
  model.token = J.token(TOKEN_KEY);
  if (model.token) loadMe();
  else { show("login"); $("username").focus(); }
}

// For caller_cases.js (办件 at the counter): the helpers it shares with this page.
const JiaohaoCaller = {model, call, say, plain, esc, serviceName};
window.JiaohaoCaller = JiaohaoCaller;
export default JiaohaoCaller;
start();
