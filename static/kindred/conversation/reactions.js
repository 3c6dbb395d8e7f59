// Support reactions under each message: tap to give, tap again to take back; the counts
// move live for everyone in the room (the `reactions` frame).

import { gettext } from "../i18n.js";

/** Wires the reaction buttons of *c*'s message list to its client. */
export function wireReactions(c) {
  const { client, list, status } = c;
  list.list.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    const more = target?.closest("[data-action=reactions]");
    if (more) {
      list.toggleReactions(Number(more.closest(".msg")?.dataset.id));
      return;
    }
    const button = target?.closest("[data-reaction]");
    const item = button?.closest(".msg");
    if (!button || !item?.dataset.id) return;
    const on = button.getAttribute("aria-pressed") !== "true";
    if (!client.react(Number(item.dataset.id), button.dataset.reaction, on)) {
      status.say(gettext("You're offline just now. Try again in a moment."));
    }
  });
  client.addEventListener("reacted", (event) => {
    const { message, reaction, ok, on, counts, detail } = event.detail;
    if (!ok) {
      status.say(detail);
      return;
    }
    list.setReactions(message, counts, { reaction, on });
  });
  client.addEventListener("reactions", (event) => {
    list.setReactions(event.detail.message, event.detail.counts);
  });
}
