// Who is here, "Ask to chat", the member's notices and their presence choices.

import { requestProblem } from "../chat-requests.js";
import { byId as $, link, statusLine } from "../dom.js";
import { chatPath } from "../nav.js";
import { ChatNotices } from "../ui/notices.js";
import { mountPresenceChoices } from "../ui/presence-choices.js";
import { gettext, interpolate } from "../i18n.js";

/** Notices above the composer, and in a room the \u201chere now\u201d list's extras. */
export function wireHere(c) {
  const { client, status, input, KIND } = c;
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
  notices.container.setAttribute("aria-label", gettext("Requests and updates for you"));
  document.querySelector(".composer-wrap").prepend(notices.container);

  let hereStatus = null;
  if (KIND === "room" && $("here-details")) {
    hereStatus = statusLine("here-status", "here-status");
    $("here-details").append(hereStatus);
    // The page carries the member's choices, so the first screen needs no request for them.
    const { openToChat, invisible } = $("room-page").dataset;
    const initial = invisible === undefined ? null
      : { open_to_chat: openToChat === "1", invisible: invisible === "1" };
    mountPresenceChoices($("here-details"), { idPrefix: "here", initial });
  }

  async function askToChat(handle, asker) {
    asker.disabled = true;
    hereStatus.textContent = interpolate(gettext("Asking %(handle)s…"), { handle });
    try {
      const answer = await client.request({ type: "chat.request", to: handle });
      if (answer.type === "chat.accepted") {
        // They had asked us too: the chat is open.
        hereStatus.textContent = interpolate(gettext("%(handle)s had asked you too, so your chat is open."), { handle });
        notices.show({ type: "chat.accepted", chat: answer.chat, by: handle });
      } else {
        notices.remember(answer.chat, handle);
        hereStatus.textContent = interpolate(gettext("We've asked %(handle)s. You'll see a notice here when they answer."), { handle });
      }
    } catch (error) {
      const problem = requestProblem(error, handle);
      hereStatus.replaceChildren(problem.text);
      if (problem.chat) hereStatus.append(" ", link(chatPath(problem.chat), gettext("Go to that chat")));
    } finally {
      if (asker.isConnected) asker.disabled = false;
    }
  }

  $("here-list")?.addEventListener("click", (event) => {
    const asker = event.target.closest("button[data-ask]");
    if (asker) askToChat(asker.dataset.ask, asker);
  });
  return notices;
}
