// Words and times for people to read.

/** "1 minute", "3 minutes". */
export function plural(count, one, many = `${one}s`) {
  return `${count} ${count === 1 ? one : many}`;
}

// Made once: building a formatter costs far more than using it (a list of messages).
const FORMATS = new Map();
function formatter(sameDay) {
  if (!FORMATS.has(sameDay)) {
    const options = sameDay
      ? { hour: "2-digit", minute: "2-digit" }
      : { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" };
    FORMATS.set(sameDay, new Intl.DateTimeFormat(undefined, options));
  }
  return FORMATS.get(sameDay);
}

/** Formats an ISO time as a short local time ("03:14"), or "" if unreadable. */
export function shortTime(iso, now = new Date()) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  return formatter(date.toDateString() === now.toDateString()).format(date);
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
  if (minutes < 1) return "Waiting less than a minute";
  if (minutes < 90) return `Waiting ${plural(minutes, "minute")}`;
  return `Waiting ${plural(Math.round(minutes / 60), "hour")}`;
}

/** Seconds left before a held message goes, in words. */
export function sendingInWords(seconds) {
  return seconds > 90
    ? `Your message will be sent in about ${Math.ceil(seconds / 60)} min.`
    : `Your message will be sent in ${seconds} s.`;
}
