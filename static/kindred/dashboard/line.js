// The drop-in line as helpers see it: who is waiting, oldest first, and "Take this chat".

import { takeDropIn } from "../chat-requests.js";
import { button, byId as $, el, link } from "../dom.js";
import { languageName, waitedWords } from "../format.js";
import { getJSON } from "../http.js";
import { gettext, interpolate } from "../i18n.js";
import { chatPath, openChatInNewTab } from "../nav.js";
import { client, polite } from "./context.js";
import { onTabShown } from "./tabs.js";

const LINE_EVERY_MS = 15000;

const waiting = new Map(); // request id -> {since, node}

function renderWaitingAge(entry) {
  entry.node.querySelector(".dropin-age").textContent = waitedWords(Date.now() - entry.since);
}

export function addWaiting(requestId, since, language) {
  if (!Number.isSafeInteger(requestId)) return false;
  const known = waiting.get(requestId);
  if (known) {
    known.since = Math.min(known.since, since);
    renderWaitingAge(known);
    return false;
  }
  const node = el("li", "dropin-offer");
  node.dataset.request = String(requestId);
  const age = el("span", "dropin-age");
  age.id = `dropin-age-${requestId}`;
  // The language they asked to talk in (offered first to those who speak it).
  if (typeof language === "string") node.append(el("span", "dropin-language", `${languageName(language)} · `));
  const take = button(gettext("Take this chat"), "button button-primary button-small", () => takeRequest(requestId, take));
  take.setAttribute("aria-describedby", age.id);
  node.append(age, take);
  const entry = { since, node };
  waiting.set(requestId, entry);
  renderWaitingAge(entry);
  // Oldest first: the one waiting longest goes before anyone who came later.
  const later = [...waiting.values()]
    .filter((other) => other !== entry && other.since > since && other.node.isConnected)
    .sort((a, b) => a.since - b.since)[0];
  $("dropin-list").insertBefore(node, later ? later.node : null);
  updateLineCount();
  return true;
}

export function removeWaiting(requestId) {
  const entry = waiting.get(requestId);
  if (!entry) return;
  const hadFocus = entry.node.contains(document.activeElement);
  entry.node.remove();
  waiting.delete(requestId);
  updateLineCount();
  if (hadFocus) ($("dropin-list").querySelector("button") || $("dropin-heading")).focus();
}

export function updateLineCount() {
  $("dropin-empty").hidden = waiting.size > 0;
  if ($("dropin-count")) $("dropin-count").textContent = String(waiting.size);
}

async function takeRequest(requestId, takeButton) {
  const status = $("dropin-status");
  takeButton.disabled = true;
  status.replaceChildren(gettext("Taking the chat…"));
  const result = await takeDropIn(client, requestId);
  if (!result.ok) {
    takeButton.disabled = false;
    status.replaceChildren(result.code === "taken"
      ? gettext("Someone else is already with this member. Thank you.") : result.detail);
    if (result.code === "taken") removeWaiting(requestId);
    return;
  }
  const { chat, with: handle } = result.frame;
  removeWaiting(requestId);
  openChatInNewTab(chat);
  const opened = interpolate(gettext("You're with %(handle)s. The chat is open in a new tab."), { handle });
  status.replaceChildren(`${opened} `,
    link(chatPath(chat), interpolate(gettext("Go to the chat with %(handle)s"), { handle }), "", { newTab: true }));
  polite.say(opened);
}

let lineTimer = null;
export async function refreshLine() {
  const result = await getJSON("/api/dropin/line/");
  if (!result.ok || !Array.isArray(result.data)) {
    if (result.status === 403) $("dropin-status").textContent = result.data.detail;
    return;
  }
  const now = Date.now();
  const present = new Set();
  for (const row of result.data) {
    present.add(row.request);
    addWaiting(row.request, now - (Number(row.waiting_seconds) || 0) * 1000, row.language);
  }
  for (const id of [...waiting.keys()]) if (!present.has(id)) removeWaiting(id);
}

export function scheduleLine(also = async () => {}) {
  clearTimeout(lineTimer);
  lineTimer = setTimeout(async () => {
    if (document.visibilityState === "visible") await Promise.all([refreshLine(), also()]);
    for (const entry of waiting.values()) renderWaitingAge(entry);
    scheduleLine(also);
  }, LINE_EVERY_MS + Math.random() * 2000);
}
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") refreshLine();
});

onTabShown("tab-dropin", refreshLine);
