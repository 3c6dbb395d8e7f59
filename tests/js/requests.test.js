import assert from "node:assert/strict";
import { test } from "node:test";

import { answersWithoutRef, PendingRequests } from "../../static/kindred/net/requests.js";

const entry = (frame) => ({ frame });

test("without refs, frames go out unchanged", () => {
  const pending = new PendingRequests();
  assert.deepEqual(pending.track(entry({ type: "ping" })), { type: "ping" });
});

test("with refs, each frame gets its own ref of at most 64 characters", () => {
  const pending = new PendingRequests();
  pending.refs = true;
  const a = pending.track(entry({ type: "ping" }));
  const b = pending.track(entry({ type: "ping" }));
  assert.notEqual(a.ref, b.ref);
  assert.ok(a.ref.length >= 1 && a.ref.length <= 64);
});

test("with refs, an answer goes to the request with its ref, whatever the order", () => {
  const pending = new PendingRequests();
  pending.refs = true;
  const first = pending.track(entry({ type: "context", item: 1 }));
  const second = pending.track(entry({ type: "context", item: 2 }));
  assert.equal(pending.takeAnswer({ type: "context", ref: second.ref }).frame.item, 2);
  assert.equal(pending.takeAnswer({ type: "context", ref: first.ref }).frame.item, 1);
  assert.equal(pending.size, 0);
});

test("with refs, a frame without a ref is news, even if it looks like an answer", () => {
  const pending = new PendingRequests({ me: () => "Ann" });
  pending.refs = true;
  pending.track(entry({ type: "reach_out", item: 3 }));
  assert.equal(pending.takeAnswer({ type: "chat.opened", chat: 9, with: "Bo" }), null);
  assert.equal(pending.size, 1);
});

test("with refs, what comes with an answer is news: the crisis card before the ack", () => {
  const pending = new PendingRequests();
  pending.refs = true;
  const sent = pending.track(entry({ type: "message", body: "help", nonce: "n1" }));
  assert.equal(pending.takeAnswer({ type: "crisis", category: "suicide", ref: sent.ref }), null);
  assert.equal(pending.takeAnswer({ type: "message", id: 7, ref: sent.ref }), null);
  assert.equal(pending.takeAnswer({ type: "ack", id: 7, nonce: "n1", ref: sent.ref }).frame.nonce, "n1");
});

test("with refs, a resume page's messages are news and `resumed` answers it", () => {
  const pending = new PendingRequests();
  pending.refs = true;
  const sent = pending.track(entry({ type: "resume", after: 3 }));
  assert.equal(pending.takeAnswer({ type: "message", id: 4, ref: sent.ref }), null);
  assert.equal(pending.takeAnswer({ type: "resumed", ref: sent.ref }).frame.type, "resume");
});

test("with refs, an unknown ref answers nothing", () => {
  const pending = new PendingRequests();
  pending.refs = true;
  pending.track(entry({ type: "ping" }));
  assert.equal(pending.takeAnswer({ type: "pong", ref: "someone-else" }), null);
});

test("with refs, an error goes to its request, not the oldest", () => {
  const pending = new PendingRequests();
  pending.refs = true;
  pending.track(entry({ type: "ping" }));
  const claim = pending.track(entry({ type: "claim", item: 4 }));
  assert.equal(pending.takeError({ type: "error", code: "not_found", ref: claim.ref }).frame.type, "claim");
});

test("an error without a ref answers the oldest request", () => {
  const pending = new PendingRequests();
  pending.refs = true;
  pending.track(entry({ type: "ping" }));
  pending.track(entry({ type: "claim", item: 4 }));
  assert.equal(pending.takeError({ type: "error", code: "bad_frame" }).frame.type, "ping");
});

test("without refs, an error answers the oldest request", () => {
  const pending = new PendingRequests();
  pending.track(entry({ type: "message", body: "hi" }));
  pending.track(entry({ type: "ping" }));
  assert.equal(pending.takeError({ type: "error", code: "rate_limited" }).frame.type, "message");
  assert.equal(pending.takeError({ type: "error" }).frame.type, "ping");
  assert.equal(pending.takeError({ type: "error" }), null);
});

test("without refs, an answer goes to the oldest request it can answer", () => {
  const pending = new PendingRequests();
  pending.track(entry({ type: "ping" }));
  pending.track(entry({ type: "message", body: "x" }));
  assert.equal(pending.takeAnswer({ type: "ack", id: 1 }).frame.type, "message");
  assert.equal(pending.takeAnswer({ type: "pong" }).frame.type, "ping");
});

test("drain hands back everything, oldest first, and empties the table", () => {
  const pending = new PendingRequests();
  pending.track(entry({ type: "ping" }));
  pending.track(entry({ type: "audit" }));
  assert.deepEqual(pending.drain().map((e) => e.frame.type), ["ping", "audit"]);
  assert.equal(pending.size, 0);
});

test("the old matching: our copy of chat.accepted answers our request", () => {
  assert.ok(answersWithoutRef({ type: "chat.request", to: "Bo" }, { type: "chat.accepted", by: "Ann", chat: 2 }, "Ann"));
  assert.ok(!answersWithoutRef({ type: "chat.request", to: "Bo" }, { type: "chat.accepted", by: "Bo", chat: 2 }, "Ann"));
  assert.ok(answersWithoutRef({ type: "chat.accept", chat: 2 }, { type: "chat.accepted", by: "Ann", chat: 2 }, "Ann"));
  assert.ok(!answersWithoutRef({ type: "chat.accept", chat: 3 }, { type: "chat.accepted", by: "Ann", chat: 2 }, "Ann"));
});

test("the old matching: chat.closed answers leave or block only when we closed it", () => {
  assert.ok(answersWithoutRef({ type: "chat.leave" }, { type: "chat.closed", by: "Ann" }, "Ann"));
  assert.ok(answersWithoutRef({ type: "chat.block" }, { type: "chat.closed", by: "Ann" }, "Ann"));
  assert.ok(!answersWithoutRef({ type: "chat.leave" }, { type: "chat.closed", by: null }, "Ann"));
});

test("the old matching: moderation answers by their fields", () => {
  assert.ok(answersWithoutRef({ type: "claim", item: 1 }, { type: "done", action: "claim" }, "F"));
  assert.ok(!answersWithoutRef({ type: "claim", item: 1 }, { type: "done", action: "dismiss" }, "F"));
  assert.ok(answersWithoutRef({ type: "context", item: 7 }, { type: "context", item: 7 }, "F"));
  assert.ok(!answersWithoutRef({ type: "context", item: 7 }, { type: "context", item: 8 }, "F"));
  assert.ok(answersWithoutRef({ type: "duty", on: true }, { type: "status" }, "F"));
  assert.ok(answersWithoutRef({ type: "audit" }, { type: "audit", entries: [] }, "F"));
  assert.ok(answersWithoutRef({ type: "dropin.accept", request: 5 }, { type: "dropin.matched", request: 5 }, "F"));
});

test("the old matching: chat.opened answers reach_out only when it names who", () => {
  assert.ok(answersWithoutRef({ type: "reach_out", item: 1 }, { type: "chat.opened", chat: 3, with: "Bo" }, "F"));
  assert.ok(!answersWithoutRef({ type: "reach_out", item: 1 }, { type: "chat.opened", chat: 3, message: "hi" }, "F"));
  assert.ok(!answersWithoutRef({ type: "ping" }, { type: "chat.opened", chat: 3, with: "Bo" }, "F"));
});
