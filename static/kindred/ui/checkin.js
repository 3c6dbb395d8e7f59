// "Check on me later": the member picks a time in their own time zone; the server
// keeps it as a scheduled check-in for whoever is on duty then.

import { button, el } from "../dom.js";
import { postJSON } from "../http.js";
import { gettext, interpolate, pageLanguage } from "../i18n.js";

/** The offered times, computed in this browser's own time zone. */
export function checkinChoices(now = new Date()) {
  const inHours = (h) => new Date(now.getTime() + h * 3600 * 1000);
  const tomorrowNine = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, 9, 0, 0);
  return [
    { label: gettext("In 1 hour"), at: inHours(1) },
    { label: gettext("In 3 hours"), at: inHours(3) },
    { label: gettext("Tomorrow at 9 a.m."), at: tomorrowNine },
  ];
}

/** "9:00 AM tomorrow"-style words for *at*, in the member's own zone. */
export function localWhen(at) {
  return at.toLocaleString(pageLanguage(), { weekday: "long", hour: "numeric", minute: "2-digit" });
}

/** A small group of buttons that asks for a check-in, with a live status line. */
export function checkinPicker() {
  const box = el("div", "crisis-checkin");
  box.setAttribute("role", "group");
  box.setAttribute("aria-label", gettext("Check on me later"));
  const label = el("p", "crisis-checkin-label", gettext("Would you like a facilitator to check on you later?"));
  const status = el("p", "crisis-checkin-status");
  status.setAttribute("role", "status");
  const choices = checkinChoices().map(({ label: words, at }) => {
    const choice = button(words, "button button-quiet button-small", async () => {
      for (const b of box.querySelectorAll("button")) b.disabled = true;
      status.textContent = gettext("Asking…");
      const result = await postJSON("/api/checkins/", { at: at.toISOString() });
      for (const b of box.querySelectorAll("button")) b.disabled = false;
      status.textContent = result.ok
        ? interpolate(gettext("Asked for %(value)s. Whoever is on duty then will reach out; it will wait in your inbox."), { value: localWhen(at) })
        : result.data?.detail || gettext("That didn't go through. Please try again.");
    });
    return choice;
  });
  const row = el("div", "crisis-checkin-choices");
  row.append(...choices);
  box.append(label, row, status);
  return box;
}
