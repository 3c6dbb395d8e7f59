// The settings page (/me/): signing out (here, everywhere), presence choices, blocks
// with Unblock, country / time zone / notifications, a new recovery phrase, and
// deleting the handle in two steps. Every change goes through the JSON API; answers
// and refusals are said in words beside the control that asked.

import { button, byId as $, el } from "./dom.js";
import { getJSON, postJSON } from "./http.js";
import { goJoin } from "./nav.js";
import { mountPresenceChoices } from "./ui/presence-choices.js";
import { gettext, interpolate } from "./i18n.js";

function say(id, text) {
  $(id).textContent = text;
}

/** A button that, clicked, shows its confirming twin; the twin does *action*. */
function twoStep(firstId, confirmId, action) {
  const first = $(firstId);
  const confirm = $(confirmId);
  if (!first || !confirm) return;
  first.addEventListener("click", () => {
    confirm.hidden = false;
    confirm.focus();
  });
  confirm.addEventListener("click", async () => {
    confirm.disabled = true;
    await action();
    confirm.disabled = false;
  });
}

// --- signing out ---------------------------------------------------------------------------

$("sign-out").addEventListener("click", async () => {
  const answer = await postJSON("/api/session/logout/");
  if (answer.ok) window.location.assign("/");
  else say("signout-status", answer.data.detail);
});

twoStep("sign-out-everywhere", "sign-out-everywhere-confirm", async () => {
  const answer = await postJSON("/api/me/sign-out-everywhere/");
  if (answer.ok) window.location.assign("/");
  else say("signout-status", answer.data.detail);
});

// --- blocks --------------------------------------------------------------------------------

function blockRow(handle) {
  const li = el("li", "chat-item");
  li.append(el("p", "chat-item-text", handle));
  li.append(button(gettext("Unblock"), "button", async (event) => {
    event.currentTarget.disabled = true;
    const answer = await postJSON("/api/blocks/remove/", { handle });
    if (!answer.ok) {
      event.currentTarget.disabled = false;
      say("blocks-status", answer.data.detail);
      return;
    }
    li.remove();
    say("blocks-status", interpolate(gettext("You no longer block %(handle)s."), { handle }));
    $("blocks-empty").hidden = $("blocks-list").children.length > 0;
  }, interpolate(gettext("Unblock %(handle)s"), { handle })));
  return li;
}

async function loadBlocks() {
  const answer = await getJSON("/api/blocks/");
  if (answer.status === 401) return goJoin();
  if (!answer.ok) return say("blocks-status", answer.data.detail);
  $("blocks-list").replaceChildren(...answer.data.blocked.map(blockRow));
  $("blocks-empty").hidden = answer.data.blocked.length > 0;
  return undefined;
}

// --- where you are -------------------------------------------------------------------------

$("prefs-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const changes = {
    country: $("country").value,
    time_zone: $("time-zone").value,
    notifications: $("notifications").checked,
  };
  // Staff only: the languages they take drop-in chats in.
  if ($("speaks-field")) {
    changes.speaks = [...document.querySelectorAll("#speaks-field input[name=speaks]:checked")]
      .map((box) => box.value);
  }
  const answer = await postJSON("/api/me/", changes);
  say("prefs-status", answer.ok ? gettext("Saved.") : answer.data.detail);
});

// --- the recovery phrase -------------------------------------------------------------------

twoStep("phrase-new", "phrase-new-confirm", async () => {
  const answer = await postJSON("/api/me/recovery/");
  if (!answer.ok) return say("phrase-status", answer.data.detail);
  $("phrase").textContent = answer.data.recovery_code;
  $("phrase").hidden = false;
  $("phrase-new-confirm").hidden = true;
  say("phrase-state", gettext("Your old phrase no longer works."));
  say("phrase-status", gettext("This is your new recovery phrase. Write it down now: we show it only once."));
  return undefined;
});

// --- deleting the handle -------------------------------------------------------------------

let deleteToken = null;

$("delete-start").addEventListener("click", async () => {
  const answer = await postJSON("/api/session/delete/", {});
  if (!answer.ok) return say("delete-status", answer.data.detail);
  deleteToken = answer.data.confirm;
  say("delete-detail", answer.data.detail.replace(/ Send this token.*$/, ""));
  $("delete-confirm-box").hidden = false;
  $("delete-confirm").focus();
  return undefined;
});

$("delete-cancel").addEventListener("click", () => {
  deleteToken = null;
  $("delete-confirm-box").hidden = true;
  $("delete-start").focus();
});

$("delete-confirm").addEventListener("click", async () => {
  const answer = await postJSON("/api/session/delete/", { confirm: deleteToken });
  if (answer.ok) window.location.assign("/?deleted=1");
  else say("delete-status", answer.data.detail);
});

mountPresenceChoices($("presence-choices"), { idPrefix: "me" });
loadBlocks();
