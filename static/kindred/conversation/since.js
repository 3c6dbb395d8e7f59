// "New since you were here": on a topic room's first welcome, the first message
// newer than the last one this browser showed is marked. The last id shown is kept
// per room in localStorage (a room slug and a number: nothing about anyone);
// one-on-one chats are left out, so a shared phone keeps no trace of them.

const KEY = (slug) => `kindred:seen:${slug}`;

function readSeen(slug) {
  try {
    const value = Number(localStorage.getItem(KEY(slug)));
    return Number.isSafeInteger(value) ? value : 0;
  } catch {
    return 0; // storage refused (private mode): no marker, nothing breaks
  }
}

function writeSeen(slug, id) {
  try {
    localStorage.setItem(KEY(slug), String(id));
  } catch {
    // as above
  }
}

/** Marks the first unseen message of the room once, and remembers what was shown. */
export function wireNewSince(c) {
  const { client, KIND, root, me } = c;
  const slug = root.dataset.slug;
  if (KIND !== "room" || !slug) return;
  const seen = readSeen(slug);
  let newest = seen;
  client.addEventListener("message", (event) => {
    const id = event.detail.message?.id;
    if (Number.isSafeInteger(id) && id > newest) newest = id;
  });
  client.addEventListener("synced", (event) => {
    if (!event.detail.reconnect && seen > 0) {
      const first = [...root.querySelectorAll("#message-list li[data-id]")].find(
        (node) => Number(node.dataset.id) > seen && node.dataset.author !== me(),
      );
      if (first) first.classList.add("msg-first-new");
    }
    writeSeen(slug, newest);
  });
  window.addEventListener("pagehide", () => writeSeen(slug, newest));
}
