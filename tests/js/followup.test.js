import assert from "node:assert/strict";
import { test } from "node:test";

import { checkinChoices } from "../../static/kindred/ui/checkin.js";
import { PLAN_KEY, loadPlan, planText, savePlan } from "../../static/kindred/ui/safetyplan.js";

test("check-in times are in the member's own day: tomorrow at 9 is local 9:00", () => {
  const now = new Date(2026, 11, 7, 23, 30); // 11:30 p.m. local
  const [hour, three, tomorrow] = checkinChoices(now);
  assert.equal(hour.at.getTime() - now.getTime(), 3600 * 1000);
  assert.equal(three.at.getTime() - now.getTime(), 3 * 3600 * 1000);
  assert.deepEqual([tomorrow.at.getDate(), tomorrow.at.getHours()], [8, 9]);
});

function fakeStorage() {
  const data = new Map();
  return {
    data,
    getItem: (k) => (data.has(k) ? data.get(k) : null),
    setItem: (k, v) => data.set(k, String(v)),
    removeItem: (k) => data.delete(k),
  };
}

test("the safety plan stays in this device's storage and nowhere else", () => {
  const storage = fakeStorage();
  globalThis.window = { localStorage: storage };
  try {
    assert.equal(loadPlan(), null);
    assert.ok(savePlan({ warning_signs: "  Not sleeping  ", reasons: "My sister", junk: "x" }));
    assert.deepEqual(JSON.parse(storage.data.get(PLAN_KEY)), {
      warning_signs: "Not sleeping",
      reasons: "My sister",
    });
    assert.deepEqual(loadPlan(), { warning_signs: "Not sleeping", reasons: "My sister" });
    assert.match(planText(loadPlan()), /^My warning signs:\nNot sleeping\n\nMy reasons to stay:\nMy sister$/);
    savePlan({});
    assert.equal(storage.data.has(PLAN_KEY), false);
    storage.setItem(PLAN_KEY, "{not json");
    assert.equal(loadPlan(), null);
  } finally {
    delete globalThis.window;
  }
});
