// "Open to a one-on-one chat" and "Appear invisible": the presence choices on the room,
// chats and drop-in helper pages, kept with /api/presence/me/.

import { el, statusLine } from "../dom.js";
import { getJSON, postJSON } from "../http.js";
import { goJoin } from "../nav.js";
import { gettext } from "../i18n.js";

/**
 * "Open to a one-on-one chat" and "Appear invisible", built into *container* and kept
 * with POST /api/presence/me/. *initial* ({open_to_chat, invisible}) saves a request.
 */
export function mountPresenceChoices(container, { initial = null, idPrefix = "presence" } = {}) {
  const fieldset = el("fieldset", "presence-choices");
  fieldset.append(el("legend", "", gettext("How you appear")));
  const rows = [
    ["open_to_chat", gettext("Open to a one-on-one chat"),
      gettext("People see an \u201cAsk to chat\u201d button next to your handle. You choose whether to accept.")],
    ["invisible", gettext("Appear invisible"),
      gettext("Others don't see you here, not even in the count. Your messages still show your handle.")],
  ];
  const boxes = {};
  for (const [name, label, hint] of rows) {
    const id = `${idPrefix}-${name.replace(/_/g, "-")}`;
    const row = el("div", "check");
    const input = el("input");
    input.type = "checkbox";
    input.id = id;
    input.name = name;
    input.setAttribute("aria-describedby", `${id}-hint`);
    const text = el("label", "", label);
    text.htmlFor = id;
    row.append(input, text);
    const help = el("p", "hint", hint);
    help.id = `${id}-hint`;
    fieldset.append(row, help);
    boxes[name] = input;
  }
  const status = statusLine("presence-status");
  fieldset.append(status);
  container.append(fieldset);

  const apply = (state) => {
    if (!state || typeof state !== "object") return;
    boxes.open_to_chat.checked = state.open_to_chat === true;
    boxes.invisible.checked = state.invisible === true;
  };
  if (initial) {
    apply(initial);
  } else {
    fieldset.disabled = true;
    getJSON("/api/presence/me/").then((result) => {
      fieldset.disabled = false;
      if (result.ok) apply(result.data);
    });
  }
  for (const [name, input] of Object.entries(boxes)) {
    input.addEventListener("change", async () => {
      const wanted = input.checked;
      fieldset.disabled = true;
      status.textContent = gettext("Saving…");
      const result = await postJSON("/api/presence/me/", { [name]: wanted });
      fieldset.disabled = false;
      input.focus();
      if (result.status === 401) return goJoin();
      if (!result.ok) {
        input.checked = !wanted;
        status.textContent = result.data.detail;
        return;
      }
      apply(result.data);
      status.textContent = name === "open_to_chat"
        ? (wanted ? gettext("You're open to one-on-one chats.") : gettext("You're not open to one-on-one chats now."))
        : (wanted ? gettext("You're invisible: nobody sees you here.") : gettext("Your handle is listed again."));
    });
  }
  return fieldset;
}
