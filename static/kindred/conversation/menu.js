// The per-message menu of a conversation: report a message, block its author. Loaded
// on the first tap of a message's ⋯ (conversation/mount.js).

import { button as makeButton, byId as $, DialogFocus, el } from "../dom.js";
import { postJSON } from "../http.js";
import { joinPath } from "../nav.js";
import { gettext, interpolate } from "../i18n.js";

/** The \u22ef menu on each message, and its report and block dialogs. */
export function wireMessageMenu(c) {
  const { client, list, status, input, KIND, updateEmpty } = c;
  // --- per-message menu: report, block -------------------------------------------------------

  let openMenu = null;

  function closeMenu({ focus = false } = {}) {
    if (!openMenu) return;
    const { button, menu } = openMenu;
    button.setAttribute("aria-expanded", "false");
    menu.remove();
    openMenu = null;
    if (focus) button.focus();
  }

  function menuButton(text, action) {
    const node = makeButton(text, "button button-quiet button-small");
    node.dataset.action = action;
    return node;
  }

  function toggleMenu(button) {
    const wasOpen = openMenu && openMenu.button === button;
    closeMenu();
    if (wasOpen) return;
    const item = button.closest(".msg");
    const author = item.dataset.author;
    const menu = el("div", "msg-menu");
    menu.id = `menu-${item.dataset.id}`;
    menu.setAttribute("role", "group");
    if (item.classList.contains("msg-own")) {
      // Our own message: Delete, then "Yes" (the room keeps a stub; others drop it).
      menu.setAttribute("aria-label", gettext("Actions for your message"));
      menu.append(menuButton(gettext("Delete"), "delete"));
    } else {
      menu.setAttribute("aria-label", interpolate(gettext("Actions for the message from %(author)s"), { author }));
      menu.append(menuButton(gettext("Report"), "report"));
      // In a one-on-one chat, blocking is the chat's own "Block this person" (chat.js).
      if (KIND === "room") menu.append(menuButton(interpolate(gettext("Block %(author)s"), { author }), "block"));
    }
    item.append(menu);
    button.setAttribute("aria-controls", menu.id);
    button.setAttribute("aria-expanded", "true");
    openMenu = { button, menu, item };
    menu.firstElementChild.focus();
  }

  async function deleteOwn(item, button) {
    if (button.dataset.confirmed !== "yes") {
      button.dataset.confirmed = "yes";
      button.textContent = gettext("Yes, delete it for everyone");
      return;
    }
    button.disabled = true;
    const answer = await postJSON(`/api/messages/${Number(item.dataset.id)}/delete/`);
    if (answer.ok) {
      closeMenu();
      list.remove(Number(item.dataset.id));
      updateEmpty();
      status.say(gettext("Your message was deleted."));
      input.focus();
    } else {
      button.disabled = false;
      status.say(answer.data.detail);
    }
  }

  $("message-list").addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action]");
    if (!button) return;
    const item = button.closest(".msg");
    if (button.dataset.action === "menu") {
      toggleMenu(button);
    } else if (button.dataset.action === "report") {
      const opener = openMenu?.button;
      closeMenu();
      openReport(item, opener);
    } else if (button.dataset.action === "delete") {
      deleteOwn(item, button);
    } else if (button.dataset.action === "block") {
      const opener = openMenu?.button;
      closeMenu();
      openBlock(item.dataset.author, opener);
    }
  });

  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && openMenu && openMenu.item.contains(document.activeElement)) {
      closeMenu({ focus: true });
    }
  });
  document.addEventListener("click", (event) => {
    if (openMenu && !openMenu.item.contains(event.target)) closeMenu();
  });

  // The report and block dialogs give focus back to whatever opened them.
  const dialogFocus = new DialogFocus(() => input);
  for (const dialog of [$("report-dialog"), $("block-dialog")]) {
    dialog?.addEventListener("close", () => dialogFocus.restore());
  }
  const openDialog = (dialog, opener) => dialogFocus.open(dialog, opener);

  // Report
  const reportDialog = $("report-dialog");
  const reportForm = $("report-form");
  const reportStatus = $("report-status");
  const reportSend = $("report-send");
  let reporting = null;

  function openReport(item, opener) {
    reporting = Number(item.dataset.id);
    reportForm.reset();
    reportStatus.textContent = "";
    reportSend.hidden = false;
    reportSend.disabled = false;
    const body = item.querySelector(".msg-body");
    $("report-quote").textContent = `${item.dataset.author}: ${body ? body.textContent : ""}`;
    openDialog(reportDialog, opener);
    reportForm.querySelector("input[name=reason]:checked")?.focus();
  }

  reportForm.addEventListener("submit", (event) => {
    event.preventDefault();
    if (reporting === null) return;
    const data = new FormData(reportForm);
    const sent = client.report(reporting, String(data.get("reason") || "other"), String(data.get("note") || "").trim());
    if (!sent) {
      reportStatus.textContent = client.connected
        ? gettext("Your last report is still being sent.")
        : gettext("You're offline right now. Try again once you're connected.");
      return;
    }
    reportSend.disabled = true;
    reportStatus.textContent = gettext("Sending your report…");
  });

  client.addEventListener("report", (event) => {
    const { ok, code, detail } = event.detail;
    reportSend.disabled = false;
    if (ok) {
      reportStatus.textContent = gettext("Thank you. A facilitator will look at it.");
      reportSend.hidden = true;
      reportDialog.querySelector("[data-close-dialog]").textContent = gettext("Close");
    } else if (code === "bad_frame") {
      reportStatus.textContent =
        gettext("Reporting isn't available just now. If someone is unsafe, tell a facilitator in the room.");
    } else {
      reportStatus.textContent = detail;
    }
  });
  reportDialog.addEventListener("close", () => {
    reporting = null;
    reportDialog.querySelector("[data-close-dialog]").textContent = gettext("Cancel");
  });

  // Block
  const blockDialog = $("block-dialog");
  let blocking = null;

  function openBlock(handle, opener) {
    blocking = handle;
    $("block-handle").textContent = handle;
    $("block-error").textContent = "";
    $("block-confirm").disabled = false;
    openDialog(blockDialog, opener);
    $("block-confirm").focus();
  }

  // A chat page has no room block dialog: blocking ends the chat there (chat.js).
  $("block-confirm")?.addEventListener("click", async () => {
    if (!blocking) return;
    const handle = blocking;
    $("block-confirm").disabled = true;
    const result = await postJSON("/api/blocks/", { handle });
    $("block-confirm").disabled = false;
    if (result.status === 401) {
      window.location.assign(joinPath(window.location.pathname));
      return;
    }
    if (!result.ok) {
      $("block-error").textContent = result.data.detail;
      return;
    }
    const hidden = list.hideAuthor(handle);
    client.forgetAuthor(handle);
    updateEmpty();
    dialogFocus.opener = input;
    blockDialog.close();
    status.say(interpolate(hidden ? gettext("You blocked %(handle)s. Their messages are hidden.")
      : gettext("You blocked %(handle)s."), { handle }));
    $("history-status").textContent = interpolate(gettext("You blocked %(handle)s. You won't see their messages."), { handle });
  });
  blockDialog?.addEventListener("close", () => {
    blocking = null;
  });
}
