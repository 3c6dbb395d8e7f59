// News about the member rather than the room, shown on every page that has a socket:
// chat requests (Accept / Decline), answers to our own requests, a facilitator checking
// in, drop-in matches, offers and time-outs. Plus the presence choices ("Open to a
// one-on-one chat", "Appear invisible") and the small HTTP helpers the newer pages share.
//
// Everything here is text: handles and server words go in through textContent.

import { csrfToken, ensureCsrf, postJSON } from "./api.js";

const OFFLINE_DETAIL = "We couldn't reach Kindred. Check your connection and try again.";

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function button(text, className, onClick) {
  const node = el("button", className, text);
  node.type = "button";
  node.addEventListener("click", onClick);
  return node;
}

/** The page of one-on-one chat *id*. */
export function chatPath(id) {
  return `/chats/${Number(id)}/`;
}

// --- HTTP helpers ----------------------------------------------------------------

/** GET JSON; never throws: {ok, status, data}, with data.detail in words on failure. */
export async function getJSON(url) {
  let response;
  try {
    response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
  } catch {
    return { ok: false, status: 0, data: { error: "offline", detail: OFFLINE_DETAIL } };
  }
  let data = {};
  try {
    data = await response.json();
  } catch {
    data = {};
  }
  if (!response.ok && (data === null || typeof data.detail !== "string")) {
    data = { ...(data || {}), detail: "Something went wrong on our side. Please try again in a moment." };
  }
  return { ok: response.ok, status: response.status, data };
}

/** DELETE with the CSRF header; the same answer shape as postJSON. */
export async function deleteJSON(url) {
  await ensureCsrf();
  let response;
  try {
    response = await fetch(url, {
      method: "DELETE",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() },
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
    data.detail = "That didn't work. Please try again.";
  }
  return { ok: response.ok, status: response.status, data };
}

/** Sends a visitor whose session ended to join, and back here afterwards. */
export function goJoin() {
  window.location.assign(`/join/?next=${encodeURIComponent(window.location.pathname)}`);
}

// --- chat requests -------------------------------------------------------------------

/**
 * Words for a refused chat request (the `error` frame or the HTTP refusal):
 * {text, chat} where chat is the already-open chat's id, if any.
 */
export function requestProblem(error, handle) {
  const who = handle || "this member";
  switch (error.code) {
    case "not_available":
      return { text: `${who} isn't available for a one-on-one chat right now.` };
    case "already_open":
      return { text: `You already have a chat open with ${who}.`, chat: error.chat ?? null };
    case "cooldown":
      return { text: `You asked ${who} recently. Give them some space: you can ask again tomorrow.` };
    case "too_many_requests":
      return {
        text: "You have several chat requests waiting for an answer. Wait for a reply before asking someone else.",
      };
    default:
      return { text: error.detail || "That didn't work. Please try again." };
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

/**
 * Opens chat *id* in a new tab, for helpers, who keep their page open. With
 * "noopener" the browser tells us nothing (not even when it blocked the tab), so
 * callers always show a link to the chat as well.
 */
export function openChatInNewTab(id) {
  window.open(chatPath(id), "_blank", "noopener");
}

// --- the notices ----------------------------------------------------------------------

const CATEGORY_WORDS = {
  suicide: "thoughts of suicide",
  self_harm: "self-harm",
  overdose: "overdose",
  violence: "violence or abuse",
};

let noticeSeq = 0;

/**
 * A stack of calm, dismissable notices in *container*. It listens to a client's
 * `push` events (ChatClient or ModerationClient) and shows the frame types in
 * *types*; a page can also call show(frame) itself.
 */
export class ChatNotices {
  constructor(container, {
    client = null,
    announcer = null,
    types = ["chat.request", "chat.accepted", "chat.declined", "chat.opened",
      "dropin.matched", "dropin.timeout", "dropin.offer", "dropin.withdrawn", "crisis.alert"],
    keep = 4,
    fallbackFocus = () => null, // where focus goes when a notice that had it goes away
  } = {}) {
    this.container = container;
    this.client = client;
    this.announcer = announcer;
    this.types = new Set(types);
    this.keep = keep;
    this.fallbackFocus = fallbackFocus;
    this.asked = new Map(); // chat id -> the handle we asked, for "declined" words
    container.classList.add("notices");
    if (client) client.addEventListener("push", (event) => this.show(event.detail.frame));
  }

  /** Remembers that we asked *handle* for chat *chatId* (so a decline can name them). */
  remember(chatId, handle) {
    this.asked.set(chatId, handle);
  }

  show(frame) {
    if (!frame || !this.types.has(frame.type)) return;
    const handler = {
      "chat.request": () => this._request(frame),
      "chat.accepted": () => this._accepted(frame),
      "chat.declined": () => this._declined(frame),
      "chat.opened": () => this._opened(frame),
      "dropin.matched": () => this._matched(frame),
      "dropin.timeout": () => this._timeout(frame),
      "dropin.offer": () => this._offer(frame),
      "dropin.withdrawn": () => this.remove(`offer-${frame.request}`),
      "crisis.alert": () => this._alert(frame),
    }[frame.type];
    handler?.();
  }

  remove(key) {
    const box = this.container.querySelector(`[data-key="${CSS.escape(key)}"]`);
    if (box) this._drop(box);
  }

  /** Removes *box*; if it had keyboard focus, focus moves on rather than being lost. */
  _drop(box) {
    const hadFocus = box.contains(document.activeElement);
    const next = box.nextElementSibling || box.previousElementSibling;
    box.remove();
    if (!hadFocus) return;
    const target = next?.querySelector("button, a") || this.fallbackFocus();
    target?.focus();
  }

  /** A notice box: its text, an optional hint, actions, and a status line. */
  _notice(key, text, { hint = "", tone = "" } = {}) {
    this.container.querySelector(`[data-key="${CSS.escape(key)}"]`)?.remove();
    const id = `notice-${++noticeSeq}`;
    const box = el("div", `notice chat-notice${tone ? ` chat-notice-${tone}` : ""}`);
    box.dataset.key = key;
    box.setAttribute("role", "group");
    box.setAttribute("aria-labelledby", `${id}-text`);
    const words = el("p", "chat-notice-text", text);
    words.id = `${id}-text`;
    box.append(words);
    if (hint) box.append(el("p", "chat-notice-hint", hint));
    const actions = el("div", "chat-notice-actions");
    const status = el("p", "chat-notice-status");
    status.setAttribute("role", "status");
    box.append(actions, status);
    this.container.append(box);
    while (this.container.childElementCount > this.keep) this.container.firstElementChild.remove();
    this.announcer?.say(text);
    return { box, actions, status };
  }

  _close(box, label = "Dismiss") {
    return button(label, "button-link", () => this._drop(box));
  }

  _chatLink(chatId, words, { newTab = false } = {}) {
    const link = el("a", "button button-primary button-small", words);
    link.href = chatPath(chatId);
    if (newTab) {
      link.target = "_blank";
      link.rel = "noopener";
    }
    return link;
  }

  _request(frame) {
    const from = typeof frame.from === "string" ? frame.from : "Someone";
    const chatId = frame.chat;
    const { box, actions, status } = this._notice(
      `chat-${chatId}`,
      `${from} would like a one-on-one chat with you.`,
      { hint: "Only the two of you can read it, and either of you can leave at any time." },
    );
    const accept = button("Accept", "button button-primary button-small", async () => {
      accept.disabled = decline.disabled = true;
      status.textContent = "Opening the chat…";
      const result = await answerChatRequest(this.client, chatId, true);
      if (result.ok) {
        status.textContent = "Taking you to the chat…";
        window.location.assign(chatPath(result.frame.chat ?? chatId));
        return;
      }
      if (result.status === 401) return goJoin();
      accept.disabled = decline.disabled = false;
      status.textContent = result.code === "not_found"
        ? "This request has already been answered or has expired."
        : result.detail;
    });
    accept.setAttribute("aria-label", `Accept the chat with ${from}`);
    const decline = button("Decline", "button button-quiet button-small", async () => {
      accept.disabled = decline.disabled = true;
      const result = await answerChatRequest(this.client, chatId, false);
      if (result.status === 401) return goJoin();
      if (!result.ok && result.code !== "not_found") {
        accept.disabled = decline.disabled = false;
        status.textContent = result.detail;
        return;
      }
      actions.replaceChildren(this._close(box, "Close"));
      status.textContent = `You declined. ${from} will see that you can't chat right now.`;
    });
    decline.setAttribute("aria-label", `Decline the chat with ${from}`);
    const later = this._close(box, "Not now");
    later.setAttribute("aria-label", "Not now: hide this request. It stays on your chats page for a while.");
    actions.append(accept, decline, later);
  }

  _accepted(frame) {
    const by = typeof frame.by === "string" ? frame.by : "They";
    const { box, actions } = this._notice(`chat-${frame.chat}`, `${by} accepted your chat request.`);
    actions.append(this._chatLink(frame.chat, "Go to the chat"), this._close(box));
  }

  _declined(frame) {
    const who = this.asked.get(frame.chat);
    const { box, actions } = this._notice(
      `chat-${frame.chat}`,
      who ? `${who} can't chat right now.` : "Your chat request wasn't accepted this time.",
      { hint: "That's OK: the rooms are open, and there's always someone reading." },
    );
    actions.append(this._close(box, "OK"));
  }

  _opened(frame) {
    const text = typeof frame.message === "string" && frame.message
      ? frame.message
      : "A facilitator would like to check in with you. The chat is open whenever you're ready.";
    const { box, actions } = this._notice(`chat-${frame.chat}`, text);
    actions.append(this._chatLink(frame.chat, "Open the chat"), this._close(box, "Not now"));
  }

  _matched(frame) {
    const who = typeof frame.with === "string" ? frame.with : "Someone";
    const { box, actions } = this._notice(
      `dropin-${frame.request}`,
      `${who} is ready to talk with you now.`,
      { tone: "strong" },
    );
    actions.append(this._chatLink(frame.chat, "Go to the chat"), this._close(box));
  }

  _timeout(frame) {
    const text = typeof frame.message === "string" && frame.message
      ? frame.message
      : "We're sorry: nobody has been free to take your chat yet. You're still in line.";
    const { box, actions, status } = this._notice(`dropin-${frame.request}`, text);
    const lines = el("a", "button button-quiet button-small", "Crisis lines");
    lines.href = "/resources/";
    const stay = button("Stay in line", "button button-primary button-small", () => this._drop(box));
    const leave = button("Leave the line", "button button-quiet button-small", async () => {
      leave.disabled = true;
      const result = await deleteJSON("/api/dropin/");
      leave.disabled = false;
      if (!result.ok) {
        status.textContent = result.data.detail;
        return;
      }
      actions.replaceChildren(this._close(box, "Close"));
      status.textContent = "You've left the line. You can come back whenever you like.";
    });
    actions.append(stay, leave, lines);
  }

  _offer(frame) {
    const { box, actions, status } = this._notice(
      `offer-${frame.request}`,
      "Someone in the drop-in line would like to talk now.",
    );
    const take = button("Take this chat", "button button-primary button-small", async () => {
      take.disabled = true;
      status.textContent = "Taking it…";
      const result = await takeDropIn(this.client, frame.request);
      if (!result.ok) {
        take.disabled = false;
        status.textContent = result.detail;
        if (result.code === "taken") actions.replaceChildren(this._close(box, "OK"));
        return;
      }
      const chatId = result.frame.chat;
      openChatInNewTab(chatId);
      status.textContent = `You're with ${result.frame.with}.`;
      actions.replaceChildren(this._chatLink(chatId, "Go to the chat", { newTab: true }), this._close(box));
    });
    actions.append(take, this._close(box, "Not now"));
  }

  _alert(frame) {
    const what = CATEGORY_WORDS[frame.category] || "a possible crisis";
    const who = typeof frame.handle === "string" ? frame.handle : "a member";
    const where = frame.room_kind === "direct" ? "a one-on-one chat" : `the ${frame.room} room`;
    const { box, actions } = this._notice(
      `alert-${frame.item}`,
      `Crisis alert: ${who} may be facing ${what}, in ${where}.`,
      { tone: "alert" },
    );
    const open = el("a", "button button-primary button-small", "Open the dashboard");
    open.href = "/facilitators/";
    open.target = "_blank";
    open.rel = "noopener";
    actions.append(open, this._close(box));
  }
}

// --- presence choices ----------------------------------------------------------------

/**
 * "Open to a one-on-one chat" and "Appear invisible", built into *container* and kept
 * with POST /api/presence/me/. *initial* ({open_to_chat, invisible}) saves a request.
 */
export function mountPresenceChoices(container, { initial = null, idPrefix = "presence" } = {}) {
  const fieldset = el("fieldset", "presence-choices");
  fieldset.append(el("legend", "", "How you appear"));
  const rows = [
    ["open_to_chat", "Open to a one-on-one chat",
      "People see an \u201cAsk to chat\u201d button next to your handle. You choose whether to accept."],
    ["invisible", "Appear invisible", "You're counted, but your handle isn't listed."],
  ];
  const boxes = {};
  for (const [name, label, hint] of rows) {
    const id = `${idPrefix}-${name.replace(/_/g, "-")}`;
    const row = el("div", "check");
    const input = el("input");
    input.type = "checkbox";
    input.id = id;
    input.name = name;
    input.setAttribute("aria-describedby", `${id}-hint`);
    const text = el("label", "", label);
    text.htmlFor = id;
    row.append(input, text);
    const help = el("p", "hint", hint);
    help.id = `${id}-hint`;
    fieldset.append(row, help);
    boxes[name] = input;
  }
  const status = el("p", "presence-status");
  status.setAttribute("role", "status");
  fieldset.append(status);
  container.append(fieldset);

  const apply = (state) => {
    if (!state || typeof state !== "object") return;
    boxes.open_to_chat.checked = state.open_to_chat === true;
    boxes.invisible.checked = state.invisible === true;
  };
  if (initial) {
    apply(initial);
  } else {
    fieldset.disabled = true;
    getJSON("/api/presence/me/").then((result) => {
      fieldset.disabled = false;
      if (result.ok) apply(result.data);
    });
  }
  for (const [name, input] of Object.entries(boxes)) {
    input.addEventListener("change", async () => {
      const wanted = input.checked;
      fieldset.disabled = true;
      status.textContent = "Saving…";
      const result = await postJSON("/api/presence/me/", { [name]: wanted });
      fieldset.disabled = false;
      input.focus();
      if (result.status === 401) return goJoin();
      if (!result.ok) {
        input.checked = !wanted;
        status.textContent = result.data.detail;
        return;
      }
      apply(result.data);
      status.textContent = name === "open_to_chat"
        ? (wanted ? "You're open to one-on-one chats." : "You're not open to one-on-one chats now.")
        : (wanted ? "You're invisible: counted, not listed." : "Your handle is listed again.");
    });
  }
  return fieldset;
}
