// The dashboard's dialogs: confirm, warn and mute. Focus goes back to what opened them.

import { byId as $, DialogFocus, wireDialogClosers } from "../dom.js";
import { MODERATOR } from "./context.js";
import { gettext } from "../i18n.js";

const dialogFocus = new DialogFocus(() => $("item-detail"));

export function openDialog(dialog, opener) {
  dialogFocus.open(dialog, opener);
}

for (const dialog of document.querySelectorAll("dialog")) {
  dialog.addEventListener("close", () => dialogFocus.restore());
}
wireDialogClosers();

/** Runs *run* from a dialog's form; an error stays in the dialog, success closes it. */
function wireDialog(form, collect) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const dialog = form.closest("dialog");
    const error = form.querySelector(".form-error");
    const submit = form.querySelector("button[type=submit]");
    const run = dialog.run;
    if (!run) return;
    error.textContent = "";
    submit.disabled = true;
    try {
      await run(collect());
      dialog.run = null;
      dialog.close();
    } catch (failure) {
      error.textContent = failure.detail || gettext("That didn't work. Please try again.");
    } finally {
      submit.disabled = false;
    }
  });
}

const REASON_NOTE = "(optional; the member never sees it)";

/** *reason*: ask for one; *reasonNote*: what the label says of it (who sees it, whether it
 * is needed), instead of "optional; the member never sees it". */
export function confirmAction({ title, text, ok, reason = false, reasonNote = REASON_NOTE, run, opener }) {
  const dialog = $("confirm-dialog");
  $("confirm-title").textContent = title;
  $("confirm-text").textContent = text;
  $("confirm-ok").textContent = ok;
  $("confirm-reason-field").hidden = !reason;
  $("confirm-reason-note").textContent = reasonNote;
  $("confirm-reason").value = "";
  dialog.run = run;
  openDialog(dialog, opener);
  (reason ? $("confirm-reason") : $("confirm-ok")).focus();
}

if (MODERATOR) {
  wireDialog($("confirm-form"), () => ({ reason: $("confirm-reason").value.trim() }));
  wireDialog($("warn-form"), () => ({ text: $("warn-text").value.trim() }));
  wireDialog($("mute-form"), () => ({
    minutes: Number($("mute-minutes").value),
    everywhere: $("mute-everywhere").checked,
    reason: $("mute-reason").value.trim(),
  }));
  wireDialog($("missed-form"), () => ({ category: $("missed-category").value }));
}
