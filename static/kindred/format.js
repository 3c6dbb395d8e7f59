// Words and times for people to read.

import { gettext, interpolate, ngettext, pageLanguage } from "./i18n.js";

/** "Spanish" / "español": a language's name (a code of settings.LANGUAGES) in the page's language. */
export function languageName(code) {
  try {
    return new Intl.DisplayNames([pageLanguage()], { type: "language" }).of(code) || code;
  } catch {
    return code; // not a code Intl knows: the code itself is still honest
  }
}

/** "1 minute", "3 minutes". */
export function plural(count, one, many = `${one}s`) {
  return `${count} ${count === 1 ? one : many}`;
}

/**
 * The time zone the member saved in their settings (the page's `data-time-zone`), or
 * undefined: the device's own.
 */
export function memberTimeZone() {
  const zone = globalThis.document?.body?.dataset?.timeZone;
  if (!zone) return undefined;
  try {
    new Intl.DateTimeFormat(undefined, { timeZone: zone });
    return zone;
  } catch {
    return undefined; // a zone this browser doesn't know: the device's own
  }
}

// Made once per kind: building a formatter costs far more than using it (a list of messages).
const FORMATS = new Map();
function formatter(kind, timeZone) {
  const key = `${kind}|${timeZone || ""}|${pageLanguage()}`;
  if (!FORMATS.has(key)) {
    const options = kind === "day"
      ? { year: "numeric", month: "2-digit", day: "2-digit", timeZone }
      : kind === "time"
        ? { hour: "2-digit", minute: "2-digit", timeZone }
        : { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZone };
    FORMATS.set(key, new Intl.DateTimeFormat(kind === "day" ? "en-CA" : pageLanguage(), options));
  }
  return FORMATS.get(key);
}

/**
 * Formats an ISO time as a short time ("03:14"; with the day when not today) in the page's
 * language, in the member's saved time zone (else the device's), or "" if unreadable.
 */
export function shortTime(iso, now = new Date(), timeZone = memberTimeZone()) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const day = formatter("day", timeZone);
  const sameDay = day.format(date) === day.format(now);
  return formatter(sameDay ? "time" : "datetime", timeZone).format(date);
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
