// Room controls: lock and slow mode for each topic room.

import { byId as $ } from "../dom.js";
import { polite, send } from "./context.js";
import { confirmAction } from "./dialogs.js";

function roomState(row, { locked, seconds }) {
  if (locked !== undefined) row.dataset.locked = locked ? "1" : "0";
  const isLocked = row.dataset.locked === "1";
  const slow = seconds !== undefined ? seconds : Number(row.querySelector("[data-slow]").value);
  row.querySelector(".room-state").textContent =
    `${isLocked ? "Locked" : "Open"} · slow mode ${slow ? `${slow} s` : "off"}`;
  row.querySelector('[data-room-act="lock"]').textContent =
    `${isLocked ? "Unlock" : "Lock"} ${row.dataset.title}`;
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
      status.textContent = answer.seconds ? `Slow mode is on: ${answer.seconds} s.` : "Slow mode is off.";
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
      ? `${row.dataset.title} is locked: only facilitators can post.` : `${row.dataset.title} is open again.`;
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
    title: `Lock ${row.dataset.title}?`,
    text: "Only facilitators will be able to post until you unlock it. Everyone can still read.",
    ok: "Lock room",
    opener: action,
    run: apply,
  });
});
