// The facilitators' dashboard (/facilitators/, facilitators/dashboard.html): this entry
// wires the modules in dashboard/ (docs/web.md has the map) and starts the socket.
//
// Facilitators and admins: the live queue over /ws/moderation/, the selected item with
// its context and one-click actions, crisis alerts, the drop-in line, room controls, the
// audit log and the duty switch. Peer supporters: the drop-in line only, over HTTP.
// Safety rule (as in ui/messages.js): a message `body` is the only thing inserted as
// HTML, through renderBody; handles, excerpts, reasons and errors are text.

import { showAlert } from "./dashboard/alerts.js";
import { client, polite } from "./dashboard/context.js";
import { syncDuty } from "./dashboard/duty.js";
import { addWaiting, refreshLine, removeWaiting, scheduleLine, updateLineCount } from "./dashboard/line.js";
import { updateCounts } from "./dashboard/queue.js";
import "./dashboard/rooms.js";
import { setRoomTitles } from "./dashboard/words.js";
import { byId as $ } from "./dom.js";
import { wireInboxCount } from "./ui/inbox-count.js";
import { ChatNotices } from "./ui/notices.js";
import { mountPresenceChoices } from "./ui/presence-choices.js";
import { gettext } from "./i18n.js";

setRoomTitles([...document.querySelectorAll("[data-room]")].map((node) => [node.dataset.room, node.dataset.title]));

// News for this facilitator.
if (client) {
  // Chat requests and answers; alerts and the drop-in line have their own places here.
  new ChatNotices($("notices"), {
    client,
    announcer: polite,
    types: ["chat.request", "chat.accepted", "chat.declined", "chat.opened", "dropin.timeout", "needs_reply"],
    fallbackFocus: () => document.querySelector("[role=tab][aria-selected=true]"),
  });
  client.addEventListener("push", (event) => {
    const { frame } = event.detail;
    if (frame.type === "crisis.alert") {
      showAlert(frame);
    } else if (frame.type === "dropin.offer") {
      const since = Date.parse(frame.waiting_since);
      if (addWaiting(frame.request, Number.isFinite(since) ? since : Date.now(), frame.language)) {
        polite.say(gettext("Someone is waiting in the drop-in line."));
      }
    } else if (frame.type === "dropin.withdrawn") {
      removeWaiting(frame.request);
    }
  });
  wireInboxCount(client);
  client.addEventListener("private", (event) => {
    const { frame } = event.detail;
    if (typeof frame.message === "string" && frame.message) polite.say(frame.message);
  });
} else {
  mountPresenceChoices($("presence-choices"), { idPrefix: "supporter" });
}

updateCounts();
updateLineCount();
refreshLine();
scheduleLine(() => syncDuty());
client?.start();
