// The safety-plan page: the form reads and writes the plan on this device only.

import { byId } from "./dom.js";
import { PLAN_SECTIONS, loadPlan, planText, savePlan } from "./ui/safetyplan.js";
import { gettext } from "./i18n.js";

const form = byId("safety-plan-form");
const status = byId("safety-plan-status");
const copyButton = byId("safety-plan-copy");

function fill() {
  const plan = loadPlan() || {};
  for (const [key] of PLAN_SECTIONS) {
    const field = form.elements.namedItem(key);
    if (field) field.value = plan[key] || "";
  }
}

function read() {
  const plan = {};
  for (const [key] of PLAN_SECTIONS) {
    const field = form.elements.namedItem(key);
    if (field) plan[key] = field.value;
  }
  return plan;
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  status.textContent = savePlan(read())
    ? gettext("Saved on this device. It shows first on the crisis card.")
    : gettext("This browser won't keep it (storage is blocked). Copy it somewhere safe instead.");
});

byId("safety-plan-clear").addEventListener("click", () => {
  savePlan({});
  fill();
  status.textContent = gettext("Removed from this device.");
});

copyButton.addEventListener("click", async () => {
  const text = planText(read());
  try {
    await navigator.clipboard.writeText(text);
    status.textContent = gettext("Copied. Paste it into a check-in chat if you'd like a facilitator to see it.");
  } catch {
    status.textContent = gettext("Couldn't copy here; select the text and copy it yourself.");
  }
});

fill();
