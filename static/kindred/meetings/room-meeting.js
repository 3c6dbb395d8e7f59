// A room's meeting (room.html, meetings/_room.html): the banner, what has happened so far,
// a member's raised hand, and the host's controls. The state comes with the page, then
// live as `meeting` frames, and again over HTTP after each reconnect.

import { byId as $, el } from "../dom.js";
import { getJSON, postJSON } from "../http.js";
import { gettext } from "../i18n.js";
import { describeMeeting, hostControlShown, isAside, localClock, logWords } from "./describe.js";
import { localizeTimes, wireReminders } from "./schedule-ui.js";

function readInitial(root) {
  try {
    return JSON.parse(root.dataset.state || "null");
  } catch {
    return null;
  }
}

/** Wires the meeting section to a mounted conversation ({client, me}). */
export function wireMeeting({ client, me }) {
  const root = $("meeting");
  if (!root) return;
  const error = $("meeting-error");
  let meeting = readInitial(root);

  function render() {
    const view = describeMeeting(meeting, me());
    root.hidden = !view.visible;
    if (!view.visible) return;
    $("meeting-title").textContent = view.heading;
    $("meeting-status").textContent = view.status;
    $("meeting-floor").textContent = view.floor;
    const log = $("meeting-log");
    log.replaceChildren(...meeting.log.map((entry) => el("li", "", `${localClock(entry.at)} ${logWords(entry)}`)));
    const hand = $("meeting-hand");
    hand.hidden = !(view.canRaise || view.canLower);
    hand.textContent = view.canLower ? gettext("Lower my hand") : gettext("Raise my hand");
    $("meeting-done").hidden = !view.canDone;
    $("meeting-attend").hidden = !view.canAttend;
    for (const control of root.querySelectorAll("[data-meeting-action]")) {
      control.hidden = !hostControlShown(control.dataset.meetingAction, control.dataset.on, meeting);
    }
  }

  async function act(action, body = {}) {
    if (!meeting) return;
    error.textContent = "";
    const answer = await postJSON(`/api/meetings/sessions/${meeting.session}/${action}/`, body);
    if (!answer.ok) {
      error.textContent = answer.data.detail;
      return;
    }
    if (answer.data.session === meeting.session && answer.data.log) {
      meeting = answer.data;
      render();
    } else if (action === "attend") {
      $("meeting-attend").textContent = "Noted: you were here";
    }
  }

  $("meeting-hand").addEventListener("click", () => act("hand", { up: !meeting.hands.includes(me()) }));
  $("meeting-done").addEventListener("click", () => act("done"));
  $("meeting-attend").addEventListener("click", () => act("attend"));
  for (const control of root.querySelectorAll("[data-meeting-action]")) {
    control.addEventListener("click", () => {
      const action = control.dataset.meetingAction;
      const body = {};
      if (control.dataset.on) body.on = control.dataset.on === "true";
      if (action === "opening") body.text = $("meeting-opening").value;
      if (action === "end") body.text = $("meeting-closing").value;
      act(action, body);
    });
  }
  // A side conversation during the round (the meeting's setting): marked, not moved.
  // This code may load after the page's first screen is drawn: mark what is there.
  for (const item of document.querySelectorAll("#message-list li[data-id]")) {
    const sentAt = item.querySelector("time")?.getAttribute("datetime");
    if (isAside({ author: item.dataset.author, sent_at: sentAt }, meeting)) item.classList.add("msg-aside");
  }
  client.addEventListener("message", (event) => {
    const { message } = event.detail;
    if (!isAside(message, meeting)) return;
    const item = document.querySelector(`#message-list li[data-id="${message.id}"]`);
    if (item) item.classList.add("msg-aside");
  });
  client.addEventListener("meeting", (event) => {
    meeting = event.detail.frame.meeting;
    // The floor is ours, or the round is over: what waited for it goes now.
    if (meeting.floor === me() || !meeting.round) client.releaseWaiting("floor_held");
    render();
  });
  client.addEventListener("welcome", async (event) => {
    if (!event.detail.reconnect) return;
    const answer = await getJSON(`/api/meetings/rooms/${root.dataset.room}/`);
    if (answer.ok) {
      meeting = answer.data.meeting;
      render();
    }
  });
  localizeTimes(document);
  wireReminders(document, error);
  render();
}
