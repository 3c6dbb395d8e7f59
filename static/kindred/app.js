// On every page: registers the service worker (/sw.js) that makes Kindred installable
// and shows push notifications. It caches no page and no API answer (sw.js).

if ("serviceWorker" in navigator && window.isSecureContext) {
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {
    // Installing is optional: Kindred works the same without it.
  });
}
