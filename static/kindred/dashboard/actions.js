// One-click actions on the selected item: claim, reach out, remove, release, dismiss,
// not a crisis, warn, mute, kick, ban, pin (sanction, unmute, unban, promote, restrict and
// resolve are in sanctions.js). Each confirms first when it can't be undone. An item stays
// open, with every action, until it is resolved or dismissed.

import { byId as $, link } from "../dom.js";
import { shortTime } from "../format.js";
import { chatPath, openChatInNewTab } from "../nav.js";
import { done } from "./audit.js";
import { frameOf, polite, send } from "./context.js";
import { renderDetail, confirmRemove } from "./detail.js";
import { confirmAction, openDialog } from "./dialogs.js";
import { confirmNotCrisis } from "./feedback.js";
import { memberAction } from "./sanctions.js";
import { store } from "./store.js";
import { roomWords } from "./words.js";
import { gettext, interpolate } from "../i18n.js";

/** What a mute did, as one sentence (where and until are optional). */
function muteDone({ who, where, until }) {
  const tail = gettext("The item stays open until you resolve it.");
  const values = { who, room: where, until };
  const text = where
    ? (until ? gettext("%(who)s is muted in %(room)s until %(until)s, and so is any new handle from their browser.")
      : gettext("%(who)s is muted in %(room)s, and so is any new handle from their browser."))
    : (until ? gettext("%(who)s is muted everywhere until %(until)s, and so is any new handle from their browser.")
      : gettext("%(who)s is muted everywhere, and so is any new handle from their browser."));
  return `${interpolate(text, values)} ${tail}`;
}

export async function reachOut(itemId, statusLine) {
  statusLine.replaceChildren(gettext("Opening a chat…"));
  try {
    const answer = await send({ type: "reach_out", item: itemId });
    openChatInNewTab(answer.chat);
    const opened = interpolate(gettext("A chat with %(handle)s is open in a new tab."), { handle: answer.with });
    statusLine.replaceChildren(`${opened} `, link(chatPath(answer.chat),
      interpolate(gettext("Go to the chat with %(handle)s"), { handle: answer.with }), "", { newTab: true }));
    polite.say(opened);
  } catch (error) {
    statusLine.replaceChildren(error.detail);
  }
}

export async function claim(itemId, statusLine) {
  try {
    await send({ type: "claim", item: itemId });
    statusLine.replaceChildren(gettext("You claimed it. Other facilitators can see that you have it."));
  } catch (error) {
    statusLine.replaceChildren(error.detail);
  }
}

$("item-actions")?.addEventListener("click", (event) => {
  const action = event.target.closest("button[data-act]");
  const item = store.items.get(store.selected) || null;
  if (!action || !item) {
    if (action) $("detail-status").textContent = gettext("This item has left the queue.");
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
        title: interpolate(gettext("Release this message into %(room)s?"), { room: where }),
        text: item.kind === "first_post"
          ? gettext("A new member's message, waiting for a quick look. Released, everyone in the room sees it "
            + "in its place, and this item is done.")
          : gettext("The room's crisis policy held it back. Released, everyone in the room sees it. "
            + "The crisis item stays open: releasing is about the room, not about the member's safety."),
        ok: gettext("Release message"),
        opener: action,
        run: async () => {
          await send(frameOf("release_message", { message: item.message.id, item: item.id }));
          // The server sends no queue.update for a release: show it here.
          const current = store.items.get(item.id);
          if (current?.message) {
            current.message = { ...current.message, held: false };
            renderDetail(current);
          }
          done(interpolate(gettext("Released into %(room)s."), { room: where }));
        },
      });
    case "not_crisis":
      return confirmNotCrisis(item, action);
    case "dismiss":
      return confirmAction({
        title: gettext("Dismiss this item?"),
        text: item.kind === "crisis" || item.kind === "check_in"
          ? gettext("Someone may be waiting for a human: say why it is closed (for example, \"spoke with them\").")
          : gettext("It leaves the queue with no action. Reporters are told no action was needed."),
        ok: gettext("Dismiss"),
        reason: true,
        opener: action,
        run: async ({ reason }) => {
          await send(frameOf("dismiss", { item: item.id, reason }));
          done(gettext("Dismissed. The item is closed and its reporters are told no action was needed."));
        },
      });
    case "kick":
      return confirmAction({
        title: interpolate(gettext("Ask %(who)s to leave %(room)s?"), { who, room: where }),
        text: interpolate(gettext("Their connection to %(room)s closes now. They can come back when they choose to."),
          { room: where }),
        ok: gettext("Kick from room"),
        reason: true,
        opener: action,
        run: async ({ reason }) => {
          await send(frameOf("kick", { handle: who, room: item.room, item: item.id, reason }));
          done(interpolate(gettext("%(who)s was asked to leave %(room)s. The item stays open until you resolve it."),
            { who, room: where }));
        },
      });
    case "ban":
      return confirmAction({
        title: interpolate(gettext("Ban %(who)s?"), { who }),
        text: gettext("Every Kindred page they have open disconnects, they can't come back with this handle, and "
          + "their browser can't make a new one. You can lift it later with Unban."),
        ok: interpolate(gettext("Ban %(who)s"), { who }),
        reason: true,
        opener: action,
        run: async ({ reason }) => {
          await send(frameOf("ban", { handle: who, item: item.id, reason }));
          done(interpolate(gettext("%(who)s is banned. The item stays open until you resolve it."), { who }));
        },
      });
    case "pin":
      return confirmAction({
        title: interpolate(gettext("Pin this message in %(room)s?"), { room: where }),
        text: gettext("It shows at the top of the room for everyone, replacing any pinned message."),
        ok: gettext("Pin message"),
        opener: action,
        run: async () => {
          await send({ type: "pin", room: item.room, message: item.message.id });
          done(interpolate(gettext("Pinned in %(room)s."), { room: where }));
        },
      });
    case "warn": {
      const dialog = $("warn-dialog");
      $("warn-handle").textContent = who;
      $("warn-text").value = "";
      dialog.run = async ({ text }) => {
        await send(frameOf("warn", { handle: who, text, item: item.id }));
        done(interpolate(gettext("%(who)s was sent a private warning. The item stays open until you resolve it."),
          { who }));
      };
      openDialog(dialog, action);
      $("warn-text").focus();
      return undefined;
    }
    case "mute": {
      const dialog = $("mute-dialog");
      $("mute-handle").textContent = who;
      $("mute-here-label").textContent = item.room_kind === "direct"
        ? gettext("In this one-on-one chat only") : interpolate(gettext("In %(room)s only"), { room: where });
      $("mute-here").checked = Boolean(item.room);
      $("mute-here").disabled = !item.room;
      $("mute-everywhere").checked = !item.room;
      $("mute-reason").value = "";
      dialog.run = async ({ minutes, everywhere, reason }) => {
        const answer = await send(frameOf("mute", {
          handle: who, minutes, room: everywhere ? null : item.room, item: item.id, reason,
        }));
        const until = shortTime(answer.until);
        done(muteDone({ who, where: everywhere ? null : where, until }));
      };
      openDialog(dialog, action);
      $("mute-minutes").focus();
      return undefined;
    }
    default:
      return memberAction(action.dataset.act, item, action);
  }
});
