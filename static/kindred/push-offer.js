// Notifications, offered only after a member does something that benefits from one
// (they asked someone for a chat): "Want to know when they answer?" A push says only
// "Someone answered you on Kindred" (community/push.py): no message, no handle.

import { button, el } from "./dom.js";
import { getJSON, postJSON } from "./http.js";
import { gettext } from "./i18n.js";

function keyBytes(base64url) {
  const text = atob(base64url.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

async function subscribe(publicKey) {
  const registration = await navigator.serviceWorker.ready;
  const subscription = await registration.pushManager.subscribe({
    userVisibleOnly: true, applicationServerKey: keyBytes(publicKey),
  });
  return postJSON("/api/push/", subscription.toJSON());
}

/** Shows the offer in *container* when this browser and this Kindred can push. */
export async function offerNotifications(container) {
  if (!container || !("serviceWorker" in navigator) || !("PushManager" in window)) return;
  if (!("Notification" in window) || Notification.permission === "denied") return;
  const status = await getJSON("/api/push/");
  if (!status.ok || !status.data.enabled || status.data.subscriptions > 0) return;
  const line = el("p", "form-status");
  line.setAttribute("role", "status");
  const box = el("div", "push-offer");
  box.append(
    el("p", "", gettext("Want to know when they answer, even with Kindred closed? "
      + "The notification only says someone answered: never who, never what.")),
    button(gettext("Turn on notifications"), "button", async () => {
      try {
        const answer = await subscribe(status.data.public_key);
        line.textContent = answer.ok ? gettext("Notifications are on. Turn them off in Settings.") : answer.data.detail;
      } catch {
        line.textContent = gettext("Your browser didn't allow notifications. That's fine: answers wait in Chats.");
      }
    }),
    button(gettext("No thanks"), "button button-quiet", () => box.remove()),
    line,
  );
  container.replaceChildren(box);
}
