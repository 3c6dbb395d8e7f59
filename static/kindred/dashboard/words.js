// Words for queue items, rooms and the audit log. Pure: tests/js/ checks them.

import { gettext, interpolate, ngettext } from "../i18n.js";

export const KIND_WORDS = {
  crisis: gettext("Crisis"),
  report: gettext("Report"),
  contact_info: gettext("Contact details"),
  blocked_word: gettext("Blocked word"),
  new_link: gettext("Link from a new handle"),
  rate_limit: gettext("Sending too fast"),
  check_in: gettext("Check-in they asked for"),
  first_post: gettext("New member's first message, waiting for a look"),
};
export const CRISIS_WORDS = {
  suicide: gettext("thoughts of suicide"),
  self_harm: gettext("self-harm"),
  overdose: gettext("overdose"),
  violence: gettext("violence or abuse"),
};
export const REASON_WORDS = {
  harassment: gettext("harassment"),
  spam: gettext("spam, selling or sourcing"),
  unsafe: gettext("someone may be unsafe"),
  contact_info: gettext("contact or personal details"),
  other: gettext("something else"),
};
export const RESOLUTION_WORDS = {
  resolved: gettext("resolved"),
  dismissed: gettext("dismissed, no action needed"),
  removed: gettext("the message was removed"),
  warned: gettext("the member was warned"),
  muted: gettext("the member was muted"),
  kicked: gettext("the member was asked to leave the room"),
  banned: gettext("the member was banned"),
  not_crisis: gettext("not a crisis, the detector was told"),
  released: gettext("the message was released into the room"),
};
/** The step-up ladder's steps (the sanction button takes the next one). */
export const STEP_WORDS = {
  warn: gettext("a warning"),
  mute_1h: gettext("a 1-hour mute"),
  mute_24h: gettext("a 24-hour mute"),
  ban: gettext("a ban (suggested: confirm it)"),
};
const SANCTION_KIND_WORDS = { warn: gettext("Warned"), mute: gettext("Muted"), ban: gettext("Banned") };
const MISSING_WORDS = {
  time: gettext("hasn't been here long enough"),
  messages: gettext("hasn't enough messages still up"),
  sanctions: gettext("has a recent sanction"),
};

/** One line about the member an item is about: trust level, why, and what runs now. */
export function memberWords(member, formatTime = (t) => t) {
  if (!member || typeof member !== "object") return "";
  const level = Number(member.level) >= 1 ? gettext("Level 1 (member)")
    : gettext("Level 0 (new: no links, no one-on-one requests, slower sending)");
  const parts = [level];
  if (member.override === "trusted") parts.push(gettext("promoted by a facilitator"));
  else if (member.override === "restricted") parts.push(gettext("restricted by a facilitator"));
  else if (Array.isArray(member.missing) && member.missing.length && Number(member.level) < 1) {
    const missing = member.missing.map((m) => MISSING_WORDS[m] || m).join(", ");
    parts.push(interpolate(gettext("not yet level 1: %(missing)s"), { missing }));
  }
  if (member.banned) parts.push(gettext("banned now"));
  if (member.muted_until) parts.push(interpolate(gettext("muted until %(time)s"), { time: formatTime(member.muted_until) }));
  parts.push(interpolate(gettext("next sanction: %(step)s"), { step: STEP_WORDS[member.next_step] || member.next_step }));
  return `${parts.join(" · ")}.`;
}

const HISTORY_WORDS = {
  claim: gettext("claimed it"), remove_message: gettext("removed the message"), release_message: gettext("released the message"),
  warn: gettext("warned them"), mute: gettext("muted them"), kick: gettext("asked them to leave the room"), ban: gettext("banned them"),
  unmute: gettext("lifted their mute"), unban: gettext("lifted their ban"), trust: gettext("changed their level"),
  reach_out: gettext("reached out"), pin: gettext("pinned the message"), dismiss: gettext("dismissed it"), resolve: gettext("resolved it"),
  not_crisis: gettext("marked it not a crisis"),
  auto_release: gettext("released it: nobody had looked in time"),
};

/** Who took an action: Kindred itself when no handle is recorded (an automatic release). */
export function actorWords(entry) {
  return entry.actor || (entry.action === "auto_release" ? "Kindred" : gettext("Someone"));
}

/** A line of an item's history: who did what (the time is shown beside it). */
export function historyWords(entry) {
  return `${actorWords(entry)} ${HISTORY_WORDS[entry.action] || String(entry.action).replace(/_/g, " ")}`;
}

/** A sanction on the member's record, as a line of the item's "About this member". */
export function sanctionWords(sanction, formatTime = (t) => t) {
  const kind = SANCTION_KIND_WORDS[sanction.kind] || String(sanction.kind);
  const minutes = Number(sanction.minutes);
  const length = minutes
    ? ` ${interpolate(ngettext("for %(count)s minute", "for %(count)s minutes", minutes), { count: minutes })}` : "";
  const where = sanction.room ? ` ${interpolate(gettext("in %(room)s"), { room: roomWords(sanction.room, "topic") })}` : "";
  const lifted = sanction.lifted ? ` ${gettext("(lifted early)")}` : "";
  return `${kind}${length}${where}, ${formatTime(sanction.at)}${lifted}`;
}

export const DETECTED_BY_WORDS = {
  lexicon: gettext("Flagged by the phrase list"),
  model: gettext("Flagged by the model (no phrase rule matched: judge it with the context)"),
};

// Topic rooms' titles by slug, from the page (setRoomTitles).
const roomTitles = new Map();

export function setRoomTitles(pairs) {
  for (const [slug, title] of pairs) roomTitles.set(slug, title);
}

export function categoryWords(item) {
  const category = typeof item.category === "string" ? item.category : "";
  if (item.kind === "crisis") return CRISIS_WORDS[category] || category;
  if (item.kind === "report") return REASON_WORDS[category] || category;
  if (item.kind === "contact_info") return category.split(",").filter(Boolean).join(", ");
  if (item.kind === "blocked_word") return category ? `\u201c${category}\u201d` : "";
  // A first post's other flags, if it raised any (contact details, a blocked word).
  if (item.kind === "first_post") return category.split(",").filter(Boolean).map((k) => KIND_WORDS[k] || k).join(", ");
  return "";
}

export function itemTitle(item) {
  const kind = KIND_WORDS[item.kind] || String(item.kind || gettext("Item"));
  const category = categoryWords(item);
  return category ? `${kind}: ${category}` : kind;
}

/** Where: a topic room's title, or "a one-on-one chat" (a chat's room slug is private). */
export function roomWords(slug, kind) {
  if (!slug) return "";
  if (kind === "direct") return gettext("a one-on-one chat");
  return roomTitles.get(slug) || slug;
}

/** Why the crisis detector flagged a crisis item, in plain words; "" for other items. */
export function detectionWords(item) {
  if (item.kind !== "crisis" || !item.detected_by) return "";
  const stage = DETECTED_BY_WORDS[item.detected_by]
    || interpolate(gettext("Flagged by %(stage)s"), { stage: item.detected_by });
  const reason = typeof item.detection_reason === "string" ? item.detection_reason : "";
  return reason ? `${stage}. ${reason}` : `${stage}.`;
}

export function reasonsWords(item) {
  const reasons = item.reasons && typeof item.reasons === "object" ? item.reasons : {};
  const parts = Object.entries(reasons).map(([reason, count]) => `${REASON_WORDS[reason] || reason} ${count}`);
  return parts.length ? ` (${parts.join(", ")})` : "";
}

export function stateWords(item, me) {
  if (item.state === "claimed") {
    return item.claimed_by === me ? gettext("You claimed it")
      : interpolate(gettext("Claimed by %(handle)s"), { handle: item.claimed_by });
  }
  if (item.state === "open") return gettext("Nobody has claimed it yet");
  return RESOLUTION_WORDS[item.resolution]
    ? interpolate(gettext("Closed: %(how)s"), { how: RESOLUTION_WORDS[item.resolution] }) : gettext("Closed");
}

export function isOpen(item) {
  return item.state === "open" || item.state === "claimed";
}

export function queueOrder(a, b) {
  return (a.priority - b.priority)
    || ((Number(b.urgency) || 0) - (Number(a.urgency) || 0))
    || (b.weight - a.weight)
    || (Date.parse(a.created_at) - Date.parse(b.created_at))
    || (a.id - b.id);
}

export function auditWords(entry) {
  const target = entry.target || gettext("someone");
  const where = entry.room ? roomWords(entry.room, entry.room.startsWith("chat-") ? "direct" : "topic") : "";
  // Whole phrases for a translation, then "in the room" and "(item 3)" after them.
  const inRoom = where ? ` ${interpolate(gettext("in %(room)s"), { room: where })}` : "";
  const item = entry.item ? ` ${interpolate(gettext("(item %(item)s)"), { item: entry.item })}` : "";
  const details = entry.details && typeof entry.details === "object" ? entry.details : {};
  const say = (text, tail = "") => `${interpolate(text, { target, item: entry.item, room: where })}${tail}`;
  switch (entry.action) {
    case "claim": return say(gettext("claimed item %(item)s"));
    case "dismiss": return say(gettext("dismissed item %(item)s"));
    case "resolve": return say(gettext("resolved item %(item)s"));
    case "unmute": return say(gettext("lifted the mute of %(target)s"), item);
    case "unban": return say(gettext("lifted the ban of %(target)s"), item);
    case "trust": return details.override === "trusted" ? say(gettext("promoted %(target)s to level 1"), item)
      : details.override === "restricted" ? say(gettext("restricted %(target)s to level 0"), item)
        : say(gettext("set %(target)s's level back to automatic"), item);
    case "remove_message": return say(gettext("removed a message by %(target)s"), `${inRoom}${item}`);
    case "release_message": return say(gettext("released a held message by %(target)s"), `${inRoom}${item}`);
    case "auto_release": {
      const minutes = Math.round((Number(details.waited_seconds) || 0) / 60);
      return `${say(gettext("released a first message by %(target)s"), `${inRoom}${item}`)}: ${
        interpolate(ngettext("nobody had looked within %(count)s minute", "nobody had looked within %(count)s minutes",
          minutes), { count: minutes })}`;
    }
    case "warn": return say(gettext("warned %(target)s"), item);
    case "mute": {
      const minutes = Number(details.minutes) || 0;
      const muted = interpolate(ngettext("muted %(target)s for %(count)s minute", "muted %(target)s for %(count)s minutes",
        minutes), { target, count: minutes });
      return `${muted}${inRoom || ` ${gettext("everywhere")}`}${item}`;
    }
    case "kick": return say(gettext("asked %(target)s to leave"), `${inRoom}${item}`);
    case "ban": return say(gettext("banned %(target)s"), item);
    case "slow_mode": return Number(details.seconds)
      ? interpolate(gettext("set slow mode%(where)s to %(seconds)s s"), { where: inRoom, seconds: details.seconds })
      : interpolate(gettext("turned slow mode off%(where)s"), { where: inRoom });
    case "lock": return interpolate(gettext("locked%(where)s"), { where: inRoom });
    case "unlock": return interpolate(gettext("unlocked%(where)s"), { where: inRoom });
    case "pin": return interpolate(gettext("pinned a message%(where)s"), { where: inRoom });
    case "unpin": return interpolate(gettext("unpinned the message%(where)s"), { where: inRoom });
    case "reach_out": return say(gettext("reached out to %(target)s"), item);
    case "not_crisis": return say(gettext("marked item %(item)s as not a crisis"));
    case "missed_crisis": return interpolate(gettext("marked a message by %(target)s%(where)s as a missed crisis (%(what)s)"),
      { target, where: inRoom, what: CRISIS_WORDS[details.category] || details.category });
    default: return `${String(entry.action).replace(/_/g, " ")} ${entry.target || ""}${inRoom}`.trim();
  }
}

/** Items that stand for a person in crisis: one row per member (the server groups
 * them in `also`; live arrivals are folded in the same way). */
export function personKey(item) {
  return item.kind === "crisis" && item.subject ? `crisis:${item.subject}` : null;
}

/** Waiting time worth showing: someone in crisis, or a check-in, nobody has taken. */
export function waitsForSomeone(item) {
  return (item.kind === "crisis" || item.kind === "check_in") && item.state === "open";
}
