/* The hall and window screens' one reducer: what a /live event changes at the
 * windows a screen shows.
 *
 * A screen keeps its windows in a Map (id → window, from windowFrom() of the
 * hub's snapshot); the hall has all of them, a window screen its own. Public
 * screens know ticket numbers, never ids: a window's current ticket is matched
 * by number. What only one screen shows (the hall's recent calls and 过号 list,
 * the window screen's flash) the page adds from what applyToWindows returns.
 */

/** A window of the hub's snapshot as a screen keeps it. */
export function windowFrom(w) {
  const ticket = w.ticket ? {number: w.ticket.number, status: w.ticket.status,
                             recall_count: w.ticket.recall_count} : null;
  return {id: w.id, name: w.name, state: w.state, reason: w.reason, clerk: w.clerk,
          staff: w.staff || {}, ticket};
}

function holds(w, number) {
  return Boolean(w && w.ticket && w.ticket.number === number);
}

/**
 * Apply `event` to `windows` (Map id → window). `staffFor(clerk)`, when given,
 * is the staff card of a clerk who signs in. Returns the window the event
 * changed (or null: not one of these windows, or nothing to change).
 */
export function applyToWindows(windows, event, staffFor) {
  const d = event.data || {};
  const w = windows.get(d.window) || null;
  switch (event.type) {
    case "ticket_called": case "ticket_recalled":
      if (w) w.ticket = {number: d.number, status: "called", recall_count: d.recall_count};
      return w;
    case "service_started":
      if (!holds(w, d.number)) return null;
      w.ticket.status = "serving";
      return w;
    case "ticket_completed": case "ticket_suspended": case "ticket_no_show":
      if (!holds(w, d.number)) return null;
      w.ticket = null;
      return w;
    case "ticket_transferred": {
      const from = windows.get(d.from_window) || null;
      if (!holds(from, d.number)) return null;
      from.ticket = null;
      return from;
    }
    case "clerk_signed_in":
      if (w) Object.assign(w, {clerk: d.clerk, state: "open", reason: null},
                           staffFor ? {staff: staffFor(d.clerk) || {}} : {});
      return w;
    case "clerk_signed_out":
      if (w) Object.assign(w, {clerk: null, state: "closed", reason: null, staff: {}});
      return w;
    case "window_paused":
      if (w) Object.assign(w, {state: "paused", reason: d.reason});
      return w;
    case "window_opened":
      if (w) Object.assign(w, {state: "open", reason: null});
      return w;
    default:
      return null;
  }
}
