// The conversation socket client (a topic room or a one-on-one chat): on top of the
// socket core (socket.js) it keeps the messages (each id once), our outbox, who is
// here, history pages and the resume after a reconnect. No DOM. A page listens to:
//
//   state         {state: "connecting"|"connected"|"reconnecting"|"stopped", retryAt, reason}
//   welcome       {frame, reconnect}                  before its history is merged
//   synced        {reconnect}                         after it
//   message       {message, source: "page"|"welcome"|"live"|"resume"|"history"|"released", own}
//                 (each id once; again as "released" when our held message reaches the room)
//   removed       {id}
//   outbox        {entry}        a message of ours changed state (sending/waiting/sent/failed)
//   outbox-remove {nonce}        it was delivered (after its "message" event) or discarded
//   presence      {online, count}
//   history       {added, done}
//   resumed       {added, reconnect}
//   crisis        {frame}
//   report        {message, ok, code, detail}
//   notice        {code, detail, retryAfter, until}   why our message is waiting or failed
//   problem       {code, detail}                      any other error frame
//   room          {room}                              the room's settings changed
//   pinned        {message}                           a message was pinned (null: unpinned)
//   private       {frame}                             a `notice` frame from the facilitators
//   stopped       {reason, code}                      no automatic reconnect
//   push          {frame}        news about this member (chat.*, dropin.*, crisis.alert)
//   meeting       {frame}        the room's meeting changed (meetings/room-meeting.js)
//
// request(frame) sends a member frame and resolves to its answer (see requests.js), or
// rejects with {code, detail}.

import { Outbox } from "./outbox.js";
import { applyPresence, errorOf, isMessageFrame, PUSH_TYPES, sortedHandles } from "./frames.js";
import { SocketClient, SocketCore, socketUrl } from "./socket.js";
import { gettext } from "../i18n.js";

export { OFFLINE } from "./socket.js";

const REPORT_LOST = gettext("The connection dropped before your report was sent. Please try again.");

export class ChatClient extends SocketClient {
  constructor(path, options = {}) {
    super();
    this.historyPage = options.historyPage ?? 50;
    this.me = null;
    this.role = null;
    this.room = null;
    this.messages = new Map(); // id -> message frame, every id shown once
    this.lastSeen = 0; // largest message id received on a socket
    this.online = new Set();
    this.onlineCount = 0;
    this.openToChat = new Set(); // handles open to a one-on-one chat, kept live by presence
    this.resumeFrom = 0;
    this.resuming = false;
    this.resumeAdded = 0;
    this.resumeReconnect = false;
    this.historyInFlight = false;
    this.reportPending = null;
    this.holdTimer = null;
    this.outbox = new Outbox(options.outbox);
    this.socket = new SocketCore(options.url ?? (() => socketUrl(path)), {
      greeted: (frame, reconnect) => this._onWelcome(frame, reconnect),
      frame: (frame) => this._onFrame(frame),
      lost: () => this._onLost(),
      state: (state, extra) => this._emit("state", { state, ...extra }),
      stopped: (reason, code) => this._onStopped(reason, code),
    }, { ...options, me: () => this.me || "" });
  }

  // --- public API -------------------------------------------------------------------

  get everWelcomed() {
    return this.socket.everGreeted;
  }

  /**
   * Messages the page already shows (rendered into it by the server), oldest first: kept
   * as if an earlier socket had brought them, so the first welcome resumes after the last
   * of them, as every reconnect does. Call before start().
   */
  seed(frames) {
    for (const frame of frames) this._onMessage(frame, "page");
  }

  /** Queues *body* and returns its outbox entry; it is sent (and resent) until acked. */
  send(body) {
    const entry = this.outbox.add(body);
    this._emit("outbox", { entry });
    this._pump();
    return entry;
  }

  retry(nonce) {
    const entry = this.outbox.retry(nonce);
    if (!entry) return;
    this._emit("outbox", { entry });
    this._pump();
  }

  discard(nonce) {
    if (!this.outbox.discard(nonce)) return;
    this._emit("outbox-remove", { nonce });
    this._pump();
  }

  /**
   * Messages waiting after a refusal with *code* go now rather than when their wait ends
   * (a meeting's floor opened for us: meetings/room-meeting.js). False if none waited so.
   */
  releaseWaiting(code) {
    const waiting = this.outbox.entries.filter((e) => e.state === "waiting" && e.error?.code === code);
    if (!waiting.length) return false;
    this.socket.system.clearTimeout(this.holdTimer);
    for (const released of this.outbox.release()) this._emit("outbox", { entry: released });
    this._pump();
    return true;
  }

  /** Asks for the page of messages before the oldest shown. False if it can't now. */
  loadEarlier() {
    if (!this.connected || this.historyInFlight || this.messages.size === 0) return false;
    const before = Math.min(...this.messages.keys());
    this.historyInFlight = this.socket.call({
      frame: { type: "history", before, limit: this.historyPage },
      answer: (frame) => this._onHistory(frame),
      fail: (error) => {
        this.historyInFlight = false;
        this._emit("problem", { code: error.code, detail: error.detail });
      },
      lost: () => {
        this.historyInFlight = false;
      },
    });
    return this.historyInFlight;
  }

  /** Reports a message to the facilitators. False when it can't be sent now. */
  report(messageId, reason, note) {
    if (!this.connected || this.reportPending !== null) return false;
    const frame = { type: "report", message: messageId, reason };
    if (note) frame.note = note; // optional; up to 500 characters
    const done = (detail) => {
      this.reportPending = null;
      this._emit("report", { message: messageId, ...detail });
    };
    const sent = this.socket.call({
      frame,
      answer: (answer) => done({ message: answer.message ?? messageId, ok: true }),
      fail: (error) => done({ ok: false, code: error.code, detail: error.detail }),
      lost: () => done({ ok: false, code: "disconnected", detail: REPORT_LOST }),
    });
    if (sent) this.reportPending = messageId;
    return sent;
  }

  /** Gives (or, *on* false, takes back) a support reaction. False when it can't be sent now. */
  react(messageId, reaction, on = true) {
    if (!this.connected) return false;
    const done = (detail) => this._emit("reacted", { message: messageId, reaction, ...detail });
    return this.socket.call({
      frame: { type: "react", message: messageId, reaction, on },
      answer: (answer) => done({ ok: true, on: answer.on, counts: answer.counts || {} }),
      fail: (error) => done({ ok: false, code: error.code, detail: error.detail }),
      lost: () => done({ ok: false, code: "disconnected", detail: gettext("The connection dropped. Please try again.") }),
    });
  }

  /** Drops everything *handle* wrote from the store (after blocking them). */
  forgetAuthor(handle) {
    for (const [id, message] of this.messages) {
      if (message.author !== handle) continue;
      this.messages.delete(id);
      this._emit("removed", { id });
    }
  }

  // --- frames ---------------------------------------------------------------------------

  _onWelcome(frame, reconnect) {
    this.me = frame.you?.handle ?? this.me;
    this.role = frame.you?.role ?? this.role;
    this.room = frame.room ?? this.room;
    this.online = new Set(Array.isArray(frame.online) ? frame.online : []);
    this.onlineCount = Number.isInteger(frame.online_count) ? frame.online_count : this.online.size;
    this.openToChat = new Set(Array.isArray(frame.open_to_chat) ? frame.open_to_chat : []);
    this.resumeFrom = this.lastSeen;
    this.resumeAdded = 0;
    this.resumeReconnect = reconnect;
    this._emit("welcome", { frame, reconnect });
    this._emitPresence();
    for (const message of Array.isArray(frame.history) ? frame.history : []) {
      this._onMessage(message, "welcome");
    }
    this._emit("synced", { reconnect });
    // Whatever arrived while we were away and is older than this history.
    if (this.resumeFrom > 0) {
      this.resuming = true;
      this._resume(this.resumeFrom);
    }
    this._pump();
  }

  _resume(after) {
    this.socket.call({
      frame: { type: "resume", after },
      answer: (frame) => {
        if (frame.more && Number.isSafeInteger(frame.last_id)) {
          this._resume(frame.last_id);
          return;
        }
        this.resuming = false;
        this._emit("resumed", { added: this.resumeAdded, reconnect: this.resumeReconnect });
      },
      fail: (error) => this._emit("problem", { code: error.code, detail: error.detail }),
    });
  }

  _onFrame(frame) {
    switch (frame.type) {
      case "message": return this._onMessage(frame, this.resuming ? "resume" : "live");
      case "removed": return this._onRemoved(frame);
      case "presence":
        this.onlineCount = applyPresence(this.online, frame, this.onlineCount, this.openToChat);
        return this._emitPresence();
      case "crisis": return this._emit("crisis", { frame });
      case "room": return frame.room && this._emit("room", { room: frame.room });
      case "pinned": return this._emit("pinned", { message: frame.message ?? null });
      case "notice": return this._emit("private", { frame });
      case "reactions": return this._emit("reactions", { message: frame.message, counts: frame.counts || {} });
      case "meeting": return frame.meeting && this._emit("meeting", { frame });
      case "error": {
        const { code, detail } = errorOf(frame);
        return this._emit("problem", { code, detail });
      }
      default:
        if (PUSH_TYPES.has(frame.type)) this._emit("push", { frame });
        return undefined; // anything else: a frame this client does not know (yet)
    }
  }

  _onMessage(frame, source) {
    if (!isMessageFrame(frame)) return;
    if (source !== "history") this.lastSeen = Math.max(this.lastSeen, frame.id);
    const own = frame.author === this.me;
    const entry = frame.nonce && own ? this.outbox.find(frame.nonce) : null;
    if (!this.messages.has(frame.id)) {
      this.messages.set(frame.id, frame);
      // Counted for "N new messages while you were away" after a reconnect.
      const catchingUp = source === "welcome" || source === "resume";
      if (catchingUp && this.resumeFrom > 0 && frame.id > this.resumeFrom) this.resumeAdded += 1;
      this._emit("message", { message: frame, source, own });
    } else if (this.messages.get(frame.id).held && !frame.held) {
      // Our message that waited for a facilitator's look is in the room now.
      this.messages.set(frame.id, frame);
      this._emit("message", { message: frame, source: "released", own });
    }
    if (entry) this._delivered(entry);
  }

  /** Our message came back from the server: it is delivered, drop it from the outbox. */
  _delivered(entry) {
    this.outbox.delivered(entry);
    this._emit("outbox-remove", { nonce: entry.nonce });
    this._pump();
  }

  _onHistory(frame) {
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

  _onLost() {
    this.outbox.lost();
    this.resuming = false;
  }

  _onStopped(reason, code) {
    this.socket.system.clearTimeout(this.holdTimer);
    this._emit("stopped", { reason, code });
  }

  _emitPresence() {
    this._emit("presence", { online: sortedHandles(this.online), count: this.onlineCount });
  }

  // --- the outbox -------------------------------------------------------------------------

  /** Sends the oldest unsent message, one at a time, so an error names its message. */
  _pump() {
    if (!this.connected) return;
    const entry = this.outbox.next();
    if (!entry) return;
    const sent = this.socket.call({
      frame: { type: "message", body: entry.body, nonce: entry.nonce },
      answer: (frame) => this._onAck(frame),
      fail: (error) => this._onRefused(entry, error),
    });
    if (sent) this.outbox.inflight = entry;
  }

  _onAck(frame) {
    const entry = this.outbox.acked(frame.nonce, frame.id);
    if (entry && this.messages.has(entry.id)) this._delivered(entry);
    else if (entry) this._emit("outbox", { entry });
    this._pump();
  }

  _onRefused(entry, error) {
    const { waitMs, changed } = this.outbox.refused(entry, error);
    for (const queued of changed) this._emit("outbox", { entry: queued });
    if (!changed.length) return; // discarded meanwhile: nothing left to tell
    const until = typeof error.until === "string" ? error.until : null;
    this._emit("notice", { code: error.code, detail: error.detail, retryAfter: waitMs && waitMs / 1000, until });
    if (waitMs === null) {
      this._pump();
      return;
    }
    const { system } = this.socket;
    system.clearTimeout(this.holdTimer);
    this.holdTimer = system.setTimeout(() => {
      for (const released of this.outbox.release()) this._emit("outbox", { entry: released });
      this._pump();
    }, waitMs);
  }
}
