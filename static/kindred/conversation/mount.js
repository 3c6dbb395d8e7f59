// A conversation (a topic room, room.html, or a one-on-one chat, chat.html with
// data-kind="chat"): mountConversation(root) builds its client and its pieces and
// connects. The chat page adds its own bits (chat.js) to what this returns.

import { Announcer, byId as $, wireDialogClosers } from "../dom.js";
import { pageLimits } from "../limits.js";
import { ChatClient } from "../net/chat-client.js";
import { ConnectionIndicator } from "../ui/connection.js";
import { wireInboxCount } from "../ui/inbox-count.js";
import { MessageList } from "../ui/messages.js";
import { wireComposer, wireHistory } from "./composer.js";
import { wireHere } from "./here.js";
import { wireNewSince } from "./since.js";
import { wireReactions } from "./reactions.js";
import { wireIncoming, wireScrolling } from "./stream.js";
import { gettext } from "../i18n.js";

const WORDS = {
  room: {
    beginning: gettext("This is the beginning of the room."),
    stopped: {
      forbidden: gettext("You can't join this room."),
      not_found: gettext("There's no such room. It may have been renamed or closed."),
      kicked: gettext("A facilitator has asked you to step out of this room for now. "
        + "You can come back when you're ready."),
    },
    disconnected: gettext("You've been disconnected from this room."),
  },
  chat: {
    beginning: gettext("This is the beginning of your chat."),
    // A chat socket answers 4403 for a chat that has ended (and nothing else tells apart).
    stopped: { forbidden: gettext("This chat has ended."), not_found: gettext("This chat has ended.") },
    disconnected: gettext("You've been disconnected from this chat."),
  },
};

/**
 * Mounts the conversation in *root* (the #room-page element) and connects. Returns
 * {client, list, status, announcer, input, notices, me} for a page to build on.
 */
export function mountConversation(root) {
  const KIND = root.dataset.kind === "chat" ? "chat" : "room";
  const client = new ChatClient(root.dataset.socketPath);
  const me = () => client.me || root.dataset.me || "";
  const input = $("message-input");
  const status = new Announcer($("status-announcer"), 2);
  const list = new MessageList($("message-list"), { me });
  const c = {
    root,
    KIND,
    WORDS: WORDS[KIND],
    maxLength: pageLimits().messageMaxLength, // the server's MESSAGE_MAX_LENGTH
    client,
    me,
    list,
    input,
    status,
    announcer: new Announcer($("announcer")),
    crisis: crisisOnDemand($("crisis-dialog"), input),
    indicator: new ConnectionIndicator({
      root: $("conn"),
      text: $("conn-text"),
      retry: $("conn-retry"),
      announcer: status,
      onRetry: () => client.reconnectNow(),
    }),
    updateEmpty: () => {
      $("empty-note").hidden = list.size > 0 || !client.everWelcomed;
    },
  };
  c.scroll = wireScrolling(c);
  wireIncoming(c);
  wireComposer(c);
  wireHistory(c);
  wireDialogClosers();
  wireMenuOnDemand(c);
  wireReactions(c);
  const notices = wireHere(c);
  wireInboxCount(client);
  wireNewSince(c);
  // The first screen came with the page: the socket resumes after its last message.
  // A task of its own, after the one that loaded the modules (shorter tasks keep the
  // page responsive on a slow phone), and the scroll with the next frame's layout.
  setTimeout(() => {
    client.seed(list.adopt(root.dataset.slug));
    if (list.size > 0) c.scroll.queueScrollToNewest();
    client.start();
  }, 0);
  return { client, list, status, announcer: c.announcer, input, notices, me };
}

/**
 * The message menu (report, block, delete) and its dialogs load on the first tap of a
 * message's ⋯: the first screen doesn't need them (a smaller page on a slow phone).
 */
function wireMenuOnDemand(c) {
  const list = $("message-list");
  let loading = null;
  function first(event) {
    // Only the menu's own button: reactions (data-action="reactions") have their own.
    const button = event.target.closest('button[data-action="menu"]');
    if (!button || loading) return;
    loading = import("./menu.js").then(({ wireMessageMenu }) => {
      list.removeEventListener("click", first);
      wireMessageMenu(c);
      if (button.isConnected) button.click();
    }, () => {
      loading = null;
      c.status.say(gettext("That menu couldn't load. Check your connection and try again."));
    });
  }
  list.addEventListener("click", first);
}

/**
 * The crisis card (ui/crisis.js, with its check-in and safety plan) loads when the member
 * first writes: a card only ever answers their own message, so it is here before it is
 * needed, and the first screen doesn't carry it. A card that comes first (an outbox
 * resent) loads it then; should that fail (offline), the card opens with its own words
 * and the page's links to the crisis lines rather than not at all.
 */
function crisisOnDemand(dialog, input) {
  let loading = null;
  const load = () => {
    loading ??= import("../ui/crisis.js").then(
      ({ CrisisCard }) => new CrisisCard(dialog, { fallbackFocus: () => input }),
      (error) => {
        loading = null;
        throw error;
      },
    );
    return loading;
  };
  input.addEventListener("input", () => load().catch(() => {}), { once: true });
  let last = null;
  return {
    show(frame) {
      last = frame;
      load().then((card) => card.show(frame), () => {
        if (typeof frame.message === "string") $("crisis-message").textContent = frame.message;
        if (!dialog.open) dialog.showModal();
        $("crisis-title").focus();
      });
    },
    showAgain() {
      if (last) this.show(last);
    },
  };
}
