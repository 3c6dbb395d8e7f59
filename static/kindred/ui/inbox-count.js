// The header's "Chats" link says how many inbox items are unread (base.html renders
// the count; this keeps it live). Any socket of the member carries the news: the
// welcome's inbox_unread, an `inbox` frame when an item arrives, `inbox.read` when
// items were read, perhaps in another tab. Words, not a badge: "Chats · 2 new".

const COUNT_ID = "nav-chats-count";

/** Shows *count* unread items in the header (nothing when there are none). */
export function showUnread(count) {
  const node = document.getElementById(COUNT_ID);
  if (!node || !Number.isSafeInteger(count) || count < 0) return;
  node.textContent = count > 0 ? ` · ${count} new` : "";
  node.dataset.unread = String(count);
}

/** Follows *client*'s (ChatClient or ModerationClient) welcome and push events. */
export function wireInboxCount(client) {
  client.addEventListener("welcome", (event) => showUnread(event.detail.frame?.inbox_unread));
  client.addEventListener("push", (event) => {
    const { frame } = event.detail;
    if (frame.type === "inbox" || frame.type === "inbox.read") showUnread(frame.unread);
  });
}
