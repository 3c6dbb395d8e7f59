// Which answer belongs to which request.
//
// A server that says so in its greeting (`"refs": true` in `welcome`, or in the
// moderation socket's `queue`) copies a frame's `ref` into the frame that answers it,
// and only there: answers are matched by ref, nothing else is an answer. An older
// server gets no ref (it would refuse the unknown field) and is matched the old way:
// (With refs, what comes *with* an answer carries its ref too — the crisis card before
// an ack, the messages of a resume page — so a request whose answer has one fixed type
// is answered only by that type; the rest is news.)
// it answers a socket's frames in order, one answer each, so an answer goes to the
// oldest request it can answer, and an error to the oldest request of all.

import { REF_MAX_LENGTH } from "../protocol.js";

// The answer type of each request type whose answer can't be anything else.
const ANSWER_TYPES = {
  message: "ack",
  report: "report.received",
  history: "history",
  resume: "resumed",
  ping: "pong",
  react: "reacted",
};

/** Whether *frame* can be the answer to *sent* by its type (when the answer has one). */
function answerTypeFits(sent, frame) {
  const expected = ANSWER_TYPES[sent.type];
  return !expected || expected === frame.type;
}

/**
 * Without refs: whether server *frame* answers *sent*, a frame this socket sent. Some
 * answer types also arrive as news about someone else's action (the asker's copy of
 * chat.accepted, the other side's chat.closed, ...): these are told apart by their
 * fields. *me* is our handle.
 */
export function answersWithoutRef(sent, frame, me) {
  if (ANSWER_TYPES[sent.type]) return ANSWER_TYPES[sent.type] === frame.type;
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

/**
 * The requests a socket is waiting on. Each entry is {frame, answer(frame), fail(error),
 * lost()}; the table hands each answer to its entry and forgets it.
 */
export class PendingRequests {
  constructor({ me = () => "", prefix = "r" } = {}) {
    this.me = me;
    this.prefix = prefix;
    this.refs = false; // the server echoes `ref` (its greeting said so)
    this.entries = [];
    this.seq = 0;
  }

  /** Records *entry* and returns the frame to send (with a ref when the server takes one). */
  track(entry) {
    let frame = entry.frame;
    if (this.refs) {
      this.seq += 1;
      const ref = `${this.prefix}${this.seq}`.slice(0, REF_MAX_LENGTH);
      frame = { ...frame, ref };
      entry = { ...entry, ref };
    }
    this.entries.push(entry);
    return frame;
  }

  /** The entry *frame* answers (taken off the table), or null when it is news. */
  takeAnswer(frame) {
    if (this.refs) {
      if (typeof frame.ref !== "string") return null;
      return this._take((e) => e.ref === frame.ref && answerTypeFits(e.frame, frame));
    }
    const me = this.me();
    return this._take((e) => answersWithoutRef(e.frame, frame, me));
  }

  /**
   * The entry an `error` frame answers. An error without a ref (the server could not
   * read the frame's ref, or does not echo refs) answers the oldest request.
   */
  takeError(frame) {
    if (this.refs && typeof frame.ref === "string") return this._take((e) => e.ref === frame.ref);
    return this.entries.shift() || null;
  }

  /** Empties the table (the socket is gone); returns what was in it, oldest first. */
  drain() {
    const entries = this.entries;
    this.entries = [];
    return entries;
  }

  get size() {
    return this.entries.length;
  }

  _take(matches) {
    const index = this.entries.findIndex(matches);
    return index === -1 ? null : this.entries.splice(index, 1)[0];
  }
}
