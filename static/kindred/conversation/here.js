// Who is here, "Ask to chat", the member's notices and their presence choices.

import { byId as $, link, statusLine } from "../dom.js";
import { chatPath } from "../nav.js";
import { gettext, interpolate } from "../i18n.js";

/** Notices above the composer, and in a room the \u201chere now\u201d list's extras. */
export function wireHere(c) {
  const { client, status, input, KIND } = c;
  // --- chat requests, notices and presence choices ----------------------------------------------

  // Notices for this member (a chat request, a facilitator checking in, a drop-in match)
  // sit above the composer, where they are seen without scrolling; they never take focus.
  // Their code (ui/notices.js) loads with the first news: most visits have none.
  const container = document.createElement("div");
  container.id = "notices";
  container.setAttribute("role", "region");
  container.setAttribute("aria-label", gettext("Requests and updates for you"));
  document.querySelector(".composer-wrap").prepend(container);
  const waiting = []; // what to do with the notices once they are here
  let loading = null;
  let loaded = null;
  function withNotices(then) {
    if (loaded) {
      then(loaded);
      return;
    }
    waiting.push(then);
    loading ??= import("../ui/notices.js").then(({ ChatNotices }) => {
      client.removeEventListener("push", early);
      loaded = new ChatNotices(container, {
        client, // from now on it hears the news itself
        announcer: status,
        fallbackFocus: () => (input.disabled ? null : input),
      });
      for (const call of waiting.splice(0)) call(loaded);
    }, () => {
      loading = null; // offline: the next news tries again
    });
  }
  function early(event) {
    const { frame } = event.detail;
    withNotices((loadedNotices) => loadedNotices.show(frame));
  }
  client.addEventListener("push", early);
  const notices = {
    container,
    show: (frame) => withNotices((loadedNotices) => loadedNotices.show(frame)),
    remember: (chatId, handle) => withNotices((loadedNotices) => loadedNotices.remember(chatId, handle)),
  };

  let hereStatus = null;
  if (KIND === "room" && $("here-details")) {
    hereStatus = statusLine("here-status", "here-status");
    $("here-details").append(hereStatus);
    // The page carries the member's choices, so the first screen needs no request for them.
    const { openToChat, invisible } = $("room-page").dataset;
    const initial = invisible === undefined ? null
      : { open_to_chat: openToChat === "1", invisible: invisible === "1" };
    // Inside the "here now" details, closed on a phone: loaded the first time it opens.
    const details = $("here-details");
    const mount = () => {
      if (!details.open) return;
      details.removeEventListener("toggle", mount);
      import("../ui/presence-choices.js").then(
        ({ mountPresenceChoices }) => mountPresenceChoices(details, { idPrefix: "here", initial }),
        () => details.addEventListener("toggle", mount),
      );
    };
    details.addEventListener("toggle", mount);
    mount();
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
      const { requestProblem } = await import("../chat-requests.js");
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
