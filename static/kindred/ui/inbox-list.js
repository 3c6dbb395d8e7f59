// "Updates for you" (on /chats/): the member's inbox, newest first, from GET
// /api/inbox/. What arrived unread is marked "New" and then marked read on the
// server, which clears the header count here and, live, on the member's other tabs.
// Texts are Kindred's own words and go in as text; a link only to a same-site path.

import { el, link } from "../dom.js";
import { shortTime } from "../format.js";
import { getJSON, postJSON } from "../http.js";
import { safeNext } from "../nav.js";
import { showUnread } from "./inbox-count.js";
import { gettext } from "../i18n.js";

const KIND_WORDS = { chat: gettext("Chat"), notice: gettext("Notice"), checkin: gettext("Check-in") };
const OPEN_WORDS = { chat: gettext("Open"), notice: gettext("Open"), checkin: gettext("Open") };

function itemNode(item) {
  const li = el("li", "inbox-item");
  li.dataset.id = String(item.id);
  const head = el("p", "inbox-item-head");
  if (!item.read) head.append(el("strong", "inbox-new", gettext("New · ")));
  const time = shortTime(item.at);
  head.append(`${KIND_WORDS[item.kind] || gettext("Notice")}${time ? ` · ${time}` : ""}`);
  li.append(head, el("p", "inbox-item-text", item.text));
  const target = item.url ? safeNext(item.url, "") : "";
  if (target) li.append(link(target, OPEN_WORDS[item.kind] || gettext("Open"), "inbox-item-link"));
  return li;
}

/**
 * Fills *list* (a <ul>) with the inbox; *more* is a button for older items; *status*
 * says what went wrong. *onUnread* gets each page's unread items before they are marked read.
 */
export function mountInboxList({ list, more, status, empty, onUnread = () => {} }) {
  let oldest = null;

  async function load() {
    const query = oldest === null ? "" : `?before=${oldest}`;
    const answer = await getJSON(`/api/inbox/${query}`);
    if (!answer.ok) {
      status.textContent = answer.data.detail;
      return;
    }
    const { items, unread } = answer.data;
    list.append(...items.map(itemNode));
    if (items.length) oldest = items[items.length - 1].id;
    more.hidden = items.length === 0;
    empty.hidden = list.children.length > 0;
    const unreadItems = items.filter((item) => !item.read);
    onUnread(unreadItems);
    const fresh = unreadItems.map((item) => item.id);
    if (fresh.length) {
      const read = await postJSON("/api/inbox/read/", { ids: fresh });
      showUnread(read.ok ? read.data.unread : unread);
    } else {
      showUnread(unread);
    }
  }

  more.addEventListener("click", () => load());
  return load();
}

