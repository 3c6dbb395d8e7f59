// The facilitators' socket (/ws/moderation/): connect, keep alive, reconnect, and send
// actions that resolve to their answers. No DOM. docs/protocol.md is the contract.
//
// Events:
//   state    {state: "connecting"|"connected"|"reconnecting"|"stopped", retryAt, reason}
//   queue    {items}          the whole queue, on every (re)connect: it replaces the list
//   item     {item, fresh}    queue.item (fresh) or queue.update
//   push     {frame}          news for this facilitator: crisis.alert, dropin.*, chat.*
//   private  {frame}          a `notice` frame
//   stopped  {reason, code}   no automatic reconnect (4401, 4403, 4404)
//
// The socket has no resume: after a reconnect the new `queue` frame is the truth.

import { answers, OFFLINE, PUSH_TYPES, STOP_CODES } from "./chat-client.js";

const DISCONNECTED = {
  code: "disconnected",
  detail: "The connection dropped before we heard back. Check the queue, then try again if needed.",
};

export class ModerationClient extends EventTarget {
  constructor(path, { me = "", pingMs = 20000, staleMs = 50000, openTimeoutMs = 15000,
    maxBackoffMs = 30000 } = {}) {
    super();
    this.path = path;
    this.me = me;
    this.pingMs = pingMs;
    this.staleMs = staleMs;
    this.openTimeoutMs = openTimeoutMs;
    this.maxBackoffMs = maxBackoffMs;
    this.state = "idle";
    this.ws = null;
    this.ready = false; // the `queue` frame arrived on this socket
    this.everReady = false;
    this.attempt = 0;
    this.pending = []; // [{frame, resolve, reject}] in the order sent: answers come in order
    this.lastFrameAt = 0;
    this.timers = { reconnect: null, ping: null, open: null };
    this._online = () => {
      if (this.state === "reconnecting") this.reconnectNow();
    };
    this._visible = () => {
      if (document.visibilityState === "visible" && this.state === "reconnecting") this.reconnectNow();
    };
  }

  get connected() {
    return this.state === "connected";
  }

  start() {
    window.addEventListener("online", this._online);
    document.addEventListener("visibilitychange", this._visible);
    this._connect();
  }

  stop(reason = "closed", code = 0) {
    for (const key of Object.keys(this.timers)) {
      clearTimeout(this.timers[key]);
      clearInterval(this.timers[key]);
    }
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

  /** Sends *frame*; resolves to its answer, or rejects with {code, detail}. */
  request(frame) {
    return new Promise((resolve, reject) => {
      if (!this.connected || !this.ws || this.ws.readyState !== WebSocket.OPEN) {
        reject({ ...OFFLINE });
        return;
      }
      this.ws.send(JSON.stringify(frame));
      this.pending.push({ frame, resolve, reject });
    });
  }

  // --- the socket --------------------------------------------------------------------

  _connect() {
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    this._setState(this.everReady ? "reconnecting" : "connecting", { retryAt: null });
    this.ready = false;
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
      if (this.ws === ws && !this.ready) {
        this._detach();
        this._scheduleReconnect();
      }
    }, this.openTimeoutMs);
  }

  _detach() {
    const ws = this.ws;
    this.ws = null;
    this.ready = false;
    clearInterval(this.timers.ping);
    clearTimeout(this.timers.open);
    if (ws) {
      try {
        ws.close(1000);
      } catch {
        // already closing
      }
    }
    this._lost();
  }

  _lost() {
    const pending = this.pending;
    this.pending = [];
    for (const entry of pending) entry.reject({ ...DISCONNECTED });
  }

  _onClose(ws, event) {
    if (this.ws !== ws) return;
    this.ws = null;
    this.ready = false;
    clearInterval(this.timers.ping);
    clearTimeout(this.timers.open);
    this._lost();
    const reason = STOP_CODES[event.code];
    if (reason && event.code !== 4001) {
      this.stop(reason, event.code);
      return;
    }
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

  _tick() {
    if (!this.connected || !this.ws) return;
    if (Date.now() - this.lastFrameAt > this.staleMs) {
      this._detach();
      this._scheduleReconnect();
      return;
    }
    this.ws.send(JSON.stringify({ type: "ping" }));
    this.pending.push({ frame: { type: "ping" }, resolve: () => {}, reject: () => {} });
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
      case "queue":
        return this._onQueue(frame);
      case "queue.item":
      case "queue.update":
        if (frame.item && typeof frame.item === "object") {
          this._emit("item", { item: frame.item, fresh: frame.type === "queue.item" });
        }
        return undefined;
      case "pong":
        return this._settle((sent) => sent.type === "ping", frame);
      case "error":
        return this._onError(frame);
      case "notice":
        return this._emit("private", { frame });
      default:
        if (this._settle((sent) => answers(sent, frame, this.me), frame)) return undefined;
        if (PUSH_TYPES.has(frame.type)) this._emit("push", { frame });
        return undefined;
    }
  }

  _onQueue(frame) {
    clearTimeout(this.timers.open);
    this.ready = true;
    this.everReady = true;
    this.attempt = 0;
    this._setState("connected", { retryAt: null });
    this._emit("queue", { items: Array.isArray(frame.items) ? frame.items : [] });
    clearInterval(this.timers.ping);
    this.timers.ping = setInterval(() => this._tick(), this.pingMs);
  }

  /** Resolves the oldest pending frame that *frame* answers. */
  _settle(matches, frame) {
    const index = this.pending.findIndex((entry) => matches(entry.frame));
    if (index === -1) return false;
    const [entry] = this.pending.splice(index, 1);
    entry.resolve(frame);
    return true;
  }

  _onError(frame) {
    // Each frame gets one answer, in order: an error answers the oldest still waiting.
    const entry = this.pending.shift();
    const code = String(frame.code || "error");
    const detail = typeof frame.detail === "string" ? frame.detail : "That didn't work.";
    if (entry) entry.reject({ ...frame, code, detail });
  }

  _setState(state, extra = {}) {
    this.state = state;
    this._emit("state", { state, ...extra });
  }

  _emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
