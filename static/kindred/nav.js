// Where pages send people: chat pages, the join page and back, safe `next` paths.

const SAFE_PATH = /^\/(?![/\\])[A-Za-z0-9\-._~/?=&%+]{0,199}$/;
const NOT_NEXT = ["/join/", "/api/", "/ws/", "/admin/", "/static/", "/facilitators/login/"];

/** *value* if it is a same-site path to go to after joining, else *fallback*. */
export function safeNext(value, fallback = "/start/", origin = globalThis.location?.origin) {
  if (typeof value !== "string" || !SAFE_PATH.test(value)) return fallback;
  if (NOT_NEXT.some((prefix) => value.startsWith(prefix))) return fallback;
  // Resolve it the way the browser will, and insist on this origin.
  try {
    if (new URL(value, origin).origin !== origin) return fallback;
  } catch {
    return fallback;
  }
  return value;
}

/** The page of one-on-one chat *id*. */
export function chatPath(id) {
  return `/chats/${Number(id)}/`;
}

/** The join page, coming back to *path* afterwards. */
export function joinPath(path) {
  return `/join/?next=${encodeURIComponent(path)}`;
}

/** Sends a visitor whose session ended to join, and back here afterwards. */
export function goJoin() {
  window.location.assign(joinPath(window.location.pathname));
}

/**
 * Opens chat *id* in a new tab, for helpers, who keep their page open. With "noopener"
 * the browser tells us nothing (not even when it blocked the tab), so callers always
 * show a link to the chat as well.
 */
export function openChatInNewTab(id) {
  window.open(chatPath(id), "_blank", "noopener");
}
