// The conversation socket client: connect, resume, de-duplicate, retry.
//
// It follows docs/protocol.md and touches no DOM, so a topic room (room.js)
// and a one-on-one chat page can share it. A page listens to its events:
//
//   state         {state: "connecting"|"connected"|"reconnecting"|"stopped", retryAt, reason}
//   welcome       {frame, reconnect}                  before its history is merged
//   synced        {reconnect}                         after it
//   message       {message, source: "welcome"|"live"|"resume"|"history"}   (each id once)
//   removed       {id}
//   outbox        {entry}        a message of ours changed state (sending/waiting/sent/failed)
//   outbox-remove {nonce}        it was delivered (after its "message" event) or discarded
//   presence      {online, count}   (openToChat: who was open to a chat at the welcome)
//   history       {added, done}
//   resumed       {added}
//   crisis        {frame}
//   report        {message, ok, code, detail}
//   notice        {code, detail, retryAfter, until}   why our message is waiting or failed
//   problem       {code, detail}                      any other error frame
//   room          {room}                              the room's settings changed
//   pinned        {message}                           a message was pinned (null: unpinned)
//   private       {frame}                             a `notice` frame from the facilitators
//   stopped       {reason, code}                      no automatic reconnect (4401/4403/4404/4001)
//   push          {frame}        a frame about this member rather than the room: chat.request,
//                                chat.accepted/declined/closed/opened, dropin.*, crisis.alert
//
// request(frame) sends a member frame (chat.request, chat.accept, chat.decline, chat.leave,
// chat.block, status, duty, dropin.accept) and resolves to its answer, or rejects with
// {code, detail} (an `error` frame, "offline" or "disconnected").
//
// The server answers a socket's frames in order, one answer each (ack or error for
// a message, report.received or error for a report, ...), so the client keeps a
// queue of what it is waiting for and gives each error to the frame it answers.

// Close codes after which the client does not reconnect by itself (docs/protocol.md).
export const STOP_CODES = {
  4401: "no_session", 4403: "forbidden", 4404: "not_found", 4001: "kicked",
};

// The message waits and is sent again by itself after retry_after.
const WAIT_ERRORS = new Set(["rate_limited", "slow_mode", "not_allowed_yet"]);

export const OFFLINE = {
  code: "offline",
  detail: "You're offline right now. Try again once you're connected.",
};
const DISCONNECTED = {
  code: "disconnected",
  detail: "The connection dropped before we heard back. Please try again.",
};

/**
 * Whether *frame* from the server is the answer to *sent*, a frame this socket sent.
 * Some answer types also arrive as news about someone else's action (the asker's
 * copy of chat.accepted, the other side's chat.closed, ...): these are told apart
 * by their fields. *me* is our handle.
 */
export function answers(sent, frame, me) {
  switch (frame.type) {
    case "chat.requested":
      return sent.type === "chat.request";
    case "chat.accepted":
      // Ours has our handle in `by`; asking someone who had asked us accepts theirs.
      return frame.by === me && (sent.type === "chat.request"
        || (sent.type === "chat.accept" && sent.chat === frame.chat));
    case "chat.declined":
      return sent.type === "chat.decline" && sent.chat === frame.chat;
    case "chat.closed":
      return (sent.type === "chat.leave" || sent.type === "chat.block") && frame.by === me;
    case "status":
      return sent.type === "status" || sent.type === "duty";
    case "dropin.matched":
      return sent.type === "dropin.accept" && sent.request === frame.request;
    case "chat.opened":
      return sent.type === "reach_out" && typeof frame.with === "string";
    case "done":
      return sent.type === frame.action;
    case "context":
      return sent.type === "context" && sent.item === frame.item;
    case "audit":
      return sent.type === "audit";
    default:
      return false;
  }
}

/** Frames about this member (not the room) that a page may show wherever it is. */
export const PUSH_TYPES = new Set([
  "chat.request", "chat.accepted", "chat.declined", "chat.closed", "chat.opened",
  "dropin.offer", "dropin.matched", "dropin.withdrawn", "dropin.timeout", "crisis.alert",
]);

/** A client-chosen id that makes a retry safe (1–64 characters). */
export function newNonce() {
  if (globalThis.crypto && typeof crypto.randomUUID === "function") {
    return `c-${crypto.randomUUID()}`;
  }
  // randomUUID needs a secure context; getRandomValues does not.
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return `c-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

function isMessageFrame(frame) {
  return (
    Number.isSafeInteger(frame.id) &&
    frame.id >= 0 &&
    typeof frame.author === "string" &&
    typeof frame.body === "string"
  );
}

export class ChatClient extends EventTarget {
  constructor(path, options = {}) {
    super();
    this.path = path;
    this.pingMs = options.pingMs ?? 20000;
    this.historyPage = options.historyPage ?? 50;
    this.staleMs = options.staleMs ?? 50000;
    this.openTimeoutMs = options.openTimeoutMs ?? 15000;
    this.maxBackoffMs = options.maxBackoffMs ?? 30000;

    this.state = "idle";
    this.me = null;
    this.role = null;
    this.room = null;
    this.messages = new Map(); // id -> message frame, every id shown once
    this.lastSeen = 0; // largest message id received on a socket
    this.outbox = []; // our messages not yet delivered back to us
    this.inflight = null; // the outbox entry waiting for its ack
    this.awaiting = []; // what each frame we sent is waiting for, in order
    this.online = new Set();
    this.onlineCount = 0;
    this.openToChat = new Set(); // handles open to a one-on-one chat, as of the welcome
    this.ws = null;
    this.welcomed = false;
    this.everWelcomed = false;
    this.attempt = 0;
    this.resumeFrom = 0;
    this.resuming = false;
    this.resumeAdded = 0;
    this.historyInFlight = false;
    this.reportPending = null;
    this.holdUntil = 0;
    this.timers = { reconnect: null, ping: null, open: null, hold: null };
    this.lastFrameAt = 0;

    this._online = () => {
      if (this.state === "reconnecting") this.reconnectNow();
    };
    this._visible = () => {
      if (document.visibilityState === "visible" && this.state === "reconnecting") {
        this.reconnectNow();
      }
    };
  }

  // --- public API -------------------------------------------------------------

  start() {
    window.addEventListener("online", this._online);
    document.addEventListener("visibilitychange", this._visible);
    this._connect();
  }

  /** Closes for good (page unload, or a stop code). */
  stop(reason = "closed", code = 0) {
    this._clearTimers();
    this._detach();
    window.removeEventListener("online", this._online);
    document.removeEventListener("visibilitychange", this._visible);
    this._setState("stopped", { reason, code });
    this._emit("stopped", { reason, code });
  }

  reconnectNow() {
    if (this.state === "stopped") return;
    clearTimeout(this.timers.reconnect);
    this._detach();
    this._connect();
  }

  get connected() {
    return this.state === "connected";
  }

  /** Queues *body* and returns its outbox entry; it is sent (and resent) until acked. */
  send(body) {
    const held = Date.now() < this.holdUntil;
    const entry = {
      nonce: newNonce(), body, state: held ? "waiting" : "sending", id: null, error: null, tries: 0,
    };
    this.outbox.push(entry);
    this._emit("outbox", { entry });
    this._pump();
    return entry;
  }

  retry(nonce) {
    const entry = this.outbox.find((e) => e.nonce === nonce);
    if (!entry || entry.state !== "failed") return;
    entry.state = "sending";
    entry.error = null;
    this._emit("outbox", { entry });
    this._pump();
  }

  discard(nonce) {
    const index = this.outbox.findIndex((e) => e.nonce === nonce);
    if (index === -1) return;
    const [entry] = this.outbox.splice(index, 1);
    if (this.inflight === entry) this.inflight = null; // its answer will be ignored
    this._emit("outbox-remove", { nonce });
    this._pump();
  }

  /** Asks for the page of messages before the oldest shown. False if it can't now. */
  loadEarlier() {
    if (!this.connected || this.historyInFlight || this.messages.size === 0) return false;
    const before = Math.min(...this.messages.keys());
    this.historyInFlight = this._send({ type: "history", before, limit: this.historyPage }, {
      kind: "history",
    });
    return this.historyInFlight;
  }

  /** Reports a message to the facilitators. False when not connected. */
  report(messageId, reason, note) {
    if (!this.connected || this.reportPending !== null) return false;
    const frame = { type: "report", message: messageId, reason };
    if (note) frame.note = note; // optional; up to 500 characters
    if (!this._send(frame, { kind: "report" })) return false;
    this.reportPending = messageId;
    return true;
  }

  /**
   * Sends a member frame and resolves to its answer (see `answers`); rejects with
   * {code, detail}. Never sent twice: after a dropped connection, the caller decides.
   */
  request(frame) {
    return new Promise((resolve, reject) => {
      if (!this.connected) {
        reject({ ...OFFLINE });
        return;
      }
      if (!this._send(frame, { kind: "member", frame, resolve, reject })) reject({ ...OFFLINE });
    });
  }

  /** Drops everything *handle* wrote from the store (after blocking them). */
  forgetAuthor(handle) {
    for (const [id, message] of this.messages) {
      if (message.author === handle) {
        this.messages.delete(id);
        this._emit("removed", { id });
      }
    }
  }

  // --- the socket ------------------------------------------------------------------

  _connect() {
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    this._setState(this.everWelcomed ? "reconnecting" : "connecting", { retryAt: null });
    this.welcomed = false;
    this.resumeFrom = this.lastSeen;
    let ws;
    try {
      ws = new WebSocket(`${scheme}//${window.location.host}${this.path}`);
    } catch {
      this._scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.addEventListener("message", (event) => this._onFrame(ws, event));
    ws.addEventListener("close", (event) => this._onClose(ws, event));
    clearTimeout(this.timers.open);
    this.timers.open = setTimeout(() => {
      if (this.ws === ws && !this.welcomed) this._drop();
    }, this.openTimeoutMs);
  }

  _detach() {
    const ws = this.ws;
    this.ws = null;
    this.welcomed = false;
    clearInterval(this.timers.ping);
    clearTimeout(this.timers.open);
    if (ws) {
      try {
        ws.close(1000);
      } catch {
        // already closing
      }
    }
    this._connectionLost();
  }

  /** A socket that went quiet or never welcomed us: replace it. */
  _drop() {
    this._detach();
    this._scheduleReconnect();
  }

  _connectionLost() {
    this.inflight = null;
    const pending = this.awaiting.filter((a) => a.kind === "member");
    this.awaiting = [];
    for (const answer of pending) answer.reject({ ...DISCONNECTED });
    this.historyInFlight = false;
    this.resuming = false;
    if (this.reportPending !== null) {
      const message = this.reportPending;
      this.reportPending = null;
      this._emit("report", {
        message,
        ok: false,
        code: "disconnected",
        detail: "The connection dropped before your report was sent. Please try again.",
      });
    }
  }

  _onClose(ws, event) {
    if (this.ws !== ws) return; // an old socket we already replaced
    this.ws = null;
    this.welcomed = false;
    clearInterval(this.timers.ping);
    clearTimeout(this.timers.open);
    this._connectionLost();
    const reason = STOP_CODES[event.code];
    if (reason) {
      this.stop(reason, event.code);
      return;
    }
    // 4429: we flooded; pause longer before coming back.
    this._scheduleReconnect(event.code === 4429 ? 5000 : 0);
  }

  _scheduleReconnect(minDelay = 0) {
    if (this.state === "stopped") return;
    clearTimeout(this.timers.reconnect);
    const base = Math.min(this.maxBackoffMs, 500 * 2 ** this.attempt);
    const delay = Math.max(minDelay, base / 2 + Math.random() * (base / 2));
    this.attempt += 1;
    const retryAt = Date.now() + delay;
    this._setState("reconnecting", { retryAt });
    this.timers.reconnect = setTimeout(() => this._connect(), delay);
  }

  /** Sends *frame*; *answer* ({kind, entry?}) records that an answer is due. */
  _send(frame, answer = null) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(frame));
    if (answer) this.awaiting.push(answer);
    return true;
  }

  /** Takes the oldest awaited answer of *kind* off the queue (it has arrived). */
  _answered(kind) {
    const index = this.awaiting.findIndex((a) => a.kind === kind);
    return index === -1 ? null : this.awaiting.splice(index, 1)[0];
  }

  _onFrame(ws, event) {
    if (this.ws !== ws) return;
    this.lastFrameAt = Date.now();
    let frame;
    try {
      frame = JSON.parse(event.data);
    } catch {
      return;
    }
    if (!frame || typeof frame !== "object" || typeof frame.type !== "string") return;
    switch (frame.type) {
      case "welcome": return this._onWelcome(frame);
      case "message": return this._onMessage(frame, this.resuming ? "resume" : "live");
      case "ack": return this._onAck(frame);
      case "resumed": return this._onResumed(frame);
      case "history": return this._onHistory(frame);
      case "removed": return this._onRemoved(frame);
      case "presence": return this._onPresence(frame);
      case "crisis": return this._emit("crisis", { frame });
      case "report.received": return this._onReportReceived(frame);
      case "error": return this._onError(frame);
      case "pong": return this._answered("ping");
      case "room": return frame.room && this._emit("room", { room: frame.room });
      case "pinned": return this._emit("pinned", { message: frame.message ?? null });
      case "notice": return this._emit("private", { frame });
      default: return this._onOther(frame);
    }
  }

  /** An answer to a member frame we sent, or news for this member, or unknown. */
  _onOther(frame) {
    const index = this.awaiting.findIndex(
      (a) => a.kind === "member" && answers(a.frame, frame, this.me),
    );
    if (index !== -1) {
      const [answer] = this.awaiting.splice(index, 1);
      answer.resolve(frame);
      return;
    }
    if (PUSH_TYPES.has(frame.type)) this._emit("push", { frame });
    // Anything else: a frame this client does not know (yet).
  }

  _onWelcome(frame) {
    const reconnect = this.everWelcomed;
    clearTimeout(this.timers.open);
    this.welcomed = true;
    this.everWelcomed = true;
    this.attempt = 0;
    this.me = frame.you?.handle ?? this.me;
    this.role = frame.you?.role ?? this.role;
    this.room = frame.room ?? this.room;
    this.online = new Set(Array.isArray(frame.online) ? frame.online : []);
    this.onlineCount = Number.isInteger(frame.online_count) ? frame.online_count : this.online.size;
    this.openToChat = new Set(Array.isArray(frame.open_to_chat) ? frame.open_to_chat : []);
    this.resumeAdded = 0;
    this._setState("connected", { retryAt: null });
    this._emit("welcome", { frame, reconnect });
    this._emit("presence", { online: this._onlineList(), count: this.onlineCount });
    for (const message of Array.isArray(frame.history) ? frame.history : []) {
      this._onMessage(message, "welcome");
    }
    this._emit("synced", { reconnect });
    // Whatever arrived while we were away and is older than this history.
    if (this.resumeFrom > 0) {
      this.resuming = true;
      this._send({ type: "resume", after: this.resumeFrom }, { kind: "resume" });
    }
    clearInterval(this.timers.ping);
    this.timers.ping = setInterval(() => this._tick(), this.pingMs);
    this._pump();
  }

  _tick() {
    if (!this.connected) return;
    if (Date.now() - this.lastFrameAt > this.staleMs) {
      this._drop(); // a half-open socket (a phone that slept): start again
      return;
    }
    this._send({ type: "ping" }, { kind: "ping" });
  }

  _onMessage(frame, source) {
    if (!isMessageFrame(frame)) return;
    if (source !== "history") this.lastSeen = Math.max(this.lastSeen, frame.id);
    const entry =
      frame.nonce && frame.author === this.me
        ? this.outbox.find((e) => e.nonce === frame.nonce)
        : undefined;
    if (this.messages.has(frame.id)) {
      if (entry) this._settle(entry);
      return;
    }
    this.messages.set(frame.id, frame);
    // Counted for "N new messages while you were away" after a reconnect.
    if (source !== "live" && source !== "history" && this.resumeFrom > 0 && frame.id > this.resumeFrom) {
      this.resumeAdded += 1;
    }
    this._emit("message", { message: frame, source, own: frame.author === this.me });
    if (entry) this._settle(entry);
  }

  /** Our message came back from the server: it is delivered, drop it from the outbox. */
  _settle(entry) {
    const index = this.outbox.indexOf(entry);
    if (index !== -1) this.outbox.splice(index, 1);
    if (this.inflight === entry) {
      this.inflight = null;
      this._pump();
    }
    this._emit("outbox-remove", { nonce: entry.nonce });
  }

  _onAck(frame) {
    this._answered("message");
    const entry = this.outbox.find((e) => e.nonce === frame.nonce);
    if (this.inflight && this.inflight.nonce === frame.nonce) this.inflight = null;
    if (entry && Number.isSafeInteger(frame.id)) {
      entry.id = frame.id;
      entry.state = "sent";
      entry.error = null;
      if (this.messages.has(frame.id)) {
        this._settle(entry);
      } else {
        this._emit("outbox", { entry });
      }
    }
    this._pump();
  }

  _onResumed(frame) {
    this._answered("resume");
    if (frame.more && Number.isSafeInteger(frame.last_id)) {
      this._send({ type: "resume", after: frame.last_id }, { kind: "resume" });
      return;
    }
    this.resuming = false;
    this._emit("resumed", { added: this.resumeAdded });
  }

  _onHistory(frame) {
    this._answered("history");
    this.historyInFlight = false;
    const messages = Array.isArray(frame.messages) ? frame.messages : [];
    let added = 0;
    for (const message of messages) {
      const before = this.messages.size;
      this._onMessage(message, "history");
      if (this.messages.size > before) added += 1;
    }
    this._emit("history", { added, done: messages.length < this.historyPage });
  }

  _onRemoved(frame) {
    if (!Number.isSafeInteger(frame.id)) return;
    this.messages.delete(frame.id);
    this._emit("removed", { id: frame.id }); // also when it is only the pinned one
  }

  _onPresence(frame) {
    const changes =
      frame.event === "batch"
        ? Array.isArray(frame.changes) ? frame.changes : []
        : [{ event: frame.event, handle: frame.handle }];
    for (const change of changes) {
      if (typeof change.handle !== "string") continue; // invisible: only the count moves
      if (change.event === "join") this.online.add(change.handle);
      else if (change.event === "leave") this.online.delete(change.handle);
    }
    if (Number.isInteger(frame.count)) this.onlineCount = frame.count;
    this._emit("presence", { online: this._onlineList(), count: this.onlineCount });
  }

  _onlineList() {
    return [...this.online].sort((a, b) => a.localeCompare(b));
  }

  _onReportReceived(frame) {
    this._answered("report");
    this.reportPending = null;
    this._emit("report", { message: frame.message, ok: true });
  }

  _onError(frame) {
    const code = String(frame.code || "error");
    const detail = typeof frame.detail === "string" ? frame.detail : "Something went wrong.";
    const answer = this.awaiting.shift() || { kind: null };
    if (answer.kind === "message") {
      // Discarded meanwhile: nothing left to tell.
      if (this.outbox.includes(answer.entry)) this._messageRefused(answer.entry, code, detail, frame);
      else if (this.inflight === answer.entry) this.inflight = null;
      return;
    }
    if (answer.kind === "report") {
      const message = this.reportPending;
      this.reportPending = null;
      this._emit("report", { message, ok: false, code, detail });
      return;
    }
    if (answer.kind === "member") {
      answer.reject({ ...frame, code, detail });
      return;
    }
    if (answer.kind === "history") this.historyInFlight = false;
    this._emit("problem", { code, detail });
  }

  _messageRefused(entry, code, detail, frame) {
    if (this.inflight === entry) this.inflight = null;
    const retryAfter = Number.isFinite(frame.retry_after) ? Math.max(1, frame.retry_after) : null;
    const until = typeof frame.until === "string" ? frame.until : null;
    if (WAIT_ERRORS.has(code) || code === "unavailable") {
      entry.tries += 1;
      const seconds =
        code === "unavailable" ? Math.min(30, 2 ** Math.min(entry.tries, 5)) : retryAfter ?? 2;
      entry.error = { code, detail };
      this._hold(seconds * 1000);
      // Everything queued behind it waits too (messages go out in order).
      for (const queued of this.outbox) {
        if (queued === entry || queued.state === "sending") {
          queued.state = "waiting";
          this._emit("outbox", { entry: queued });
        }
      }
      this._emit("notice", { code, detail, retryAfter: seconds, until });
      return;
    }
    entry.state = "failed";
    entry.error = { code, detail, until };
    this._emit("outbox", { entry });
    this._emit("notice", { code, detail, retryAfter: null, until });
    this._pump();
  }

  _hold(ms) {
    this.holdUntil = Date.now() + ms;
    clearTimeout(this.timers.hold);
    this.timers.hold = setTimeout(() => {
      this.holdUntil = 0;
      for (const entry of this.outbox) {
        if (entry.state === "waiting") {
          entry.state = "sending";
          this._emit("outbox", { entry });
        }
      }
      this._pump();
    }, ms);
  }

  /** Sends the oldest unsent message, one at a time, so an error names its message. */
  _pump() {
    if (!this.connected || this.inflight || Date.now() < this.holdUntil) return;
    const entry = this.outbox.find((e) => e.state === "sending");
    if (!entry) return;
    if (this._send({ type: "message", body: entry.body, nonce: entry.nonce }, { kind: "message", entry })) {
      this.inflight = entry;
    }
  }

  // --- bits ------------------------------------------------------------------------

  _setState(state, extra = {}) {
    this.state = state;
    this._emit("state", { state, ...extra });
  }

  _emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  _clearTimers() {
    for (const key of Object.keys(this.timers)) {
      clearTimeout(this.timers[key]);
      clearInterval(this.timers[key]);
    }
  }
}
