// The selected queue item: what it is, its context, and which actions fit it.

import { button, byId as $, el } from "../dom.js";
import { htmlDateTime, shortTime } from "../format.js";
import { plainText, renderBody } from "../ui/messages.js";
import { done } from "./audit.js";
import { ME, MODERATOR, frameOf, send } from "./context.js";
import { confirmAction } from "./dialogs.js";
import { openMissedCrisis } from "./feedback.js";
import { store } from "./store.js";
import {
  detectionWords, historyWords, isOpen, itemTitle, memberWords, reasonsWords, RESOLUTION_WORDS, REASON_WORDS,
  roomWords, sanctionWords, stateWords,
} from "./words.js";
import { gettext, interpolate, ngettext } from "../i18n.js";

const ACTIONS = MODERATOR ? [...$("item-actions").querySelectorAll("[data-act]")] : [];

export function selectItem(id) {
  const item = store.items.get(id);
  if (!item) return;
  store.selected = id;
  for (const [otherId, node] of store.nodes) {
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

export function renderDetail(item) {
  const detail = $("item-detail");
  const open = isOpen(item);
  detail.classList.toggle("item-detail-crisis", item.kind === "crisis");
  $("detail-heading").textContent = itemTitle(item);
  const where = roomWords(item.room, item.room_kind);
  $("detail-meta").textContent = [
    item.subject ? interpolate(gettext("About %(who)s"), { who: item.subject }) : gettext("About no one in particular"),
    where ? interpolate(gettext("in %(room)s"), { room: where }) : "",
    item.created_at ? interpolate(gettext("filed %(time)s"), { time: shortTime(item.created_at) }) : "",
  ].filter(Boolean).join(" · ");
  const flags = [];
  if (item.reports) {
    const reports = interpolate(ngettext("%(count)s report", "%(count)s reports", item.reports), { count: item.reports });
    flags.push(`${reports}${reasonsWords(item)}`);
  }
  if (Number.isFinite(item.weight)) flags.push(interpolate(gettext("weight %(weight)s"), { weight: item.weight }));
  flags.push(open ? stateWords(item, ME) : interpolate(gettext("This item has left the queue: %(how)s."),
    { how: RESOLUTION_WORDS[item.resolution] || gettext("it was closed") }));
  $("detail-flags").textContent = flags.join(" · ");
  // Which detector stage flagged a crisis item and why: text, never markup.
  const detection = detectionWords(item);
  $("detail-detection").textContent = detection;
  $("detail-detection-wrap").hidden = !detection;
  // Reporters' own words, newest first (never who wrote them): text, not HTML.
  const notes = Array.isArray(item.notes) ? item.notes : [];
  $("detail-notes").replaceChildren(
    ...notes.map((n) => el("li", "", `${REASON_WORDS[n.reason] || n.reason}: ${String(n.note || "")}`)),
  );
  $("detail-notes-wrap").hidden = !notes.length;
  // The member's other crisis messages, grouped into this item: one person, not rows.
  const also = Array.isArray(item.also) ? item.also : [];
  $("detail-also").replaceChildren(
    ...also.map((a) => el("li", "", `${shortTime(a.created_at)}: ${String(a.excerpt || "")}`)),
  );
  $("detail-also-wrap").hidden = !also.length;
  renderMember(item);

  const message = item.message && typeof item.message === "object" ? item.message : null;
  $("detail-message").hidden = !message;
  if (message) {
    renderBody($("detail-body"), message.body);
    const notes = [];
    if (message.removed) notes.push(gettext("This message has been removed from the room."));
    if (message.held) notes.push(gettext("Held: the room hasn't seen this message; its author sees it marked as waiting."));
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
  // An open item keeps every action that still makes sense: it closes only by Resolve or Dismiss.
  const person = open && Boolean(item.subject);
  const member = item.member && typeof item.member === "object" ? item.member : null;
  const show = {
    reach_out: Boolean(item.subject) && item.subject !== ME,
    claim: open && item.state === "open",
    remove_message: open && Boolean(live),
    release_message: Boolean(live) && Boolean(message.held),
    sanction: person,
    warn: person,
    mute: person,
    kick: person && topic,
    ban: person && !member?.banned,
    unmute: person && Boolean(member?.muted_until),
    unban: person && Boolean(member?.banned),
    promote: person && Boolean(member) && Number(member.level) < 1,
    restrict: person && Boolean(member) && member.override !== "restricted",
    pin: Boolean(live) && !message.held && topic,
    not_crisis: open && item.kind === "crisis",
    resolve: open,
    dismiss: open,
  };
  for (const action of ACTIONS) action.hidden = !show[action.dataset.act];
  const reach = ACTIONS.find((a) => a.dataset.act === "reach_out");
  reach.className = `button button-small ${item.kind === "crisis" ? "button-primary" : "button-quiet"}`;
  $("item-actions").hidden = !ACTIONS.some((action) => !action.hidden);
}

function renderMember(item) {
  const member = item.member && typeof item.member === "object" ? item.member : null;
  $("detail-member-wrap").hidden = !member;
  $("detail-member").textContent = member ? memberWords(member, shortTime) : "";
  const sanctions = Array.isArray(member?.sanctions) ? member.sanctions : [];
  $("detail-sanctions").replaceChildren(...sanctions.map((s) => el("li", "", sanctionWords(s, shortTime))));
  const history = Array.isArray(item.history) ? item.history : [];
  $("detail-history").replaceChildren(...history.map((entry) => {
    const li = el("li", "");
    const time = el("time", "", shortTime(entry.at));
    time.dateTime = htmlDateTime(entry.at);
    li.append(time, ` ${historyWords(entry)}`);
    return li;
  }));
  $("detail-history-wrap").hidden = !history.length;
}

async function loadContext(item) {
  const list = $("context-list");
  const status = $("context-status");
  list.replaceChildren();
  if (!item.message) {
    status.textContent = gettext("This item isn't about a message, so there's no context to show.");
    return;
  }
  status.textContent = gettext("Loading the context…");
  try {
    const answer = await send({ type: "context", item: item.id });
    if (store.selected !== item.id) return;
    const messages = Array.isArray(answer.messages) ? answer.messages : [];
    list.replaceChildren(...messages.map((message) => contextItem(item, message)));
    status.textContent = messages.length ? "" : gettext("The message is no longer stored.");
  } catch (error) {
    if (store.selected === item.id) status.textContent = error.detail;
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
    time.dateTime = htmlDateTime(message.sent_at);
    head.append(time);
  }
  if (message.reported) head.append(el("strong", "ctx-tag ctx-tag-reported", gettext("This item's message")));
  if (message.removed) head.append(el("span", "ctx-tag", gettext("Removed")));
  const body = el("div", "msg-body");
  renderBody(body, message.body);
  li.append(head, body);
  if (!message.removed) {
    const remove = button(gettext("Remove"), "button-link ctx-remove", () => confirmRemove(item, message, remove));
    remove.setAttribute("aria-label", interpolate(gettext("Remove the message from %(author)s"), { author: message.author }));
    li.append(remove);
  }
  // In a one-on-one chat only the item's own message may be acted on (as for Remove).
  if (item.room_kind !== "direct" || message.reported) {
    const missed = button(gettext("Missed crisis…"), "button-link ctx-missed", () => openMissedCrisis(message, missed));
    missed.setAttribute("aria-label",
      interpolate(gettext("Mark the message from %(author)s as a crisis the detector missed"), { author: message.author }));
    li.append(missed);
  }
  return li;
}

export function markContextRemoved(messageId) {
  const li = $("context-list").querySelector(`[data-message="${Number(messageId)}"]`);
  if (!li || li.classList.contains("ctx-removed")) return;
  li.classList.add("ctx-removed");
  li.querySelector(".ctx-remove")?.remove();
  li.querySelector(".msg-head").append(el("span", "ctx-tag", gettext("Removed")));
}

export function confirmRemove(item, message, opener) {
  const own = message.id === item.message?.id;
  confirmAction({
    title: gettext("Remove this message?"),
    text: [
      interpolate(gettext("It disappears for everyone in %(room)s, now and in history. Its author is told "
        + "privately, kindly, that it was removed."), { room: roomWords(item.room, item.room_kind) || gettext("the room") }),
      own ? gettext("The item stays open for anything else it needs.") : "",
    ].filter(Boolean).join(" "),
    ok: gettext("Remove message"),
    reason: true,
    reasonNote: gettext("(optional; the author is shown it with the notice)"),
    opener,
    run: async ({ reason }) => {
      // The item may have been closed meanwhile (by someone else): remove the message anyway.
      const linked = own && store.items.has(item.id) ? item.id : null;
      await send(frameOf("remove_message", { message: message.id, item: linked, reason }));
      markContextRemoved(message.id);
      done(own ? gettext("Message removed. The item stays open until you resolve it.")
        : interpolate(gettext("Removed the message from %(author)s."), { author: message.author }));
    },
  });
}
