// Home page: refresh the live counts from GET /api/presence/ every 20 s or so
// (no socket on this page). Paused while the tab is hidden.

import { pollWhileVisible } from "./poll.js";
import { ngettext } from "./i18n.js";

const summary = document.getElementById("presence-summary");
const url = summary?.dataset.presenceUrl || "/api/presence/";
const EVERY_MS = 20000;

function setCount(element, value) {
  if (element && element.textContent !== String(value)) element.textContent = String(value);
}

function render(data) {
  const facilitators = Number(data.facilitators_on_duty) || 0;
  const online = Number(data.online) || 0;
  setCount(document.querySelector('[data-count="facilitators"]'), facilitators);
  setCount(document.querySelector('[data-label="facilitators"]'),
    ngettext("facilitator on now", "facilitators on now", facilitators));
  setCount(document.querySelector('[data-count="online"]'), online);
  setCount(document.querySelector('[data-label="online"]'), ngettext("person here", "people here", online));
  const rooms = data.rooms && typeof data.rooms === "object" ? data.rooms : {};
  for (const element of document.querySelectorAll("[data-room-online]")) {
    setCount(element, Number(rooms[element.dataset.roomOnline]) || 0);
  }
}

async function refresh() {
  try {
    const response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
    if (response.ok) render(await response.json());
  } catch {
    // Offline for a moment: keep the last numbers and try again later.
  }
}

pollWhileVisible(refresh, EVERY_MS);
