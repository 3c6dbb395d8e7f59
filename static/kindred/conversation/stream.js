// A conversation's incoming side: scrolling, messages as they come, the room's rules,
// the pinned message, who is here, private notices, the crisis card and the end.

import { badgeFor, setTeam } from "../ui/badges.js";
import { button, byId as $, el } from "../dom.js";
import { shortTime } from "../format.js";
import { goJoin } from "../nav.js";
import { plainText, renderBody } from "../ui/messages.js";
import { composerWhy } from "./composer.js";
import { gettext, interpolate, ngettext } from "../i18n.js";

const MODERATORS = new Set(["facilitator", "admin"]);
const NEAR_BOTTOM_PX = 160;

/** The \u201cnew messages below\u201d button and scrolling to the newest; returns the scroll helpers. */
export function wireScrolling(c) {
  const { input } = c;
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
  return { nearBottom, scrollToNewest, queueScrollToNewest };
}

/** Shows what the socket brings. */
export function wireIncoming(c) {
  const { client, list, announcer, status, input, crisis, indicator, me, KIND, WORDS, updateEmpty } = c;
  const { nearBottom, scrollToNewest, queueScrollToNewest } = c.scroll;
  // --- incoming ----------------------------------------------------------------------

  client.addEventListener("state", (event) => indicator.update(event.detail));

  client.addEventListener("welcome", (event) => {
    const { frame, reconnect } = event.detail;
    setTeam(frame.team);
    list.rebadge();
    mutedUntil = typeof frame.muted_until === "string" ? frame.muted_until : null;
    firstPostsWait = frame.you?.first_posts_wait === true;
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

  // A running mute (theirs, or their browser's), from the welcome: said beside the composer
  // before they post, with where and until when.
  let mutedUntil = null;
  // A new handle in a sensitive room (welcome `you.first_posts_wait`): told before they post.
  let firstPostsWait = false;
  function mutedWords() {
    if (!mutedUntil || Date.parse(mutedUntil) <= Date.now()) {
      return firstPostsWait
        ? gettext("New here? In this room your first few messages wait for a quick look from a facilitator before everyone sees them.")
        : "";
    }
    const until = shortTime(mutedUntil);
    return KIND === "room"
      ? interpolate(gettext("Muted in %(room)s until %(until)s. You can still read along."),
        { room: $("room-title").textContent.trim(), until })
      : interpolate(gettext("Muted in this chat until %(until)s. You can still read along."), { until });
  }

  function showRoomRules(room) {
    const notice = $("room-notice");
    const canPost = !room.locked || MODERATORS.has(client.role);
    input.disabled = !canPost;
    $("send-button").disabled = !canPost;
    composerWhy(canPost ? mutedWords() : gettext("You can't post here while the room is locked. You can still read along."));
    if (room.locked) {
      notice.textContent = canPost
        ? gettext("This room is locked: only facilitators can post.")
        : gettext("This room is locked for now. You can still read along.");
    } else if (room.slow_mode_seconds > 0) {
      notice.textContent = interpolate(gettext("Slow mode is on: one message every %(slow_mode_seconds)s seconds."), { slow_mode_seconds: room.slow_mode_seconds });
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
    $("pinned-meta").textContent = typeof pinned.author === "string" ? interpolate(gettext("Pinned message from %(author)s"), { author: pinned.author }) : "";
    section.hidden = false;
  }

  let firstSync = true;
  let followAfterSync = false;
  let bottomBeforeSync = null; // read once per welcome: each read is a layout
  client.addEventListener("message", (event) => {
    const { message, source, own } = event.detail;
    if (source === "page") return; // already shown, by the server (list.adopt)
    if (source === "history") {
      list.upsert(message);
      return;
    }
    if (source === "released") {
      list.upsert(message);
      status.say(gettext("Your message is in the room now."));
      return;
    }
    if (source === "welcome") {
      bottomBeforeSync ??= nearBottom();
      followAfterSync ||= own || bottomBeforeSync;
      list.upsert(message);
      return;
    }
    const follow = own || nearBottom();
    list.upsert(message, { fresh: source === "live" });
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
    bottomBeforeSync = null;
    followAfterSync = false;
  });

  client.addEventListener("resumed", (event) => {
    // Not after the first welcome: what came since the page was made isn't "while away".
    const { added, reconnect } = event.detail;
    if (added > 0 && reconnect) {
      status.say(interpolate(ngettext("%(count)s new message while you were away.",
        "%(count)s new messages while you were away.", added), { count: added }));
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
      const li = el("li");
      const name = el("span", "here-handle", handle);
      li.append(name);
      const badge = badgeFor(handle);
      if (badge) li.append(" ", badge);
      if (handle === me()) {
        name.append(el("span", "you", " (you)"));
      } else if (client.openToChat.has(handle)) {
        const ask = button(gettext("Ask to chat"), "button-link ask-chat", null, interpolate(gettext("Ask to chat with %(handle)s, one-on-one"), { handle }));
        ask.dataset.ask = handle;
        li.append(ask);
      }
      return li;
    });
    $("here-list").replaceChildren(...items);
    if (focused) $("here-list").querySelector(`[data-ask="${CSS.escape(focused)}"]`)?.focus();
    const unlisted = count - online.length;
    $("here-more").hidden = unlisted <= 0;
    $("here-more").textContent = unlisted > 0
      ? interpolate(ngettext("and %(count)s more who isn't listed",
        "and %(count)s more who aren't listed", unlisted), { count: unlisted }) : "";
  });

  client.addEventListener("room", (event) => {
    const room = event.detail.room;
    showRoomRules(room);
    status.say($("room-notice").textContent || gettext("The room's settings changed."));
  });

  client.addEventListener("pinned", (event) => {
    showPinned(event.detail.message);
    if (event.detail.message) status.say(gettext("A facilitator pinned a message."));
  });

  // Private notices from the facilitators (a warning, what became of a report, one of
  // our messages removed, a mute lifted).
  client.addEventListener("private", (event) => {
    const { frame } = event.detail;
    if (typeof frame.message !== "string" || !frame.message) return;
    const box = $("private-notice");
    const titles = {
      warning: gettext("A message from the facilitators"),
      report_outcome: gettext("About your report"),
      removed: gettext("About your message"),
      muted: gettext("Your posting is paused for a while"),
      lifted: gettext("You can post again"),
    };
    const title = titles[frame.kind] || gettext("From the facilitators");
    if (frame.kind === "lifted") {
      mutedUntil = null;
      if (!input.disabled) composerWhy(mutedWords());
    } else if (frame.kind === "muted" && typeof frame.until === "string"
      && (!frame.room || frame.room === client.room?.slug)) {
      mutedUntil = frame.until;
      if (!input.disabled) composerWhy(mutedWords());
    }
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
      goJoin();
      return;
    }
    const words = WORDS.stopped[reason] || WORDS.disconnected;
    $("room-stopped-text").textContent = words;
    $("room-stopped-rejoin").hidden = reason !== "kicked";
    $("room-stopped").hidden = false;
    input.disabled = true;
    $("send-button").disabled = true;
  });
}
