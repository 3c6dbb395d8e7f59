// The chats page (/chats/): requests to you (Accept / Decline), your open chats, your
// own requests (Withdraw), the "Ask for a one-on-one chat" form and your presence
// choices. No socket (one would put you in a room): GET /api/chats/ every 15 s or so
// while the tab is visible, and at once when it becomes visible again.

import { postJSON, shortTime } from "./api.js";
import {
  answerChatRequest,
  chatPath,
  getJSON,
  goJoin,
  mountPresenceChoices,
  requestProblem,
} from "./notices.js";

const $ = (id) => document.getElementById(id);
const EVERY_MS = 15000;
const HANDLE = /^[A-Za-z0-9_]{3,24}$/;
const ORIGIN_WORDS = {
  dropin: "from the drop-in line",
  reach_out: "a facilitator checking in",
  request: "",
};

let timer = null;
let lastData = null;

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function button(text, className, label, onClick) {
  const node = el("button", className, text);
  node.type = "button";
  if (label) node.setAttribute("aria-label", label);
  node.addEventListener("click", onClick);
  return node;
}

function when(iso) {
  const time = shortTime(iso);
  return time ? ` · ${time}` : "";
}

// --- the lists ---------------------------------------------------------------------------

function incomingItem(chat) {
  const li = el("li", "chat-item");
  li.dataset.key = `in-${chat.chat}`;
  li.append(el("p", "chat-item-text", `${chat.with} would like a one-on-one chat${when(chat.created_at)}`));
  const actions = el("div", "chat-item-actions");
  const line = el("p", "chat-item-status");
  line.setAttribute("role", "status");
  const accept = button("Accept", "button button-primary button-small", `Accept the chat with ${chat.with}`,
    async () => {
      accept.disabled = decline.disabled = true;
      line.textContent = "Opening the chat…";
      const result = await answerChatRequest(null, chat.chat, true);
      if (result.status === 401) return goJoin();
      if (result.ok) {
        window.location.assign(chatPath(result.frame.chat ?? chat.chat));
        return;
      }
      accept.disabled = decline.disabled = false;
      line.textContent = result.code === "not_found"
        ? "This request has already been answered or has expired." : result.detail;
      refresh();
    });
  const decline = button("Decline", "button button-quiet button-small", `Decline the chat with ${chat.with}`,
    async () => {
      accept.disabled = decline.disabled = true;
      const result = await answerChatRequest(null, chat.chat, false);
      if (result.status === 401) return goJoin();
      $("list-status").textContent = result.ok || result.code === "not_found"
        ? `You declined ${chat.with}'s request.` : result.detail;
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
  const link = el("a", "chat-item-link", `Chat with ${chat.with}`);
  link.href = chatPath(chat.chat);
  const title = el("p", "chat-item-text");
  title.append(link);
  const origin = ORIGIN_WORDS[chat.origin];
  li.append(title, el("p", "chat-item-meta", `${origin ? `${origin[0].toUpperCase()}${origin.slice(1)}` : "Started"}${when(chat.created_at)}`));
  return li;
}

function sentItem(chat) {
  const li = el("li", "chat-item");
  li.dataset.key = `sent-${chat.chat}`;
  li.append(el("p", "chat-item-text", `You asked ${chat.with}${when(chat.created_at)}`));
  const withdraw = button("Withdraw", "button button-quiet button-small", `Withdraw your request to ${chat.with}`,
    async () => {
      withdraw.disabled = true;
      const result = await postJSON(`/api/chats/${Number(chat.chat)}/leave/`, {});
      if (result.status === 401) return goJoin();
      $("list-status").textContent = result.ok
        ? `You withdrew your request to ${chat.with}. You can ask them again tomorrow.`
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
  // Keep a keyboard user's place when the list is rebuilt.
  const focused = document.activeElement;
  const key = list.contains(focused) ? focused.closest("[data-key]")?.dataset.key : null;
  const index = key ? [...focused.closest("[data-key]").querySelectorAll("button, a")].indexOf(focused) : -1;
  list.replaceChildren(...items);
  $(emptyId).hidden = items.length > 0;
  if (key) {
    const again = list.querySelector(`[data-key="${CSS.escape(key)}"]`);
    const target = again?.querySelectorAll("button, a")[index] || again?.querySelector("button, a");
    if (target) {
      target.focus();
    } else {
      // It's gone (answered): keep focus in its section rather than lose it.
      const heading = list.closest("section").querySelector("h2");
      heading.tabIndex = -1;
      heading.focus();
    }
  }
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
    if (lastData === null) $("list-status").textContent = result.data?.detail || "We couldn't load your chats.";
    return;
  }
  const data = JSON.stringify(result.data);
  if (data === lastData) return;
  lastData = data;
  render(result.data);
}

function schedule() {
  clearTimeout(timer);
  timer = setTimeout(async () => {
    if (document.visibilityState === "visible") await refresh();
    schedule();
  }, EVERY_MS + Math.random() * 3000);
}

document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") {
    refresh();
    schedule();
  }
});

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
  if (!HANDLE.test(to)) {
    error.textContent = "A handle is 3 to 24 letters, digits or underscores.";
    field.setAttribute("aria-invalid", "true");
    field.focus();
    return;
  }
  if (to.toLowerCase() === ($("chats-page").dataset.me || "").toLowerCase()) {
    error.textContent = "That's your own handle.";
    field.setAttribute("aria-invalid", "true");
    field.focus();
    return;
  }
  $("ask-button").disabled = true;
  const result = await postJSON("/api/chats/", { to });
  $("ask-button").disabled = false;
  if (result.status === 401) return goJoin();
  if (result.ok && result.data.type === "chat.accepted") {
    status.append(`${to} had asked you too, so your chat is open. `);
    const link = el("a", "", "Go to the chat");
    link.href = chatPath(result.data.chat);
    status.append(link);
  } else if (result.ok) {
    status.textContent = `We've asked ${result.data.to || to}. Their answer will show here.`;
    field.value = "";
  } else {
    const problem = requestProblem({ ...result.data, code: result.data.error }, to);
    error.textContent = problem.text;
    field.setAttribute("aria-invalid", "true");
    if (problem.chat) {
      const link = el("a", "", "Go to that chat");
      link.href = chatPath(problem.chat);
      status.append(link);
    }
    field.focus();
  }
  refresh();
});

mountPresenceChoices($("presence-choices"), { idPrefix: "chats" });
$("ask-button").disabled = false; // disabled in the HTML until this script can send it
refresh();
schedule();
