// The audit log tab, and done(): say what an action did, and show it in the log.

import { byId as $, el } from "../dom.js";
import { htmlDateTime, shortTime } from "../format.js";
import { polite, send } from "./context.js";
import { onTabShown } from "./tabs.js";
import { actorWords, auditWords } from "./words.js";
import { gettext } from "../i18n.js";

/** The newest entries, or with *older* the ones after those shown (a frame holds up to
 * 64 KiB, so a long log comes in pages: `more` says there is another). */
export async function loadAudit({ older = false } = {}) {
  const status = $("audit-status");
  const list = $("audit-list");
  status.textContent = gettext("Loading…");
  const last = older ? Number(list.lastElementChild?.dataset.entry) : null;
  try {
    const answer = await send(last ? { type: "audit", limit: 100, before: last } : { type: "audit", limit: 100 });
    const entries = Array.isArray(answer.entries) ? answer.entries : [];
    const rows = entries.map((entry) => {
      const li = el("li", "audit-entry");
      li.dataset.entry = String(entry.id);
      const time = el("time", "audit-time", shortTime(entry.at));
      time.dateTime = htmlDateTime(entry.at);
      const line = el("p", "audit-line");
      line.append(time, " ", el("strong", "", actorWords(entry)), ` ${auditWords(entry)}`);
      li.append(line);
      if (entry.reason) {
        li.append(el("p", "audit-reason", `${entry.action === "warn" ? "Said" : "Reason"}: ${entry.reason}`));
      }
      return li;
    });
    if (older) list.append(...rows);
    else list.replaceChildren(...rows);
    $("audit-older").hidden = !answer.more;
    status.textContent = list.childElementCount ? "" : gettext("Nothing has been logged yet.");
  } catch (error) {
    status.textContent = error.detail;
  }
}
$("audit-refresh")?.addEventListener("click", () => loadAudit());
$("audit-older")?.addEventListener("click", () => loadAudit({ older: true }));

onTabShown("tab-audit", () => loadAudit());

export function done(words) {
  $("detail-status").replaceChildren(words);
  polite.say(words);
  if (!$("panel-audit").hidden) loadAudit();
}
