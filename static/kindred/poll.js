// Polling for pages without a socket: every *everyMs* (plus jitter, so that many open
// tabs don't ask at the same instant) while the tab is visible, and at once when it
// becomes visible again.

/** Starts polling with *refresh* (an async function); returns {schedule}. */
export function pollWhileVisible(refresh, everyMs, jitterMs = 3000) {
  let timer = null;
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      if (document.visibilityState === "visible") await refresh();
      schedule();
    }, everyMs + Math.random() * jitterMs);
  };
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState !== "visible") return;
    refresh();
    schedule();
  });
  schedule();
  return { schedule };
}
