// A conversation page: wires the shared chat client and UI pieces to room.html (a topic
// room) or chat.html (a one-on-one chat, `data-kind="chat"`, whose own bits are in chat.js).

import { postJSON, shortTime } from "./api.js";
import { ChatClient } from "./net/chat-client.js";
import {
  Announcer,
  ConnectionIndicator,
  CrisisCard,
  MessageList,
  plainText,
  renderBody,
} from "./chat-ui.js";
import { ChatNotices, mountPresenceChoices, requestProblem } from "./notices.js";

const $ = (id) => document.getElementById(id);
const page = $("room-page");
const KIND = page.dataset.kind === "chat" ? "chat" : "room";
const WORDS = {
  room: {
    beginning: "This is the beginning of the room.",
    stopped: {
      forbidden: "You can't join this room.",
      not_found: "There's no such room. It may have been renamed or closed.",
      kicked: "A facilitator has asked you to step out of this room for now. "
        + "You can come back when you're ready.",
    },
    disconnected: "You've been disconnected from this room.",
  },
  chat: {
    beginning: "This is the beginning of your chat.",
    // A chat socket answers 4403 for a chat that has ended (and nothing else tells apart).
    stopped: { forbidden: "This chat has ended.", not_found: "This chat has ended." },
    disconnected: "You've been disconnected from this chat.",
  },
}[KIND];
const MAX_LENGTH = Number($("message-input").getAttribute("maxlength")) || 2000;
const MODERATORS = new Set(["facilitator", "admin"]);
const NEAR_BOTTOM_PX = 160;

const client = new ChatClient(page.dataset.socketPath);
const me = () => client.me || page.dataset.me || "";
const list = new MessageList($("message-list"), { me });
const announcer = new Announcer($("announcer"));
const status = new Announcer($("status-announcer"), 2);
const input = $("message-input");
const composer = $("composer");
const composerError = $("composer-error");
const composerWait = $("composer-wait");
const crisis = new CrisisCard($("crisis-dialog"), { fallbackFocus: () => input });
const indicator = new ConnectionIndicator({
  root: $("conn"),
  text: $("conn-text"),
  retry: $("conn-retry"),
  announcer: status,
  onRetry: () => client.reconnectNow(),
});

let beginningReached = false;
let waitTimer = null;

// --- scrolling -------------------------------------------------------------------

function nearBottom() {
  const doc = document.documentElement;
  return doc.scrollHeight - (window.scrollY + window.innerHeight) < NEAR_BOTTOM_PX;
}

function scrollToNewest() {
  window.scrollTo({ top: document.documentElement.scrollHeight, behavior: "auto" });
  $("jump-newest").hidden = true;
}

// Many messages can arrive at once (a resume): scroll once, on the next frame.
let scrollQueued = false;
function queueScrollToNewest() {
  if (scrollQueued) return;
  scrollQueued = true;
  requestAnimationFrame(() => {
    scrollQueued = false;
    scrollToNewest();
  });
}

$("jump-newest").addEventListener("click", () => {
  scrollToNewest();
  input.focus();
});
window.addEventListener("scroll", () => {
  if (!$("jump-newest").hidden && nearBottom()) $("jump-newest").hidden = true;
}, { passive: true });

function updateEmpty() {
  $("empty-note").hidden = list.size > 0 || !client.everWelcomed;
}

// --- incoming ----------------------------------------------------------------------

client.addEventListener("state", (event) => indicator.update(event.detail));

client.addEventListener("welcome", (event) => {
  const { frame, reconnect } = event.detail;
  const room = frame.room || {};
  if (KIND === "room") {
    if (typeof room.title === "string") $("room-title").textContent = room.title;
    if (typeof room.description === "string") $("room-description").textContent = room.description;
  }
  showRoomRules(room);
  showPinned(frame.pinned);
  if (!reconnect) {
    const history = Array.isArray(frame.history) ? frame.history : [];
    $("load-earlier").hidden = history.length < client.historyPage;
    if ($("here-details") && window.matchMedia("(min-width: 60rem)").matches) {
      $("here-details").open = true;
    }
  }
});

function showRoomRules(room) {
  const notice = $("room-notice");
  const canPost = !room.locked || MODERATORS.has(client.role);
  input.disabled = !canPost;
  $("send-button").disabled = !canPost;
  if (room.locked) {
    notice.textContent = canPost
      ? "This room is locked: only facilitators can post."
      : "This room is locked for now. You can still read along.";
  } else if (room.slow_mode_seconds > 0) {
    notice.textContent = `Slow mode is on: one message every ${room.slow_mode_seconds} seconds.`;
  } else {
    notice.textContent = "";
  }
  notice.hidden = !notice.textContent;
}

let pinnedId = null;
function showPinned(pinned) {
  const section = $("pinned");
  if (!pinned || typeof pinned.body !== "string") {
    section.hidden = true;
    pinnedId = null;
    return;
  }
  pinnedId = pinned.id;
  renderBody($("pinned-body"), pinned.body);
  $("pinned-meta").textContent = typeof pinned.author === "string" ? `Pinned message from ${pinned.author}` : "";
  section.hidden = false;
}

let firstSync = true;
let followAfterSync = false;
client.addEventListener("message", (event) => {
  const { message, source, own } = event.detail;
  const follow = own || nearBottom();
  list.upsert(message, { fresh: source === "live" });
  if (source === "history") return;
  if (source === "welcome") {
    followAfterSync ||= follow;
    return;
  }
  updateEmpty();
  if (source === "live" && !own) {
    announcer.say(`${message.author}: ${plainText(message.body)}`);
  }
  if (follow) {
    queueScrollToNewest();
  } else if (source === "live") {
    $("jump-newest").hidden = false;
  }
});

client.addEventListener("synced", () => {
  updateEmpty();
  // The first time, start at the newest message; later, only if the member was there.
  if (firstSync || followAfterSync) scrollToNewest();
  firstSync = false;
  followAfterSync = false;
});

client.addEventListener("resumed", (event) => {
  const { added } = event.detail;
  if (added > 0) {
    status.say(`${added} new message${added === 1 ? "" : "s"} while you were away.`);
  }
});

client.addEventListener("removed", (event) => {
  list.remove(event.detail.id);
  if (event.detail.id === pinnedId) showPinned(null);
  updateEmpty();
});

client.addEventListener("presence", (event) => {
  if (!$("here-list")) return; // a chat page shows who is here its own way (chat.js)
  const { online, count } = event.detail;
  $("here-count").textContent = String(count);
  // Rebuilding the list must not lose a keyboard user's place on an "Ask to chat" button.
  const focused = document.activeElement?.closest?.("#here-list [data-ask]")?.dataset.ask;
  const items = online.map((handle) => {
    const li = document.createElement("li");
    const name = document.createElement("span");
    name.className = "here-handle";
    name.textContent = handle;
    li.append(name);
    if (handle === me()) {
      const you = document.createElement("span");
      you.className = "you";
      you.textContent = " (you)";
      name.append(you);
    } else if (client.openToChat.has(handle)) {
      const ask = document.createElement("button");
      ask.type = "button";
      ask.className = "button-link ask-chat";
      ask.dataset.ask = handle;
      ask.textContent = "Ask to chat";
      ask.setAttribute("aria-label", `Ask to chat with ${handle}, one-on-one`);
      li.append(ask);
    }
    return li;
  });
  $("here-list").replaceChildren(...items);
  if (focused) $("here-list").querySelector(`[data-ask="${CSS.escape(focused)}"]`)?.focus();
  const unlisted = count - online.length;
  $("here-more").hidden = unlisted <= 0;
  $("here-more").textContent = unlisted > 0
    ? `and ${unlisted} more who ${unlisted === 1 ? "isn't" : "aren't"} listed` : "";
});

client.addEventListener("room", (event) => {
  const room = event.detail.room;
  showRoomRules(room);
  status.say($("room-notice").textContent || "The room's settings changed.");
});

client.addEventListener("pinned", (event) => {
  showPinned(event.detail.message);
  if (event.detail.message) status.say("A facilitator pinned a message.");
});

// Private notices from the facilitators (a warning, or what became of a report).
client.addEventListener("private", (event) => {
  const { frame } = event.detail;
  if (typeof frame.message !== "string" || !frame.message) return;
  const box = $("private-notice");
  const title = frame.kind === "warning"
    ? "A message from the facilitators"
    : frame.kind === "report_outcome" ? "About your report" : "From the facilitators";
  $("private-notice-title").textContent = title;
  $("private-notice-text").textContent = frame.message;
  box.hidden = false;
});
$("private-notice-close").addEventListener("click", () => {
  $("private-notice").hidden = true;
  input.focus();
});

client.addEventListener("crisis", (event) => {
  crisis.show(event.detail.frame);
  $("crisis-again").hidden = false;
});
$("crisis-again-button").addEventListener("click", () => crisis.showAgain());
$("room-stopped-rejoin").addEventListener("click", () => window.location.reload());

client.addEventListener("stopped", (event) => {
  const { reason } = event.detail;
  if (reason === "no_session") {
    window.location.assign(`/join/?next=${encodeURIComponent(window.location.pathname)}`);
    return;
  }
  const words = WORDS.stopped[reason] || WORDS.disconnected;
  $("room-stopped-text").textContent = words;
  $("room-stopped-rejoin").hidden = reason !== "kicked";
  $("room-stopped").hidden = false;
  input.disabled = true;
  $("send-button").disabled = true;
});

// --- sending ---------------------------------------------------------------------------

const outboxHandlers = {
  onRetry: (nonce) => client.retry(nonce),
  onDiscard: (nonce) => client.discard(nonce),
};

client.addEventListener("outbox", (event) => {
  const { entry } = event.detail;
  list.outbox(entry, outboxHandlers);
  updateEmpty();
  if (entry.state === "sent") clearComposerProblem();
});
client.addEventListener("outbox-remove", (event) => {
  list.outboxRemove(event.detail.nonce);
  updateEmpty();
  if (!client.outbox.entries.some((e) => e.state === "waiting" || e.state === "failed")) {
    clearComposerProblem();
  }
});

function clearComposerProblem() {
  composerError.textContent = "";
  composerWait.textContent = "";
  clearInterval(waitTimer);
}

client.addEventListener("notice", (event) => {
  const { detail, retryAfter, until } = event.detail;
  let words = detail;
  if (until) {
    const time = shortTime(until);
    if (time) words = `${detail} (until ${time})`;
  }
  composerError.textContent = words;
  clearInterval(waitTimer);
  composerWait.textContent = "";
  if (retryAfter) {
    const at = Date.now() + retryAfter * 1000;
    const render = () => {
      const left = Math.ceil((at - Date.now()) / 1000);
      if (left <= 0) {
        composerWait.textContent = "";
        clearInterval(waitTimer);
        return;
      }
      composerWait.textContent = left > 90
        ? `Your message will be sent in about ${Math.ceil(left / 60)} min.`
        : `Your message will be sent in ${left} s.`;
    };
    render();
    waitTimer = setInterval(render, 1000);
  }
});

client.addEventListener("problem", (event) => {
  composerError.textContent = event.detail.detail;
});

composer.addEventListener("submit", (event) => {
  event.preventDefault();
  const body = input.value.trim();
  if (!body) {
    composerError.textContent = "Write something before sending.";
    input.focus();
    return;
  }
  if (body.length > MAX_LENGTH) {
    composerError.textContent = `Messages can be up to ${MAX_LENGTH.toLocaleString()} characters.`;
    return;
  }
  if (composerError.textContent === "Write something before sending.") composerError.textContent = "";
  client.send(body);
  input.value = "";
  updateCount();
  scrollToNewest();
  input.focus();
});

input.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
    event.preventDefault();
    composer.requestSubmit();
  }
});

function updateCount() {
  const length = input.value.length;
  $("char-count").textContent = length > MAX_LENGTH * 0.9
    ? `${length.toLocaleString()} of ${MAX_LENGTH.toLocaleString()} characters` : "";
}
input.addEventListener("input", updateCount);

// --- load earlier ------------------------------------------------------------------------

let anchor = null;
let anchorTop = 0;
$("load-earlier").addEventListener("click", () => {
  if (beginningReached) return;
  // Remember what the member is looking at, to keep it in place.
  anchor = $("message-list").querySelector("li[data-id]");
  anchorTop = anchor ? anchor.getBoundingClientRect().top : 0;
  if (!client.loadEarlier()) {
    $("history-status").textContent = client.connected
      ? "Still loading…" : "You're offline. Earlier messages will load once you're connected.";
    return;
  }
  $("history-status").textContent = "Loading earlier messages…";
});

client.addEventListener("history", (event) => {
  const { added, done } = event.detail;
  if (anchor && anchor.isConnected) {
    window.scrollBy(0, anchor.getBoundingClientRect().top - anchorTop);
  }
  anchor = null;
  const loaded = `Loaded ${added} earlier message${added === 1 ? "" : "s"}.`;
  if (done) {
    beginningReached = true;
    const hadFocus = document.activeElement === $("load-earlier");
    $("load-earlier").hidden = true;
    $("history-status").textContent = added ? `${loaded} ${WORDS.beginning}` : WORDS.beginning;
    // The button is gone: keep keyboard focus here, at the top, not lost.
    if (hadFocus) $("history-status").focus({ preventScroll: true });
  } else {
    $("history-status").textContent = loaded;
  }
});

// --- per-message menu: report, block -------------------------------------------------------

let openMenu = null;

function closeMenu({ focus = false } = {}) {
  if (!openMenu) return;
  const { button, menu } = openMenu;
  button.setAttribute("aria-expanded", "false");
  menu.remove();
  openMenu = null;
  if (focus) button.focus();
}

function toggleMenu(button) {
  const wasOpen = openMenu && openMenu.button === button;
  closeMenu();
  if (wasOpen) return;
  const item = button.closest(".msg");
  const author = item.dataset.author;
  const menu = document.createElement("div");
  menu.className = "msg-menu";
  menu.id = `menu-${item.dataset.id}`;
  menu.setAttribute("role", "group");
  menu.setAttribute("aria-label", `Actions for the message from ${author}`);
  const report = document.createElement("button");
  report.type = "button";
  report.className = "button button-quiet button-small";
  report.dataset.action = "report";
  report.textContent = "Report";
  menu.append(report);
  // In a one-on-one chat, blocking is the chat's own "Block this person" (chat.js).
  if (KIND === "room") {
    const block = document.createElement("button");
    block.type = "button";
    block.className = "button button-quiet button-small";
    block.dataset.action = "block";
    block.textContent = `Block ${author}`;
    menu.append(block);
  }
  item.append(menu);
  button.setAttribute("aria-controls", menu.id);
  button.setAttribute("aria-expanded", "true");
  openMenu = { button, menu, item };
  report.focus();
}

$("message-list").addEventListener("click", (event) => {
  const button = event.target.closest("button[data-action]");
  if (!button) return;
  const item = button.closest(".msg");
  if (button.dataset.action === "menu") {
    toggleMenu(button);
  } else if (button.dataset.action === "report") {
    const opener = openMenu?.button;
    closeMenu();
    openReport(item, opener);
  } else if (button.dataset.action === "block") {
    const opener = openMenu?.button;
    closeMenu();
    openBlock(item.dataset.author, opener);
  }
});

document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && openMenu && openMenu.item.contains(document.activeElement)) {
    closeMenu({ focus: true });
  }
});
document.addEventListener("click", (event) => {
  if (openMenu && !openMenu.item.contains(event.target)) closeMenu();
});

// Dialog helpers: return focus to whatever opened them.
let dialogOpener = null;
for (const dialog of document.querySelectorAll("dialog")) {
  dialog.addEventListener("close", () => {
    if (dialog.id !== "crisis-dialog" && dialogOpener) {
      (dialogOpener.isConnected ? dialogOpener : input).focus();
      dialogOpener = null;
    }
  });
}
for (const button of document.querySelectorAll("[data-close-dialog]")) {
  button.addEventListener("click", () => button.closest("dialog").close());
}

function openDialog(dialog, opener) {
  dialogOpener = opener || null;
  dialog.showModal();
}

// Report
const reportDialog = $("report-dialog");
const reportForm = $("report-form");
const reportStatus = $("report-status");
const reportSend = $("report-send");
let reporting = null;

function openReport(item, opener) {
  reporting = Number(item.dataset.id);
  reportForm.reset();
  reportStatus.textContent = "";
  reportSend.hidden = false;
  reportSend.disabled = false;
  const body = item.querySelector(".msg-body");
  $("report-quote").textContent = `${item.dataset.author}: ${body ? body.textContent : ""}`;
  openDialog(reportDialog, opener);
  reportForm.querySelector("input[name=reason]:checked")?.focus();
}

reportForm.addEventListener("submit", (event) => {
  event.preventDefault();
  if (reporting === null) return;
  const data = new FormData(reportForm);
  const sent = client.report(reporting, String(data.get("reason") || "other"), String(data.get("note") || "").trim());
  if (!sent) {
    reportStatus.textContent = client.connected
      ? "Your last report is still being sent."
      : "You're offline right now. Try again once you're connected.";
    return;
  }
  reportSend.disabled = true;
  reportStatus.textContent = "Sending your report…";
});

client.addEventListener("report", (event) => {
  const { ok, code, detail } = event.detail;
  reportSend.disabled = false;
  if (ok) {
    reportStatus.textContent = "Thank you. A facilitator will look at it.";
    reportSend.hidden = true;
    reportDialog.querySelector("[data-close-dialog]").textContent = "Close";
  } else if (code === "bad_frame") {
    reportStatus.textContent =
      "Reporting isn't available just now. If someone is unsafe, tell a facilitator in the room.";
  } else {
    reportStatus.textContent = detail;
  }
});
reportDialog.addEventListener("close", () => {
  reporting = null;
  reportDialog.querySelector("[data-close-dialog]").textContent = "Cancel";
});

// Block
const blockDialog = $("block-dialog");
let blocking = null;

function openBlock(handle, opener) {
  blocking = handle;
  $("block-handle").textContent = handle;
  $("block-error").textContent = "";
  $("block-confirm").disabled = false;
  openDialog(blockDialog, opener);
  $("block-confirm").focus();
}

// A chat page has no room block dialog: blocking ends the chat there (chat.js).
$("block-confirm")?.addEventListener("click", async () => {
  if (!blocking) return;
  const handle = blocking;
  $("block-confirm").disabled = true;
  const result = await postJSON("/api/blocks/", { handle });
  $("block-confirm").disabled = false;
  if (result.status === 401) {
    window.location.assign(`/join/?next=${encodeURIComponent(window.location.pathname)}`);
    return;
  }
  if (!result.ok) {
    $("block-error").textContent = result.data.detail;
    return;
  }
  const hidden = list.hideAuthor(handle);
  client.forgetAuthor(handle);
  updateEmpty();
  dialogOpener = input;
  blockDialog.close();
  status.say(`You blocked ${handle}. ${hidden ? "Their messages are hidden." : ""}`.trim());
  $("history-status").textContent = `You blocked ${handle}. You won't see their messages.`;
});
blockDialog?.addEventListener("close", () => {
  blocking = null;
});

// --- chat requests, notices and presence choices ----------------------------------------------

// Notices for this member (a chat request, a facilitator checking in, a drop-in match)
// sit above the composer, where they are seen without scrolling; they never take focus.
const notices = new ChatNotices(document.createElement("div"), {
  client,
  announcer: status,
  fallbackFocus: () => (input.disabled ? null : input),
});
notices.container.id = "notices";
notices.container.setAttribute("role", "region");
notices.container.setAttribute("aria-label", "Requests and updates for you");
document.querySelector(".composer-wrap").prepend(notices.container);

let hereStatus = null;
if (KIND === "room" && $("here-details")) {
  hereStatus = document.createElement("p");
  hereStatus.className = "here-status";
  hereStatus.id = "here-status";
  hereStatus.setAttribute("role", "status");
  $("here-details").append(hereStatus);
  mountPresenceChoices($("here-details"), { idPrefix: "here" });
}

async function askToChat(handle, asker) {
  asker.disabled = true;
  hereStatus.textContent = `Asking ${handle}…`;
  try {
    const answer = await client.request({ type: "chat.request", to: handle });
    if (answer.type === "chat.accepted") {
      // They had asked us too: the chat is open.
      hereStatus.textContent = `${handle} had asked you too, so your chat is open.`;
      notices.show({ type: "chat.accepted", chat: answer.chat, by: handle });
    } else {
      notices.remember(answer.chat, handle);
      hereStatus.textContent = `We've asked ${handle}. You'll see a notice here when they answer.`;
    }
  } catch (error) {
    const problem = requestProblem(error, handle);
    hereStatus.replaceChildren(problem.text);
    if (problem.chat) {
      const link = document.createElement("a");
      link.href = `/chats/${Number(problem.chat)}/`;
      link.textContent = "Go to that chat";
      hereStatus.append(" ", link);
    }
  } finally {
    if (asker.isConnected) asker.disabled = false;
  }
}

$("here-list")?.addEventListener("click", (event) => {
  const asker = event.target.closest("button[data-ask]");
  if (asker) askToChat(asker.dataset.ask, asker);
});

export { client, list, status, announcer, input, notices, me };

client.start();
