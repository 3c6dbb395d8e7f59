// "Check on me later": the member picks a time in their own time zone; the server
// keeps it as a scheduled check-in for whoever is on duty then.

import { button, el } from "../dom.js";
import { memberTimeZone } from "../format.js";
import { postJSON } from "../http.js";
import { gettext, interpolate, pageLanguage } from "../i18n.js";

/** The wall-clock parts of *at* in *timeZone* (undefined: the device's). */
function partsIn(at, timeZone) {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric",
    hour: "numeric", minute: "numeric", second: "numeric",
  }).formatToParts(at);
  const get = (type) => Number(parts.find((p) => p.type === type)?.value);
  return { year: get("year"), month: get("month"), day: get("day"), hour: get("hour") % 24,
    minute: get("minute"), second: get("second") };
}

/** The moment the next day starts 9:00 in *timeZone* (undefined: the device's own). */
export function tomorrowAtNine(now, timeZone) {
  if (!timeZone) return new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, 9, 0, 0);
  const today = partsIn(now, timeZone);
  const wanted = Date.UTC(today.year, today.month - 1, today.day + 1, 9, 0, 0);
  let guess = wanted;
  for (let i = 0; i < 2; i += 1) { // the zone's offset at the guess, then once more (DST)
    const seen = partsIn(new Date(guess), timeZone);
    const shown = Date.UTC(seen.year, seen.month - 1, seen.day, seen.hour, seen.minute, seen.second);
    guess += wanted - shown;
  }
  return new Date(guess);
}

/** The offered times, in the member's saved time zone (else this browser's own). */
export function checkinChoices(now = new Date(), timeZone = memberTimeZone()) {
  const inHours = (h) => new Date(now.getTime() + h * 3600 * 1000);
  const tomorrowNine = tomorrowAtNine(now, timeZone);
  return [
    { label: gettext("In 1 hour"), at: inHours(1) },
    { label: gettext("In 3 hours"), at: inHours(3) },
    { label: gettext("Tomorrow at 9 a.m."), at: tomorrowNine },
  ];
}

/** "Tuesday 9:00 AM"-style words for *at*, in the page's language and the member's saved zone. */
export function localWhen(at, timeZone = memberTimeZone()) {
  return at.toLocaleString(pageLanguage(), { weekday: "long", hour: "numeric", minute: "2-digit", timeZone });
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
