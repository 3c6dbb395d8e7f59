// A one-on-one chat page (chat.html): the conversation (conversation/mount.js) over
// /ws/chats/<id>/, plus who is here, "Leave chat", "Block this person", and the end of
// the chat (a `chat.closed` frame, then the socket closes with 4403).

import { composerWhy } from "./conversation/composer.js";
import { mountConversation } from "./conversation/mount.js";
import { byId as $, DialogFocus } from "./dom.js";
import { postJSON } from "./http.js";
import { gettext, interpolate } from "./i18n.js";

const page = $("room-page");
const { client, input, status } = mountConversation(page);
const chatId = Number(page.dataset.chat);
const other = page.dataset.with || gettext("The other person");

// --- who is here ----------------------------------------------------------------------

let seenOther = false;
client.addEventListener("presence", (event) => {
  const { online, count } = event.detail;
  // Only the two of you can be here: a count of two means they are (someone invisible is not counted).
  const here = online.includes(other) || count > 1;
  const before = $("chat-presence").textContent;
  let words;
  if (here) words = interpolate(gettext("%(other)s is here now."), { other });
  else if (seenOther) words = interpolate(gettext("%(other)s has stepped away. They'll see your messages when they're back."), { other });
  else words = interpolate(gettext("%(other)s hasn't opened the chat yet. They'll see your messages when they do."), { other });
  seenOther ||= here;
  $("chat-presence").textContent = words;
  if (before !== words && before !== gettext("Connecting…")) status.say(words);
});

// --- the end of the chat ----------------------------------------------------------------

let ended = null; // words saying how it ended, once it has

function showEnded(words) {
  ended ||= words;
  $("room-stopped-text").textContent = ended;
  $("room-stopped-rejoin").hidden = true;
  $("room-stopped").hidden = false;
  $("chat-actions").hidden = true;
  input.disabled = true;
  $("send-button").disabled = true;
  composerWhy(gettext("This chat has ended, so you can't send here."));
  $("chat-presence").textContent = "";
}

// The other side ended it (their copy of chat.closed; `by` is null when they blocked us,
// and we say no more than that the chat has ended).
client.addEventListener("push", (event) => {
  const { frame } = event.detail;
  if (frame.type !== "chat.closed" || frame.chat !== chatId) return;
  showEnded(frame.by === other ? interpolate(gettext("%(other)s left the chat. This chat has ended."), { other }) : gettext("This chat has ended."));
  status.say(ended);
});

// Then (or first: the close may overtake the answer) the socket closes with 4403.
client.addEventListener("stopped", (event) => {
  if (event.detail.reason !== "forbidden" && event.detail.reason !== "not_found") return;
  showEnded(gettext("This chat has ended."));
  $("room-stopped").focus();
});

// --- leave and block --------------------------------------------------------------------

// Focus goes back to the button that opened a dialog, or to the end notice once the chat is over.
const dialogFocus = new DialogFocus(() => input);
const openDialog = (dialog, from) => dialogFocus.open(dialog, from);
for (const dialog of [$("leave-dialog"), $("chat-block-dialog")]) {
  dialog.addEventListener("close", () => {
    if (ended) {
      dialogFocus.opener = null;
      $("room-stopped").focus();
    } else {
      dialogFocus.restore();
    }
  });
}

$("leave-chat").addEventListener("click", (event) => openDialog($("leave-dialog"), event.currentTarget));
$("block-chat").addEventListener("click", (event) => openDialog($("chat-block-dialog"), event.currentTarget));

/** Ends the chat with chat.leave or chat.block (HTTP when the socket is down). */
async function endChat(kind, button, error) {
  const words = kind === "block"
    ? interpolate(gettext("You blocked %(other)s. This chat has ended."), { other })
    : gettext("You left the chat. This chat has ended.");
  button.disabled = true;
  let problem = null;
  try {
    await client.request({ type: kind === "block" ? "chat.block" : "chat.leave" });
  } catch (failure) {
    if (failure.code === "offline") {
      const result = await postJSON(`/api/chats/${chatId}/${kind === "block" ? "block" : "leave"}/`, {});
      if (!result.ok && result.status !== 404) problem = result.data.detail;
    } else if (failure.code !== "disconnected") {
      problem = failure.detail;
    }
    // "disconnected": the server closes the chat's sockets as it ends the chat.
  }
  button.disabled = false;
  if (problem) {
    error.textContent = problem;
    return;
  }
  // Stop first: its "stopped" event must not have the last word.
  client.stop("closed");
  ended = words;
  showEnded(words);
  button.closest("dialog").close();
  status.say(words);
}

$("leave-confirm").addEventListener("click", (event) =>
  endChat("leave", event.currentTarget, $("leave-error")));
$("chat-block-confirm").addEventListener("click", (event) =>
  endChat("block", event.currentTarget, $("chat-block-error")));
