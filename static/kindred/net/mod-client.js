// The facilitators' socket (/ws/moderation/) on top of the socket core: the queue on
// every (re)connect, its changes, news for this facilitator, and actions that resolve
// to their answers. No DOM. docs/protocol.md is the contract.
//
// Events:
//   state    {state: "connecting"|"connected"|"reconnecting"|"stopped", retryAt, reason}
//   queue    {items}          the whole queue, on every (re)connect: it replaces the list
//   item     {item, fresh}    queue.item (fresh) or queue.update, and each item of a
//                            queue.page (the rest of a long queue, after `queue`)
//   push     {frame}          news for this facilitator: crisis.alert, dropin.*, chat.*
//   private  {frame}          a `notice` frame
//   room     {frame}          room.changed: a room's lock, slow mode or pin, changed by anyone
//   stopped  {reason, code}   no automatic reconnect (4401, 4403, 4404)
//
// The socket has no resume: after a reconnect the new `queue` frame is the truth.

import { CLOSE, CLOSE_FINAL } from "../protocol.js";
import { PUSH_TYPES } from "./frames.js";
import { SocketClient, SocketCore, socketUrl } from "./socket.js";
import { gettext } from "../i18n.js";

// A facilitator kicked from a room is still a facilitator: the queue socket comes back.
const FINAL = new Set([...CLOSE_FINAL].filter((code) => code !== CLOSE.KICKED));

export class ModerationClient extends SocketClient {
  constructor(path, options = {}) {
    super();
    this.me = options.me ?? "";
    this.socket = new SocketCore(options.url ?? (() => socketUrl(path)), {
      greeted: (frame) => this._emit("queue", { items: Array.isArray(frame.items) ? frame.items : [] }),
      frame: (frame) => this._onFrame(frame),
      state: (state, extra) => this._emit("state", { state, ...extra }),
      stopped: (reason, code) => this._emit("stopped", { reason, code }),
    }, {
      ...options,
      greeting: "queue",
      finalCodes: FINAL,
      me: () => this.me,
      disconnected: {
        code: "disconnected",
        detail: gettext("The connection dropped before we heard back. Check the queue, then try again if needed."),
      },
    });
  }

  _onFrame(frame) {
    if ((frame.type === "queue.item" || frame.type === "queue.update") && frame.item && typeof frame.item === "object") {
      this._emit("item", { item: frame.item, fresh: frame.type === "queue.item" });
    } else if (frame.type === "queue.page" && Array.isArray(frame.items)) {
      for (const item of frame.items) {
        if (item && typeof item === "object") this._emit("item", { item, fresh: false });
      }
    } else if (frame.type === "room.changed") {
      this._emit("room", { frame });
    } else if (frame.type === "notice") {
      this._emit("private", { frame });
    } else if (PUSH_TYPES.has(frame.type)) {
      this._emit("push", { frame });
    }
  }
}
