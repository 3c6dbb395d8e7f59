// Words for queue items, rooms and the audit log. Pure: tests/js/ checks them.

import { plural } from "../format.js";

export const KIND_WORDS = {
  crisis: "Crisis",
  report: "Report",
  contact_info: "Contact details",
  blocked_word: "Blocked word",
  new_link: "Link from a new handle",
  rate_limit: "Sending too fast",
  check_in: "Check-in they asked for",
  first_post: "New member's first message, waiting for a look",
};
export const CRISIS_WORDS = {
  suicide: "thoughts of suicide",
  self_harm: "self-harm",
  overdose: "overdose",
  violence: "violence or abuse",
};
export const REASON_WORDS = {
  harassment: "harassment",
  spam: "spam, selling or sourcing",
  unsafe: "someone may be unsafe",
  contact_info: "contact or personal details",
  other: "something else",
};
export const RESOLUTION_WORDS = {
  resolved: "resolved",
  dismissed: "dismissed, no action needed",
  removed: "the message was removed",
  warned: "the member was warned",
  muted: "the member was muted",
  kicked: "the member was asked to leave the room",
  banned: "the member was banned",
  not_crisis: "not a crisis, the detector was told",
  released: "the message was released into the room",
};
/** The step-up ladder's steps (the sanction button takes the next one). */
export const STEP_WORDS = {
  warn: "a warning",
  mute_1h: "a 1-hour mute",
  mute_24h: "a 24-hour mute",
  ban: "a ban (suggested: confirm it)",
};
const SANCTION_KIND_WORDS = { warn: "Warned", mute: "Muted", ban: "Banned" };
const MISSING_WORDS = {
  time: "hasn't been here long enough",
  messages: "hasn't enough messages still up",
  sanctions: "has a recent sanction",
};

/** One line about the member an item is about: trust level, why, and what runs now. */
export function memberWords(member, formatTime = (t) => t) {
  if (!member || typeof member !== "object") return "";
  const level = Number(member.level) >= 1 ? "Level 1 (member)" : "Level 0 (new: no links, no one-on-one requests, slower sending)";
  const parts = [level];
  if (member.override === "trusted") parts.push("promoted by a facilitator");
  else if (member.override === "restricted") parts.push("restricted by a facilitator");
  else if (Array.isArray(member.missing) && member.missing.length && Number(member.level) < 1) {
    parts.push(`not yet level 1: ${member.missing.map((m) => MISSING_WORDS[m] || m).join(", ")}`);
  }
  if (member.banned) parts.push("banned now");
  if (member.muted_until) parts.push(`muted until ${formatTime(member.muted_until)}`);
  parts.push(`next sanction: ${STEP_WORDS[member.next_step] || member.next_step}`);
  return `${parts.join(" · ")}.`;
}

const HISTORY_WORDS = {
  claim: "claimed it", remove_message: "removed the message", release_message: "released the message",
  warn: "warned them", mute: "muted them", kick: "asked them to leave the room", ban: "banned them",
  unmute: "lifted their mute", unban: "lifted their ban", trust: "changed their level",
  reach_out: "reached out", pin: "pinned the message", dismiss: "dismissed it", resolve: "resolved it",
  not_crisis: "marked it not a crisis", auto_release: "released it: nobody had looked in time",
};

/** Who took an action: Kindred itself when no handle is recorded (an automatic release). */
export function actorWords(entry) {
  return entry.actor || (entry.action === "auto_release" ? "Kindred" : "Someone");
}

/** A line of an item's history: who did what (the time is shown beside it). */
export function historyWords(entry) {
  return `${actorWords(entry)} ${HISTORY_WORDS[entry.action] || String(entry.action).replace(/_/g, " ")}`;
}

/** A sanction on the member's record, as a line of the item's "About this member". */
export function sanctionWords(sanction, formatTime = (t) => t) {
  const kind = SANCTION_KIND_WORDS[sanction.kind] || String(sanction.kind);
  const length = sanction.minutes ? ` for ${plural(Number(sanction.minutes), "minute")}` : "";
  const where = sanction.room ? ` in ${roomWords(sanction.room, "topic")}` : "";
  const lifted = sanction.lifted ? " (lifted early)" : "";
  return `${kind}${length}${where}, ${formatTime(sanction.at)}${lifted}`;
}

export const DETECTED_BY_WORDS = {
  lexicon: "Flagged by the phrase list",
  model: "Flagged by the model (no phrase rule matched: judge it with the context)",
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
  const kind = KIND_WORDS[item.kind] || String(item.kind || "Item");
  const category = categoryWords(item);
  return category ? `${kind}: ${category}` : kind;
}

/** Where: a topic room's title, or "a one-on-one chat" (a chat's room slug is private). */
export function roomWords(slug, kind) {
  if (!slug) return "";
  if (kind === "direct") return "a one-on-one chat";
  return roomTitles.get(slug) || slug;
}

/** Why the crisis detector flagged a crisis item, in plain words; "" for other items. */
export function detectionWords(item) {
  if (item.kind !== "crisis" || !item.detected_by) return "";
  const stage = DETECTED_BY_WORDS[item.detected_by] || `Flagged by ${item.detected_by}`;
  const reason = typeof item.detection_reason === "string" ? item.detection_reason : "";
  return reason ? `${stage}. ${reason}` : `${stage}.`;
}

export function reasonsWords(item) {
  const reasons = item.reasons && typeof item.reasons === "object" ? item.reasons : {};
  const parts = Object.entries(reasons).map(([reason, count]) => `${REASON_WORDS[reason] || reason} ${count}`);
  return parts.length ? ` (${parts.join(", ")})` : "";
}

export function stateWords(item, me) {
  if (item.state === "claimed") return item.claimed_by === me ? "You claimed it" : `Claimed by ${item.claimed_by}`;
  if (item.state === "open") return "Nobody has claimed it yet";
  return RESOLUTION_WORDS[item.resolution] ? `Closed: ${RESOLUTION_WORDS[item.resolution]}` : "Closed";
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
  const target = entry.target || "someone";
  const where = entry.room ? roomWords(entry.room, entry.room.startsWith("chat-") ? "direct" : "topic") : "";
  const inRoom = where ? ` in ${where}` : "";
  const item = entry.item ? ` (item ${entry.item})` : "";
  const details = entry.details && typeof entry.details === "object" ? entry.details : {};
  switch (entry.action) {
    case "claim": return `claimed item ${entry.item}`;
    case "dismiss": return `dismissed item ${entry.item}`;
    case "resolve": return `resolved item ${entry.item}`;
    case "unmute": return `lifted the mute of ${target}${item}`;
    case "unban": return `lifted the ban of ${target}${item}`;
    case "trust": return details.override === "trusted" ? `promoted ${target} to level 1${item}`
      : details.override === "restricted" ? `restricted ${target} to level 0${item}`
        : `set ${target}'s level back to automatic${item}`;
    case "remove_message": return `removed a message by ${target}${inRoom}${item}`;
    case "release_message": return `released a held message by ${target}${inRoom}${item}`;
    case "auto_release": return `released a first message by ${target}${inRoom}${item}: nobody had looked within ${plural(Math.round((Number(details.waited_seconds) || 0) / 60), "minute")}`;
    case "warn": return `warned ${target}${item}`;
    case "mute": return `muted ${target} for ${plural(Number(details.minutes) || 0, "minute")}${inRoom || " everywhere"}${item}`;
    case "kick": return `asked ${target} to leave${inRoom}${item}`;
    case "ban": return `banned ${target}${item}`;
    case "slow_mode": return Number(details.seconds)
      ? `set slow mode${inRoom} to ${details.seconds} s` : `turned slow mode off${inRoom}`;
    case "lock": return `locked${inRoom}`;
    case "unlock": return `unlocked${inRoom}`;
    case "pin": return `pinned a message${inRoom}`;
    case "unpin": return `unpinned the message${inRoom}`;
    case "reach_out": return `reached out to ${target}${item}`;
    case "not_crisis": return `marked item ${entry.item} as not a crisis`;
    case "missed_crisis": return `marked a message by ${target}${inRoom} as a missed crisis (${CRISIS_WORDS[details.category] || details.category})`;
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
