// The chats page (/chats/): updates for you (the inbox, ui/inbox-list.js), requests to you (Accept / Decline), your open chats, your
// own requests (Withdraw), the "Ask for a one-on-one chat" form and your presence
// choices. No socket (one would put you in a room): GET /api/chats/ every 15 s or so
// while the tab is visible, and at once when it becomes visible again.

import { answerChatRequest, requestProblem } from "./chat-requests.js";
import { button, byId as $, el, link, replaceKeepingFocus } from "./dom.js";
import { shortTime } from "./format.js";
import { getJSON, postJSON } from "./http.js";
import { handleWords, pageLimits } from "./limits.js";
import { chatPath, goJoin } from "./nav.js";
import { pollWhileVisible } from "./poll.js";
import { offerNotifications } from "./push-offer.js";
import { mountInboxList } from "./ui/inbox-list.js";
import { mountPresenceChoices } from "./ui/presence-choices.js";
import { gettext, interpolate } from "./i18n.js";

const EVERY_MS = 15000;
const LIMITS = pageLimits();
// The rows' buttons are named for their person.
const labelled = (text, className, label, onClick) => button(text, className, onClick, label);
const ORIGIN_WORDS = {
  dropin: gettext("from the drop-in line"),
  reach_out: gettext("a facilitator checking in"),
  request: "",
};

let lastData = null;
// Chats with messages that came while the member was away (their inbox said so on load).
const unreadChats = new Set();

function when(iso) {
  const time = shortTime(iso);
  return time ? ` · ${time}` : "";
}

// --- the lists ---------------------------------------------------------------------------

function incomingItem(chat) {
  const li = el("li", "chat-item");
  li.dataset.key = `in-${chat.chat}`;
  li.append(el("p", "chat-item-text", interpolate(gettext("%(with)s would like a one-on-one chat%(when)s"), { with: chat.with, when: when(chat.created_at) })));
  const actions = el("div", "chat-item-actions");
  const line = el("p", "chat-item-status");
  line.setAttribute("role", "status");
  const accept = labelled(gettext("Accept"), "button button-primary button-small", interpolate(gettext("Accept the chat with %(with)s"), { with: chat.with }),
    async () => {
      accept.disabled = decline.disabled = true;
      line.textContent = gettext("Opening the chat…");
      const result = await answerChatRequest(null, chat.chat, true);
      if (result.status === 401) return goJoin();
      if (result.ok) {
        window.location.assign(chatPath(result.frame.chat ?? chat.chat));
        return;
      }
      accept.disabled = decline.disabled = false;
      line.textContent = result.code === "not_found"
        ? gettext("This request has already been answered or has expired.") : result.detail;
      refresh();
    });
  const decline = labelled(gettext("Decline"), "button button-quiet button-small", interpolate(gettext("Decline the chat with %(with)s"), { with: chat.with }),
    async () => {
      accept.disabled = decline.disabled = true;
      const result = await answerChatRequest(null, chat.chat, false);
      if (result.status === 401) return goJoin();
      $("list-status").textContent = result.ok || result.code === "not_found"
        ? interpolate(gettext("You declined %(with)s's request."), { with: chat.with }) : result.detail;
      accept.disabled = decline.disabled = false;
      refresh();
    });
  actions.append(accept, decline);
  li.append(actions, line);
  return li;
}

function openItem(chat) {
  const li = el("li", "chat-item");
  li.dataset.key = `open-${chat.chat}`;
  const title = el("p", "chat-item-text");
  title.append(link(chatPath(chat.chat), interpolate(gettext("Chat with %(with)s"), { with: chat.with }), "chat-item-link"));
  const origin = ORIGIN_WORDS[chat.origin];
  li.append(title, el("p", "chat-item-meta", `${origin ? `${origin[0].toUpperCase()}${origin.slice(1)}` : gettext("Started")}${when(chat.created_at)}`));
  if (unreadChats.has(chatPath(chat.chat))) li.append(el("p", "chat-item-new", gettext("New messages since you were there")));
  return li;
}

function sentItem(chat) {
  const li = el("li", "chat-item");
  li.dataset.key = `sent-${chat.chat}`;
  li.append(el("p", "chat-item-text", interpolate(gettext("You asked %(with)s%(when)s"), { with: chat.with, when: when(chat.created_at) })));
  const withdraw = labelled(gettext("Withdraw"), "button button-quiet button-small", interpolate(gettext("Withdraw your request to %(with)s"), { with: chat.with }),
    async () => {
      withdraw.disabled = true;
      const result = await postJSON(`/api/chats/${Number(chat.chat)}/leave/`, {});
      if (result.status === 401) return goJoin();
      $("list-status").textContent = result.ok
        ? interpolate(gettext("You withdrew your request to %(with)s. You can ask them again tomorrow."), { with: chat.with })
        : result.data.detail;
      withdraw.disabled = false;
      refresh();
    });
  const actions = el("div", "chat-item-actions");
  actions.append(withdraw);
  li.append(actions);
  return li;
}

function fill(listId, emptyId, items) {
  const list = $(listId);
  // Keep a keyboard user's place when the list is rebuilt; if their row is gone
  // (answered), keep focus in its section rather than lose it.
  replaceKeepingFocus(list, items, () => {
    const heading = list.closest("section").querySelector("h2");
    heading.tabIndex = -1;
    return heading;
  });
  $(emptyId).hidden = items.length > 0;
}

function render(chats) {
  const incoming = chats.filter((c) => c.status === "requested" && c.incoming);
  const open = chats.filter((c) => c.status === "open");
  const sent = chats.filter((c) => c.status === "requested" && !c.incoming);
  fill("incoming-list", "incoming-empty", incoming.map(incomingItem));
  fill("open-list", "open-empty", open.map(openItem));
  fill("sent-list", "sent-empty", sent.map(sentItem));
}

async function refresh() {
  const result = await getJSON("/api/chats/");
  if (result.status === 401) return goJoin();
  if (!result.ok || !Array.isArray(result.data)) {
    if (lastData === null) $("list-status").textContent = result.data?.detail || gettext("We couldn't load your chats.");
    return;
  }
  const data = JSON.stringify(result.data);
  if (data === lastData) return;
  lastData = data;
  render(result.data);
}

// --- asking ----------------------------------------------------------------------------

$("ask-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const field = $("ask-handle");
  const error = $("ask-error");
  const status = $("ask-status");
  const to = field.value.trim().replace(/^@/, "");
  error.textContent = "";
  status.replaceChildren();
  field.removeAttribute("aria-invalid");
  if (!LIMITS.handle.test(to)) {
    error.textContent = `${handleWords(LIMITS)}.`;
    field.setAttribute("aria-invalid", "true");
    field.focus();
    return;
  }
  if (to.toLowerCase() === ($("chats-page").dataset.me || "").toLowerCase()) {
    error.textContent = gettext("That's your own handle.");
    field.setAttribute("aria-invalid", "true");
    field.focus();
    return;
  }
  $("ask-button").disabled = true;
  const result = await postJSON("/api/chats/", { to });
  $("ask-button").disabled = false;
  if (result.status === 401) return goJoin();
  if (result.ok && result.data.type === "chat.accepted") {
    status.append(interpolate(gettext("%(to)s had asked you too, so your chat is open. "), { to }));
    status.append(link(chatPath(result.data.chat), gettext("Go to the chat")));
  } else if (result.ok) {
    status.textContent = interpolate(gettext("We've asked %(value)s. Their answer will show here."), { value: result.data.to || to });
    field.value = "";
    offerNotifications($("push-offer"));
  } else {
    const problem = requestProblem({ ...result.data, code: result.data.error }, to);
    error.textContent = problem.text;
    field.setAttribute("aria-invalid", "true");
    if (problem.chat) {
      status.append(link(chatPath(problem.chat), gettext("Go to that chat")));
    }
    field.focus();
  }
  refresh();
});

mountPresenceChoices($("presence-choices"), { idPrefix: "chats" });
mountInboxList({
  list: $("inbox-list"), more: $("inbox-more"), status: $("inbox-status"), empty: $("inbox-empty"),
  onUnread: (items) => {
    for (const item of items) if (item.kind === "chat" && item.url) unreadChats.add(item.url);
    if (lastData !== null) render(JSON.parse(lastData));
  },
});
$("ask-button").disabled = false; // disabled in the HTML until this script can send it
refresh();
pollWhileVisible(refresh, EVERY_MS);
