// The audit log tab, and done(): say what an action did, and show it in the log.

import { byId as $, el } from "../dom.js";
import { htmlDateTime, shortTime } from "../format.js";
import { polite, send } from "./context.js";
import { onTabShown } from "./tabs.js";
import { auditWords } from "./words.js";

export async function loadAudit() {
  const status = $("audit-status");
  status.textContent = "Loading…";
  try {
    const answer = await send({ type: "audit", limit: 100 });
    const entries = Array.isArray(answer.entries) ? answer.entries : [];
    $("audit-list").replaceChildren(...entries.map((entry) => {
      const li = el("li", "audit-entry");
      const time = el("time", "audit-time", shortTime(entry.at));
      time.dateTime = htmlDateTime(entry.at);
      const line = el("p", "audit-line");
      line.append(time, " ", el("strong", "", entry.actor || "Someone"), ` ${auditWords(entry)}`);
      li.append(line);
      if (entry.reason) {
        li.append(el("p", "audit-reason", `${entry.action === "warn" ? "Said" : "Reason"}: ${entry.reason}`));
      }
      return li;
    }));
    status.textContent = entries.length ? "" : "Nothing has been logged yet.";
  } catch (error) {
    status.textContent = error.detail;
  }
}
$("audit-refresh")?.addEventListener("click", loadAudit);

onTabShown("tab-audit", loadAudit);

export function done(words) {
  $("detail-status").replaceChildren(words);
  polite.say(words);
  if (!$("panel-audit").hidden) loadAudit();
}
