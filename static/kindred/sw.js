// Kindred's service worker (served as /sw.js, scope "/"): it makes Kindred
// installable and shows Web Push notifications. It caches nothing but Kindred's
// own static files: never a page (pages are private: handles, chats) and never an
// API answer. A push says only what its payload says ("Someone answered you on
// Kindred"), which never holds a message or a handle.

const STATIC_CACHE = "kindred-static-v1";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  // Only same-origin GETs of /static/ are ever cached; everything else goes to
  // the network untouched, as if there were no service worker.
  if (event.request.method !== "GET" || url.origin !== self.location.origin
      || !url.pathname.startsWith("/static/")) return;
  event.respondWith((async () => {
    const cache = await caches.open(STATIC_CACHE);
    try {
      const response = await fetch(event.request);
      if (response.ok) cache.put(event.request, response.clone());
      return response;
    } catch (error) {
      const cached = await cache.match(event.request);
      if (cached) return cached;
      throw error;
    }
  })());
});

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = {};
  }
  const title = typeof data.title === "string" ? data.title : "Kindred";
  const body = typeof data.body === "string" ? data.body : "Someone answered you on Kindred.";
  const url = typeof data.url === "string" && data.url.startsWith("/") ? data.url : "/chats/";
  event.waitUntil(self.registration.showNotification(title, {
    body, tag: "kindred", data: { url }, icon: "/static/kindred/icon.svg",
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = event.notification.data?.url || "/chats/";
  event.waitUntil(self.clients.openWindow(url));
});
