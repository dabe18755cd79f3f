// The hall as a screen sees it: a snapshot, then each event applied on top of it.

import { localDay } from "./ui.js";

export const CALL_EVENTS = new Set(["ticket.called", "ticket.recalled", "ticket.called_back"]);
const RECENT_CALLS = 12;
// A ticket in these states is at its window (called there, or being served).
const AT_WINDOW = new Set(["called", "serving"]);

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

  // Tickets are followed by their number (unique in a hall's day), never by id: a screen is
  // not told visitors' ticket ids.
  applyWindow(window, ticket) {
    const before = this.windows.get(window.number) || { held: [], current: null };
    const after = { ...before, ...window };
    if (window.current_ticket === null || window.state !== "open") {
      after.current = null;
    } else if (ticket && ticket.window === window.number && AT_WINDOW.has(ticket.status)) {
      after.current = ticket;
    } else if (ticket && before.current && sameTicket(before.current, ticket)) {
      after.current = null; // finished, held, no-show or moved away
    }
    this.windows.set(window.number, after);
  }

  applyHeld(ticket) {
    for (const [number, window] of this.windows) {
      window.held = (window.held || []).filter((n) => n !== ticket.number);
      const here = ticket.window === number && AT_WINDOW.has(ticket.status);
      if (window.current && sameTicket(window.current, ticket)) {
        window.current = here ? ticket : null;
      }
    }
    const at = this.windows.get(ticket.window);
    if (ticket.status === "held" && at) at.held.push(ticket.number);
  }

  // True while the call is still what its window shows: a call superseded while the screen
  // was away (or in the announcement queue) is not worth saying any more.
  isCurrent(call) {
    const window = this.windows.get(call.window);
    return Boolean(
      window &&
        window.current &&
        window.current.number === call.number &&
        window.current.status === "called",
    );
  }

  // At the hall's day change: nothing of yesterday stays on a screen, neither its calls nor
  // a ticket a window called and never closed. Later days are kept: a screen whose clock
  // runs behind the server's must not hide today's calls.
  dropBefore(day, timezone) {
    const before = this.recent.length;
    this.recent = this.recent.filter((call) => localDay(timezone, new Date(call.at)) >= day);
    let changed = this.recent.length !== before;
    for (const window of this.windows.values()) {
      if (window.current && window.current.service_day && window.current.service_day < day) {
        window.current = null;
        changed = true;
      }
    }
    return changed;
  }

  latestCall() {
    return this.recent.length ? this.recent[0] : null;
  }
}

// Ticket numbers start again every day: a number names a ticket within its service day.
function sameTicket(a, b) {
  return a.number === b.number && a.service_day === b.service_day;
}
