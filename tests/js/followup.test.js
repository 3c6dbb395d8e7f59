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

import { personKey, queueOrder, waitsForSomeone } from "../../static/kindred/dashboard/words.js";

test("the dashboard puts an overdose now above older thoughts of suicide", () => {
  const item = (id, urgency, created_at, category = "suicide") =>
    ({ id, kind: "crisis", category, priority: 0, urgency, weight: 1, created_at });
  const older1 = item(1, 1, "2026-12-07T02:00:00Z");
  const older2 = item(2, 1, "2026-12-07T02:10:00Z");
  const overdose = item(3, 3, "2026-12-07T03:00:00Z", "overdose");
  const plan = item(4, 2, "2026-12-07T03:05:00Z");
  assert.deepEqual([older1, older2, overdose, plan].sort(queueOrder).map((i) => i.id), [3, 4, 1, 2]);
});

test("one row per person in crisis; waiting shown while nobody has taken it", () => {
  assert.equal(personKey({ kind: "crisis", subject: "Ana" }), "crisis:Ana");
  assert.equal(personKey({ kind: "report", subject: "Ana" }), null);
  assert.ok(waitsForSomeone({ kind: "check_in", state: "open" }));
  assert.ok(!waitsForSomeone({ kind: "crisis", state: "claimed" }));
});
