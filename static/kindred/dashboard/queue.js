// The live queue: items in priority order, kept in place as they change.

import { button, byId as $, el } from "../dom.js";
import { shortTime, waitedWords } from "../format.js";
import { plainText } from "../ui/messages.js";
import { ME, MODERATOR, client, polite } from "./context.js";
import { dropAlert, updateAlert } from "./alerts.js";
import { renderDetail, selectItem } from "./detail.js";
import { store } from "./store.js";
import { isOpen, itemTitle, personKey, queueOrder, roomWords, stateWords, waitsForSomeone } from "./words.js";
import { gettext, interpolate, ngettext } from "../i18n.js";

// Crisis items folded into the row of the same member: item id -> the row's item id.
const foldedInto = new Map();


export function updateCounts() {
  if (!MODERATOR) return;
  $("queue-count").textContent = String(store.items.size);
  $("queue-empty").hidden = store.items.size > 0;
}

function fillItemNode(node, item) {
  node.className = `queue-item queue-kind-${item.kind}${item.kind === "crisis" ? " queue-item-crisis" : ""}`;
  node.dataset.item = String(item.id);
  const pick = node.querySelector("button") || button("", "queue-item-button");
  pick.dataset.pick = String(item.id);
  if (item.id === store.selected) pick.setAttribute("aria-current", "true");
  else pick.removeAttribute("aria-current");
  const where = roomWords(item.room, item.room_kind);
  const when = shortTime(item.created_at);
  const preview = item.message && typeof item.message.body === "string"
    ? plainText(item.message.body) : String(item.excerpt || "");
  const counts = [];
  if (waitsForSomeone(item)) counts.push(waitedWords(Date.now() - Date.parse(item.created_at)));
  const also = Array.isArray(item.also) ? item.also.length : 0;
  if (also) {
    counts.push(interpolate(ngettext("%(count)s more message from them", "%(count)s more messages from them", also),
      { count: also }));
  }
  if (item.reports) {
    counts.push(interpolate(ngettext("%(count)s report", "%(count)s reports", item.reports), { count: item.reports }));
  }
  counts.push(stateWords(item, ME));
  pick.replaceChildren(
    el("span", "queue-item-title", itemTitle(item)),
    el("span", "queue-item-meta", [item.subject, where, when].filter(Boolean).join(" · ")),
    el("span", "queue-item-preview", preview || gettext("(no message)")),
    el("span", "queue-item-state", counts.join(" · ")),
  );
  if (!pick.isConnected) node.append(pick);
}

/** Puts the list in queue order, moving as few store.nodes as it can, keeping focus. */
function placeAll() {
  const list = $("queue-list");
  const focused = list.contains(document.activeElement) ? document.activeElement : null;
  let previous = null;
  for (const item of [...store.items.values()].sort(queueOrder)) {
    const node = store.nodes.get(item.id);
    const wanted = previous ? previous.nextElementSibling : list.firstElementChild;
    if (wanted !== node) list.insertBefore(node, wanted);
    previous = node;
  }
  if (focused && focused.isConnected && document.activeElement !== focused) focused.focus({ preventScroll: true });
}

/** A new crisis item of a member who already has a row joins that row (the more
 * urgent one leads it). True when *item* was folded and needs no row of its own. */
function foldIntoPerson(item) {
  const key = personKey(item);
  if (!key || store.items.has(item.id)) return false;
  const lead = [...store.items.values()].find((other) => personKey(other) === key);
  if (!lead) return false;
  const grouped = ({ id, category, excerpt, room, created_at }) => ({ id, category, excerpt, room, created_at });
  if (queueOrder(item, lead) < 0) {
    item.also = [grouped(lead), ...(lead.also || []), ...(item.also || [])];
    for (const other of item.also) foldedInto.set(other.id, item.id);
    closeItem(lead);
    return false;
  }
  lead.also = [...(lead.also || []), grouped(item)];
  foldedInto.set(item.id, lead.id);
  upsertItem(lead, { quiet: true });
  return true;
}

function upsertItem(item, { fresh = false, quiet = false } = {}) {
  if (!item || !Number.isSafeInteger(item.id)) return;
  if (foldedInto.has(item.id)) {
    if (!isOpen(item)) foldedInto.delete(item.id);
    return; // its row speaks for it; closing the row closes it too
  }
  if (!isOpen(item)) {
    closeItem(item);
    return;
  }
  if (foldIntoPerson(item)) return;
  const known = store.items.has(item.id);
  store.items.set(item.id, item);
  let node = store.nodes.get(item.id);
  if (!node) {
    node = el("li");
    store.nodes.set(item.id, node);
    $("queue-list").append(node);
  }
  fillItemNode(node, item);
  if (!quiet) placeAll();
  if (item.id === store.selected) renderDetail(item);
  updateAlert(item);
  updateCounts();
  if (!known && fresh && !quiet) {
    polite.say(item.subject
      ? interpolate(gettext("New in the queue: %(title)s, about %(who)s."), { title: itemTitle(item), who: item.subject })
      : interpolate(gettext("New in the queue: %(title)s."), { title: itemTitle(item) }));
  }
}

function closeItem(item) {
  store.items.delete(item.id);
  store.nodes.get(item.id)?.remove();
  store.nodes.delete(item.id);
  if (item.id === store.selected) renderDetail(item);
  dropAlert(item.id);
  updateCounts();
}

function replaceQueue(list) {
  const fresh = new Set(list.filter((item) => isOpen(item)).map((item) => item.id));
  for (const [id, item] of [...store.items]) {
    if (!fresh.has(id)) closeItem({ ...item, state: "resolved", resolution: null });
  }
  foldedInto.clear();
  for (const item of list) {
    for (const other of Array.isArray(item.also) ? item.also : []) foldedInto.set(other.id, item.id);
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
