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

export async function reachOut(itemId, statusLine) {
  statusLine.replaceChildren("Opening a chat…");
  try {
    const answer = await send({ type: "reach_out", item: itemId });
    openChatInNewTab(answer.chat);
    statusLine.replaceChildren(`A chat with ${answer.with} is open in a new tab. `,
      link(chatPath(answer.chat), `Go to the chat with ${answer.with}`, "", { newTab: true }));
    polite.say(`A chat with ${answer.with} is open in a new tab.`);
  } catch (error) {
    statusLine.replaceChildren(error.detail);
  }
}

export async function claim(itemId, statusLine) {
  try {
    await send({ type: "claim", item: itemId });
    statusLine.replaceChildren("You claimed it. Other facilitators can see that you have it.");
  } catch (error) {
    statusLine.replaceChildren(error.detail);
  }
}

$("item-actions")?.addEventListener("click", (event) => {
  const action = event.target.closest("button[data-act]");
  const item = store.items.get(store.selected) || null;
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
        text: item.kind === "first_post"
          ? "A new member's message, waiting for a quick look. Released, everyone in the room sees it "
            + "in its place, and this item is done."
          : "The room's crisis policy held it back. Released, everyone in the room sees it. "
            + "The crisis item stays open: releasing is about the room, not about the member's safety.",
        ok: "Release message",
        opener: action,
        run: async () => {
          await send(frameOf("release_message", { message: item.message.id, item: item.id }));
          // The server sends no queue.update for a release: show it here.
          const current = store.items.get(item.id);
          if (current?.message) {
            current.message = { ...current.message, held: false };
            renderDetail(current);
          }
          done(`Released into ${where}.`);
        },
      });
    case "not_crisis":
      return confirmNotCrisis(item, action);
    case "dismiss":
      return confirmAction({
        title: "Dismiss this item?",
        text: item.kind === "crisis" || item.kind === "check_in"
          ? "Someone may be waiting for a human: say why it is closed (for example, \"spoke with them\")."
          : "It leaves the queue with no action. Reporters are told no action was needed.",
        ok: "Dismiss",
        reason: true,
        opener: action,
        run: async ({ reason }) => {
          await send(frameOf("dismiss", { item: item.id, reason }));
          done("Dismissed. The item is closed and its reporters are told no action was needed.");
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
          done(`${who} was asked to leave ${where}. The item stays open until you resolve it.`);
        },
      });
    case "ban":
      return confirmAction({
        title: `Ban ${who}?`,
        text: "Every Kindred page they have open disconnects, they can't come back with this handle, and "
          + "their browser can't make a new one. You can lift it later with Unban.",
        ok: `Ban ${who}`,
        reason: true,
        opener: action,
        run: async ({ reason }) => {
          await send(frameOf("ban", { handle: who, item: item.id, reason }));
          done(`${who} is banned. The item stays open until you resolve it.`);
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
        done(`${who} was sent a private warning. The item stays open until you resolve it.`);
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
        done(`${who} is muted ${everywhere ? "everywhere" : `in ${where}`}${until ? ` until ${until}` : ""}, `
          + "and so is any new handle from their browser. The item stays open until you resolve it.");
      };
      openDialog(dialog, action);
      $("mute-minutes").focus();
      return undefined;
    }
    default:
      return memberAction(action.dataset.act, item, action);
  }
});
