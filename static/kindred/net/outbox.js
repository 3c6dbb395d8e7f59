// Our messages until the server has them: queued, sent one at a time (so an error names
// its message), held while the server asks us to wait, and kept across reconnects. Pure
// state: the chat client sends what next() gives it and reports what came back.

// Refusals after which the message waits and goes again by itself.
// floor_held: someone else has the floor in a meeting's check-in round (meetings.policy).
const WAIT_CODES = new Set(["rate_limited", "slow_mode", "not_allowed_yet", "unavailable", "floor_held"]);
const UNAVAILABLE_MAX_SECONDS = 30;

/** A client-chosen id that makes a retry safe (1-64 characters). */
export function newNonce(crypto = globalThis.crypto) {
  if (typeof crypto.randomUUID === "function") return `c-${crypto.randomUUID()}`;
  // randomUUID needs a secure context; getRandomValues does not.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `c-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

export class Outbox {
  constructor({ now = () => Date.now(), nonce = () => newNonce() } = {}) {
    this.now = now;
    this.nonce = nonce;
    this.entries = []; // {nonce, body, state: sending|waiting|sent|failed, id, error, tries}
    this.inflight = null; // the entry whose answer we wait for
    this.holdUntil = 0;
  }

  get held() {
    return this.now() < this.holdUntil;
  }

  find(nonce) {
    return this.entries.find((e) => e.nonce === nonce) || null;
  }

  /** Queues *body*; returns its entry. */
  add(body) {
    const entry = {
      nonce: this.nonce(), body, state: this.held ? "waiting" : "sending", id: null, error: null, tries: 0,
    };
    this.entries.push(entry);
    return entry;
  }

  /** The oldest entry to send now, or null (one is in flight, we are held, or none). */
  next() {
    if (this.inflight || this.held) return null;
    return this.entries.find((e) => e.state === "sending") || null;
  }

  /** A failed entry goes again; returns it, or null. */
  retry(nonce) {
    const entry = this.find(nonce);
    if (!entry || entry.state !== "failed") return null;
    entry.state = "sending";
    entry.error = null;
    return entry;
  }

  /** Forgets an entry (its answer, if any, will be ignored); returns it, or null. */
  discard(nonce) {
    const entry = this.find(nonce);
    if (entry) this._remove(entry);
    return entry;
  }

  /** The server took it (an `ack`): returns the entry, or null if we no longer have it. */
  acked(nonce, id) {
    const entry = this.find(nonce);
    if (this.inflight && this.inflight.nonce === nonce) this.inflight = null;
    if (!entry || !Number.isSafeInteger(id)) return null;
    entry.id = id;
    entry.state = "sent";
    entry.error = null;
    return entry;
  }

  /** It came back as a message: delivered, gone from the outbox. */
  delivered(entry) {
    this._remove(entry);
  }

  /**
   * The server refused *entry* with *error* ({code, detail, retry_after, until}).
   * Returns {waitMs, changed}: how long everything waits (null: the entry failed for
   * good) and the entries whose state changed.
   */
  refused(entry, error) {
    if (this.inflight === entry) this.inflight = null;
    if (!this.entries.includes(entry)) return { waitMs: null, changed: [] };
    const until = typeof error.until === "string" ? error.until : null;
    if (!WAIT_CODES.has(error.code)) {
      entry.state = "failed";
      entry.error = { code: error.code, detail: error.detail, until };
      return { waitMs: null, changed: [entry] };
    }
    entry.tries += 1;
    entry.error = { code: error.code, detail: error.detail };
    const seconds = error.code === "unavailable"
      ? Math.min(UNAVAILABLE_MAX_SECONDS, 2 ** Math.min(entry.tries, 5))
      : (Number.isFinite(error.retry_after) ? Math.max(1, error.retry_after) : 2);
    this.holdUntil = this.now() + seconds * 1000;
    // Everything queued behind it waits too: messages go out in order.
    const changed = this.entries.filter((e) => e === entry || e.state === "sending");
    for (const queued of changed) queued.state = "waiting";
    return { waitMs: seconds * 1000, changed };
  }

  /** The wait is over: returns the entries that go again. */
  release() {
    this.holdUntil = 0;
    const changed = this.entries.filter((e) => e.state === "waiting");
    for (const entry of changed) entry.state = "sending";
    return changed;
  }

  /** The connection dropped: whatever was in flight is sent again on the next socket. */
  lost() {
    this.inflight = null;
  }

  _remove(entry) {
    const index = this.entries.indexOf(entry);
    if (index !== -1) this.entries.splice(index, 1);
    if (this.inflight === entry) this.inflight = null;
  }
}
