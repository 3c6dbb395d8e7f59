// JSON over HTTP, with Django's CSRF header, and every failure in one shape:
// {ok, status, data} where data.detail is always words a person can read. Never throws.

import { gettext } from "./i18n.js";

const OFFLINE_DETAIL = gettext("We couldn't reach Kindred. Check your connection and try again.");

/** Words for a failed response that carried none of its own. */
export function problemWords(status) {
  if (status === 0) return OFFLINE_DETAIL;
  if (status === 403) return gettext("Your browser blocked a security check. Reload the page and try again.");
  if (status >= 500) return gettext("Something went wrong on our side. Please try again in a moment.");
  return gettext("That didn't work. Please try again.");
}

/** The value of the csrftoken cookie, or "". */
export function csrfToken(cookie = globalThis.document?.cookie ?? "") {
  for (const part of cookie.split(";")) {
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
    // The request that follows reports the network problem in words.
  }
}

/** Turns a fetch outcome into {ok, status, data}; *response* null means offline. */
export async function answerOf(response) {
  if (!response) return { ok: false, status: 0, data: { error: "offline", detail: problemWords(0) } };
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok && (data === null || typeof data !== "object" || typeof data.detail !== "string")) {
    data = { ...(data && typeof data === "object" ? data : {}), detail: problemWords(response.status) };
  }
  return { ok: response.ok, status: response.status, data: data ?? {} };
}

async function call(method, url, body) {
  const init = { method, credentials: "same-origin", cache: "no-store" };
  if (method !== "GET") {
    await ensureCsrf();
    init.headers = { "X-CSRFToken": csrfToken() };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
  }
  let response = null;
  try {
    response = await fetch(url, init);
  } catch {
    response = null;
  }
  return answerOf(response);
}

export const getJSON = (url) => call("GET", url);
export const postJSON = (url, body) => call("POST", url, body);
export const deleteJSON = (url) => call("DELETE", url);
