// Actions about the member an item is about, and closing the item: the step-up
// "Sanction…" button, Unmute, Unban, Promote and Restrict (trust levels), and Resolve.

import { shortTime } from "../format.js";
import { done } from "./audit.js";
import { frameOf, send } from "./context.js";
import { confirmAction } from "./dialogs.js";
import { roomWords, STEP_WORDS } from "./words.js";

const STEP_EFFECT = {
  warn: "They get a private warning with the standard words.",
  mute_1h: "They can read but not post for an hour, nor can any new handle from their browser.",
  mute_24h: "They can read but not post for 24 hours, nor can any new handle from their browser.",
  ban: "The ladder suggests a ban: every page they have open disconnects and their browser can't make a new handle. "
    + "Confirm only if that is right; you can choose a mute with Mute… instead.",
};

function sanction(item, opener) {
  const who = item.subject;
  const step = item.member?.next_step || "warn";
  const where = item.room_kind === "topic" ? item.room : null;
  confirmAction({
    title: `Next step for ${who}: ${STEP_WORDS[step] || step}?`,
    text: `${STEP_EFFECT[step] || ""} The ladder counts their warnings, mutes and bans of the last months `
      + "that weren't lifted.",
    ok: step === "ban" ? `Ban ${who}` : "Take this step",
    reason: true,
    opener,
    run: async ({ reason }) => {
      const answer = await send(frameOf("sanction", {
        handle: who, step, room: step.startsWith("mute") ? where : null, item: item.id, reason,
      }));
      const place = where && step.startsWith("mute") ? ` in ${roomWords(where, "topic")}` : "";
      done(`${who}: ${STEP_WORDS[answer.step] || answer.step}${place} is in place. The item stays open until you resolve it.`);
    },
  });
}

function simple(item, opener, { type, title, text, ok, fields = {}, after }) {
  confirmAction({
    title,
    text,
    ok,
    reason: true,
    opener,
    run: async ({ reason }) => {
      await send(frameOf(type, { handle: item.subject, item: item.id, reason, ...fields }));
      done(after);
    },
  });
}

export function memberAction(act, item, opener) {
  const who = item.subject;
  switch (act) {
    case "sanction":
      return sanction(item, opener);
    case "unmute":
      return simple(item, opener, {
        type: "unmute",
        title: `Lift ${who}'s mute now?`,
        text: `They (and any handle from their browser) can post again at once`
          + `${item.member?.muted_until ? `, instead of at ${shortTime(item.member.muted_until)}` : ""}. They're told kindly.`,
        ok: "Unmute",
        after: `${who} can post again.`,
      });
    case "unban":
      return simple(item, opener, {
        type: "unban",
        title: `Lift ${who}'s ban?`,
        text: "They can sign in with their handle again, and their browser can make handles again.",
        ok: `Unban ${who}`,
        after: `${who}'s ban is lifted.`,
      });
    case "promote":
      return simple(item, opener, {
        type: "trust",
        fields: { override: "trusted" },
        title: `Promote ${who} to level 1 now?`,
        text: "They can post links and ask for one-on-one chats at once, without waiting for time and messages.",
        ok: "Promote",
        after: `${who} is at level 1.`,
      });
    case "restrict":
      return simple(item, opener, {
        type: "trust",
        fields: { override: "restricted" },
        title: `Restrict ${who} to level 0?`,
        text: "No links, no one-on-one requests and slower sending, whatever they do, until a facilitator promotes them.",
        ok: "Restrict",
        after: `${who} is restricted to level 0.`,
      });
    case "resolve":
      return confirmAction({
        title: "Resolve this item?",
        text: "It leaves the queue. Its reporters are told action was taken.",
        ok: "Resolve",
        reason: true,
        reasonNote: "(needed: what was done, in a few words)",
        opener,
        run: async ({ reason }) => {
          await send(frameOf("resolve", { item: item.id, reason }));
          done("Resolved. The item is closed and its reporters are told.");
        },
      });
    default:
      return undefined;
  }
}
