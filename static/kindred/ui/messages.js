// The message list of a conversation. Message bodies become HTML only through
// renderBody (ui/body.js, the one way; re-exported here for the modules that use it).

import { badgeFor } from "./badges.js";
import { renderBody } from "./body.js";
import { el } from "../dom.js";
import { htmlDateTime, shortTime } from "../format.js";
import { gettext, interpolate } from "../i18n.js";

export { plainText, renderBody, SAFE_HREF } from "./body.js";

// --- the message list ----------------------------------------------------------

/** The kind and reactions the server wrote beside a message of the page (data-extras). */
function pageExtras(json) {
  try {
    const extras = JSON.parse(json || "{}");
    return extras && typeof extras === "object" ? extras : {};
  } catch {
    return {};
  }
}

/** The support reactions, in the order shown (rooms/reactions.py). */
export const REACTIONS = [
  ["me_too", gettext("Me too")],
  ["strength", gettext("Sending strength")],
  ["celebrate", gettext("Celebrating you")],
  ["thanks", gettext("Thank you")],
];

/** The words on a reaction button: its name, and its count when there is one. */
export function reactionText(label, count) {
  return count > 0 ? `${label} · ${count}` : label;
}

const HELD_WORDS = gettext("Waiting for a quick look from a facilitator. Only you can see it for now.");

const STATE_WORDS = {
  sending: gettext("Sending…"),
  waiting: gettext("Waiting to send…"),
  sent: gettext("Sent"),
  failed: gettext("Not sent"),
};

/**
 * An <ol> of messages kept sorted by id, one node per id; our own unconfirmed
 * messages sit at the end (by nonce) until the server gives them an id.
 */
export class MessageList {
  constructor(list, { me, menu = true }) {
    this.list = list;
    this.me = me; // () => our handle
    this.menu = menu;
    this.byId = new Map();
    this.byNonce = new Map();
  }

  get size() {
    return this.list.childElementCount;
  }

  firstId() {
    const ids = [...this.byId.keys()];
    return ids.length ? Math.min(...ids) : null;
  }

  /**
   * Takes over the messages the page came with (templates/_message.html, rendered by
   * the server as _fill below builds them) and returns them as `message` frames of
   * *room*. Each keeps its node; only its time is written, in the reader's time zone
   * (and its reaction counts remembered for the reaction bar).
   */
  adopt(room) {
    const frames = [];
    const times = [];
    for (const node of this.list.querySelectorAll(":scope > li[data-id]")) {
      const id = Number(node.dataset.id);
      const body = node.querySelector(".msg-body");
      if (!Number.isSafeInteger(id) || !body || this.byId.has(id)) {
        node.remove();
        continue;
      }
      this.byId.set(id, node);
      const time = node.querySelector("time");
      const sentAt = time?.getAttribute("datetime") || "";
      if (time) times.push([time, sentAt]);
      const extras = pageExtras(node.dataset.extras);
      delete node.dataset.extras;
      const bar = node.querySelector(".msg-reactions");
      if (bar) bar.reactionCounts = extras.reactions || {};
      const frame = { type: "message", id, room, author: node.dataset.author || "", body: body.innerHTML,
        sent_at: sentAt, nonce: null };
      if (node.classList.contains("msg-held")) frame.held = true;
      frames.push(frame);
    }
    // In a task of its own: the first time format is costly on a slow phone.
    setTimeout(() => {
      for (const [time, sentAt] of times) time.textContent = shortTime(sentAt);
    }, 0);
    return frames;
  }

  /** Adds the team's badges (known from the welcome) to messages drawn before it. */
  rebadge() {
    for (const head of this.list.querySelectorAll(".msg-head")) {
      if (head.querySelector(".team-badge")) continue;
      const badge = badgeFor(head.querySelector(".msg-author")?.textContent || "");
      if (badge) head.querySelector(".msg-author").after(badge);
    }
  }

  /** Shows *message* (a `message` frame). Returns its node. */
  upsert(message, { fresh = false } = {}) {
    let node = this.byId.get(message.id);
    if (!node && message.nonce && message.author === this.me()) {
      node = this.byNonce.get(message.nonce);
    }
    if (node) {
      if (node.dataset.nonce) this.byNonce.delete(node.dataset.nonce);
      this._fill(node, message);
      this.byId.set(message.id, node);
      this._place(node, message.id);
      return node;
    }
    node = el("li");
    this._fill(node, message);
    if (fresh) node.classList.add("msg-new");
    this.byId.set(message.id, node);
    this._place(node, message.id);
    return node;
  }

  /** Shows or updates one of our outgoing messages. */
  outbox(entry, { onRetry, onDiscard } = {}) {
    if (entry.id !== null && this.byId.has(entry.id) && this.byId.get(entry.id) !== this.byNonce.get(entry.nonce)) {
      this.outboxRemove(entry.nonce);
      return null;
    }
    let node = this.byNonce.get(entry.nonce);
    if (!node) {
      node = el("li", "msg msg-own msg-pending");
      node.dataset.nonce = entry.nonce;
      node.dataset.author = this.me() || "";
      node.append(this._head(this.me() || gettext("You"), null), el("div", "msg-body", entry.body));
      node.append(el("p", "msg-state"));
      this.byNonce.set(entry.nonce, node);
      this.list.append(node);
    }
    node.classList.toggle("msg-failed", entry.state === "failed");
    node.dataset.state = entry.state;
    const state = node.querySelector(".msg-state");
    const words = STATE_WORDS[entry.state] || entry.state;
    state.replaceChildren(el("span", "msg-state-text", entry.error && entry.state === "failed"
      ? `${words}: ${entry.error.detail}` : words));
    if (entry.state === "failed") {
      const discard = el("button", "button-link", gettext("Discard"));
      discard.type = "button";
      discard.addEventListener("click", () => onDiscard?.(entry.nonce));
      // Muted: trying again can't work before the mute ends (the composer says when).
      if (entry.error?.code !== "muted") {
        const retry = el("button", "button-link", gettext("Try again"));
        retry.type = "button";
        retry.addEventListener("click", () => onRetry?.(entry.nonce));
        state.append(retry);
      }
      state.append(discard);
    }
    if (entry.id !== null && !node.dataset.id) {
      // Acked: it has its place in the conversation now.
      node.dataset.id = String(entry.id);
      this.byId.set(entry.id, node);
      this._place(node, entry.id);
    }
    return node;
  }

  outboxRemove(nonce) {
    const node = this.byNonce.get(nonce);
    this.byNonce.delete(nonce);
    if (!node) return;
    const id = Number(node.dataset.id);
    if (node.dataset.id && this.byId.get(id) === node) {
      // Acked but its message frame never came: keep it, it is delivered.
      return;
    }
    node.remove();
  }

  remove(id) {
    const node = this.byId.get(id);
    this.byId.delete(id);
    if (node) node.remove();
  }

  /** Removes every message *handle* wrote (after blocking them); returns how many. */
  hideAuthor(handle) {
    let count = 0;
    for (const [id, node] of this.byId) {
      if (node.dataset.author === handle) {
        this.remove(id);
        count += 1;
      }
    }
    return count;
  }

  node(id) {
    return this.byId.get(id) || null;
  }

  _head(author, sentAt) {
    const head = el("div", "msg-head");
    const who = el("span", "msg-author", author);
    head.append(who);
    const badge = badgeFor(author);
    if (badge) head.append(badge);
    if (author === this.me()) head.append(el("span", "msg-you", gettext("(you)")));
    if (sentAt) {
      const time = el("time", "msg-time", shortTime(sentAt));
      time.dateTime = htmlDateTime(sentAt);
      head.append(time);
    }
    return head;
  }

  _fill(node, message) {
    const own = message.author === this.me();
    const fresh = node.classList.contains("msg-new");
    node.className = own ? "msg msg-own" : "msg";
    if (fresh) node.classList.add("msg-new");
    node.dataset.id = String(message.id);
    node.dataset.author = message.author;
    delete node.dataset.nonce;
    delete node.dataset.state;
    const body = el("div", "msg-body");
    renderBody(body, message.body);
    node.replaceChildren(this._head(message.author, message.sent_at), body);
    if (message.kind === "milestone") {
      node.classList.add("msg-milestone");
      node.prepend(el("p", "msg-milestone-label", "Milestone"));
    }
    // Held for a facilitator's look (a new member's first posts in a sensitive room, or
    // the room's crisis policy): only its author has it, until it is released.
    const held = own && message.held === true;
    if (held) {
      node.classList.add("msg-held");
      node.append(el("p", "msg-held-note", HELD_WORDS));
    }
    if (this.menu) {
      if (!held) node.append(this._reactionBar(message));
      const button = el("button", "msg-menu-button", "⋯");
      button.type = "button";
      button.dataset.action = "menu";
      button.setAttribute("aria-expanded", "false");
      button.setAttribute("aria-label", own ? gettext("Options for your message")
        : interpolate(gettext("Options for the message from %(author)s"), { author: message.author }));
      node.append(button);
    }
  }

  _reactionBar(message) {
    const bar = el("div", "msg-reactions");
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", interpolate(gettext("Reactions to the message from %(author)s"), { author: message.author }));
    // Reactions nobody gave yet wait behind "React" (and are only built when it is
    // opened), so a room stays calm to read and light to draw.
    const more = el("button", "reaction reaction-more", gettext("React"));
    more.type = "button";
    more.dataset.action = "reactions";
    more.setAttribute("aria-expanded", "false");
    more.setAttribute("aria-label", interpolate(gettext("React to the message from %(author)s"), { author: message.author }));
    bar.append(more);
    const counts = message.reactions || {};
    const mine = new Set(Array.isArray(message.my_reactions) ? message.my_reactions : []);
    for (const [key] of REACTIONS) {
      if (counts[key] > 0 || mine.has(key)) this._pill(bar, key).setAttribute("aria-pressed", String(mine.has(key)));
    }
    this._showCounts(bar, counts);
    return bar;
  }

  /** The button for reaction *key* in *bar*, made (in its place) if it isn't there yet. */
  _pill(bar, key) {
    const found = bar.querySelector(`[data-reaction="${key}"]`);
    if (found) return found;
    const order = REACTIONS.map(([name]) => name);
    const [, label] = REACTIONS.find(([name]) => name === key);
    const button = el("button", "reaction", label);
    button.type = "button";
    button.dataset.reaction = key;
    button.dataset.label = label;
    button.setAttribute("aria-pressed", "false");
    const after = [...bar.querySelectorAll("[data-reaction]")]
      .find((node) => order.indexOf(node.dataset.reaction) > order.indexOf(key));
    bar.insertBefore(button, after || bar.querySelector(".reaction-more"));
    return button;
  }

  _showCounts(bar, counts) {
    bar.reactionCounts = counts;
    for (const [key] of REACTIONS) {
      if (counts[key] > 0) this._pill(bar, key);
    }
    for (const button of bar.querySelectorAll("[data-reaction]")) {
      const count = Number(counts[button.dataset.reaction]) || 0;
      button.textContent = reactionText(button.dataset.label, count);
      button.classList.toggle("reaction-idle", count === 0 && button.getAttribute("aria-pressed") !== "true");
    }
    const given = bar.querySelectorAll("[data-reaction]:not(.reaction-idle)").length;
    bar.querySelector(".reaction-more").hidden = given === REACTIONS.length;
  }

  /** Shows (or hides) the reactions nobody gave yet under message *id*. */
  toggleReactions(id) {
    const bar = this.byId.get(id)?.querySelector(".msg-reactions");
    if (!bar) return;
    const open = !bar.classList.contains("reactions-open");
    if (open) for (const [key] of REACTIONS) this._pill(bar, key);
    this._showCounts(bar, bar.reactionCounts || {});
    bar.classList.toggle("reactions-open", open);
    bar.querySelector(".reaction-more").setAttribute("aria-expanded", open ? "true" : "false");
  }

  /** New counts for message *id* (a `reactions` frame); *mine* sets our own when known. */
  setReactions(id, counts, mine = null) {
    const bar = this.byId.get(id)?.querySelector(".msg-reactions");
    if (!bar) return;
    if (mine) {
      for (const button of bar.querySelectorAll("[data-reaction]")) {
        if (button.dataset.reaction === mine.reaction) button.setAttribute("aria-pressed", mine.on ? "true" : "false");
      }
    }
    this._showCounts(bar, counts);
  }

  /** Moves *node* to its place by id; nodes without an id stay last. */
  _place(node, id) {
    const list = this.list;
    const first = list.firstElementChild;
    if (first && first !== node && first.dataset.id && Number(first.dataset.id) > id) {
      list.insertBefore(node, first);
      return;
    }
    let before = null;
    let child = list.lastElementChild;
    while (child) {
      if (child !== node) {
        const childId = child.dataset.id ? Number(child.dataset.id) : Infinity;
        if (childId < id) break;
        before = child;
      }
      child = child.previousElementSibling;
    }
    if (node.nextElementSibling !== before || node.parentNode !== list) {
      list.insertBefore(node, before);
    }
  }
}

