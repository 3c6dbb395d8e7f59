// The drop-in line (/dropin/): one button joins it (POST /api/dropin/); then the page
// shows your place and an honest estimate, and asks GET /api/dropin/ every 4 s or so (at
// once when the tab becomes visible again) until a helper takes the request, when it
// goes to /chats/<id>/. It opens no socket: a room socket would list you in that room
// while you wait here. After DROPIN_TIMEOUT_SECONDS (data-timeout) it says, kindly,
// that nobody has been free yet: stay in line (the default) or leave it.

import { Announcer, byId as $ } from "./dom.js";
import { deleteJSON, getJSON, postJSON } from "./http.js";
import { chatPath, goJoin } from "./nav.js";
import { languageName } from "./format.js";
import { gettext, interpolate, ngettext } from "./i18n.js";

const page = $("dropin-page");
const EVERY_MS = 4000;
const TIMEOUT_MS = (Number(page.dataset.timeout) || 600) * 1000;
const PANELS = ["start-panel", "waiting-panel", "timeout-panel", "matched-panel"];

let state = page.dataset.state || "start";
let waitingSince = Date.now() - (Number(page.dataset.waited) || 0) * 1000;
let timeoutShown = state === "timeout";
let pollTimer = null;
let timeoutTimer = null;
let lastPlace = null;

const announcer = new Announcer($("dropin-announcer"), 3);
const say = (text) => announcer.say(text);

function show(panelId, { focus = true } = {}) {
  for (const id of PANELS) $(id).hidden = id !== panelId;
  if (focus) {
    const panel = $(panelId);
    (panel.querySelector("h2[tabindex]") || panel).focus();
  }
}

// --- words ---------------------------------------------------------------------------------

function placeWords(place) {
  if (!Number.isInteger(place)) return gettext("You're in line.");
  return place <= 1 ? gettext("You're next in line.") : interpolate(gettext("You're number %(place)s in line."), { place });
}

function estimateWords(seconds) {
  if (!Number.isFinite(seconds)) return gettext("We don't have enough recent chats to estimate a wait.");
  if (seconds < 60) return gettext("Recent waits have been under a minute.");
  const minutes = Math.round(seconds / 60);
  return interpolate(ngettext("Recent waits have been about %(count)s minute.",
    "Recent waits have been about %(count)s minutes.", minutes), { count: minutes });
}

function helperWords(count, speaking, language) {
  if (!Number.isInteger(count)) return "";
  if (speaking === 0 && count > 0 && typeof language === "string") {
    return interpolate(gettext("Nobody who speaks %(language)s is free this minute, so we've asked "
      + "everyone who is. They may write to you in another language."), { language: languageName(language) });
  }
  if (count === 0) {
    return gettext("Nobody is free to take chats this minute. You can stay in line: "
      + "we'll connect you as soon as someone is.");
  }
  return interpolate(ngettext("%(count)s person is available to take chats right now.",
    "%(count)s people are available to take chats right now.", count), { count });
}

function renderWaiting(status) {
  $("place").textContent = placeWords(status.place);
  $("estimate").textContent = estimateWords(status.estimate_seconds);
  $("helpers").textContent = helperWords(status.helpers_available, status.helpers_speaking, status.language);
  if (lastPlace !== null && status.place !== lastPlace && Number.isInteger(status.place)) {
    say(placeWords(status.place));
  }
  lastPlace = status.place;
}

// --- the line ------------------------------------------------------------------------------

function onStatus(status) {
  if (!status || typeof status !== "object") return;
  if (status.status === "matched" && Number.isSafeInteger(status.chat)) {
    stopWaiting();
    state = "matched";
    $("matched-text").textContent = gettext("Someone is ready to talk with you. Taking you to your chat…");
    $("matched-link").href = chatPath(status.chat);
    show("matched-panel");
    say(gettext("Someone is ready to talk with you. Taking you to your chat."));
    window.location.assign(chatPath(status.chat));
    return;
  }
  if (status.status === "cancelled") {
    // Left in another tab, or here.
    stopWaiting();
    state = "start";
    $("start-status").textContent = gettext("You're not in the line. You can join again whenever you like.");
    show("start-panel");
    return;
  }
  if (status.status === "waiting") renderWaiting(status);
}

async function poll() {
  const result = await getJSON("/api/dropin/");
  if (result.status === 401) return goJoin();
  if (result.ok && (state === "waiting" || state === "timeout")) onStatus(result.data);
}

function schedule() {
  clearTimeout(pollTimer);
  pollTimer = setTimeout(async () => {
    if (document.visibilityState === "visible") await poll();
    if (state === "waiting" || state === "timeout") schedule();
  }, EVERY_MS + Math.random() * 1000);
}

function armTimeout() {
  clearTimeout(timeoutTimer);
  if (timeoutShown) return;
  timeoutTimer = setTimeout(() => {
    if (state !== "waiting") return;
    timeoutShown = true;
    state = "timeout";
    show("timeout-panel");
    say(gettext("Nobody has been free to take your chat yet. You're still in line."));
  }, Math.max(0, waitingSince + TIMEOUT_MS - Date.now()));
}

function startWaiting(status) {
  state = "waiting";
  show("waiting-panel");
  if (status) onStatus(status);
  schedule();
  armTimeout();
}

function stopWaiting() {
  clearTimeout(pollTimer);
  clearTimeout(timeoutTimer);
}

document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible" && (state === "waiting" || state === "timeout")) {
    poll();
    schedule();
  }
});
window.addEventListener("online", () => {
  if (state === "waiting" || state === "timeout") poll();
});

$("join-line").addEventListener("click", async () => {
  const button = $("join-line");
  $("start-error").textContent = "";
  $("start-status").textContent = "";
  button.disabled = true;
  const result = await postJSON("/api/dropin/", { language: $("dropin-language").value });
  button.disabled = false;
  if (result.status === 401) return goJoin();
  if (!result.ok) {
    $("start-error").textContent = result.data.detail;
    return;
  }
  waitingSince = Date.now();
  timeoutShown = false;
  lastPlace = null;
  startWaiting(result.data);
  say(`${placeWords(result.data.place)} ${estimateWords(result.data.estimate_seconds)}`);
});

async function leave(errorId) {
  $(errorId).textContent = "";
  const result = await deleteJSON("/api/dropin/");
  if (result.status === 401) return goJoin();
  if (!result.ok) {
    $(errorId).textContent = result.data.detail;
    return;
  }
  stopWaiting();
  state = "start";
  $("start-status").textContent = gettext("You've left the line. You can come back whenever you like.");
  show("start-panel");
}

$("leave-line").addEventListener("click", () => leave("waiting-error"));
$("leave-line-timeout").addEventListener("click", () => leave("timeout-error"));
$("stay-line").addEventListener("click", () => {
  state = "waiting";
  show("waiting-panel");
  say(gettext("You're still in line."));
});

// The button is disabled in the HTML until this script is here to answer it.
$("join-line").disabled = false;

// Already waiting (a reload, or another tab): carry on where we were.
if (state === "waiting" || state === "timeout") {
  poll();
  schedule();
  armTimeout();
}
