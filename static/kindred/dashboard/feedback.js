// Teaching the crisis detector: "Not a crisis" on a crisis item, "Missed crisis…" on any
// message in an item's context. Labels are kept without any handle (docs/safety.md).

import { byId as $ } from "../dom.js";
import { done } from "./audit.js";
import { frameOf, send } from "./context.js";
import { confirmAction, openDialog } from "./dialogs.js";
import { CRISIS_WORDS } from "./words.js";
import { gettext, interpolate } from "../i18n.js";

export function confirmNotCrisis(item, opener) {
  confirmAction({
    title: gettext("Not a crisis?"),
    text: gettext("The item leaves the queue and nobody is paged about it. The message's words, without "
      + "anyone's handle, are kept to teach the detector. Reach out first if you're unsure."),
    ok: gettext("Not a crisis"),
    opener,
    run: async () => {
      await send(frameOf("not_crisis", { item: item.id }));
      done(gettext("Marked as not a crisis. The item is closed; thank you for teaching the detector."));
    },
  });
}

export function openMissedCrisis(message, opener) {
  const dialog = $("missed-dialog");
  $("missed-author").textContent = String(message.author || "");
  $("missed-category").value = "suicide";
  dialog.run = async ({ category }) => {
    await send(frameOf("missed_crisis", { message: message.id, category }));
    done(interpolate(gettext("Noted as a missed crisis (%(what)s). The member was not sent anything: "
      + "reach out if they need it."), { what: CRISIS_WORDS[category] || category }));
  };
  openDialog(dialog, opener);
  $("missed-category").focus();
}
