// Pure readers of server frames (docs/protocol.md): no DOM, no socket, easy to test.

import { gettext } from "../i18n.js";

/** A server frame from a socket's text, or null when it isn't one. */
export function readFrame(text) {
  let frame;
  try {
    frame = JSON.parse(text);
  } catch {
    return null;
  }
  if (!frame || typeof frame !== "object" || typeof frame.type !== "string") return null;
  return frame;
}

/** Whether *frame* has what a message needs to be shown. */
export function isMessageFrame(frame) {
  return (
    Boolean(frame) &&
    Number.isSafeInteger(frame.id) &&
    frame.id >= 0 &&
    typeof frame.author === "string" &&
    typeof frame.body === "string"
  );
}

/** An `error` frame as {code, detail, ...frame}, with words even when the server sent none. */
export function errorOf(frame, fallback = gettext("Something went wrong.")) {
  const code = String(frame.code || "error");
  const detail = typeof frame.detail === "string" ? frame.detail : fallback;
  return { ...frame, code, detail };
}

/**
 * Applies a `presence` frame (one change, or a batch) to *online*, a Set of handles, and
 * to *openToChat*, the Set of those open to a one-on-one chat, in place. A join or an
 * update that says `open_to_chat` adds or removes the handle there; a leave removes it.
 * Returns the room's count: the frame's own, else *count* unchanged.
 */
export function applyPresence(online, frame, count, openToChat = new Set()) {
  const changes = frame.event === "batch"
    ? (Array.isArray(frame.changes) ? frame.changes : [])
    : [{ event: frame.event, handle: frame.handle, open_to_chat: frame.open_to_chat }];
  for (const change of changes) {
    if (!change || typeof change.handle !== "string") continue;
    if (change.event === "join") online.add(change.handle);
    else if (change.event === "leave") {
      online.delete(change.handle);
      openToChat.delete(change.handle);
    }
    if (change.event !== "leave" && typeof change.open_to_chat === "boolean") {
      if (change.open_to_chat) openToChat.add(change.handle);
      else openToChat.delete(change.handle);
    }
  }
  return Number.isInteger(frame.count) ? frame.count : count;
}

/** Handles in a stable order for a list people read. */
export function sortedHandles(online) {
  return [...online].sort((a, b) => a.localeCompare(b));
}

/** Frames about this member (not the room) that a page may show wherever it is. */
export const PUSH_TYPES = new Set([
  "chat.request", "chat.accepted", "chat.declined", "chat.closed", "chat.opened",
  "dropin.offer", "dropin.matched", "dropin.withdrawn", "dropin.timeout", "crisis.alert",
  "inbox", "inbox.read", "needs_reply",
]);
