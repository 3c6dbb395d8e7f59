// Who is on the team: facilitators and peer supporters carry a small badge beside their
// handle in messages and in "here now" lists, so members know who is accountable. The
// welcome frame's `team` ({handle: "facilitator" | "supporter"}) says who; nothing more
// than the handle is ever shown.

import { el } from "../dom.js";
import { gettext } from "../i18n.js";

export const BADGE_WORDS = { facilitator: gettext("Facilitator"), supporter: gettext("Peer supporter") };

const team = new Map();

/** Replaces who is on the team (from a welcome frame). */
export function setTeam(handles) {
  team.clear();
  if (!handles || typeof handles !== "object") return;
  for (const [handle, badge] of Object.entries(handles)) {
    if (BADGE_WORDS[badge]) team.set(handle, badge);
  }
}

export function badgeOf(handle) {
  return team.get(handle) || null;
}

/** The badge element for *handle*, or null for a member. */
export function badgeFor(handle) {
  const badge = badgeOf(handle);
  return badge ? el("span", `team-badge team-badge-${badge}`, BADGE_WORDS[badge]) : null;
}
