// The daily check-in, offered once a day on arrival: "How are you today?" with a way
// there and a "Not today". Three dismissals turn it off (the recovery page turns it on).
// Once the server says it isn't due, this browser doesn't ask again until tomorrow.

import { button, byId, el, link } from "./dom.js";
import { getJSON, postJSON } from "./http.js";
import { gettext } from "./i18n.js";

const ASKED_KEY = "kindred.checkin-asked";

function localDay() {
  const now = new Date();
  return `${now.getFullYear()}-${now.getMonth() + 1}-${now.getDate()}`;
}

function remember() {
  try {
    window.localStorage.setItem(ASKED_KEY, localDay());
  } catch {
    // Storage blocked: we ask again on the next page, which is harmless.
  }
}

function askedToday() {
  try {
    return window.localStorage.getItem(ASKED_KEY) === localDay();
  } catch {
    return false;
  }
}

async function offer() {
  const box = byId("checkin-prompt");
  // Not on the recovery page itself, where the check-in is the first thing (room and chat
  // pages don't load this module: it would push the messages down as it appears).
  if (!box || askedToday() || window.location.pathname.startsWith("/recovery/")) return;
  const answer = await getJSON("/api/recovery/checkin/");
  if (!answer.ok) return;
  if (!answer.data.due) {
    remember();
    return;
  }
  const text = el("p", "checkin-prompt-text",
    gettext("How are you today? A daily check-in takes a moment, and only you see it."));
  text.id = "checkin-prompt-text";
  const go = link("/recovery/#checkin", gettext("Check in"), "button button-primary button-small");
  const later = button(gettext("Not today"), "button button-quiet button-small", async () => {
    later.disabled = true;
    await postJSON("/api/recovery/checkin/dismiss/");
    remember();
    box.hidden = true;
  });
  const actions = el("div", "checkin-prompt-actions");
  actions.append(go, later);
  box.replaceChildren(text, actions);
  box.hidden = false;
}

offer();
