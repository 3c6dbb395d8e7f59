// Actions about the member an item is about, and closing the item: the step-up
// "Sanction…" button, Unmute, Unban, Promote and Restrict (trust levels), and Resolve.

import { shortTime } from "../format.js";
import { done } from "./audit.js";
import { frameOf, send } from "./context.js";
import { confirmAction } from "./dialogs.js";
import { roomWords, STEP_WORDS } from "./words.js";
import { gettext, interpolate } from "../i18n.js";

const STEP_EFFECT = {
  warn: gettext("They get a private warning with the standard words."),
  mute_1h: gettext("They can read but not post for an hour, nor can any new handle from their browser."),
  mute_24h: gettext("They can read but not post for 24 hours, nor can any new handle from their browser."),
  ban: gettext("The ladder suggests a ban: every page they have open disconnects and their browser can't make a new "
    + "handle. Confirm only if that is right; you can choose a mute with Mute… instead."),
};

function sanction(item, opener) {
  const who = item.subject;
  const step = item.member?.next_step || "warn";
  const where = item.room_kind === "topic" ? item.room : null;
  confirmAction({
    title: interpolate(gettext("Next step for %(who)s: %(step)s?"), { who, step: STEP_WORDS[step] || step }),
    text: [STEP_EFFECT[step] || "",
      gettext("The ladder counts their warnings, mutes and bans of the last months that weren't lifted.")]
      .filter(Boolean).join(" "),
    ok: step === "ban" ? interpolate(gettext("Ban %(who)s"), { who }) : gettext("Take this step"),
    reason: true,
    opener,
    run: async ({ reason }) => {
      const answer = await send(frameOf("sanction", {
        handle: who, step, room: step.startsWith("mute") ? where : null, item: item.id, reason,
      }));
      const what = STEP_WORDS[answer.step] || answer.step;
      done(where && step.startsWith("mute")
        ? interpolate(gettext("%(who)s: %(what)s in %(room)s is in place. The item stays open until you resolve it."),
          { who, what, room: roomWords(where, "topic") })
        : interpolate(gettext("%(who)s: %(what)s is in place. The item stays open until you resolve it."), { who, what }));
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
        title: interpolate(gettext("Lift %(who)s's mute now?"), { who }),
        text: item.member?.muted_until
          ? interpolate(gettext("They (and any handle from their browser) can post again at once, instead of at "
            + "%(time)s. They're told kindly."), { time: shortTime(item.member.muted_until) })
          : gettext("They (and any handle from their browser) can post again at once. They're told kindly."),
        ok: gettext("Unmute"),
        after: interpolate(gettext("%(who)s can post again."), { who }),
      });
    case "unban":
      return simple(item, opener, {
        type: "unban",
        title: interpolate(gettext("Lift %(who)s's ban?"), { who }),
        text: gettext("They can sign in with their handle again, and their browser can make handles again."),
        ok: interpolate(gettext("Unban %(who)s"), { who }),
        after: interpolate(gettext("%(who)s's ban is lifted."), { who }),
      });
    case "promote":
      return simple(item, opener, {
        type: "trust",
        fields: { override: "trusted" },
        title: interpolate(gettext("Promote %(who)s to level 1 now?"), { who }),
        text: gettext("They can post links and ask for one-on-one chats at once, without waiting for time and messages."),
        ok: gettext("Promote"),
        after: interpolate(gettext("%(who)s is at level 1."), { who }),
      });
    case "restrict":
      return simple(item, opener, {
        type: "trust",
        fields: { override: "restricted" },
        title: interpolate(gettext("Restrict %(who)s to level 0?"), { who }),
        text: gettext("No links, no one-on-one requests and slower sending, whatever they do, until a facilitator "
          + "promotes them."),
        ok: gettext("Restrict"),
        after: interpolate(gettext("%(who)s is restricted to level 0."), { who }),
      });
    case "resolve":
      return confirmAction({
        title: gettext("Resolve this item?"),
        text: gettext("It leaves the queue. Its reporters are told action was taken."),
        ok: gettext("Resolve"),
        reason: true,
        reasonNote: gettext("(needed: what was done, in a few words)"),
        opener,
        run: async ({ reason }) => {
          await send(frameOf("resolve", { item: item.id, reason }));
          done(gettext("Resolved. The item is closed and its reporters are told."));
        },
      });
    default:
      return undefined;
  }
}
