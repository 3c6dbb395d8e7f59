// Pure words for a meeting's state (the `meeting` frame, docs/protocol.md): no DOM, tested
// with node --test.

import { gettext, interpolate } from "../i18n.js";

const said = (text) => (h) => interpolate(text, { handle: h });

const LOG_WORDS = {
  started: said(gettext("%(handle)s opened the meeting")),
  opening: said(gettext("%(handle)s read the opening")),
  pinned: () => gettext("The reading was pinned"),
  slow_on: () => gettext("Slow mode on"),
  slow_off: () => gettext("Slow mode off"),
  round_started: () => gettext("The check-in round began"),
  round_ended: () => gettext("The check-in round ended"),
  floor: said(gettext("%(handle)s had the floor")),
  floor_done: said(gettext("%(handle)s finished sharing")),
  host_late: () => gettext("The host was running late"),
  cancelled: () => gettext("The meeting was cancelled"),
  ended: () => gettext("The meeting ended"),
};

/** One log entry in words ("Sam read the opening"). */
export function logWords(entry) {
  const words = LOG_WORDS[entry?.what];
  return words ? words(entry.handle || gettext("The host")) : "";
}

/** A time as the reader's own local clock time ("19:00"), or "". */
export function localClock(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  return new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" }).format(date);
}

/**
 * A time as the reader's weekday, date and time ("Mon 7 Dec, 19:00"), in *timeZone* (the
 * member's setting) or else the device's own; "" when unreadable.
 */
export function localWhen(iso, timeZone = "") {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const options = {
    weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit",
  };
  try {
    return new Intl.DateTimeFormat(undefined, timeZone ? { ...options, timeZone } : options).format(date);
  } catch {
    return new Intl.DateTimeFormat(undefined, options).format(date); // an unknown zone name
  }
}

/**
 * What the banner says for *meeting* to the member *me*:
 * {visible, heading, status, floor, canRaise, canLower, canDone, canAttend}.
 */
export function describeMeeting(meeting, me) {
  if (!meeting) return { visible: false };
  const open = ["waiting", "late", "live"].includes(meeting.state);
  const heading = `${meeting.title} · ${meeting.format_label}`;
  const hosts = meeting.hosts.join(", ");
  let status;
  if (meeting.state === "waiting") status = interpolate(gettext("Starting now: waiting for the host (%(hosts)s)."), { hosts });
  else if (meeting.state === "late") status = meeting.note || gettext("The host is running a little late.");
  else if (meeting.state === "live") status = interpolate(gettext("Meeting in progress, hosted by %(host)s."), { host: meeting.host });
  else if (meeting.state === "cancelled") status = meeting.note || gettext("This meeting was cancelled.");
  else status = gettext("The meeting has ended. The room is open chat again.");
  let floor = "";
  if (meeting.state === "live" && meeting.round) {
    const hands = meeting.hands.length
      ? ` ${interpolate(gettext("Hands up: %(hands)s."), { hands: meeting.hands.join(", ") })}`
      : "";
    let turn = gettext("Check-in round: raise your hand to share.");
    if (meeting.floor === me) turn = gettext("Check-in round: you have the floor.");
    else if (meeting.floor) turn = interpolate(gettext("Check-in round: %(handle)s has the floor."), { handle: meeting.floor });
    floor = `${turn}${hands}`;
  }
  const inRound = meeting.state === "live" && meeting.round;
  const handUp = meeting.hands.includes(me);
  return {
    visible: open || meeting.state === "ended" || meeting.state === "cancelled",
    heading,
    status,
    floor,
    canRaise: inRound && !handUp && meeting.floor !== me,
    canLower: inRound && handUp,
    canDone: inRound && meeting.floor === me,
    canAttend: meeting.state === "live",
  };
}

const at = (iso) => Date.parse(String(iso).replace(/(\.\d{3})\d+/, "$1"));

/**
 * Whether *message* was said beside the round rather than in it: the meeting sends
 * others' messages to a side conversation (`during_round: "side"`), a round was running
 * when it was sent, and its author had neither the floor nor a host's place. Worked out
 * from the log, so it holds for history a late joiner reads as for live messages.
 */
export function isAside(message, meeting) {
  if (!meeting || meeting.during_round !== "side" || !message) return false;
  if (meeting.hosts.includes(message.author)) return false;
  const sent = at(message.sent_at);
  if (Number.isNaN(sent) || sent < at(meeting.starts_at)) return false;
  let round = false;
  let floor = null;
  for (const entry of meeting.log) {
    if (at(entry.at) > sent) break;
    if (entry.what === "round_started") [round, floor] = [true, null];
    else if (["round_ended", "ended", "cancelled"].includes(entry.what)) [round, floor] = [false, null];
    else if (entry.what === "floor") floor = entry.handle;
    else if (entry.what === "floor_done") floor = null;
  }
  return round && message.author !== floor;
}

/**
 * Which host control makes sense now: "start" before the meeting is live, the round's
 * controls during a round, the rest while it is live.
 */
export function hostControlShown(action, on, meeting) {
  if (!meeting || !["waiting", "late", "live"].includes(meeting.state)) return false;
  if (action === "start") return meeting.state !== "live";
  if (meeting.state !== "live") return false;
  if (action === "round") return on === "true" ? !meeting.round : meeting.round;
  if (action === "floor" || action === "done") return meeting.round;
  return true;
}
