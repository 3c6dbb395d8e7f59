// Crisis alerts at the top of the dashboard: reach out, claim, or show in the queue.

import { button, byId as $, el } from "../dom.js";
import { shortTime } from "../format.js";
import { renderBody } from "../ui/messages.js";
import { ME, urgent } from "./context.js";
import { claim, reachOut } from "./actions.js";
import { selectItem } from "./detail.js";
import { store } from "./store.js";
import { selectTab } from "./tabs.js";
import { CRISIS_WORDS, roomWords, stateWords } from "./words.js";
import { gettext, interpolate } from "../i18n.js";

const alerts = new Map(); // item id -> <li>

export function showAlert(frame) {
  if (!Number.isSafeInteger(frame.item)) return;
  const what = CRISIS_WORDS[frame.category] || gettext("a possible crisis");
  const who = typeof frame.handle === "string" ? frame.handle : gettext("A member");
  const where = roomWords(frame.room, frame.room_kind) || "Kindred";
  let li = alerts.get(frame.item);
  if (!li) {
    li = el("li", "crisis-alert");
    alerts.set(frame.item, li);
    $("alert-list").prepend(li);
  }
  li.dataset.item = String(frame.item);
  const heading = el("h3", "crisis-alert-title", interpolate(gettext("Crisis: %(what)s"), { what }));
  const meta = el("p", "crisis-alert-meta",
    [interpolate(gettext("%(who)s in %(where)s"), { who, where }), frame.message?.sent_at ? shortTime(frame.message.sent_at) : ""].filter(Boolean).join(" · "));
  const parts = [heading, meta];
  if (frame.message && typeof frame.message.body === "string") {
    const body = el("div", "msg-body crisis-alert-body");
    renderBody(body, frame.message.body);
    parts.push(body);
  }
  const state = el("p", "crisis-alert-state");
  const status = el("p", "crisis-alert-status");
  status.setAttribute("role", "status");
  const actions = el("div", "crisis-alert-actions");
  const reach = button(gettext("Reach out"), "button button-primary button-small", () => reachOut(frame.item, status));
  reach.setAttribute("aria-label", interpolate(gettext("Reach out to %(who)s"), { who }));
  const claimIt = button(gettext("Claim"), "button button-quiet button-small", () => claim(frame.item, status));
  claimIt.dataset.alertClaim = "1";
  const open = button(gettext("Show in queue"), "button button-quiet button-small", () => {
    selectTab($("tab-queue"));
    selectItem(frame.item);
  });
  const hide = button(gettext("Hide alert"), "button-link", () => dropAlert(frame.item));
  hide.setAttribute("aria-label", gettext("Hide alert (the item stays in the queue)"));
  actions.append(reach, claimIt, open, hide);
  parts.push(state, actions, status);
  li.replaceChildren(...parts);
  $("alerts").hidden = false;
  const known = store.items.get(frame.item);
  if (known) updateAlert(known);
  urgent.say(interpolate(gettext("Crisis alert: %(who)s may be facing %(what)s, in %(where)s. Reach out, or claim it."),
    { who, what, where }));
}

export function updateAlert(item) {
  const li = alerts.get(item.id);
  if (!li) return;
  li.querySelector(".crisis-alert-state").textContent = stateWords(item, ME);
  const claimIt = li.querySelector("[data-alert-claim]");
  if (claimIt) claimIt.hidden = item.state !== "open";
}

export function dropAlert(itemId) {
  const li = alerts.get(itemId);
  if (!li) return;
  const hadFocus = li.contains(document.activeElement);
  li.remove();
  alerts.delete(itemId);
  $("alerts").hidden = alerts.size === 0;
  if (hadFocus) (alerts.size ? $("alerts-heading") : $("tab-queue")).focus();
}
