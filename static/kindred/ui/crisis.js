// The private crisis card (a calm modal with tap-to-call and tap-to-text links) and the
// resource items it shares with the dashboard's alerts.

import { el } from "../dom.js";
import { SAFE_HREF } from "./messages.js";
import { checkinPicker } from "./checkin.js";
import { showSafetyPlan } from "./safetyplan.js";
import { gettext, interpolate } from "../i18n.js";

function digits(value) {
  // "*" stays: some lines are short codes dialled with it (Chile's *4141).
  return String(value).replace(/[^0-9+*]/g, "");
}

/** Call, text and web actions for one resource (same rules as the resources page). */
export function resourceLinks(resource) {
  const links = [];
  if (typeof resource.phone === "string" && digits(resource.phone)) {
    links.push({ kind: "call", href: `tel:${digits(resource.phone)}`, label: interpolate(gettext("Call %(phone)s"), { phone: resource.phone }) });
  }
  if (typeof resource.text === "string" && resource.text.trim()) {
    const match = /^\s*(.+?)\s+to\s+([0-9][0-9 -]*)\s*$/i.exec(resource.text);
    if (match) {
      const [, keyword, number] = match;
      links.push({
        kind: "text",
        href: `sms:${digits(number)}?&body=${encodeURIComponent(keyword)}`,
        label: interpolate(gettext("Text %(keyword)s to %(number)s"), { keyword, number: digits(number) }),
      });
    } else if (digits(resource.text)) {
      links.push({ kind: "text", href: `sms:${digits(resource.text)}`, label: interpolate(gettext("Text %(number)s"), { number: digits(resource.text) }) });
    }
  }
  if (typeof resource.url === "string" && SAFE_HREF.test(resource.url)) {
    let shown = resource.url;
    try {
      shown = new URL(resource.url).hostname.replace(/^www\./, "");
    } catch {
      // keep the address as written
    }
    links.push({ kind: "web", href: resource.url, label: shown });
  }
  return links;
}

export function resourceItem(resource) {
  const item = el("li", "resource");
  item.append(el("h3", "resource-name", String(resource.name || gettext("Crisis line"))));
  const links = resourceLinks(resource);
  if (links.length) {
    const actions = el("ul", "resource-actions");
    for (const link of links) {
      const a = el("a", `action action-${link.kind}`, link.label);
      a.href = link.href;
      if (link.kind === "web") {
        a.target = "_blank";
        a.rel = "noopener noreferrer";
      }
      const li = el("li");
      li.append(a);
      actions.append(li);
    }
    item.append(actions);
  } else {
    item.append(el("p", "resource-note", gettext("Call your local emergency number.")));
  }
  if (resource.hours) item.append(el("p", "resource-hours", interpolate(gettext("Hours: %(hours)s"), { hours: resource.hours })));
  return item;
}

const DEFAULT_CRISIS_MESSAGE =
  gettext("You don't have to go through this alone. Kindred is a peer community, not a crisis " +
  "service; the people on these lines are trained and available now.");

/** The private crisis card: a calm modal <dialog> with tap-to-call and tap-to-text links. */
export class CrisisCard {
  constructor(dialog, { fallbackFocus }) {
    this.dialog = dialog;
    this.fallbackFocus = fallbackFocus;
    this.title = dialog.querySelector("#crisis-title");
    this.message = dialog.querySelector("#crisis-message");
    this.followup = dialog.querySelector("#crisis-followup");
    this.list = dialog.querySelector("#crisis-resources");
    this.body = dialog.querySelector("#crisis-body");
    this.country = dialog.querySelector("#crisis-country");
    this.plan = dialog.querySelector("#crisis-plan");
    this.checkin = dialog.querySelector("#crisis-checkin");
    this.opener = null;
    this.last = null;
    dialog.addEventListener("close", () => {
      const target = this.opener && this.opener.isConnected ? this.opener : this.fallbackFocus();
      target?.focus();
    });
  }

  show(frame) {
    this.last = frame;
    this.message.textContent = typeof frame.message === "string" && frame.message.trim()
      ? frame.message : DEFAULT_CRISIS_MESSAGE;
    const resources = Array.isArray(frame.resources) ? frame.resources : [];
    this.list.replaceChildren(...resources.filter((r) => r && typeof r === "object").map(resourceItem));
    this.showFollowup(frame);
    if (this.country) {
      const code = typeof frame.country === "string" && /^[A-Z]{2}$/.test(frame.country) ? frame.country : "";
      this.country.href = code ? `/resources/?country=${code}#country-heading` : "/resources/#country-heading";
    }
    if (this.plan) showSafetyPlan(this.plan);
    this.checkin?.replaceChildren(checkinPicker());
    if (!this.dialog.open) {
      this.opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      if (typeof this.dialog.showModal === "function") this.dialog.showModal();
      else this.dialog.setAttribute("open", "");
    }
    this.title.focus();
  }

  /** What a human from the community will do, as the server knows it now. With nobody
   * available the card says so plainly and leads with the lines. */
  showFollowup(frame) {
    if (!this.followup) return;
    const later = frame.followup === "later";
    this.followup.textContent = typeof frame.followup_text === "string" ? frame.followup_text : "";
    this.followup.hidden = !this.followup.textContent;
    this.dialog.classList.toggle("crisis-nobody-now", later);
    if (later) this.body?.replaceChildren(this.followup, this.list, this.message);
    else this.body?.replaceChildren(this.message, this.followup, this.list);
  }

  showAgain() {
    if (this.last) this.show(this.last);
  }
}
