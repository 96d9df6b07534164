/* What the hall and window displays share: the hub's clock and the calls' sound.
 *
 * JiaohaoScreen.clock: the time shown is the hub's, never the display PC's. The
 * snapshot carries the hub's `now` (with its UTC offset) and the page keeps the
 * difference to its own clock, ticking locally; the hub's clock may run fast
 * (demos, tests), so every live event's `at` that is later than the estimate
 * moves it forward.
 *
 * JiaohaoScreen.sound: halls that drive a TV from a plain browser or a TV box
 * hear the calls from the page: the hub renders each call (chime + Mandarin
 * phrase, GET /api/v1/calls/SEQ/audio.wav) and the page plays them in order,
 * one at a time, after one tap (browsers block sound until someone touches the
 * page: a clear 点击开启语音 / Tap to enable sound control). R or the 重播 button
 * plays the last call again. A page opened by the display program with --speak
 * (?voice=agent) stays silent: the program speaks natively.
 *
 * Test hook: window.JiaohaoScreen.sound.log lists {seq, number, window, url,
 * started, ended} of every clip played, in order.
 */
import J from "./jiaohao.js";
import strings from "./strings/screen.js";

const STALE_MS = 60000;   // a call older than this (hub time) is not spoken any more

J.addStrings(strings);

/* ------------------------------------------------------------ the hub's clock */

const clock = {
  offsetMs: 0, tzMinutes: 480, known: false,
  /** The snapshot's `now` (ISO with offset): the hub's time at this moment. */
  learn(iso) {
    const at = Date.parse(iso || "");
    if (Number.isNaN(at)) return;
    clock.offsetMs = at - Date.now();
    clock.known = true;
    clock.zone(iso);
  },
  /** A live event's `at`: the hub's time was at least that. */
  atLeast(iso) {
    const at = Date.parse(iso || "");
    if (Number.isNaN(at)) return;
    if (at > clock.now()) { clock.offsetMs = at - Date.now(); clock.known = true; }
    clock.zone(iso);
  },
  zone(iso) {
    const found = /([+-])(\d{2}):(\d{2})$/.exec(iso || "");
    if (found) clock.tzMinutes = (found[1] === "-" ? -1 : 1) * (Number(found[2]) * 60 + Number(found[3]));
  },
  now() { return Date.now() + clock.offsetMs; },
  /** The hub's wall clock in the center's zone, as a Date read with getUTC*. */
  wall() { return new Date(clock.now() + clock.tzMinutes * 60000); },
  hhmm(seconds) {
    const local = clock.wall();
    const pad = (n) => String(n).padStart(2, "0");
    const text = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}`;
    return seconds ? `${text}:${pad(local.getUTCSeconds())}` : text;
  },
};

/* ------------------------------------------------------------ the calls' sound */

const params = new URLSearchParams(location.search);
const sound = {
  agent: params.get("voice") === "agent",   // the display program speaks natively
  enabled: false, queue: [], playing: null, last: null, log: [], center: "",
  audio: null,
};

function audioUrl(seq) {
  const url = `/api/v1/calls/${seq}/audio.wav`;
  return sound.center ? `${url}?center=${encodeURIComponent(sound.center)}` : J.withCenter(url);
}

function playNext() {
  if (sound.playing || !sound.enabled || !sound.queue.length) return;
  const call = sound.queue.shift();
  const entry = {seq: call.seq, number: call.number, window: call.window,
                 url: audioUrl(call.seq), started: null, ended: null, error: null};
  sound.playing = entry;
  sound.log.push(entry);
  const audio = sound.audio;
  const done = (error) => {
    if (sound.playing !== entry) return;
    entry.ended = Date.now();
    if (error) entry.error = String(error);
    sound.playing = null;
    playNext();
  };
  audio.onplaying = () => { if (entry.started === null) entry.started = Date.now(); };
  audio.onended = () => done(null);
  audio.onerror = () => done("audio error " + (audio.error ? audio.error.code : ""));
  audio.src = entry.url;
  const started = audio.play();
  if (started && started.catch) started.catch((error) => done(error));
}

/** A call heard live: speak it (in turn) unless it is stale or the agent speaks. */
sound.call = function (call, at) {
  sound.last = call;
  if (sound.agent) return;
  if (at && clock.known && clock.now() - Date.parse(at) > STALE_MS) return;
  if (sound.queue.some((c) => c.seq === call.seq)) return;
  sound.queue.push(call);
  playNext();
};

/** Say the last call again (R key, 重播 button). */
sound.replay = function () {
  if (sound.agent || !sound.last) return;
  sound.queue.push(sound.last);
  playNext();
};

function enable() {
  sound.enabled = true;
  document.body.classList.add("sound-on");
  const button = document.getElementById("sound-enable");
  if (button) button.hidden = true;
  const replay = document.getElementById("sound-replay");
  if (replay) replay.hidden = false;
  // Played inside the tap: from now on this page may play sound.
  sound.audio.muted = false;
  playNext();
}

/** Build the controls (in `host`) once the page's strings are set. */
sound.mount = function (host) {
  if (sound.agent) { document.body.classList.add("voice-agent"); return; }
  sound.audio = new Audio();
  sound.audio.preload = "auto";
  const enableButton = document.createElement("button");
  enableButton.id = "sound-enable";
  enableButton.type = "button";
  enableButton.className = "sound-enable";
  const main = document.createElement("span");
  main.textContent = J.t("sound.enable");
  const other = document.createElement("span");
  other.className = "other";
  other.textContent = J.t("sound.enable_en");
  enableButton.append(main, other);
  enableButton.addEventListener("click", enable);
  const replay = document.createElement("button");
  replay.id = "sound-replay";
  replay.type = "button";
  replay.className = "sound-replay";
  replay.hidden = true;
  replay.textContent = J.t("sound.replay") + " (R)";
  replay.addEventListener("click", () => sound.replay());
  host.append(enableButton, replay);
  document.addEventListener("keydown", (event) => {
    if (event.key === "r" || event.key === "R") {
      if (!sound.enabled) enable();
      sound.replay();
    }
  });
};

/* ------------------------------------------------------------ text that fits */

/** Shrink each element's font (never under 2.6u, the displays' smallest) until its text fits its
 * box (its width; its height too when `tall`), so a long service name or an
 * English label is never cut or "…". */
function unit() {
  // --u of display.css in px: nothing on a display is smaller than 2.6u.
  const probe = document.createElement("div");
  probe.style.cssText = "position:absolute;visibility:hidden;width:calc(var(--u) * 100)";
  document.body.append(probe);
  const u = probe.getBoundingClientRect().width / 100;
  probe.remove();
  return u;
}

function fit(nodes, tall) {
  const smallest = 2.6 * unit();
  nodes.forEach((node) => {
    node.style.fontSize = "";
    if (!node.isConnected || !node.clientWidth) return;
    const base = parseFloat(getComputedStyle(node).fontSize);
    let size = base;
    // Width always; height only for texts that wrap (a glyph's ink may pass its line box).
    const over = () => node.scrollWidth > node.clientWidth + 1 ||
      (tall && node.scrollHeight > node.clientHeight + 1);
    while (over() && size * 0.93 >= Math.min(smallest, base)) {
      size *= 0.93;
      node.style.fontSize = size.toFixed(1) + "px";
    }
  });
}

const JiaohaoScreen = {clock, sound, fit};
window.JiaohaoScreen = JiaohaoScreen;  // the tests' hook (sound.log)
export default JiaohaoScreen;
