// The live streams of the pages (served once at /kit/stream.js): one connection logic for every
// page that follows something live, the screens, the staff pages, the rating device and the
// visitor's phone.
//
// - LiveStream: a WebSocket that comes back by itself. Close or silence (no message for
//   `watchdogMs`; the server sends heartbeats) means offline: the badge shows within a second
//   and reconnects back off 0.5 s → 5 s with jitter; 4008 resyncs at once; 1013's
//   retry_after_ms is honoured, spread over half as long again; a refusal (4400/4401/4403/
//   4404/4429) is retried slowly.
// - HallStream (WS /ws/halls/{hall}): never miss an event, never apply one twice. The last seq
//   is kept in memory and, given a storage key, in localStorage. Reconnects inside a page
//   resume with ?after=seq and get exactly the missed events (or a snapshot when the server no
//   longer has them). A freshly loaded page has no state to resume onto, so it asks for a
//   snapshot and the stored seq tells it which calls in that snapshot it has not announced yet.

const WATCHDOG_MS = 25000;
const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 5000;
const OFFLINE_AFTER_MS = 1000;
// A refused token, an unknown hall or ticket, too many watchers: none fixes itself quickly.
const REFUSED_RETRY_MS = 30000;
const REFUSED = new Set([4400, 4401, 4403, 4404, 4429]);

export class LiveStream {
  // where: {ws: path, token?}; handlers: {message(msg), online(bool), refused(msg)}.
  constructor(where, handlers, { watchdogMs = WATCHDOG_MS } = {}) {
    this.config = where;
    this.handlers = handlers;
    this.watchdogMs = watchdogMs;
    this.attempt = 0;
    this.socket = null;
    this.watchdog = null;
    this.offlineTimer = null;
    this.retry = null;
    this.refusal = null;
    this.online = null;
  }

  start() {
    this.setOnline(false);
    // The network coming back (a cable plugged in again) is worth a try at once, whatever
    // the backoff had planned.
    window.addEventListener("online", () => {
      if (this.socket === null) this.connect();
    });
    this.connect();
  }

  // The address of the next connection: the path, with the token when there is one.
  url() {
    const url = new URL(this.config.ws, location.href);
    url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
    if (this.config.token) url.searchParams.set("token", this.config.token);
    return url;
  }

  connect() {
    clearTimeout(this.retry);
    const socket = new WebSocket(this.url());
    this.socket = socket;
    this.refusal = null;
    socket.onmessage = (message) => this.receive(socket, message);
    socket.onclose = (closed) => this.dropped(socket, closed.code, closed.reason);
    this.armWatchdog(socket);
  }

  receive(socket, message) {
    if (socket !== this.socket) return;
    this.armWatchdog(socket);
    const msg = JSON.parse(message.data);
    if (msg.kind === "error") {
      this.refusal = msg;
      return;
    }
    this.attempt = 0;
    this.setOnline(true);
    this.handle(socket, msg);
  }

  handle(socket, msg) {
    if (msg.kind !== "heartbeat") this.handlers.message(msg);
  }

  dropped(socket, code, reason) {
    if (socket !== this.socket) return;
    clearTimeout(this.watchdog);
    this.socket = null;
    this.setOnline(false);
    let delay = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** this.attempt);
    delay *= 0.8 + Math.random() * 0.4; // spread the screens of a hall after a restart
    this.attempt += 1;
    if (REFUSED.has(code)) {
      this.handlers.refused(this.refusal);
      delay = REFUSED_RETRY_MS;
    } else if (code === 4008) {
      delay = 0; // the server asks us to resync at once
    } else if (code === 1013) {
      // The server's store is coming back (Redis or PostgreSQL restarting): it says when to
      // try again, so the page is current again within a second or so of it, not a back-off.
      // Spread over half as long again: a hall's thousands of screens, all refused at once,
      // must not all come back in the same instant either.
      const hinted = /retry_after_ms=(\d+)/.exec(reason || "");
      delay = (hinted ? Number(hinted[1]) : BACKOFF_MIN_MS) * (1 + Math.random() * 0.5);
      this.attempt = 0;
    }
    this.retry = setTimeout(() => this.connect(), delay);
  }

  armWatchdog(socket) {
    clearTimeout(this.watchdog);
    this.watchdog = setTimeout(() => {
      // Silent for too long: the connection is dead even if the browser has not noticed.
      if (socket === this.socket) {
        socket.onclose = null;
        socket.close();
        this.dropped(socket, 1006);
      }
    }, this.watchdogMs);
  }

  setOnline(online) {
    if (online === this.online) return;
    this.online = online;
    clearTimeout(this.offlineTimer);
    if (online) {
      document.body.dataset.online = "true";
      const badge = document.getElementById("offline");
      if (badge) badge.hidden = true;
      this.handlers.online(true);
      return;
    }
    document.body.dataset.online = "false";
    // A resync reconnects within milliseconds; only a real outage should show the badge.
    this.offlineTimer = setTimeout(() => {
      const badge = document.getElementById("offline");
      if (badge) badge.hidden = false;
      this.handlers.online(false);
    }, OFFLINE_AFTER_MS);
  }
}

export class HallStream extends LiveStream {
  // handlers: {snapshot(msg, previousSeq), event(msg), online(bool), refused(msg)}.
  constructor(config, storageKey, handlers) {
    super(config, handlers);
    this.storageKey = storageKey;
    this.stored = storageKey ? Number(localStorage.getItem(storageKey) || 0) || null : null;
    this.seq = null; // null until this page has a snapshot to apply events onto
  }

  url() {
    const url = super.url();
    if (this.seq !== null) url.searchParams.set("after", String(this.seq));
    return url;
  }

  handle(socket, msg) {
    if (msg.kind === "snapshot") {
      const previous = this.seq ?? this.stored;
      this.handlers.snapshot(msg, previous);
      this.remember(msg.seq);
    } else if (msg.kind === "event") {
      if (this.seq !== null && msg.seq <= this.seq) return; // already applied
      if (this.seq !== null && msg.seq > this.seq + 1) {
        // A hole can only mean a server we do not understand: start over from a snapshot.
        this.seq = null;
        socket.close();
        return;
      }
      this.handlers.event(msg);
      this.remember(msg.seq);
    } else if (msg.kind === "heartbeat" && this.seq !== null && msg.seq > this.seq) {
      // The server is ahead of what reached us: resume from what we have.
      socket.close();
    }
  }

  remember(seq) {
    this.seq = seq;
    this.stored = seq;
    document.body.dataset.seq = String(seq);
    try {
      if (this.storageKey) localStorage.setItem(this.storageKey, String(seq));
    } catch {
      // Storage full or disabled: resuming still works for the life of the page.
    }
  }
}

// The hall's own settings a message of HallStream carries, as they are now: a snapshot's hall
// (its reasons among them), or the whole settings of a hall.configured event; else null.
export function hallSettingsOf(msg) {
  if (msg.kind === "snapshot") return msg.hall;
  return msg.type === "hall.configured" ? msg.data.settings : null;
}
