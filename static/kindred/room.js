// A topic room's page (room.html): the conversation, and the room's meeting if one runs.
// The meeting's code loads only when it is needed (a meeting on, a host on the page, or a
// meeting starting while the member is here): most visits to a room meet no meeting.

import { mountConversation } from "./conversation/mount.js";

const conversation = mountConversation(document.getElementById("room-page"));
const root = document.getElementById("meeting");
let latest = null; // the newest meeting frame seen before the code arrived
let loading = null;

function loadMeeting() {
  loading ??= import("./meetings/room-meeting.js").then(({ wireMeeting }) => {
    conversation.client.removeEventListener("meeting", early);
    if (latest) root.dataset.state = JSON.stringify(latest.meeting);
    wireMeeting(conversation);
  }, () => {
    loading = null; // offline: the next meeting frame tries again
  });
}

function early(event) {
  latest = event.detail.frame;
  loadMeeting();
}

if (root) {
  conversation.client.addEventListener("meeting", early);
  if (!root.hidden || root.dataset.host === "1") loadMeeting();
}
