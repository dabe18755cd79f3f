// The hall as a screen sees it: a snapshot, then each event applied on top of it.

export const CALL_EVENTS = new Set(["ticket.called", "ticket.recalled", "ticket.called_back"]);
const RECENT_CALLS = 12;

export class HallModel {
  constructor() {
    this.hall = null;
    this.categories = [];
    this.windows = new Map();
    this.waiting = {};
    this.recent = [];
    this.seq = 0;
  }

  applySnapshot(snapshot) {
    this.hall = snapshot.hall;
    this.categories = snapshot.categories;
    this.windows = new Map(snapshot.windows.map((w) => [w.number, w]));
    this.waiting = snapshot.waiting;
    this.recent = snapshot.recent_calls;
    this.seq = snapshot.seq;
  }

  // Returns the call the event makes, if it is one.
  applyEvent(event) {
    this.seq = event.seq;
    const ticket = event.data.ticket;
    const window = event.data.window;
    if (window) this.applyWindow(window, ticket);
    if (ticket) this.applyHeld(ticket);
    if (!CALL_EVENTS.has(event.type) || !ticket || event.window == null) return null;
    const call = {
      seq: event.seq,
      number: ticket.number,
      window: event.window,
      at: event.at,
      type: event.type,
    };
    this.recent = [call, ...this.recent.filter((c) => c.seq !== call.seq)].slice(0, RECENT_CALLS);
    return call;
  }

  applyWindow(window, ticket) {
    const before = this.windows.get(window.number) || { held: [], current: null };
    const after = { ...before, ...window };
    if (!window.current_ticket) {
      after.current = null;
    } else if (ticket && ticket.id === window.current_ticket) {
      after.current = ticket;
    } else if (!before.current || before.current.id !== window.current_ticket) {
      // A ticket this event does not describe: known by id only until the next event on it.
      after.current = { id: window.current_ticket, number: "", status: "called" };
    }
    this.windows.set(window.number, after);
  }

  applyHeld(ticket) {
    for (const window of this.windows.values()) {
      window.held = (window.held || []).filter((n) => n !== ticket.number);
      if (window.current && window.current.id === ticket.id) window.current = ticket;
    }
    const at = this.windows.get(ticket.window);
    if (ticket.status === "held" && at) at.held.push(ticket.number);
  }

  // True while the call is still what its window shows: a call superseded while the screen
  // was away (or in the announcement queue) is not worth saying any more.
  isCurrent(call) {
    const window = this.windows.get(call.window);
    return Boolean(window && window.current && window.current.number === call.number);
  }

  latestCall() {
    return this.recent.length ? this.recent[0] : null;
  }
}
