// The socket core every live page shares: connect, wait for the greeting, keep alive
// with pings, notice a half-open socket, reconnect with backoff and jitter, stop on the
// close codes that mean "don't come back", and match answers to requests. It knows no
// frame beyond those; the chat and moderation clients own it and get told, through
// *hooks*, about the greeting, every other frame, a lost connection and state changes.
//
// Everything from outside (WebSocket, timers, the clock, randomness, window events) can
// be passed in, so tests/js/ drives it with a fake socket and fake time.

import { CLOSE, CLOSE_FINAL, STOP_REASONS } from "../protocol.js";
import { backoffDelay } from "./backoff.js";
import { errorOf, readFrame } from "./frames.js";
import { PendingRequests } from "./requests.js";
import { gettext } from "../i18n.js";

const FLOOD_PAUSE_MS = 5000;
// After the server says it is restarting (1012) it is back within seconds (a deploy):
// retries stay this close together until a greeting, instead of growing towards
// maxBackoffMs while nothing listens. Jitter still spreads the returning clients.
const RESTART_MAX_BACKOFF_MS = 4000;

export const OFFLINE = Object.freeze({
  code: "offline",
  detail: gettext("You're offline right now. Try again once you're connected."),
});

const SYSTEM = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id),
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (id) => clearInterval(id),
};

/** ws(s)://<this host><path>. */
export function socketUrl(path, location = globalThis.location) {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}${path}`;
}

export class SocketCore {
  /**
   * *hooks*: {greeted(frame, reconnect), frame(frame), lost(), state(state, extra),
   * stopped(reason, code)}, each optional.
   */
  constructor(url, hooks = {}, options = {}) {
    this.url = url;
    this.hooks = hooks;
    this.greeting = options.greeting ?? "welcome";
    this.finalCodes = options.finalCodes ?? CLOSE_FINAL;
    this.pingMs = options.pingMs ?? 20000;
    this.staleMs = options.staleMs ?? 50000;
    this.openTimeoutMs = options.openTimeoutMs ?? 15000;
    this.maxBackoffMs = options.maxBackoffMs ?? 30000;
    this.disconnected = options.disconnected ?? {
      code: "disconnected", detail: gettext("The connection dropped before we heard back. Please try again."),
    };
    this.WebSocket = options.WebSocket ?? globalThis.WebSocket;
    this.system = { ...SYSTEM, ...options.system };
    this.random = options.random ?? Math.random;
    this.pending = new PendingRequests({ me: options.me ?? (() => "") });

    this.state = "idle";
    this.ws = null;
    this.greeted = false; // the greeting arrived on this socket
    this.everGreeted = false;
    this.attempt = 0;
    this.restarting = false; // closed with 1012 and not greeted since
    this.lastFrameAt = 0;
    this.timers = { reconnect: null, ping: null, open: null };
    this.env = null;
    this._online = () => {
      if (this.state === "reconnecting") this.reconnectNow();
    };
    this._visible = () => {
      if (this.env?.document?.visibilityState === "visible" && this.state === "reconnecting") this.reconnectNow();
    };
  }

  get connected() {
    return this.state === "connected";
  }

  /** Connects; *env* ({window, document}) tells it when the device is back online. */
  start(env = globalThis) {
    this.env = env;
    env.window?.addEventListener?.("online", this._online);
    env.document?.addEventListener?.("visibilitychange", this._visible);
    this._connect();
  }

  /** Closes for good (page unload, a final close code, or the page is done). */
  stop(reason = "closed", code = 0) {
    for (const key of Object.keys(this.timers)) this._clear(key);
    this._detach();
    this.env?.window?.removeEventListener?.("online", this._online);
    this.env?.document?.removeEventListener?.("visibilitychange", this._visible);
    this._setState("stopped", { reason, code });
    this.hooks.stopped?.(reason, code);
  }

  reconnectNow() {
    if (this.state === "stopped") return;
    this._clear("reconnect");
    this._detach();
    this._connect();
  }

  /** Sends *frame* as is (no answer expected). False when there is no open socket. */
  send(frame) {
    if (!this.ws || this.ws.readyState !== this.WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  /**
   * Sends *entry*.frame and waits for its answer: entry.answer(frame) or entry.fail(error)
   * is called once, or entry.lost() if the connection drops first. False if not sent.
   */
  call(entry) {
    if (!this.ws || this.ws.readyState !== this.WebSocket.OPEN) return false;
    const frame = this.pending.track(entry);
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  /** A promise of *frame*'s answer; rejects with {code, detail} ("offline", "disconnected", an error). */
  request(frame) {
    return new Promise((resolve, reject) => {
      if (!this.connected) {
        reject({ ...OFFLINE });
        return;
      }
      const sent = this.call({
        frame, answer: resolve, fail: reject, lost: () => reject({ ...this.disconnected }),
      });
      if (!sent) reject({ ...OFFLINE });
    });
  }

  // --- the socket ---------------------------------------------------------------------

  _connect() {
    this._setState(this.everGreeted ? "reconnecting" : "connecting", { retryAt: null });
    this.greeted = false;
    this.pending.refs = false; // until this server's greeting says otherwise
    let ws;
    try {
      ws = new this.WebSocket(typeof this.url === "function" ? this.url() : this.url);
    } catch {
      this._scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.addEventListener("message", (event) => this._onMessage(ws, event));
    ws.addEventListener("close", (event) => this._onClose(ws, event));
    this._clear("open");
    this.timers.open = this.system.setTimeout(() => {
      if (this.ws === ws && !this.greeted) this._drop();
    }, this.openTimeoutMs);
  }

  /** Lets go of the socket (closing it) and of everything waiting on it. */
  _detach() {
    const ws = this.ws;
    this.ws = null;
    this._lose();
    if (ws) {
      try {
        ws.close(1000);
      } catch {
        // already closing
      }
    }
  }

  _lose() {
    this.greeted = false;
    this._clear("ping");
    this._clear("open");
    for (const entry of this.pending.drain()) entry.lost?.();
    this.hooks.lost?.();
  }

  /** A socket that went quiet or never greeted us: replace it. */
  _drop() {
    this._detach();
    this._scheduleReconnect();
  }

  _onClose(ws, event) {
    if (this.ws !== ws) return; // an old socket we already replaced
    this.ws = null;
    this._lose();
    if (this.finalCodes.has(event.code)) {
      this.stop(STOP_REASONS[event.code] || "closed", event.code);
      return;
    }
    if (event.code === CLOSE.RESTART) this.restarting = true;
    this._scheduleReconnect(event.code === CLOSE.FLOOD ? FLOOD_PAUSE_MS : 0);
  }

  _scheduleReconnect(minMs = 0) {
    if (this.state === "stopped") return;
    this._clear("reconnect");
    const maxMs = this.restarting ? Math.min(this.maxBackoffMs, RESTART_MAX_BACKOFF_MS) : this.maxBackoffMs;
    const delay = backoffDelay(this.attempt, { maxMs, minMs, random: this.random });
    this.attempt += 1;
    this._setState("reconnecting", { retryAt: this.system.now() + delay });
    this.timers.reconnect = this.system.setTimeout(() => this._connect(), delay);
  }

  _tick() {
    if (!this.connected) return;
    if (this.system.now() - this.lastFrameAt > this.staleMs) {
      this._drop(); // a half-open socket (a phone that slept): start again
      return;
    }
    this.call({ frame: { type: "ping" } });
  }

  _onMessage(ws, event) {
    if (this.ws !== ws) return;
    this.lastFrameAt = this.system.now();
    const frame = readFrame(event.data);
    if (!frame) return;
    if (frame.type === this.greeting) {
      this._onGreeting(frame);
      return;
    }
    const entry = frame.type === "error" ? this.pending.takeError(frame) : this.pending.takeAnswer(frame);
    if (!entry) {
      this.hooks.frame?.(frame);
    } else if (frame.type === "error") {
      entry.fail?.(errorOf(frame));
    } else {
      entry.answer?.(frame);
    }
  }

  _onGreeting(frame) {
    const reconnect = this.everGreeted;
    this._clear("open");
    this.greeted = true;
    this.everGreeted = true;
    this.attempt = 0;
    this.restarting = false;
    this.pending.refs = frame.refs === true;
    this._setState("connected", { retryAt: null });
    this._clear("ping");
    this.timers.ping = this.system.setInterval(() => this._tick(), this.pingMs);
    this.hooks.greeted?.(frame, reconnect);
  }

  _setState(state, extra = {}) {
    this.state = state;
    this.hooks.state?.(state, extra);
  }

  _clear(key) {
    this.system.clearTimeout(this.timers[key]);
    this.system.clearInterval(this.timers[key]);
    this.timers[key] = null;
  }
}

/**
 * What a client built on the core shows its page: connect, stop, "Try now", requests,
 * and events. Subclasses set this.socket (a SocketCore) in their constructor.
 */
export class SocketClient extends EventTarget {
  get connected() {
    return this.socket.connected;
  }

  get state() {
    return this.socket.state;
  }

  start(env) {
    this.socket.start(env);
  }

  stop(reason = "closed", code = 0) {
    this.socket.stop(reason, code);
  }

  reconnectNow() {
    this.socket.reconnectNow();
  }

  /** Sends *frame*; resolves to its answer, or rejects with {code, detail}. */
  request(frame) {
    return this.socket.request(frame);
  }

  _emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
