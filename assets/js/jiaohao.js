/* jiaohao page library: token, REST calls, the /live subscription, i18n.
 *
 * Plain script (no modules, no build step) so it runs the same in pywebview's
 * WebKit and in any browser. Load after /assets/vendor/socket.io/socket.io.min.js.
 *
 *   const token = Jiaohao.token();            // from #token=… (kept in localStorage)
 *   const data = await Jiaohao.api("/api/v1/services", {token});
 *   const live = Jiaohao.live({rooms: ["hall"], token, onSnapshot, onEvent, onStatus});
 *
 * The live subscription applies every event exactly once: it subscribes with the
 * last seq it applied, takes the missed events (or a snapshot) from the ack, and
 * drops anything it already has. With several hub processes, events may arrive
 * slightly out of seq order, so pages order what they show by seq.
 *
 * It also notices when it is behind without being disconnected: the hub sends each
 * room a `heartbeat` {seq, heard, every} (heard: the seq of the last event it sent
 * that room), and a client holding less subscribes again with its seq; so does one
 * the hub asks to (`resync`), and one that has heard nothing for three heartbeats
 * (a stalled hub process).
 */
(function () {
  "use strict";

  class ApiError extends Error {
    constructor(status, body) {
      super((body && body.message) || `HTTP ${status}`);
      this.status = status;
      this.code = (body && body.error) || "http_error";
      this.field = body && body.field;
      this.body = body || {};
    }
  }

  class Unreachable extends Error {
    constructor(cause) {
      super("hub unreachable");
      this.code = "unreachable";
      this.cause = cause;
    }
  }

  /** The device or login token: from the URL fragment (then hidden), else storage. */
  function token(key) {
    const storageKey = "jiaohao.token." + (key || location.pathname);
    const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
    if (match) {
      const value = decodeURIComponent(match[1]);
      try { localStorage.setItem(storageKey, value); } catch (e) { /* private mode */ }
      history.replaceState(null, "", location.pathname + location.search);
      return value;
    }
    try { return localStorage.getItem(storageKey) || ""; } catch (e) { return ""; }
  }

  function saveToken(value, key) {
    const storageKey = "jiaohao.token." + (key || location.pathname);
    try {
      if (value) localStorage.setItem(storageKey, value); else localStorage.removeItem(storageKey);
    } catch (e) { /* private mode */ }
  }

  /** The center named in ?center= (hubs serving several centers need it). */
  function center() {
    return new URLSearchParams(location.search).get("center") || "";
  }

  /** A JSON call to the hub. Throws ApiError (4xx/5xx) or Unreachable (network). */
  async function api(path, options) {
    const opts = options || {};
    const headers = {"Accept": "application/json"};
    if (opts.token) headers["Authorization"] = "Bearer " + opts.token;
    let body;
    if (opts.body !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(opts.body);
    }
    const c = center();
    const url = c && !/[?&]center=/.test(path) ? path + (path.includes("?") ? "&" : "?") + "center=" + encodeURIComponent(c) : path;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), opts.timeout || 10000);
    let response;
    try {
      response = await fetch(url, {method: opts.method || (body ? "POST" : "GET"), headers, body, signal: controller.signal});
    } catch (error) {
      throw new Unreachable(error);
    } finally {
      clearTimeout(timer);
    }
    let data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    if (!response.ok) throw new ApiError(response.status, data);
    return data;
  }

  /**
   * Subscribe to rooms of /live and keep in step with the hub.
   * options: rooms, token, center, onSnapshot(snapshot, seq), onEvent(event),
   *          onProgress({seq, data: {id, number, status, ahead, eta_minutes}}),
   *          onStatus("connecting" | "live" | "lost" | "refused", detail)
   */
  function live(options) {
    const state = {seq: null, applied: new Set(), pending: null, socket: null,
                   heardAt: Date.now(), every: null, resubscribed: 0};
    const status = options.onStatus || function () {};
    const auth = {};
    if (options.token) auth.token = options.token;
    if (options.center || center()) auth.center = options.center || center();

    function remember(seq) {
      state.applied.add(seq);
      if (state.applied.size > 5000) {
        const oldest = Array.from(state.applied).sort((a, b) => a - b).slice(0, 1000);
        oldest.forEach((s) => state.applied.delete(s));
      }
    }

    function apply(event) {
      if (state.applied.has(event.seq)) return;
      if (state.seq !== null && event.seq <= state.floor) return;  // covered by a snapshot
      remember(event.seq);
      if (state.seq === null || event.seq > state.seq) state.seq = event.seq;
      try { options.onEvent && options.onEvent(event); } catch (e) { console.error(e); }
    }

    function subscribe() {
      state.heardAt = Date.now();
      state.pending = [];
      state.socket.timeout(15000).emit("subscribe", {rooms: options.rooms, since: state.seq}, (err, ack) => {
        const buffered = state.pending || [];
        state.pending = null;
        if (err) { status("lost", "subscribe timed out"); state.socket.disconnect().connect(); return; }
        if (ack.error) { status("refused", ack); return; }
        if (ack.snapshot) {
          state.applied.clear();
          state.floor = ack.seq;
          state.seq = ack.seq;
          try { options.onSnapshot && options.onSnapshot(ack.snapshot, ack.seq); } catch (e) { console.error(e); }
        } else {
          (ack.events || []).forEach(apply);
          if (state.seq === null || ack.seq > state.seq) state.seq = ack.seq;
          state.floor = state.floor || 0;
        }
        buffered.sort((a, b) => a.seq - b.seq).forEach(apply);
        status("live");
      });
    }

    status("connecting");
    state.floor = 0;
    state.socket = io("/live", {auth, transports: ["websocket", "polling"], reconnectionDelayMax: 5000});
    state.socket.on("connect", subscribe);
    state.socket.on("event", (event) => {
      state.heardAt = Date.now();
      if (state.pending) state.pending.push(event); else apply(event);
    });

    /** Subscribe again on the same connection (the ack brings what was missed). */
    function resubscribe(why) {
      if (state.pending || !state.socket.connected) return;
      console.warn("jiaohao live: subscribing again (" + why + ")");
      state.resubscribed += 1;
      subscribe();
    }
    state.socket.on("heartbeat", (beat) => {
      state.heardAt = Date.now();
      if (!beat || typeof beat !== "object") return;
      if (typeof beat.every === "number" && beat.every > 0) state.every = beat.every;
      // Behind: the hub sent this room an event we never applied.
      if (state.seq !== null && typeof beat.heard === "number" && beat.heard > state.seq) {
        resubscribe("missed events up to " + beat.heard);
      }
    });
    state.socket.on("resync", () => resubscribe("asked by the hub"));
    const watchdog = setInterval(() => {
      if (state.every && Date.now() - state.heardAt > 3 * state.every * 1000) {
        state.heardAt = Date.now();
        resubscribe("no heartbeat");
      }
    }, 1000);
    // Where a followed ticket stands now (people ahead, wait): derived, not journal events.
    state.socket.on("progress", (message) => {
      try { options.onProgress && options.onProgress(message); } catch (e) { console.error(e); }
    });
    state.socket.on("disconnect", () => status("lost"));
    state.socket.on("connect_error", (error) => {
      const code = error && error.message;
      if (code === "invalid_token" || code === "unknown_center") status("refused", {error: code});
      else status("lost", code);
    });
    return {
      get seq() { return state.seq; },
      get resubscribed() { return state.resubscribed; },
      socket: state.socket,
      close() { clearInterval(watchdog); state.socket.close(); },
    };
  }

  /* ------------------------------------------------------------------ i18n */

  const i18n = {lang: "zh", strings: {zh: {}, en: {}}};

  function addStrings(strings) {
    for (const lang of Object.keys(strings)) Object.assign(i18n.strings[lang] = i18n.strings[lang] || {}, strings[lang]);
  }

  function t(key, values) {
    let text = (i18n.strings[i18n.lang] || {})[key];
    if (text === undefined) text = i18n.strings.zh[key];
    if (text === undefined) text = key;
    if (values) text = text.replace(/\{(\w+)\}/g, (m, name) => (values[name] !== undefined ? values[name] : m));
    return text;
  }

  /** Fill every [data-i18n] element of `root` in the current language. */
  function translate(root) {
    (root || document).querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
    document.documentElement.lang = i18n.lang === "zh" ? "zh-CN" : "en";
  }

  function setLang(lang) {
    i18n.lang = lang === "en" ? "en" : "zh";
    translate();
  }

  /** A service or window name object {zh, en} in the current language. */
  function name(text) {
    if (!text) return "";
    if (typeof text === "string") return text;
    return (i18n.lang === "en" && text.en) ? text.en : text.zh;
  }

  /* ------------------------------------------------------------------ waits */

  addStrings({
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
  });

  /** The clock time of an ISO moment as the hall reads it (HH:MM, local to the hub's offset). */
  function clockTime(iso) {
    const match = /T(\d{2}):(\d{2})/.exec(iso || "");
    return match ? `${match[1]}:${match[2]}` : "";
  }

  /**
   * The words for a wait {state, minutes, low, high, resumes_at, after_closing}
   * from the hub (views.wait_view): 马上办理 only when a window serving it is
   * open and idle; no number when nobody is staffed for it; a range when the
   * wait is long. `elapsed` (minutes since the estimate) counts it down.
   */
  function waitText(wait, elapsed) {
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

  window.Jiaohao = {ApiError, Unreachable, token, saveToken, center, api, live,
                    addStrings, t, translate, setLang, name, waitText, clockTime,
                    get lang() { return i18n.lang; }};
})();
