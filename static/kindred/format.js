// Words and times for people to read.

import { gettext, interpolate, ngettext, pageLanguage } from "./i18n.js";

/** "1 minute", "3 minutes". */
export function plural(count, one, many = `${one}s`) {
  return `${count} ${count === 1 ? one : many}`;
}

/** Formats an ISO time as a short local time ("03:14") in the page's language, or "" if unreadable. */
export function shortTime(iso, now = new Date()) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const sameDay = date.toDateString() === now.toDateString();
  const options = sameDay
    ? { hour: "2-digit", minute: "2-digit" }
    : { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" };
  return new Intl.DateTimeFormat(pageLanguage(), options).format(date);
}

/**
 * An ISO time for a `<time datetime>`: HTML allows 1 to 3 digits of a second's
 * fraction, the server sends microseconds, so the fraction is cut to milliseconds.
 */
export function htmlDateTime(iso) {
  return String(iso).replace(/(\.\d{3})\d+/, "$1");
}

/** How long someone has waited, in words. */
export function waitedWords(ms) {
  const minutes = Math.floor(Math.max(0, ms) / 60000);
  if (minutes < 1) return gettext("Waiting less than a minute");
  if (minutes < 90) {
    return interpolate(ngettext("Waiting %(count)s minute", "Waiting %(count)s minutes", minutes),
      { count: minutes });
  }
  const hours = Math.round(minutes / 60);
  return interpolate(ngettext("Waiting %(count)s hour", "Waiting %(count)s hours", hours), { count: hours });
}

/** Seconds left before a held message goes, in words. */
export function sendingInWords(seconds) {
  return seconds > 90
    ? interpolate(gettext("Your message will be sent in about %(value)s min."), { value: Math.ceil(seconds / 60) })
    : interpolate(gettext("Your message will be sent in %(seconds)s s."), { seconds });
}
