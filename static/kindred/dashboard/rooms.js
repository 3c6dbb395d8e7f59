// Room controls: lock and slow mode for each topic room, kept live: a change any
// facilitator makes (here, over HTTP or in the admin site) arrives as room.changed.

import { byId as $ } from "../dom.js";
import { ME, client, polite, send } from "./context.js";
import { confirmAction } from "./dialogs.js";
import { gettext, interpolate } from "../i18n.js";

function pinnedWords(id) {
  return id ? gettext("A message is pinned.") : gettext("Nothing is pinned.");
}

client?.addEventListener("room", (event) => {
  const { frame } = event.detail;
  const row = document.querySelector(`#room-controls [data-room="${CSS.escape(String(frame.room))}"]`);
  if (!row) return;
  const seconds = Number(frame.slow_mode_seconds) || 0;
  const select = row.querySelector("[data-slow]");
  if ([...select.options].some((option) => Number(option.value) === seconds)) select.value = String(seconds);
  roomState(row, { locked: Boolean(frame.locked), seconds });
  row.querySelector(".room-pinned").textContent = pinnedWords(frame.pinned);
  if (frame.by && frame.by !== ME) {
    row.querySelector(".room-control-status").textContent = interpolate(gettext("Changed just now by %(handle)s."), { handle: frame.by });
  }
});

function roomState(row, { locked, seconds }) {
  if (locked !== undefined) row.dataset.locked = locked ? "1" : "0";
  const isLocked = row.dataset.locked === "1";
  const slow = seconds !== undefined ? seconds : Number(row.querySelector("[data-slow]").value);
  const slowWords = slow ? interpolate(gettext("slow mode %(seconds)s s"), { seconds: slow }) : gettext("slow mode off");
  row.querySelector(".room-state").textContent = `${isLocked ? gettext("Locked") : gettext("Open")} · ${slowWords}`;
  const room = row.dataset.title;
  row.querySelector('[data-room-act="lock"]').textContent = isLocked
    ? interpolate(gettext("Unlock %(room)s"), { room }) : interpolate(gettext("Lock %(room)s"), { room });
}

$("room-controls")?.addEventListener("click", async (event) => {
  const action = event.target.closest("button[data-room-act]");
  if (!action) return;
  const row = action.closest("[data-room]");
  const room = row.dataset.room;
  const status = row.querySelector(".room-control-status");
  if (action.dataset.roomAct === "slow_mode") {
    const seconds = Number(row.querySelector("[data-slow]").value);
    action.disabled = true;
    try {
      const answer = await send({ type: "slow_mode", room, seconds });
      roomState(row, { seconds: answer.seconds });
      status.textContent = answer.seconds
        ? interpolate(gettext("Slow mode is on: %(seconds)s s."), { seconds: answer.seconds }) : gettext("Slow mode is off.");
    } catch (error) {
      status.textContent = error.detail;
    } finally {
      action.disabled = false;
    }
    return;
  }
  const lock = row.dataset.locked !== "1";
  const apply = async () => {
    const answer = await send({ type: "lock", room, on: lock });
    roomState(row, { locked: answer.locked });
    status.textContent = answer.locked
      ? interpolate(gettext("%(room)s is locked: only facilitators can post."), { room: row.dataset.title })
      : interpolate(gettext("%(room)s is open again."), { room: row.dataset.title });
    polite.say(status.textContent);
  };
  if (!lock) {
    try {
      await apply();
    } catch (error) {
      status.textContent = error.detail;
    }
    return;
  }
  confirmAction({
    title: interpolate(gettext("Lock %(room)s?"), { room: row.dataset.title }),
    text: gettext("Only facilitators will be able to post until you unlock it. Everyone can still read."),
    ok: gettext("Lock room"),
    opener: action,
    run: apply,
  });
});
