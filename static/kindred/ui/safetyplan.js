// The member's own safety plan (the Stanley–Brown structure), kept only on this device
// (localStorage). Nothing here sends it anywhere: the member can copy it into a
// check-in chat themselves if they choose to share it.

import { el } from "../dom.js";
import { gettext } from "../i18n.js";

export const PLAN_KEY = "kindred.safety-plan.v1";

/** The plan's sections, in the order the plan is worked through. */
export const PLAN_SECTIONS = [
  ["warning_signs", gettext("My warning signs")],
  ["coping", gettext("Things I can do on my own that help")],
  ["distractions", gettext("People and places that take my mind off things")],
  ["contacts", gettext("People I can ask for help")],
  ["professionals", gettext("Professionals and lines I can call")],
  ["safe_place", gettext("Making where I am safer")],
  ["reasons", gettext("My reasons to stay")],
];

const MAX_LENGTH = 2000;

function storage() {
  try {
    return window.localStorage;
  } catch {
    return null; // storage blocked: the plan simply isn't kept
  }
}

/** The stored plan (section key -> text), or null when there is none. */
export function loadPlan() {
  const raw = storage()?.getItem(PLAN_KEY);
  if (!raw) return null;
  let parsed;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!parsed || typeof parsed !== "object") return null;
  const plan = {};
  for (const [key] of PLAN_SECTIONS) {
    const value = typeof parsed[key] === "string" ? parsed[key].trim().slice(0, MAX_LENGTH) : "";
    if (value) plan[key] = value;
  }
  return Object.keys(plan).length ? plan : null;
}

/** Keep *plan* on this device (an empty plan removes it). Returns whether it was kept. */
export function savePlan(plan) {
  const store = storage();
  if (!store) return false;
  const kept = {};
  for (const [key] of PLAN_SECTIONS) {
    const value = typeof plan[key] === "string" ? plan[key].trim().slice(0, MAX_LENGTH) : "";
    if (value) kept[key] = value;
  }
  try {
    if (Object.keys(kept).length) store.setItem(PLAN_KEY, JSON.stringify(kept));
    else store.removeItem(PLAN_KEY);
  } catch {
    return false;
  }
  return true;
}

/** The plan as plain text, for the member to copy into a chat if they want to. */
export function planText(plan) {
  return PLAN_SECTIONS.filter(([key]) => plan[key])
    .map(([key, label]) => `${label}:\n${plan[key]}`)
    .join("\n\n");
}

/** Fill *section* (with a <dl>) with the stored plan, or hide it when there is none. */
export function showSafetyPlan(section) {
  const plan = loadPlan();
  const list = section.querySelector("dl");
  section.hidden = !plan || !list;
  if (!plan || !list) return;
  const rows = [];
  for (const [key, label] of PLAN_SECTIONS) {
    if (!plan[key]) continue;
    rows.push(el("dt", "", label), el("dd", "", plan[key]));
  }
  list.replaceChildren(...rows);
}
