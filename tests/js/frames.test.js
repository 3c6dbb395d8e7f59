import assert from "node:assert/strict";
import { test } from "node:test";

import { applyPresence, errorOf, isMessageFrame, readFrame, sortedHandles } from "../../static/kindred/net/frames.js";

test("readFrame takes JSON objects with a type and nothing else", () => {
  assert.deepEqual(readFrame('{"type":"pong"}'), { type: "pong" });
  assert.equal(readFrame("not json"), null);
  assert.equal(readFrame("[1,2]"), null);
  assert.equal(readFrame('{"type":3}'), null);
  assert.equal(readFrame("null"), null);
});

test("a message frame needs a whole id, an author and a body", () => {
  assert.ok(isMessageFrame({ id: 1, author: "a", body: "b" }));
  assert.ok(!isMessageFrame({ id: -1, author: "a", body: "b" }));
  assert.ok(!isMessageFrame({ id: 1.5, author: "a", body: "b" }));
  assert.ok(!isMessageFrame({ id: 1, author: null, body: "b" }));
  assert.ok(!isMessageFrame(null));
});

test("an error frame always has a code and words", () => {
  assert.deepEqual(errorOf({ type: "error" }), { type: "error", code: "error", detail: "Something went wrong." });
  const full = errorOf({ type: "error", code: "muted", detail: "Muted.", until: "x" });
  assert.equal(full.until, "x");
  assert.equal(full.detail, "Muted.");
});

test("presence joins and leaves move the list and the count", () => {
  const online = new Set(["Ann"]);
  let count = applyPresence(online, { type: "presence", event: "join", handle: "Bo", count: 2 }, 1);
  assert.equal(count, 2);
  count = applyPresence(online, { type: "presence", event: "leave", handle: "Ann", count: 1 }, count);
  assert.deepEqual([...online], ["Bo"]);
  assert.equal(count, 1);
});

test("a presence batch applies every change; invisible members move only the count", () => {
  const online = new Set();
  const count = applyPresence(online, {
    event: "batch",
    changes: [{ event: "join", handle: "Cy" }, { event: "join", handle: null }, { event: "join", handle: "Al" }],
    count: 3,
  }, 0);
  assert.deepEqual(sortedHandles(online), ["Al", "Cy"]);
  assert.equal(count, 3);
});

test("open to chat follows joins, updates and leaves", () => {
  const online = new Set(["Ann"]);
  const open = new Set();
  applyPresence(online, { event: "join", handle: "Bo", open_to_chat: true, count: 2 }, 1, open);
  assert.deepEqual([...open], ["Bo"]);
  applyPresence(online, { event: "update", handle: "Ann", open_to_chat: true, count: 2 }, 2, open);
  assert.deepEqual(sortedHandles(open), ["Ann", "Bo"]);
  assert.deepEqual(sortedHandles(online), ["Ann", "Bo"]);
  applyPresence(online, {
    event: "batch",
    changes: [{ event: "update", handle: "Ann", open_to_chat: false }, { event: "leave", handle: "Bo" }],
    count: 1,
  }, 2, open);
  assert.deepEqual([...open], []);
  assert.deepEqual([...online], ["Ann"]);
  // An update for someone not listed doesn't list them.
  applyPresence(online, { event: "update", handle: "Cy", open_to_chat: false, count: 1 }, 1, open);
  assert.deepEqual([...online], ["Ann"]);
});

test("a presence frame without a count keeps the last one", () => {
  assert.equal(applyPresence(new Set(), { event: "join", handle: "X" }, 7), 7);
  assert.equal(applyPresence(new Set(), { event: "batch", changes: "junk" }, 4), 4);
});
