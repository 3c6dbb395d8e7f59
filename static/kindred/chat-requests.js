// Asking for, answering and taking one-on-one chats: over the socket when it is
// connected, over HTTP when it is not, with one set of words for a refusal.

import { postJSON } from "./http.js";
import { gettext, interpolate } from "./i18n.js";

/**
 * Words for a refused chat request (the `error` frame or the HTTP refusal):
 * {text, chat} where chat is the already-open chat's id, if any.
 */
export function requestProblem(error, handle) {
  const who = handle || gettext("this member");
  switch (error.code) {
    case "not_available":
      return { text: interpolate(gettext("%(who)s isn't available for a one-on-one chat right now."), { who }) };
    case "already_open":
      return { text: interpolate(gettext("You already have a chat open with %(who)s."), { who }), chat: error.chat ?? null };
    case "cooldown":
      return { text: interpolate(gettext("You asked %(who)s recently. Give them some space: you can ask again tomorrow."), { who }) };
    case "too_many_requests":
      return {
        text: gettext("You have several chat requests waiting for an answer. Wait for a reply before asking someone else."),
      };
    default:
      return { text: error.detail || gettext("That didn't work. Please try again.") };
  }
}

/** Sends *frame* over *client* when it is connected; else calls *fallback* (an HTTP call). */
async function viaSocketOrHttp(client, frame, fallback) {
  if (client && client.connected) {
    try {
      return { ok: true, frame: await client.request(frame) };
    } catch (error) {
      // Not sent at all: HTTP can still do it. Sent but unanswered: don't do it twice.
      if (error.code !== "offline") return { ok: false, ...error };
    }
  }
  const result = await fallback();
  if (result.ok) return { ok: true, frame: result.data };
  return { ok: false, status: result.status, code: result.data.error, ...result.data };
}

/** Accept or decline chat request *chatId*. Resolves to {ok, frame} or {ok: false, code, detail}. */
export function answerChatRequest(client, chatId, accept) {
  const frame = { type: accept ? "chat.accept" : "chat.decline", chat: chatId };
  return viaSocketOrHttp(client, frame, () =>
    postJSON(`/api/chats/${Number(chatId)}/${accept ? "accept" : "decline"}/`, {}));
}

/** Take drop-in request *requestId* (facilitators and peer supporters). */
export function takeDropIn(client, requestId) {
  return viaSocketOrHttp(client, { type: "dropin.accept", request: requestId }, () =>
    postJSON(`/api/dropin/${Number(requestId)}/accept/`, {}));
}

