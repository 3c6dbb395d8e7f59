// The meetings page (meetings/meetings.html): local times, reminders, and for
// facilitators the form that schedules a meeting.

import { byId as $ } from "../dom.js";
import { postJSON } from "../http.js";
import { gettext, interpolate } from "../i18n.js";
import { localizeTimes, wireReminders } from "./schedule-ui.js";

localizeTimes(document);
wireReminders(document, $("meetings-error"));

const form = $("meeting-form");
if (form) {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const zones = $("mf-zone");
  if (zone && [...zones.options].some((o) => o.value === zone)) zones.value = zone;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const body = {
      title: data.get("title"),
      room: data.get("room"),
      format: data.get("format"),
      description: data.get("description"),
      hosts: String(data.get("hosts")).split(",").map((h) => h.trim()).filter(Boolean),
      date: data.get("date"),
      time: data.get("time"),
      time_zone: data.get("time_zone"),
      duration_minutes: Number(data.get("duration_minutes")),
      recurrence: data.get("recurrence"),
      weekdays: data.getAll("weekdays").map(Number),
      during_round: data.get("during_round"),
    };
    const answer = await postJSON("/api/meetings/", body);
    $("meeting-form-status").textContent = answer.ok
      ? interpolate(gettext("Scheduled: %(title)s. Reload the page to see it in the list."), { title: answer.data.title })
      : answer.data.detail;
  });
}
