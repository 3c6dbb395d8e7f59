// The recovery page: check in, keep your counts, share a milestone, partners.
// Every change goes through the API; the page is then read again from the server.

import { byId, el, link } from "./dom.js";
import { postJSON } from "./http.js";
import { gettext, interpolate } from "./i18n.js";
import { resourceItem } from "./ui/crisis.js";

const reload = () => window.location.reload();

function say(statusId, answer, fallback = "") {
  const line = byId(statusId);
  if (line) line.textContent = answer.ok ? fallback : answer.data.detail;
}

function showHardDay(help) {
  const box = byId("hard-day");
  byId("hard-day-links").replaceChildren(
    ...help.map((item) => {
      const li = el("li");
      li.append(link(item.url, item.label, "button"));
      return li;
    }),
  );
  box.hidden = false;
  byId("hard-day-heading").focus();
}

function showCrisis(card) {
  byId("checkin-crisis-message").textContent = card.message || "";
  byId("checkin-crisis-followup").textContent = card.followup_text || "";
  const resources = Array.isArray(card.resources) ? card.resources : [];
  byId("checkin-crisis-resources").replaceChildren(...resources.map(resourceItem));
  byId("checkin-crisis").hidden = false;
  byId("checkin-crisis-heading").focus();
}

byId("checkin-form")?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const chosen = form.querySelector("input[name=level]:checked");
  if (!chosen) {
    byId("checkin-status").textContent = gettext("Pick how today is first.");
    return;
  }
  const answer = await postJSON("/api/recovery/checkin/", {
    level: Number(chosen.value),
    note: form.elements.namedItem("note").value,
    support: form.elements.namedItem("support").value,
  });
  say("checkin-status", answer, answer.ok ? interpolate(gettext("Checked in: %(word)s. Thank you for checking in."), { word: answer.data.word }) : "");
  if (!answer.ok) return;
  byId("checkin-dismiss")?.remove();
  if (answer.data.crisis) showCrisis(answer.data.crisis);
  else if (answer.data.hard) showHardDay(answer.data.help);
});

byId("checkin-dismiss")?.addEventListener("click", async (event) => {
  const answer = await postJSON("/api/recovery/checkin/dismiss/");
  say("checkin-status", answer, gettext("Okay, not today."));
  if (answer.ok) event.currentTarget?.remove();
});

byId("checkin-prompt-on")?.addEventListener("click", async () => {
  const answer = await postJSON("/api/recovery/checkin/prompt/", { on: true });
  if (answer.ok) reload();
});

byId("journey-form")?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const answer = await postJSON("/api/recovery/", {
    label: form.elements.namedItem("label").value,
    started_on: form.elements.namedItem("started_on").value,
  });
  say("journey-status", answer);
  if (answer.ok) reload();
});

const JOURNEY_ACTIONS = {
  share: (id, offer) => postJSON(`/api/recovery/${id}/milestone/`, { key: offer.dataset.key, share: true }),
  "not-now": (id, offer) => postJSON(`/api/recovery/${id}/milestone/`, { key: offer.dataset.key, share: false }),
  slip: (id) => postJSON(`/api/recovery/${id}/slip/`),
  remove: (id) => postJSON(`/api/recovery/${id}/delete/`),
  date: (id) => postJSON(`/api/recovery/${id}/`, { started_on: byId(`journey-${id}-date`).value }),
};

byId("counts")?.addEventListener("click", async (event) => {
  const target = event.target instanceof Element ? event.target.closest("[data-action]") : null;
  const journey = target?.closest("[data-journey]");
  const action = target && JOURNEY_ACTIONS[target.dataset.action];
  if (!journey || !action) return;
  const answer = await action(journey.dataset.journey, target.closest(".milestone-offer"));
  say("journey-status", answer);
  if (answer.ok) reload();
});

const PARTNER_ACTIONS = {
  accept: (id) => postJSON(`/api/recovery/partners/${id}/accept/`),
  end: (id) => postJSON(`/api/recovery/partners/${id}/end/`),
  support: (id) => postJSON(`/api/recovery/partners/${id}/support/`),
};

byId("partners")?.addEventListener("click", async (event) => {
  const target = event.target instanceof Element ? event.target.closest("[data-action]") : null;
  const partner = target?.closest("[data-partner]");
  const action = target && PARTNER_ACTIONS[target.dataset.action];
  if (!partner || !action) return;
  const answer = await action(partner.dataset.partner);
  if (target.dataset.action === "support") {
    say("partner-status", answer, gettext("Sent. They'll see it in their inbox."));
    if (answer.ok) target.disabled = true;
    return;
  }
  say("partner-status", answer);
  if (answer.ok) reload();
});

byId("partner-form")?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const answer = await postJSON("/api/recovery/partners/", {
    handle: event.currentTarget.elements.namedItem("handle").value,
  });
  say("partner-status", answer);
  if (answer.ok) reload();
});

// From a partner's nudge (?support=<id>): their "Send a word of support" is the next tap.
const supportFor = new URLSearchParams(window.location.search).get("support");
if (supportFor && /^\d+$/.test(supportFor)) {
  const row = document.querySelector(`[data-partner="${supportFor}"]`);
  const send = row?.querySelector("[data-action=support]");
  if (send) {
    row.classList.add("partner-nudged");
    send.focus();
  }
}

// Tells tests (and anything else waiting) that the page's forms are wired.
byId("recovery-page").dataset.ready = "1";
