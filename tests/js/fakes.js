// Test doubles for the socket core: a WebSocket the test drives, and a clock the test moves.

export class FakeSocket extends EventTarget {
  static OPEN = 1;
  static made = [];

  constructor(url) {
    super();
    this.url = url;
    this.readyState = FakeSocket.OPEN;
    this.sent = [];
    this.closedWith = null;
    FakeSocket.made.push(this);
  }

  send(text) {
    this.sent.push(JSON.parse(text));
  }

  close(code) {
    this.closedWith = code;
    this.readyState = 3;
  }

  /** The server sends *frame*. */
  receive(frame) {
    const event = new Event("message");
    event.data = typeof frame === "string" ? frame : JSON.stringify(frame);
    this.dispatchEvent(event);
  }

  /** The server (or the network) closes the socket with *code*. */
  drop(code = 1006) {
    this.readyState = 3;
    const event = new Event("close");
    event.code = code;
    this.dispatchEvent(event);
  }

  lastSent() {
    return this.sent[this.sent.length - 1];
  }
}

/** Timers and a clock that only move when the test says so. */
export class FakeSystem {
  constructor() {
    this.time = 1_000_000;
    this.timers = new Map();
    this.seq = 0;
  }

  now = () => this.time;

  setTimeout = (fn, ms) => this._add(fn, ms, false);

  setInterval = (fn, ms) => this._add(fn, ms, true);

  clearTimeout = (id) => this.timers.delete(id);

  clearInterval = (id) => this.timers.delete(id);

  _add(fn, ms, repeat) {
    this.seq += 1;
    this.timers.set(this.seq, { fn, at: this.time + ms, ms, repeat });
    return this.seq;
  }

  /** Moves time on by *ms*, running every timer that falls due, in order. */
  advance(ms) {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.timers.entries()]
        .filter(([, t]) => t.at <= end)
        .sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      const [id, timer] = due;
      this.time = timer.at;
      if (timer.repeat) timer.at += timer.ms;
      else this.timers.delete(id);
      timer.fn();
    }
    this.time = end;
  }
}

/** Options that put a client on fakes; returns {options, system, sockets}. */
export function onFakes(extra = {}) {
  FakeSocket.made = [];
  const system = new FakeSystem();
  return {
    system,
    sockets: FakeSocket.made,
    options: { url: "ws://test/ws/", WebSocket: FakeSocket, system, random: () => 0.5, ...extra },
  };
}

/** Every event of *types* a client emits, in order, as [type, detail]. */
export function record(target, types) {
  const seen = [];
  for (const type of types) target.addEventListener(type, (event) => seen.push([type, event.detail]));
  return seen;
}
