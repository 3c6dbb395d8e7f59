// What every dashboard module shares: who is looking, the announcers, the socket, and
// send(frame): the socket when it is connected, else the matching HTTP endpoint.

import { Announcer, byId as $ } from "../dom.js";
import { getJSON, postJSON } from "../http.js";
import { ModerationClient } from "../net/mod-client.js";
import { gettext } from "../i18n.js";

const root = $("dashboard");
export const MODERATOR = root.dataset.moderator === "1";
export const ME = root.dataset.me || "";

export const polite = new Announcer($("dash-announcer"));
export const urgent = new Announcer($("alert-announcer"), 2);

export const client = MODERATOR ? new ModerationClient("/ws/moderation/", { me: ME }) : null;
/** Frame fields without the empty optional ones (frames refuse nulls and unknown fields). */
export function frameOf(type, fields) {
  const frame = { type };
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined || value === null || value === "") continue;
    frame[key] = value;
  }
  return frame;
}

async function overHttp(frame) {
  const { type, ...fields } = frame;
  let result;
  if (type === "context") {
    result = await getJSON(`/api/moderation/items/${Number(fields.item)}/context/`);
  } else if (type === "audit") {
    result = await getJSON("/api/moderation/audit/");
    if (result.ok) result.data = { type: "audit", entries: result.data };
  } else if (type === "duty") {
    result = await postJSON("/api/presence/me/", { on_duty: fields.on });
  } else {
    result = await postJSON(`/api/moderation/actions/${type}/`, fields);
  }
  if (result.ok) return result.data;
  throw { code: result.data?.error || "error", detail: result.data?.detail || gettext("That didn't work."), status: result.status };
}

export async function send(frame) {
  if (client && client.connected) {
    try {
      return await client.request(frame);
    } catch (error) {
      if (error.code !== "offline") throw error;
    }
  }
  return overHttp(frame);
}
