// The shadowing page: pings /api/leadership/shadow/ every minute while open, which
// counts the time and returns the drop-in line, read-only (numbers, never handles).

import { byId, el } from "../dom.js";
import { postJSON } from "../http.js";

const PING_MS = 60_000;
const words = byId("shadow-words").dataset;

/** Fills "{name}" placeholders of a translated sentence. */
export function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}

function show(data) {
  const list = byId("line-list");
  list.replaceChildren(
    ...data.line.map((entry) =>
      el("li", "", fill(words.waiting, { n: entry.request, m: Math.floor(entry.waiting_seconds / 60) })),
    ),
  );
  byId("line-empty").hidden = data.line.length > 0;
  byId("needs-reply").textContent = fill(words.reply, { n: data.needs_reply });
  const app = data.application;
  byId("shadow-time").textContent =
    app.status === "review"
      ? words.done
      : fill(words.time, {
          have: Math.floor(app.shadow_seconds / 60),
          need: Math.floor(app.shadow_needed_seconds / 60),
        });
}

async function ping() {
  const answer = await postJSON("/api/leadership/shadow/", {});
  if (answer.ok) show(answer.data);
  else byId("shadow-time").textContent = answer.data.detail;
}

ping();
setInterval(ping, PING_MS);
