import assert from "node:assert/strict";
import { test } from "node:test";

import { newNonce, Outbox } from "../../static/kindred/net/outbox.js";

function box() {
  let time = 0;
  let n = 0;
  const outbox = new Outbox({ now: () => time, nonce: () => `n${++n}` });
  return { outbox, later: (ms) => { time += ms; } };
}

test("messages go out one at a time, oldest first", () => {
  const { outbox } = box();
  const a = outbox.add("one");
  outbox.add("two");
  assert.equal(outbox.next(), a);
  outbox.inflight = a;
  assert.equal(outbox.next(), null);
});

test("an ack marks the entry sent and frees the next", () => {
  const { outbox } = box();
  const a = outbox.add("one");
  const b = outbox.add("two");
  outbox.inflight = a;
  assert.equal(outbox.acked("n1", 41), a);
  assert.equal(a.state, "sent");
  assert.equal(a.id, 41);
  assert.equal(outbox.next(), b);
});

test("an ack for a discarded message changes nothing", () => {
  const { outbox } = box();
  outbox.add("one");
  outbox.discard("n1");
  assert.equal(outbox.acked("n1", 5), null);
  assert.equal(outbox.entries.length, 0);
});

test("a delivered message leaves the outbox", () => {
  const { outbox } = box();
  const a = outbox.add("one");
  outbox.delivered(a);
  assert.equal(outbox.find("n1"), null);
});

test("a rate limit holds this message and those behind it", () => {
  const { outbox } = box();
  const a = outbox.add("one");
  const b = outbox.add("two");
  outbox.inflight = a;
  const { waitMs, changed } = outbox.refused(a, { code: "rate_limited", detail: "Slow down", retry_after: 3 });
  assert.equal(waitMs, 3000);
  assert.deepEqual(changed, [a, b]);
  assert.equal(a.state, "waiting");
  assert.equal(outbox.next(), null);
});

test("a message written during a hold waits too", () => {
  const { outbox } = box();
  const a = outbox.add("one");
  outbox.refused(a, { code: "slow_mode", detail: "Slow mode", retry_after: 10 });
  assert.equal(outbox.add("two").state, "waiting");
});

test("after the hold everything waiting goes again, in order", () => {
  const { outbox, later } = box();
  const a = outbox.add("one");
  outbox.add("two");
  outbox.refused(a, { code: "rate_limited", detail: "", retry_after: 1 });
  later(1000);
  assert.equal(outbox.release().length, 2);
  assert.equal(outbox.next(), a);
});

test("an unavailable server is retried with a growing, capped wait", () => {
  const { outbox } = box();
  const a = outbox.add("one");
  const waits = [];
  for (let i = 0; i < 7; i += 1) waits.push(outbox.refused(a, { code: "unavailable", detail: "" }).waitMs);
  assert.deepEqual(waits, [2000, 4000, 8000, 16000, 30000, 30000, 30000]);
});

test("a refusal that can't pass by waiting fails the message and the rest go on", () => {
  const { outbox } = box();
  const a = outbox.add("one");
  const b = outbox.add("two");
  outbox.inflight = a;
  const { waitMs } = outbox.refused(a, { code: "muted", detail: "You're muted", until: "2030-01-01T00:00:00Z" });
  assert.equal(waitMs, null);
  assert.equal(a.state, "failed");
  assert.deepEqual(a.error, { code: "muted", detail: "You're muted", until: "2030-01-01T00:00:00Z" });
  assert.equal(outbox.next(), b);
});

test("a failed message can be tried again, once", () => {
  const { outbox } = box();
  const a = outbox.add("one");
  outbox.refused(a, { code: "too_long", detail: "" });
  assert.equal(outbox.retry("n1"), a);
  assert.equal(a.state, "sending");
  assert.equal(outbox.retry("n1"), null);
});

test("a lost connection frees the in-flight message to be sent again", () => {
  const { outbox } = box();
  const a = outbox.add("one");
  outbox.inflight = a;
  outbox.lost();
  assert.equal(outbox.next(), a);
});

test("nonces are unique and within the 64-character limit", () => {
  const made = new Set(Array.from({ length: 50 }, () => newNonce()));
  assert.equal(made.size, 50);
  for (const nonce of made) assert.ok(nonce.length >= 1 && nonce.length <= 64);
  const fallback = newNonce({ getRandomValues: (bytes) => bytes.fill(7) });
  assert.equal(fallback, `c-${"07".repeat(16)}`);
});
