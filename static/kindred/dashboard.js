// The facilitators' dashboard (/facilitators/, facilitators/dashboard.html).
//
// Facilitators and admins: the live queue over /ws/moderation/ (mod-client.js), the
// selected item with its context and one-click actions, crisis alerts, the drop-in
// line, room controls, the audit log and the duty switch. Peer supporters: the drop-in
// line only, over HTTP. Every action goes over the socket when it is connected and
// over the matching HTTP endpoint when it is not.
//
// Safety rule (as in chat-ui.js): a message `body` is the only thing inserted as
// HTML, through renderBody; handles, excerpts, reasons and errors are text.

import { postJSON, shortTime } from "./api.js";
import { Announcer, ConnectionIndicator, plainText, renderBody } from "./chat-ui.js";
import { ModerationClient } from "./net/mod-client.js";
import {
  ChatNotices,
  chatPath,
  getJSON,
  mountPresenceChoices,
  openChatInNewTab,
  takeDropIn,
} from "./notices.js";

const $ = (id) => document.getElementById(id);
const root = $("dashboard");
const MODERATOR = root.dataset.moderator === "1";
const ME = root.dataset.me || "";
const LINE_EVERY_MS = 15000;

const polite = new Announcer($("dash-announcer"));
const urgent = new Announcer($("alert-announcer"), 2);

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

function button(text, className, onClick) {
  const node = el("button", className, text);
  node.type = "button";
  if (onClick) node.addEventListener("click", onClick);
  return node;
}

function chatLink(chatId, words) {
  const link = el("a", "", words);
  link.href = chatPath(chatId);
  link.target = "_blank";
  link.rel = "noopener";
  return link;
}

function plural(count, one, many = `${one}s`) {
  return `${count} ${count === 1 ? one : many}`;
}

function waitedWords(ms) {
  const minutes = Math.floor(Math.max(0, ms) / 60000);
  if (minutes < 1) return "Waiting less than a minute";
  if (minutes < 90) return `Waiting ${plural(minutes, "minute")}`;
  return `Waiting ${plural(Math.round(minutes / 60), "hour")}`;
}

// --- words for queue items --------------------------------------------------------------

const KIND_WORDS = {
  crisis: "Crisis",
  report: "Report",
  contact_info: "Contact details",
  blocked_word: "Blocked word",
  new_link: "Link from a new handle",
  rate_limit: "Sending too fast",
};
const CRISIS_WORDS = {
  suicide: "thoughts of suicide",
  self_harm: "self-harm",
  overdose: "overdose",
  violence: "violence or abuse",
};
const REASON_WORDS = {
  harassment: "harassment",
  spam: "spam, selling or sourcing",
  unsafe: "someone may be unsafe",
  contact_info: "contact or personal details",
  other: "something else",
};
const RESOLUTION_WORDS = {
  dismissed: "dismissed, no action needed",
  removed: "the message was removed",
  warned: "the member was warned",
  muted: "the member was muted",
  kicked: "the member was asked to leave the room",
  banned: "the member was banned",
};

const roomTitles = new Map(
  [...document.querySelectorAll("[data-room]")].map((node) => [node.dataset.room, node.dataset.title]),
);

function categoryWords(item) {
  const category = typeof item.category === "string" ? item.category : "";
  if (item.kind === "crisis") return CRISIS_WORDS[category] || category;
  if (item.kind === "report") return REASON_WORDS[category] || category;
  if (item.kind === "contact_info") return category.split(",").filter(Boolean).join(", ");
  if (item.kind === "blocked_word") return category ? `\u201c${category}\u201d` : "";
  return "";
}

function itemTitle(item) {
  const kind = KIND_WORDS[item.kind] || String(item.kind || "Item");
  const category = categoryWords(item);
  return category ? `${kind}: ${category}` : kind;
}

/** Where: a topic room's title, or "a one-on-one chat" (a chat's room slug is private). */
function roomWords(slug, kind) {
  if (!slug) return "";
  if (kind === "direct") return "a one-on-one chat";
  return roomTitles.get(slug) || slug;
}

function reasonsWords(item) {
  const reasons = item.reasons && typeof item.reasons === "object" ? item.reasons : {};
  const parts = Object.entries(reasons).map(([reason, count]) => `${REASON_WORDS[reason] || reason} ${count}`);
  return parts.length ? ` (${parts.join(", ")})` : "";
}

function stateWords(item) {
  if (item.state === "claimed") return item.claimed_by === ME ? "You claimed it" : `Claimed by ${item.claimed_by}`;
  if (item.state === "open") return "Nobody has claimed it yet";
  return RESOLUTION_WORDS[item.resolution] ? `Closed: ${RESOLUTION_WORDS[item.resolution]}` : "Closed";
}

function isOpen(item) {
  return item.state === "open" || item.state === "claimed";
}

function queueOrder(a, b) {
  return (a.priority - b.priority)
    || (b.weight - a.weight)
    || (Date.parse(a.created_at) - Date.parse(b.created_at))
    || (a.id - b.id);
}

// --- sending: the socket when connected, else HTTP ----------------------------------------

const client = MODERATOR ? new ModerationClient("/ws/moderation/", { me: ME }) : null;

/** Frame fields without the empty optional ones (frames refuse nulls and unknown fields). */
function frameOf(type, fields) {
  const frame = { type };
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined || value === null || value === "") continue;
    frame[key] = value;
  }
  return frame;
}

async function overHttp(frame) {
  const { type, ...fields } = frame;
  let result;
  if (type === "context") {
    result = await getJSON(`/api/moderation/items/${Number(fields.item)}/context/`);
  } else if (type === "audit") {
    result = await getJSON("/api/moderation/audit/");
    if (result.ok) result.data = { type: "audit", entries: result.data };
  } else if (type === "duty") {
    result = await postJSON("/api/presence/me/", { on_duty: fields.on });
  } else {
    if (type === "warn" && fields.text === undefined) fields.text = "";
    result = await postJSON(`/api/moderation/actions/${type}/`, fields);
  }
  if (result.ok) return result.data;
  throw { code: result.data?.error || "error", detail: result.data?.detail || "That didn't work.", status: result.status };
}

async function send(frame) {
  if (client && client.connected) {
    try {
      return await client.request(frame);
    } catch (error) {
      if (error.code !== "offline") throw error;
    }
  }
  return overHttp(frame);
}

// --- the connection and the duty switch ------------------------------------------------------

let syncDuty = async () => {};

if (client) {
  const indicator = new ConnectionIndicator({
    root: $("conn"),
    text: $("conn-text"),
    retry: $("conn-retry"),
    announcer: polite,
    onRetry: () => client.reconnectNow(),
  });
  client.addEventListener("state", (event) => indicator.update(event.detail));
  client.addEventListener("stopped", (event) => {
    const { reason } = event.detail;
    if (reason === "closed") return;
    $("dash-stopped-text").textContent = reason === "no_session"
      ? "Your session has ended. Sign in again to see the queue."
      : "The queue is only for facilitators and admins, and this session can't open it any more.";
    $("dash-stopped").hidden = false;
  });

  const duty = $("duty-switch");
  const dutyState = $("duty-state");
  duty.disabled = false; // disabled in the HTML until this script can send it
  // Another tab may have changed it: check on every (re)connect and when the tab is shown.
  syncDuty = async () => {
    if (duty.disabled) return;
    const result = await getJSON("/api/presence/me/");
    if (!result.ok || typeof result.data.on_duty !== "boolean" || duty.disabled) return;
    duty.checked = result.data.on_duty;
    dutyState.textContent = duty.checked ? "You're on duty." : "You're off duty.";
  };
  client.addEventListener("queue", syncDuty);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") syncDuty();
  });
  duty.addEventListener("change", async () => {
    const on = duty.checked;
    duty.disabled = true;
    dutyState.textContent = on ? "Going on duty…" : "Going off duty…";
    try {
      const answer = await send({ type: "duty", on });
      duty.checked = answer.on_duty === true;
      dutyState.textContent = duty.checked ? "You're on duty." : "You're off duty.";
      if (duty.checked) refreshLine();
    } catch (error) {
      duty.checked = !on;
      dutyState.textContent = `${error.detail} ${duty.checked ? "You're on duty." : "You're off duty."}`;
    } finally {
      duty.disabled = false;
    }
  });
}

// --- tabs ----------------------------------------------------------------------------------

const tabs = [...document.querySelectorAll("[role=tab]")];

function selectTab(tab, { focus = false } = {}) {
  for (const other of tabs) {
    const selected = other === tab;
    other.setAttribute("aria-selected", String(selected));
    other.tabIndex = selected ? 0 : -1;
    $(other.getAttribute("aria-controls")).hidden = !selected;
  }
  if (focus) tab.focus();
  if (tab.id === "tab-audit") loadAudit();
  if (tab.id === "tab-dropin") refreshLine();
}

for (const tab of tabs) {
  tab.addEventListener("click", () => selectTab(tab));
  tab.addEventListener("keydown", (event) => {
    const index = tabs.indexOf(tab);
    const next = {
      ArrowRight: tabs[(index + 1) % tabs.length],
      ArrowLeft: tabs[(index - 1 + tabs.length) % tabs.length],
      Home: tabs[0],
      End: tabs[tabs.length - 1],
    }[event.key];
    if (next) {
      event.preventDefault();
      selectTab(next, { focus: true });
    }
  });
}

// --- dialogs ---------------------------------------------------------------------------------

let dialogOpener = null;

function openDialog(dialog, opener) {
  dialogOpener = opener || null;
  dialog.querySelector(".form-error").textContent = "";
  dialog.showModal();
}

for (const dialog of document.querySelectorAll("dialog")) {
  dialog.addEventListener("close", () => {
    const target = dialogOpener && dialogOpener.isConnected && dialogOpener.offsetParent !== null
      ? dialogOpener : $("item-detail");
    dialogOpener = null;
    target?.focus();
  });
}
for (const closer of document.querySelectorAll("[data-close-dialog]")) {
  closer.addEventListener("click", () => closer.closest("dialog").close());
}

/** Runs *run* from a dialog's form; an error stays in the dialog, success closes it. */
function wireDialog(form, collect) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const dialog = form.closest("dialog");
    const error = form.querySelector(".form-error");
    const submit = form.querySelector("button[type=submit]");
    const run = dialog.run;
    if (!run) return;
    error.textContent = "";
    submit.disabled = true;
    try {
      await run(collect());
      dialog.run = null;
      dialog.close();
    } catch (failure) {
      error.textContent = failure.detail || "That didn't work. Please try again.";
    } finally {
      submit.disabled = false;
    }
  });
}

function confirmAction({ title, text, ok, reason = false, run, opener }) {
  const dialog = $("confirm-dialog");
  $("confirm-title").textContent = title;
  $("confirm-text").textContent = text;
  $("confirm-ok").textContent = ok;
  $("confirm-reason-field").hidden = !reason;
  $("confirm-reason").value = "";
  dialog.run = run;
  openDialog(dialog, opener);
  (reason ? $("confirm-reason") : $("confirm-ok")).focus();
}

if (MODERATOR) {
  wireDialog($("confirm-form"), () => ({ reason: $("confirm-reason").value.trim() }));
  wireDialog($("warn-form"), () => ({ text: $("warn-text").value.trim() }));
  wireDialog($("mute-form"), () => ({
    minutes: Number($("mute-minutes").value),
    everywhere: $("mute-everywhere").checked,
    reason: $("mute-reason").value.trim(),
  }));
}

// --- the queue -----------------------------------------------------------------------------

const items = new Map(); // id -> item
const nodes = new Map(); // id -> <li>
let selected = null;

function updateCounts() {
  if (!MODERATOR) return;
  $("queue-count").textContent = String(items.size);
  $("queue-empty").hidden = items.size > 0;
}

function fillItemNode(node, item) {
  node.className = `queue-item queue-kind-${item.kind}${item.kind === "crisis" ? " queue-item-crisis" : ""}`;
  node.dataset.item = String(item.id);
  const pick = node.querySelector("button") || button("", "queue-item-button");
  pick.dataset.pick = String(item.id);
  if (item.id === selected) pick.setAttribute("aria-current", "true");
  else pick.removeAttribute("aria-current");
  const where = roomWords(item.room, item.room_kind);
  const when = shortTime(item.created_at);
  const preview = item.message && typeof item.message.body === "string"
    ? plainText(item.message.body) : String(item.excerpt || "");
  const counts = [];
  if (item.reports) counts.push(plural(item.reports, "report"));
  counts.push(stateWords(item));
  pick.replaceChildren(
    el("span", "queue-item-title", itemTitle(item)),
    el("span", "queue-item-meta", [item.subject, where, when].filter(Boolean).join(" · ")),
    el("span", "queue-item-preview", preview || "(no message)"),
    el("span", "queue-item-state", counts.join(" · ")),
  );
  if (!pick.isConnected) node.append(pick);
}

/** Puts the list in queue order, moving as few nodes as it can, keeping focus. */
function placeAll() {
  const list = $("queue-list");
  const focused = list.contains(document.activeElement) ? document.activeElement : null;
  let previous = null;
  for (const item of [...items.values()].sort(queueOrder)) {
    const node = nodes.get(item.id);
    const wanted = previous ? previous.nextElementSibling : list.firstElementChild;
    if (wanted !== node) list.insertBefore(node, wanted);
    previous = node;
  }
  if (focused && focused.isConnected && document.activeElement !== focused) focused.focus({ preventScroll: true });
}

function upsertItem(item, { fresh = false, quiet = false } = {}) {
  if (!item || !Number.isSafeInteger(item.id)) return;
  if (!isOpen(item)) {
    closeItem(item);
    return;
  }
  const known = items.has(item.id);
  items.set(item.id, item);
  let node = nodes.get(item.id);
  if (!node) {
    node = el("li");
    nodes.set(item.id, node);
    $("queue-list").append(node);
  }
  fillItemNode(node, item);
  if (!quiet) placeAll();
  if (item.id === selected) renderDetail(item);
  updateAlert(item);
  updateCounts();
  if (!known && fresh && !quiet) {
    polite.say(`New in the queue: ${itemTitle(item)}${item.subject ? `, about ${item.subject}` : ""}.`);
  }
}

function closeItem(item) {
  items.delete(item.id);
  nodes.get(item.id)?.remove();
  nodes.delete(item.id);
  if (item.id === selected) renderDetail(item);
  dropAlert(item.id);
  updateCounts();
}

function replaceQueue(list) {
  const fresh = new Set(list.filter((item) => isOpen(item)).map((item) => item.id));
  for (const [id, item] of [...items]) {
    if (!fresh.has(id)) closeItem({ ...item, state: "resolved", resolution: null });
  }
  for (const item of list) upsertItem(item, { quiet: true });
  placeAll();
  updateCounts();
}

if (client) {
  client.addEventListener("queue", (event) => replaceQueue(event.detail.items));
  client.addEventListener("item", (event) => upsertItem(event.detail.item, { fresh: event.detail.fresh }));
}

$("queue-list")?.addEventListener("click", (event) => {
  const pick = event.target.closest("button[data-pick]");
  if (pick) selectItem(Number(pick.dataset.pick));
});

// --- the selected item --------------------------------------------------------------------------

const ACTIONS = MODERATOR ? [...$("item-actions").querySelectorAll("[data-act]")] : [];

function selectItem(id) {
  const item = items.get(id);
  if (!item) return;
  selected = id;
  for (const [otherId, node] of nodes) {
    const pick = node.querySelector("button[data-pick]");
    if (otherId === id) pick.setAttribute("aria-current", "true");
    else pick.removeAttribute("aria-current");
  }
  $("detail-status").replaceChildren();
  renderDetail(item);
  loadContext(item);
  $("item-detail").hidden = false;
  $("item-detail").focus();
}

function renderDetail(item) {
  const detail = $("item-detail");
  const open = isOpen(item);
  detail.classList.toggle("item-detail-crisis", item.kind === "crisis");
  $("detail-heading").textContent = itemTitle(item);
  const where = roomWords(item.room, item.room_kind);
  $("detail-meta").textContent = [
    item.subject ? `About ${item.subject}` : "About no one in particular",
    where ? `in ${where}` : "",
    item.created_at ? `filed ${shortTime(item.created_at)}` : "",
  ].filter(Boolean).join(" · ");
  const flags = [];
  if (item.reports) flags.push(`${plural(item.reports, "report")}${reasonsWords(item)}`);
  if (Number.isFinite(item.weight)) flags.push(`weight ${item.weight}`);
  flags.push(open ? stateWords(item) : `This item has left the queue: ${RESOLUTION_WORDS[item.resolution] || "it was closed"}.`);
  $("detail-flags").textContent = flags.join(" · ");
  // Reporters' own words, newest first (never who wrote them): text, not HTML.
  const notes = Array.isArray(item.notes) ? item.notes : [];
  $("detail-notes").replaceChildren(
    ...notes.map((n) => el("li", "", `${REASON_WORDS[n.reason] || n.reason}: ${String(n.note || "")}`)),
  );
  $("detail-notes-wrap").hidden = !notes.length;

  const message = item.message && typeof item.message === "object" ? item.message : null;
  $("detail-message").hidden = !message;
  if (message) {
    renderBody($("detail-body"), message.body);
    const notes = [];
    if (message.removed) notes.push("This message has been removed from the room.");
    if (message.held) notes.push("Held: the room never saw this message.");
    $("detail-body").classList.toggle("detail-body-removed", Boolean(message.removed));
    if (notes.length) $("detail-body").append(el("p", "detail-note", notes.join(" ")));
  }
  // What they typed, before contact details were taken out: only worth showing when it
  // says more than the message itself (or the message is gone).
  const excerpt = String(item.excerpt || "");
  const same = message && excerpt.replace(/\s+/g, " ").trim() === plainText(message.body);
  $("detail-excerpt-wrap").hidden = !excerpt || Boolean(same);
  $("detail-excerpt").textContent = excerpt;

  const topic = item.room_kind === "topic";
  const live = message && !message.removed;
  const show = {
    reach_out: Boolean(item.subject) && item.subject !== ME,
    claim: open && item.state === "open",
    remove_message: open && Boolean(live),
    release_message: Boolean(live) && Boolean(message.held),
    warn: open && Boolean(item.subject),
    mute: open && Boolean(item.subject),
    kick: open && Boolean(item.subject) && topic,
    ban: open && Boolean(item.subject),
    pin: Boolean(live) && !message.held && topic,
    dismiss: open,
  };
  for (const action of ACTIONS) action.hidden = !show[action.dataset.act];
  const reach = ACTIONS.find((a) => a.dataset.act === "reach_out");
  reach.className = `button button-small ${item.kind === "crisis" ? "button-primary" : "button-quiet"}`;
  $("item-actions").hidden = !ACTIONS.some((action) => !action.hidden);
}

async function loadContext(item) {
  const list = $("context-list");
  const status = $("context-status");
  list.replaceChildren();
  if (!item.message) {
    status.textContent = "This item isn't about a message, so there's no context to show.";
    return;
  }
  status.textContent = "Loading the context…";
  try {
    const answer = await send({ type: "context", item: item.id });
    if (selected !== item.id) return;
    const messages = Array.isArray(answer.messages) ? answer.messages : [];
    list.replaceChildren(...messages.map((message) => contextItem(item, message)));
    status.textContent = messages.length ? "" : "The message is no longer stored.";
  } catch (error) {
    if (selected === item.id) status.textContent = error.detail;
  }
}

function contextItem(item, message) {
  const li = el("li", "ctx-msg");
  li.dataset.message = String(message.id);
  if (message.reported) li.classList.add("ctx-reported");
  if (message.removed) li.classList.add("ctx-removed");
  const head = el("div", "msg-head");
  head.append(el("span", "msg-author", String(message.author || "")));
  if (message.sent_at) {
    const time = el("time", "msg-time", shortTime(message.sent_at));
    time.dateTime = message.sent_at;
    head.append(time);
  }
  if (message.reported) head.append(el("strong", "ctx-tag ctx-tag-reported", "This item's message"));
  if (message.removed) head.append(el("span", "ctx-tag", "Removed"));
  const body = el("div", "msg-body");
  renderBody(body, message.body);
  li.append(head, body);
  if (!message.removed) {
    const remove = button("Remove", "button-link ctx-remove", () => confirmRemove(item, message, remove));
    remove.setAttribute("aria-label", `Remove the message from ${message.author}`);
    li.append(remove);
  }
  return li;
}

function markContextRemoved(messageId) {
  const li = $("context-list").querySelector(`[data-message="${Number(messageId)}"]`);
  if (!li || li.classList.contains("ctx-removed")) return;
  li.classList.add("ctx-removed");
  li.querySelector(".ctx-remove")?.remove();
  li.querySelector(".msg-head").append(el("span", "ctx-tag", "Removed"));
}

function done(words) {
  $("detail-status").replaceChildren(words);
  polite.say(words);
  if (!$("panel-audit").hidden) loadAudit();
}

// --- actions ---------------------------------------------------------------------------------------

function confirmRemove(item, message, opener) {
  const own = message.id === item.message?.id;
  confirmAction({
    title: "Remove this message?",
    text: `It disappears for everyone in ${roomWords(item.room, item.room_kind) || "the room"}, now and in history.`
      + (own ? " The item is closed and its reporters are told action was taken." : ""),
    ok: "Remove message",
    reason: true,
    opener,
    run: async ({ reason }) => {
      // The item may have been closed meanwhile (by someone else): remove the message anyway.
      const linked = own && items.has(item.id) ? item.id : null;
      await send(frameOf("remove_message", { message: message.id, item: linked, reason }));
      markContextRemoved(message.id);
      done(own ? "Message removed. The item is closed." : `Removed the message from ${message.author}.`);
    },
  });
}

async function reachOut(itemId, statusLine) {
  statusLine.replaceChildren("Opening a chat…");
  try {
    const answer = await send({ type: "reach_out", item: itemId });
    openChatInNewTab(answer.chat);
    statusLine.replaceChildren(`A chat with ${answer.with} is open in a new tab. `,
      chatLink(answer.chat, `Go to the chat with ${answer.with}`));
    polite.say(`A chat with ${answer.with} is open in a new tab.`);
  } catch (error) {
    statusLine.replaceChildren(error.detail);
  }
}

async function claim(itemId, statusLine) {
  try {
    await send({ type: "claim", item: itemId });
    statusLine.replaceChildren("You claimed it. Other facilitators can see that you have it.");
  } catch (error) {
    statusLine.replaceChildren(error.detail);
  }
}

$("item-actions")?.addEventListener("click", (event) => {
  const action = event.target.closest("button[data-act]");
  const item = items.get(selected) || null;
  if (!action || !item) {
    if (action) $("detail-status").textContent = "This item has left the queue.";
    return;
  }
  const who = item.subject;
  const where = roomWords(item.room, item.room_kind);
  const status = $("detail-status");
  switch (action.dataset.act) {
    case "claim":
      return claim(item.id, status);
    case "reach_out":
      return reachOut(item.id, status);
    case "remove_message":
      return confirmRemove(item, item.message, action);
    case "release_message":
      return confirmAction({
        title: `Release this message into ${where}?`,
        text: "The room's crisis policy held it back. Released, everyone in the room sees it. "
          + "The crisis item stays open: releasing is about the room, not about the member's safety.",
        ok: "Release message",
        opener: action,
        run: async () => {
          await send(frameOf("release_message", { message: item.message.id, item: item.id }));
          // The server sends no queue.update for a release: show it here.
          const current = items.get(item.id);
          if (current?.message) {
            current.message = { ...current.message, held: false };
            renderDetail(current);
          }
          done(`Released into ${where}.`);
        },
      });
    case "dismiss":
      return confirmAction({
        title: "Dismiss this item?",
        text: "It leaves the queue with no action. Reporters are told no action was needed.",
        ok: "Dismiss",
        reason: true,
        opener: action,
        run: async ({ reason }) => {
          await send(frameOf("dismiss", { item: item.id, reason }));
          done("Dismissed. The item is closed.");
        },
      });
    case "kick":
      return confirmAction({
        title: `Ask ${who} to leave ${where}?`,
        text: `Their connection to ${where} closes now. They can come back when they choose to.`,
        ok: "Kick from room",
        reason: true,
        opener: action,
        run: async ({ reason }) => {
          await send(frameOf("kick", { handle: who, room: item.room, item: item.id, reason }));
          done(`${who} was asked to leave ${where}. The item is closed.`);
        },
      });
    case "ban":
      return confirmAction({
        title: `Ban ${who}?`,
        text: "Every Kindred page they have open disconnects, they can't come back with this handle, and "
          + "their browser can't make a new one. Only an admin can lift a ban.",
        ok: `Ban ${who}`,
        reason: true,
        opener: action,
        run: async ({ reason }) => {
          await send(frameOf("ban", { handle: who, item: item.id, reason }));
          done(`${who} is banned. The item is closed.`);
        },
      });
    case "pin":
      return confirmAction({
        title: `Pin this message in ${where}?`,
        text: "It shows at the top of the room for everyone, replacing any pinned message.",
        ok: "Pin message",
        opener: action,
        run: async () => {
          await send({ type: "pin", room: item.room, message: item.message.id });
          done(`Pinned in ${where}.`);
        },
      });
    case "warn": {
      const dialog = $("warn-dialog");
      $("warn-handle").textContent = who;
      $("warn-text").value = "";
      dialog.run = async ({ text }) => {
        await send(frameOf("warn", { handle: who, text, item: item.id }));
        done(`${who} was sent a private warning. The item is closed.`);
      };
      openDialog(dialog, action);
      $("warn-text").focus();
      return undefined;
    }
    case "mute": {
      const dialog = $("mute-dialog");
      $("mute-handle").textContent = who;
      $("mute-here-label").textContent = item.room_kind === "direct"
        ? "In this one-on-one chat only" : `In ${where} only`;
      $("mute-here").checked = Boolean(item.room);
      $("mute-here").disabled = !item.room;
      $("mute-everywhere").checked = !item.room;
      $("mute-reason").value = "";
      dialog.run = async ({ minutes, everywhere, reason }) => {
        const answer = await send(frameOf("mute", {
          handle: who, minutes, room: everywhere ? null : item.room, item: item.id, reason,
        }));
        const until = shortTime(answer.until);
        done(`${who} is muted ${everywhere ? "everywhere" : `in ${where}`}${until ? ` until ${until}` : ""}. The item is closed.`);
      };
      openDialog(dialog, action);
      $("mute-minutes").focus();
      return undefined;
    }
    default:
      return undefined;
  }
});

// --- crisis alerts -----------------------------------------------------------------------------

const alerts = new Map(); // item id -> <li>

function showAlert(frame) {
  if (!Number.isSafeInteger(frame.item)) return;
  const what = CRISIS_WORDS[frame.category] || "a possible crisis";
  const who = typeof frame.handle === "string" ? frame.handle : "A member";
  const where = roomWords(frame.room, frame.room_kind) || "Kindred";
  let li = alerts.get(frame.item);
  if (!li) {
    li = el("li", "crisis-alert");
    alerts.set(frame.item, li);
    $("alert-list").prepend(li);
  }
  li.dataset.item = String(frame.item);
  const heading = el("h3", "crisis-alert-title", `Crisis: ${what}`);
  const meta = el("p", "crisis-alert-meta",
    [`${who} in ${where}`, frame.message?.sent_at ? shortTime(frame.message.sent_at) : ""].filter(Boolean).join(" · "));
  const parts = [heading, meta];
  if (frame.message && typeof frame.message.body === "string") {
    const body = el("div", "msg-body crisis-alert-body");
    renderBody(body, frame.message.body);
    parts.push(body);
  }
  const state = el("p", "crisis-alert-state");
  const status = el("p", "crisis-alert-status");
  status.setAttribute("role", "status");
  const actions = el("div", "crisis-alert-actions");
  const reach = button("Reach out", "button button-primary button-small", () => reachOut(frame.item, status));
  reach.setAttribute("aria-label", `Reach out to ${who}`);
  const claimIt = button("Claim", "button button-quiet button-small", () => claim(frame.item, status));
  claimIt.dataset.alertClaim = "1";
  const open = button("Show in queue", "button button-quiet button-small", () => {
    selectTab($("tab-queue"));
    selectItem(frame.item);
  });
  const hide = button("Hide alert", "button-link", () => dropAlert(frame.item));
  hide.setAttribute("aria-label", "Hide alert (the item stays in the queue)");
  actions.append(reach, claimIt, open, hide);
  parts.push(state, actions, status);
  li.replaceChildren(...parts);
  $("alerts").hidden = false;
  const known = items.get(frame.item);
  if (known) updateAlert(known);
  urgent.say(`Crisis alert: ${who} may be facing ${what}, in ${where}. Reach out, or claim it.`);
}

function updateAlert(item) {
  const li = alerts.get(item.id);
  if (!li) return;
  li.querySelector(".crisis-alert-state").textContent = stateWords(item);
  const claimIt = li.querySelector("[data-alert-claim]");
  if (claimIt) claimIt.hidden = item.state !== "open";
}

function dropAlert(itemId) {
  const li = alerts.get(itemId);
  if (!li) return;
  const hadFocus = li.contains(document.activeElement);
  li.remove();
  alerts.delete(itemId);
  $("alerts").hidden = alerts.size === 0;
  if (hadFocus) (alerts.size ? $("alerts-heading") : $("tab-queue")).focus();
}

// --- the drop-in line --------------------------------------------------------------------------

const waiting = new Map(); // request id -> {since, node}

function renderWaitingAge(entry) {
  entry.node.querySelector(".dropin-age").textContent = waitedWords(Date.now() - entry.since);
}

function addWaiting(requestId, since) {
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
  const take = button("Take this chat", "button button-primary button-small", () => takeRequest(requestId, take));
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

function removeWaiting(requestId) {
  const entry = waiting.get(requestId);
  if (!entry) return;
  const hadFocus = entry.node.contains(document.activeElement);
  entry.node.remove();
  waiting.delete(requestId);
  updateLineCount();
  if (hadFocus) ($("dropin-list").querySelector("button") || $("dropin-heading")).focus();
}

function updateLineCount() {
  $("dropin-empty").hidden = waiting.size > 0;
  if ($("dropin-count")) $("dropin-count").textContent = String(waiting.size);
}

async function takeRequest(requestId, takeButton) {
  const status = $("dropin-status");
  takeButton.disabled = true;
  status.replaceChildren("Taking the chat…");
  const result = await takeDropIn(client, requestId);
  if (!result.ok) {
    takeButton.disabled = false;
    status.replaceChildren(result.code === "taken"
      ? "Someone else is already with this member. Thank you." : result.detail);
    if (result.code === "taken") removeWaiting(requestId);
    return;
  }
  const { chat, with: handle } = result.frame;
  removeWaiting(requestId);
  openChatInNewTab(chat);
  status.replaceChildren(`You're with ${handle}. The chat is open in a new tab. `,
    chatLink(chat, `Go to the chat with ${handle}`));
  polite.say(`You're with ${handle}. The chat is open in a new tab.`);
}

let lineTimer = null;
async function refreshLine() {
  const result = await getJSON("/api/dropin/line/");
  if (!result.ok || !Array.isArray(result.data)) {
    if (result.status === 403) $("dropin-status").textContent = result.data.detail;
    return;
  }
  const now = Date.now();
  const present = new Set();
  for (const row of result.data) {
    present.add(row.request);
    addWaiting(row.request, now - (Number(row.waiting_seconds) || 0) * 1000);
  }
  for (const id of [...waiting.keys()]) if (!present.has(id)) removeWaiting(id);
}

function scheduleLine() {
  clearTimeout(lineTimer);
  lineTimer = setTimeout(async () => {
    if (document.visibilityState === "visible") await Promise.all([refreshLine(), syncDuty()]);
    for (const entry of waiting.values()) renderWaitingAge(entry);
    scheduleLine();
  }, LINE_EVERY_MS + Math.random() * 2000);
}
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") refreshLine();
});

// --- rooms ----------------------------------------------------------------------------------------

function roomState(row, { locked, seconds }) {
  if (locked !== undefined) row.dataset.locked = locked ? "1" : "0";
  const isLocked = row.dataset.locked === "1";
  const slow = seconds !== undefined ? seconds : Number(row.querySelector("[data-slow]").value);
  row.querySelector(".room-state").textContent =
    `${isLocked ? "Locked" : "Open"} · slow mode ${slow ? `${slow} s` : "off"}`;
  row.querySelector('[data-room-act="lock"]').textContent =
    `${isLocked ? "Unlock" : "Lock"} ${row.dataset.title}`;
}

$("room-controls")?.addEventListener("click", async (event) => {
  const action = event.target.closest("button[data-room-act]");
  if (!action) return;
  const row = action.closest("[data-room]");
  const room = row.dataset.room;
  const status = row.querySelector(".room-control-status");
  if (action.dataset.roomAct === "slow_mode") {
    const seconds = Number(row.querySelector("[data-slow]").value);
    action.disabled = true;
    try {
      const answer = await send({ type: "slow_mode", room, seconds });
      roomState(row, { seconds: answer.seconds });
      status.textContent = answer.seconds ? `Slow mode is on: ${answer.seconds} s.` : "Slow mode is off.";
    } catch (error) {
      status.textContent = error.detail;
    } finally {
      action.disabled = false;
    }
    return;
  }
  const lock = row.dataset.locked !== "1";
  const apply = async () => {
    const answer = await send({ type: "lock", room, on: lock });
    roomState(row, { locked: answer.locked });
    status.textContent = answer.locked
      ? `${row.dataset.title} is locked: only facilitators can post.` : `${row.dataset.title} is open again.`;
    polite.say(status.textContent);
  };
  if (!lock) {
    try {
      await apply();
    } catch (error) {
      status.textContent = error.detail;
    }
    return;
  }
  confirmAction({
    title: `Lock ${row.dataset.title}?`,
    text: "Only facilitators will be able to post until you unlock it. Everyone can still read.",
    ok: "Lock room",
    opener: action,
    run: apply,
  });
});

// --- the audit log -------------------------------------------------------------------------------

function auditWords(entry) {
  const target = entry.target || "someone";
  const where = entry.room ? roomWords(entry.room, entry.room.startsWith("chat-") ? "direct" : "topic") : "";
  const inRoom = where ? ` in ${where}` : "";
  const item = entry.item ? ` (item ${entry.item})` : "";
  const details = entry.details && typeof entry.details === "object" ? entry.details : {};
  switch (entry.action) {
    case "claim": return `claimed item ${entry.item}`;
    case "dismiss": return `dismissed item ${entry.item}`;
    case "remove_message": return `removed a message by ${target}${inRoom}${item}`;
    case "release_message": return `released a held message by ${target}${inRoom}${item}`;
    case "warn": return `warned ${target}${item}`;
    case "mute": return `muted ${target} for ${plural(Number(details.minutes) || 0, "minute")}${inRoom || " everywhere"}${item}`;
    case "kick": return `asked ${target} to leave${inRoom}${item}`;
    case "ban": return `banned ${target}${item}`;
    case "slow_mode": return Number(details.seconds)
      ? `set slow mode${inRoom} to ${details.seconds} s` : `turned slow mode off${inRoom}`;
    case "lock": return `locked${inRoom}`;
    case "unlock": return `unlocked${inRoom}`;
    case "pin": return `pinned a message${inRoom}`;
    case "unpin": return `unpinned the message${inRoom}`;
    case "reach_out": return `reached out to ${target}${item}`;
    default: return `${String(entry.action).replace(/_/g, " ")} ${entry.target || ""}${inRoom}`.trim();
  }
}

async function loadAudit() {
  const status = $("audit-status");
  status.textContent = "Loading…";
  try {
    const answer = await send({ type: "audit", limit: 100 });
    const entries = Array.isArray(answer.entries) ? answer.entries : [];
    $("audit-list").replaceChildren(...entries.map((entry) => {
      const li = el("li", "audit-entry");
      const time = el("time", "audit-time", shortTime(entry.at));
      time.dateTime = entry.at;
      const line = el("p", "audit-line");
      line.append(time, " ", el("strong", "", entry.actor || "Someone"), ` ${auditWords(entry)}`);
      li.append(line);
      if (entry.reason) {
        li.append(el("p", "audit-reason", `${entry.action === "warn" ? "Said" : "Reason"}: ${entry.reason}`));
      }
      return li;
    }));
    status.textContent = entries.length ? "" : "Nothing has been logged yet.";
  } catch (error) {
    status.textContent = error.detail;
  }
}
$("audit-refresh")?.addEventListener("click", loadAudit);

// --- news for this facilitator -----------------------------------------------------------------

if (client) {
  // Chat requests and answers; alerts and the drop-in line have their own places here.
  new ChatNotices($("notices"), {
    client,
    announcer: polite,
    types: ["chat.request", "chat.accepted", "chat.declined", "chat.opened", "dropin.timeout"],
    fallbackFocus: () => document.querySelector("[role=tab][aria-selected=true]"),
  });
  client.addEventListener("push", (event) => {
    const { frame } = event.detail;
    if (frame.type === "crisis.alert") {
      showAlert(frame);
    } else if (frame.type === "dropin.offer") {
      const since = Date.parse(frame.waiting_since);
      if (addWaiting(frame.request, Number.isFinite(since) ? since : Date.now())) {
        polite.say("Someone is waiting in the drop-in line.");
      }
    } else if (frame.type === "dropin.withdrawn") {
      removeWaiting(frame.request);
    }
  });
  client.addEventListener("private", (event) => {
    const { frame } = event.detail;
    if (typeof frame.message === "string" && frame.message) polite.say(frame.message);
  });
} else {
  mountPresenceChoices($("presence-choices"), { idPrefix: "supporter" });
}

updateCounts();
updateLineCount();
refreshLine();
scheduleLine();
client?.start();
