// The connection indicator and the duty switch (facilitators and admins).

import { byId as $ } from "../dom.js";
import { getJSON } from "../http.js";
import { ConnectionIndicator } from "../ui/connection.js";
import { client, polite, send } from "./context.js";
import { refreshLine } from "./line.js";
import { gettext } from "../i18n.js";

export let syncDuty = async () => {};

const dutyWords = (on) => (on ? gettext("You're on duty.") : gettext("You're off duty."));

if (client) {
  const indicator = new ConnectionIndicator({
    root: $("conn"),
    text: $("conn-text"),
    retry: $("conn-retry"),
    announcer: polite,
    onRetry: () => client.reconnectNow(),
  });
  client.addEventListener("state", (event) => indicator.update(event.detail));
  client.addEventListener("stopped", (event) => {
    const { reason } = event.detail;
    if (reason === "closed") return;
    $("dash-stopped-text").textContent = reason === "no_session"
      ? gettext("Your session has ended. Sign in again to see the queue.")
      : gettext("The queue is only for facilitators and admins, and this session can't open it any more.");
    $("dash-stopped").hidden = false;
  });

  const duty = $("duty-switch");
  const dutyState = $("duty-state");
  duty.disabled = false; // disabled in the HTML until this script can send it
  // Another tab may have changed it: check on every (re)connect and when the tab is shown.
  syncDuty = async () => {
    if (duty.disabled) return;
    const result = await getJSON("/api/presence/me/");
    if (!result.ok || typeof result.data.on_duty !== "boolean" || duty.disabled) return;
    duty.checked = result.data.on_duty;
    dutyState.textContent = dutyWords(duty.checked);
  };
  client.addEventListener("queue", syncDuty);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") syncDuty();
  });
  duty.addEventListener("change", async () => {
    const on = duty.checked;
    duty.disabled = true;
    dutyState.textContent = on ? gettext("Going on duty…") : gettext("Going off duty…");
    try {
      const answer = await send({ type: "duty", on });
      duty.checked = answer.on_duty === true;
      dutyState.textContent = dutyWords(duty.checked);
      if (duty.checked) refreshLine();
    } catch (error) {
      duty.checked = !on;
      dutyState.textContent = `${error.detail} ${dutyWords(duty.checked)}`;
    } finally {
      duty.disabled = false;
    }
  });
}
