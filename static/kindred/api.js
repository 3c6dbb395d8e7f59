// Small helpers shared by Kindred's pages: the CSRF token, JSON requests,
// safe redirects. No framework, no build step.

const OFFLINE_DETAIL =
  "We couldn't reach Kindred. Check your connection and try again.";

/** The value of the csrftoken cookie, or "". */
export function csrfToken() {
  for (const part of document.cookie.split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === "csrftoken") return decodeURIComponent(rest.join("="));
  }
  return "";
}

/** Makes sure the CSRF cookie is set (GET /api/session/ always sets it). */
export async function ensureCsrf() {
  if (csrfToken()) return;
  try {
    await fetch("/api/session/", { credentials: "same-origin", cache: "no-store" });
  } catch {
    // The POST that follows reports the network problem in words.
  }
}

/**
 * POST JSON with the CSRF header. Never throws: resolves to
 * {ok, status, data}, where data.detail is always words a person can read.
 */
export async function postJSON(url, body) {
  await ensureCsrf();
  let response;
  try {
    response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body),
    });
  } catch {
    return { ok: false, status: 0, data: { error: "offline", detail: OFFLINE_DETAIL } };
  }
  let data = {};
  try {
    data = await response.json();
  } catch {
    data = {};
  }
  if (!response.ok && typeof data.detail !== "string") {
    data.detail =
      response.status === 403
        ? "Your browser blocked a security check. Reload the page and try again."
        : response.status >= 500
          ? "Something went wrong on our side. Please try again in a moment."
          : "That didn't work. Please try again.";
  }
  return { ok: response.ok, status: response.status, data };
}

const SAFE_PATH = /^\/(?![/\\])[A-Za-z0-9\-._~/?=&%+]{0,199}$/;
const NOT_NEXT = ["/join/", "/api/", "/ws/", "/admin/", "/static/", "/facilitators/login/"];

/** *value* if it is a same-site path to go to after joining, else *fallback*. */
export function safeNext(value, fallback = "/rooms/newcomers/") {
  if (typeof value !== "string" || !SAFE_PATH.test(value)) return fallback;
  if (NOT_NEXT.some((prefix) => value.startsWith(prefix))) return fallback;
  // Resolve it the way the browser will, and insist on this origin.
  try {
    const url = new URL(value, window.location.origin);
    if (url.origin !== window.location.origin) return fallback;
  } catch {
    return fallback;
  }
  return value;
}

/** Formats an ISO time as a short local time ("03:14"), or "" if unreadable. */
export function shortTime(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const today = new Date();
  const sameDay = date.toDateString() === today.toDateString();
  const options = sameDay
    ? { hour: "2-digit", minute: "2-digit" }
    : { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" };
  return new Intl.DateTimeFormat(undefined, options).format(date);
}
