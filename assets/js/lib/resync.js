/* The /live bookkeeping, free of sockets: which events to hand on, each exactly once.
 *
 * The same logic as display/listener.py's `Resync` (the display agent's Python
 * client), line for line, so a page and the agent show and say the same calls:
 * subscribe with the last seq applied; take the missed events (or a snapshot)
 * from the acknowledgement; hold the events pushed while the subscription is
 * being answered and apply them after it; drop any seq already applied. A
 * snapshot after the first one (a long drop, a new day) hands on the calls it
 * lists that came after the last seq applied, so a call made while this page
 * was away is still shown and said.
 *
 * A delivery is {event, live}: `live` when it was just pushed, false when it was
 * replayed (from the acknowledgement's events or a later snapshot's calls).
 */

/** A snapshot's `recent_calls` entry in the shape of a pushed call event. */
export function callFromRecent(call) {
  // Public: the number and the window, never the ticket's id (screens speak numbers).
  const data = {};
  for (const key of ["number", "service", "window", "window_name", "recall_count"]) {
    data[key] = call[key] === undefined ? null : call[key];
  }
  return {seq: call.seq, type: call.type === undefined ? null : call.type,
          at: call.at === undefined ? null : call.at, data};
}

const isInt = (value) => Number.isInteger(value);
const isObject = (value) => value !== null && typeof value === "object" && !Array.isArray(value);

export function isEvent(event) {
  return isObject(event) && isInt(event.seq) && typeof event.type === "string";
}

const bySeq = (a, b) => a.seq - b.seq;

export class Resync {
  constructor(rooms, remember = 5000) {
    this.rooms = Array.from(rooms);
    this.seq = null;
    this.floor = 0;            // events at or below it are covered by the last snapshot
    this._applied = new Set();
    this._order = [];
    this._capacity = remember;
    this._pending = null;
  }

  /** The `subscribe` request to send now; pushes are held until its answer. */
  subscribing() {
    this._pending = [];
    return {rooms: this.rooms, since: this.seq};
  }

  /** An `event` pushed by the hub: the deliveries it makes now (none while held). */
  pushed(event) {
    if (!isEvent(event)) {
      console.warn("jiaohao live: ignoring a malformed pushed event", event);
      return [];
    }
    if (this._pending !== null) {
      this._pending.push(event);
      return [];
    }
    return this._take(event, true);
  }

  /**
   * The answer to `subscribe`: {deliveries, snapshot}. Throws (error.ack) when the
   * hub refused or garbled it. The first snapshot is only the picture of the hall:
   * its calls were made before this page listened. A later snapshot hands on the
   * calls it lists that came after the last seq applied.
   */
  acknowledged(ack) {
    const held = this._pending || [];
    this._pending = null;
    if (!isObject(ack) || !isInt(ack.seq)) {
      const error = new Error("the hub refused or garbled the subscription");
      error.ack = ack;
      throw error;
    }
    let deliveries = [];
    const snapshot = isObject(ack.snapshot) ? ack.snapshot : null;
    if (snapshot) {
      const before = this.seq;
      this._applied.clear();
      this._order = [];
      this.floor = this.seq = ack.seq;
      if (before !== null) {
        const missed = (snapshot.recent_calls || [])
          .filter((call) => isObject(call) && isInt(call.seq) && call.seq > before)
          .map(callFromRecent)
          .sort(bySeq);
        for (const event of missed) {
          this._remember(event.seq);
          deliveries.push({event, live: false});
        }
      }
    } else {
      const events = (ack.events || []).filter(isEvent).sort(bySeq);
      for (const event of events) deliveries = deliveries.concat(this._take(event, false));
      if (this.seq === null || ack.seq > this.seq) this.seq = ack.seq;
    }
    for (const event of held.slice().sort(bySeq)) deliveries = deliveries.concat(this._take(event, true));
    return {deliveries, snapshot};
  }

  /** The connection dropped: forget a subscription left unanswered. */
  lost() { this._pending = null; }

  /** Whether a subscription is out, unanswered. */
  get waiting() { return this._pending !== null; }

  /** A `heartbeat` {seq, heard, every}: whether this client missed an event the room heard. */
  behind(beat) {
    if (this._pending !== null || this.seq === null || !isObject(beat)) return false;
    return isInt(beat.heard) && beat.heard > this.seq;
  }

  _take(event, live) {
    const seq = event.seq;
    if (this._applied.has(seq) || (this.seq !== null && seq <= this.floor)) return [];
    this._remember(seq);
    if (this.seq === null || seq > this.seq) this.seq = seq;
    return [{event, live}];
  }

  _remember(seq) {
    this._applied.add(seq);
    this._order.push(seq);
    while (this._order.length > this._capacity) this._applied.delete(this._order.shift());
  }
}
