/* The pages' one /live client: a Socket.IO connection driving `Resync`.
 *
 *   const live = live({rooms: ["hall"], token, onSnapshot, onEvent, onStatus});
 *
 * options: rooms, token, center, onSnapshot(snapshot, seq), onEvent(event, live),
 *          onMissedCall(event) (a call a later snapshot lists that this page never had),
 *          onProgress({seq, data}), onStatus("connecting" | "live" | "lost" | "refused", detail)
 *
 * Every event is handed on exactly once (resync.js, the same rules as the display
 * agent's Python client): after a drop it subscribes with the last seq applied and
 * the answer brings the missed events, or a snapshot (onSnapshot first) followed
 * by the calls in it this page missed (onMissedCall(event)). With several hub
 * processes events may arrive slightly out of seq order, so pages order what they
 * show by seq.
 *
 * It also notices when it is behind without being disconnected: the hub sends each
 * room a `heartbeat` {seq, heard, every} (heard: the seq of the last event it sent
 * that room), and a client holding less subscribes again with its seq; so does one
 * the hub asks to (`resync`), and one that has heard nothing for three heartbeats
 * (a stalled hub process).
 *
 * The connection carries ?center=ID (and auth.center) when the page knows its
 * center, so a per-center proxy sends it to that center's process.
 */
import {center as pageCenter, centerOfToken} from "./api.js";
import {io} from "./io.js";
import {Resync} from "./resync.js";

export function live(options) {
  const resync = new Resync(options.rooms);
  const state = {heardAt: Date.now(), every: null, resubscribed: 0, status: null};
  const report = options.onStatus || function () {};
  const status = (value, detail) => { state.status = value; report(value, detail); };
  const auth = {};
  if (options.token) auth.token = options.token;
  const center = options.center || pageCenter() || centerOfToken(options.token);
  if (center) auth.center = center;

  function deliver(deliveries) {
    for (const {event, live: pushed} of deliveries) {
      // At or below the snapshot just handed to onSnapshot: a call from its
      // recent_calls that this page missed. The snapshot already shows where things
      // stand; a screen still shows and says the call (onMissedCall).
      const missed = event.seq <= resync.floor;
      const handler = missed ? options.onMissedCall : options.onEvent;
      try { handler && handler(event, pushed); } catch (e) { console.error(e); }
    }
  }

  function acknowledged(err, ack) {
    state.heardAt = Date.now();
    if (err) { resync.lost(); status("lost", "subscribe timed out"); socket.disconnect().connect(); return; }
    let answer;
    try {
      answer = resync.acknowledged(ack);
    } catch (error) {
      status("refused", ack);
      return;
    }
    if (answer.snapshot) {
      try { options.onSnapshot && options.onSnapshot(answer.snapshot, resync.seq); } catch (e) { console.error(e); }
    }
    deliver(answer.deliveries);
    status("live");
  }

  function subscribe() {
    state.heardAt = Date.now();
    socket.timeout(15000).emit("subscribe", resync.subscribing(), acknowledged);
  }

  /** Subscribe again on the same connection (the ack brings what was missed). */
  function resubscribe(why) {
    if (resync.waiting || !socket.connected) return;
    console.warn("jiaohao live: subscribing again (" + why + ")");
    state.resubscribed += 1;
    subscribe();
  }

  status("connecting");
  const socket = io("/live", {auth, query: center ? {center} : {}, transports: ["websocket", "polling"],
                              reconnectionDelayMax: 5000});
  socket.on("connect", subscribe);
  socket.on("event", (event) => {
    state.heardAt = Date.now();
    deliver(resync.pushed(event));
  });
  socket.on("heartbeat", (beat) => {
    state.heardAt = Date.now();
    if (!beat || typeof beat !== "object") return;
    if (typeof beat.every === "number" && beat.every > 0) state.every = beat.every;
    // Behind: the hub sent this room an event we never applied.
    if (resync.behind(beat)) resubscribe("missed events up to " + beat.heard);
  });
  socket.on("resync", () => resubscribe("asked by the hub"));
  const watchdog = setInterval(() => {
    if (state.every && state.status === "live" && Date.now() - state.heardAt > 3 * state.every * 1000) {
      state.heardAt = Date.now();
      resubscribe("no heartbeat");
    }
  }, 1000);
  // Where a followed ticket stands now (people ahead, wait): derived, not journal events.
  socket.on("progress", (message) => {
    try { options.onProgress && options.onProgress(message); } catch (e) { console.error(e); }
  });
  socket.on("disconnect", () => { resync.lost(); status("lost"); });
  socket.on("connect_error", (error) => {
    const code = error && error.message;
    if (code === "invalid_token" || code === "unknown_center" || code === "invalid_center") {
      status("refused", {error: code});
    } else {
      status("lost", code);
    }
  });
  return {
    get seq() { return resync.seq; },
    get resubscribed() { return state.resubscribed; },
    resync,
    socket,
    close() { clearInterval(watchdog); socket.close(); },
  };
}
