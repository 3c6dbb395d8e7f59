// The pieces of a meeting list every page shares: times in the reader's own time zone,
// "Remind me" toggles.

import { postJSON } from "../http.js";
import { gettext } from "../i18n.js";
import { localWhen } from "./describe.js";

/** Rewrites every <time data-local-time> under *root* in the reader's local time. */
export function localizeTimes(root = document) {
  for (const node of root.querySelectorAll("time[data-local-time]")) {
    const words = localWhen(node.getAttribute("datetime"), node.dataset.timeZone || "");
    if (words) node.textContent = words;
  }
}

/** Wires each [data-remind] button under *root*; errors go to *errorNode*. */
export function wireReminders(root, errorNode) {
  for (const toggle of root.querySelectorAll("button[data-remind]")) {
    toggle.addEventListener("click", async () => {
      const on = toggle.getAttribute("aria-pressed") !== "true";
      toggle.disabled = true;
      const answer = await postJSON(`/api/meetings/${toggle.dataset.remind}/remind/`, { on });
      toggle.disabled = false;
      if (!answer.ok) {
        if (errorNode) errorNode.textContent = answer.data.detail;
        return;
      }
      toggle.setAttribute("aria-pressed", String(answer.data.reminded));
      toggle.textContent = answer.data.reminded ? gettext("Reminder on") : gettext("Remind me");
    });
  }
}
