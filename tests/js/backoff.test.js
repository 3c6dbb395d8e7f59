import assert from "node:assert/strict";
import { test } from "node:test";

import { backoffDelay } from "../../static/kindred/net/backoff.js";

test("the first retry waits between a quarter and half a second", () => {
  assert.equal(backoffDelay(0, { random: () => 0 }), 250);
  assert.equal(backoffDelay(0, { random: () => 1 }), 500);
});

test("each attempt doubles the ceiling", () => {
  const at = (n) => backoffDelay(n, { random: () => 1 });
  assert.deepEqual([at(1), at(2), at(3)], [1000, 2000, 4000]);
});

test("the delay never passes the cap", () => {
  assert.equal(backoffDelay(40, { random: () => 1, maxMs: 30000 }), 30000);
  assert.ok(backoffDelay(40, { random: () => 0, maxMs: 30000 }) >= 15000);
});

test("jitter spreads clients over the upper half of the window", () => {
  const delays = [0, 0.25, 0.5, 0.75].map((r) => backoffDelay(3, { random: () => r }));
  assert.deepEqual(delays, [2000, 2500, 3000, 3500]);
});

test("a minimum (after a flood close) wins over a short backoff", () => {
  assert.equal(backoffDelay(0, { minMs: 5000, random: () => 0.5 }), 5000);
});

test("a negative attempt is treated as the first", () => {
  assert.equal(backoffDelay(-3, { random: () => 1 }), 500);
});
