// News about the member rather than the room, shown on every page that has a socket:
// chat requests (Accept / Decline), answers to our own requests, a facilitator checking
// in, drop-in matches, offers and time-outs, crisis alerts for helpers.
//
// Everything here is text: handles and server words go in through textContent.

import { checkinPicker } from "./checkin.js";
import { answerChatRequest, takeDropIn } from "../chat-requests.js";
import { button, el, link, statusLine } from "../dom.js";
import { languageName } from "../format.js";
import { deleteJSON } from "../http.js";
import { chatPath, goJoin, openChatInNewTab } from "../nav.js";
import { gettext, interpolate } from "../i18n.js";

const CATEGORY_WORDS = {
  suicide: gettext("thoughts of suicide"),
  self_harm: gettext("self-harm"),
  overdose: gettext("overdose"),
  violence: gettext("violence or abuse"),
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
      "dropin.matched", "dropin.timeout", "dropin.offer", "dropin.withdrawn", "crisis.alert",
      "needs_reply"],
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
      needs_reply: () => this._needsReply(frame),
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
    const status = statusLine("chat-notice-status");
    box.append(actions, status);
    this.container.append(box);
    while (this.container.childElementCount > this.keep) this.container.firstElementChild.remove();
    this.announcer?.say(text);
    return { box, actions, status };
  }

  _close(box, label = gettext("Dismiss")) {
    return button(label, "button-link", () => this._drop(box));
  }

  _chatLink(chatId, words, { newTab = false } = {}) {
    return link(chatPath(chatId), words, "button button-primary button-small", { newTab });
  }

  _request(frame) {
    const from = typeof frame.from === "string" ? frame.from : gettext("Someone");
    const chatId = frame.chat;
    const { box, actions, status } = this._notice(
      `chat-${chatId}`,
      interpolate(gettext("%(from)s would like a one-on-one chat with you."), { from }),
      { hint: gettext("Only the two of you can read it, and either of you can leave at any time.") },
    );
    const accept = button(gettext("Accept"), "button button-primary button-small", async () => {
      accept.disabled = decline.disabled = true;
      status.textContent = gettext("Opening the chat…");
      const result = await answerChatRequest(this.client, chatId, true);
      if (result.ok) {
        status.textContent = gettext("Taking you to the chat…");
        window.location.assign(chatPath(result.frame.chat ?? chatId));
        return;
      }
      if (result.status === 401) return goJoin();
      accept.disabled = decline.disabled = false;
      status.textContent = result.code === "not_found"
        ? gettext("This request has already been answered or has expired.")
        : result.detail;
    });
    accept.setAttribute("aria-label", interpolate(gettext("Accept the chat with %(from)s"), { from }));
    const decline = button(gettext("Decline"), "button button-quiet button-small", async () => {
      accept.disabled = decline.disabled = true;
      const result = await answerChatRequest(this.client, chatId, false);
      if (result.status === 401) return goJoin();
      if (!result.ok && result.code !== "not_found") {
        accept.disabled = decline.disabled = false;
        status.textContent = result.detail;
        return;
      }
      actions.replaceChildren(this._close(box, gettext("Close")));
      status.textContent = interpolate(gettext("You declined. %(from)s will see that you can't chat right now."), { from });
    });
    decline.setAttribute("aria-label", interpolate(gettext("Decline the chat with %(from)s"), { from }));
    const later = this._close(box, gettext("Not now"));
    later.setAttribute("aria-label", gettext("Not now: hide this request. It stays on your chats page for a while."));
    actions.append(accept, decline, later);
  }

  _accepted(frame) {
    const by = typeof frame.by === "string" ? frame.by : gettext("They");
    const { box, actions } = this._notice(`chat-${frame.chat}`, interpolate(gettext("%(by)s accepted your chat request."), { by }));
    actions.append(this._chatLink(frame.chat, gettext("Go to the chat")), this._close(box));
  }

  _declined(frame) {
    const who = this.asked.get(frame.chat);
    const { box, actions } = this._notice(
      `chat-${frame.chat}`,
      who ? interpolate(gettext("%(who)s can't chat right now."), { who }) : gettext("Your chat request wasn't accepted this time."),
      { hint: gettext("That's OK: the rooms are open, and there's always someone reading.") },
    );
    actions.append(this._close(box, gettext("OK")));
  }

  _opened(frame) {
    const text = typeof frame.message === "string" && frame.message
      ? frame.message
      : gettext("A facilitator would like to check in with you. The chat is open whenever you're ready.");
    const { box, actions } = this._notice(`chat-${frame.chat}`, text);
    actions.append(this._chatLink(frame.chat, gettext("Open the chat")), this._close(box, gettext("Not now")));
  }

  _matched(frame) {
    const who = typeof frame.with === "string" ? frame.with : gettext("Someone");
    const { box, actions } = this._notice(
      `dropin-${frame.request}`,
      interpolate(gettext("%(who)s is ready to talk with you now."), { who }),
      { tone: "strong" },
    );
    actions.append(this._chatLink(frame.chat, gettext("Go to the chat")), this._close(box));
  }

  _timeout(frame) {
    const text = typeof frame.message === "string" && frame.message
      ? frame.message
      : gettext("We're sorry: nobody has been free to take your chat yet. You're still in line.");
    const { box, actions, status } = this._notice(`dropin-${frame.request}`, text);
    const lines = link("/resources/", gettext("Crisis lines"), "button button-quiet button-small");
    const stay = button(gettext("Stay in line"), "button button-primary button-small", () => this._drop(box));
    const leave = button(gettext("Leave the line"), "button button-quiet button-small", async () => {
      leave.disabled = true;
      const result = await deleteJSON("/api/dropin/");
      leave.disabled = false;
      if (!result.ok) {
        status.textContent = result.data.detail;
        return;
      }
      actions.replaceChildren(this._close(box, gettext("Close")));
      status.textContent = gettext("You've left the line. You can come back whenever you like.");
    });
    actions.append(stay, leave, lines);
    box.append(checkinPicker());
  }

  _offer(frame) {
    const text = typeof frame.language === "string"
      ? interpolate(gettext("Someone in the drop-in line would like to talk now, in %(language)s."),
        { language: languageName(frame.language) })
      : gettext("Someone in the drop-in line would like to talk now.");
    const { box, actions, status } = this._notice(`offer-${frame.request}`, text);
    const take = button(gettext("Take this chat"), "button button-primary button-small", async () => {
      take.disabled = true;
      status.textContent = gettext("Taking it…");
      const result = await takeDropIn(this.client, frame.request);
      if (!result.ok) {
        take.disabled = false;
        status.textContent = result.detail;
        if (result.code === "taken") actions.replaceChildren(this._close(box, gettext("OK")));
        return;
      }
      const chatId = result.frame.chat;
      openChatInNewTab(chatId);
      status.textContent = interpolate(gettext("You're with %(with)s."), { with: result.frame.with });
      actions.replaceChildren(this._chatLink(chatId, gettext("Go to the chat"), { newTab: true }), this._close(box));
    });
    actions.append(take, this._close(box, gettext("Not now")));
  }

  _alert(frame) {
    const what = CATEGORY_WORDS[frame.category] || gettext("a possible crisis");
    const who = typeof frame.handle === "string" ? frame.handle : gettext("a member");
    const where = frame.room_kind === "direct" ? gettext("a one-on-one chat")
      : interpolate(gettext("the %(room)s room"), { room: frame.room });
    const { box, actions } = this._notice(
      `alert-${frame.item}`,
      interpolate(gettext("Crisis alert: %(who)s may be facing %(what)s, in %(where)s."), { who, what, where }),
      { tone: "alert" },
    );
    const open = link("/facilitators/", gettext("Open the dashboard"), "button button-primary button-small", { newTab: true });
    actions.append(open, this._close(box));
  }

  _needsReply(frame) {
    const text = typeof frame.text === "string" ? frame.text : gettext("A message in a room has no reply yet.");
    const { box, actions } = this._notice(`reply-${frame.message}`, text);
    const room = typeof frame.room === "string" ? frame.room : "";
    actions.append(link(`/rooms/${encodeURIComponent(room)}/`, gettext("Go to the room"), "button button-primary button-small"),
      this._close(box));
  }
}
