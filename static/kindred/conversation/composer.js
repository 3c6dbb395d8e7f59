// A conversation's outgoing side: the composer, our outbox, why a message waits, and
// "Load earlier messages".

import { byId as $ } from "../dom.js";
import { sendingInWords, shortTime } from "../format.js";
import { gettext, interpolate, ngettext } from "../i18n.js";

/** "Muted in Alcohol until 03:40. …", or "Muted in this chat …" on a one-on-one chat's page. */
function mutedWords(until) {
  if (window.location.pathname.startsWith("/chats/")) {
    return interpolate(gettext("Muted in this chat until %(until)s. You can still read along."), { until });
  }
  const room = $("room-title")?.textContent.trim();
  return room
    ? interpolate(gettext("Muted in %(room)s until %(until)s. You can still read along."), { room, until })
    : interpolate(gettext("Muted here until %(until)s. You can still read along."), { until });
}

/** Sends what the member writes and shows how it is going. */
export function wireComposer(c) {
  const { client, list, input, maxLength: MAX_LENGTH, updateEmpty } = c;
  const { scrollToNewest } = c.scroll;
  const composer = $("composer");
  const composerError = $("composer-error");
  const composerWait = $("composer-wait");
  let waitTimer = null;
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
    const { code, detail, retryAfter, until } = event.detail;
    let words = detail;
    if (until) {
      const time = shortTime(until);
      // A mute: say where and until when, not "try again" (nothing sends before then).
      if (time && code === "muted") words = mutedWords(time);
      else if (time) words = interpolate(gettext("%(detail)s (until %(time)s)"), { detail, time });
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
        composerWait.textContent = sendingInWords(left);
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
      composerError.textContent = gettext("Write something before sending.");
      input.focus();
      return;
    }
    if (body.length > MAX_LENGTH) {
      composerError.textContent = interpolate(gettext("Messages can be up to %(value)s characters."), { value: MAX_LENGTH.toLocaleString() });
      return;
    }
    if (composerError.textContent === gettext("Write something before sending.")) composerError.textContent = "";
    client.send(body);
    input.value = "";
    updateCount();
    scrollToNewest();
    input.focus();
  });

  // The page serves Send disabled: only now does a tap go to the socket, not into a URL.
  $("send-button").disabled = false;

  // On a touch screen Enter adds a new line (two paragraphs must be possible on a
  // phone) and the Send button sends; with a keyboard, Enter sends.
  const touch = isTouchOnly();
  if (touch) {
    input.enterKeyHint = "enter";
    const keys = c.root.querySelector(".hint-keys");
    if (keys) keys.textContent = gettext("Enter adds a new line; tap Send to send.");
  }
  input.addEventListener("keydown", (event) => {
    if (touch) return;
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
}

/** True on a device whose only pointer is a finger (a phone or tablet without a keyboard). */
export function isTouchOnly() {
  return globalThis.matchMedia?.("(hover: none) and (pointer: coarse)").matches ?? false;
}

/** Says beside the composer why it can't be used (empty *words*: it can). */
export function composerWhy(words) {
  const why = $("composer-why");
  if (!why) return;
  why.textContent = words;
  why.hidden = !words;
}

/** \u201cLoad earlier messages\u201d, keeping the member's place. */
export function wireHistory(c) {
  const { client, WORDS } = c;
  let beginningReached = false;
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
        ? gettext("Still loading…") : gettext("You're offline. Earlier messages will load once you're connected.");
      return;
    }
    $("history-status").textContent = gettext("Loading earlier messages…");
  });

  client.addEventListener("history", (event) => {
    const { added, done } = event.detail;
    if (anchor && anchor.isConnected) {
      window.scrollBy(0, anchor.getBoundingClientRect().top - anchorTop);
    }
    anchor = null;
    const loaded = interpolate(ngettext("Loaded %(count)s earlier message.",
      "Loaded %(count)s earlier messages.", added), { count: added });
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
}
