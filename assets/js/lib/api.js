/* The hub's REST API from a page: tokens, the center, JSON calls.
 *
 * Every request a page makes names its center (?center=ID) when the page knows
 * it: opened with ?center=ID, or holding a device token (dev.<center>.<secret>),
 * which names it. nginx in front of several hub processes routes on that
 * argument (systemd/nginx-jiaohao-centers.conf, `hash $arg_center`), so a
 * center's requests and its Socket.IO connection reach the same process.
 */

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.code = (body && body.error) || "http_error";
    this.field = body && body.field;
    this.body = body || {};
  }
}

export class Unreachable extends Error {
  constructor(cause) {
    super("hub unreachable");
    this.code = "unreachable";
    this.cause = cause;
  }
}

/** The device or login token: from the URL fragment (then hidden), else storage. */
export function token(key) {
  const storageKey = "jiaohao.token." + (key || location.pathname);
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (match) {
    const value = decodeURIComponent(match[1]);
    try { localStorage.setItem(storageKey, value); } catch (e) { /* private mode */ }
    history.replaceState(null, "", location.pathname + location.search);
    deviceCenter = centerOfToken(value) || deviceCenter;
    return value;
  }
  let value = "";
  try { value = localStorage.getItem(storageKey) || ""; } catch (e) { value = ""; }
  deviceCenter = centerOfToken(value) || deviceCenter;
  return value;
}

export function saveToken(value, key) {
  const storageKey = "jiaohao.token." + (key || location.pathname);
  try {
    if (value) localStorage.setItem(storageKey, value); else localStorage.removeItem(storageKey);
  } catch (e) { /* private mode */ }
}

let deviceCenter = "";

/** The center a device token names (dev.<center>.<secret>), else "". */
export function centerOfToken(value) {
  const parts = String(value || "").split(".");
  return parts.length === 3 && parts[0] === "dev" ? parts[1] : "";
}

/** The page's center: ?center= in its address, else the one its device token names. */
export function center() {
  return new URLSearchParams(location.search).get("center") || deviceCenter;
}

/** `url` with ?center=<the page's center> added (unless it has one, or none is known). */
export function withCenter(url) {
  const c = center();
  if (!c || /[?&]center=/.test(url)) return url;
  return url + (url.includes("?") ? "&" : "?") + "center=" + encodeURIComponent(c);
}

/** A JSON call to the hub. Throws ApiError (4xx/5xx) or Unreachable (network). */
export async function api(path, options) {
  const opts = options || {};
  const headers = {"Accept": "application/json"};
  if (opts.token) {
    headers["Authorization"] = "Bearer " + opts.token;
    deviceCenter = centerOfToken(opts.token) || deviceCenter;
  }
  let body;
  if (opts.body !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(opts.body);
  }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), opts.timeout || 10000);
  let response;
  try {
    response = await fetch(withCenter(path), {method: opts.method || (body ? "POST" : "GET"), headers, body,
                                               signal: controller.signal});
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

/** A raw fetch (file downloads) with the page's center on it. */
export function fetchWithCenter(url, init) {
  return fetch(withCenter(url), init);
}
