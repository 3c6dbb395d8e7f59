import assert from "node:assert/strict";
import { test } from "node:test";

import { ChatClient } from "../../static/kindred/net/chat-client.js";
import { onFakes } from "./fakes.js";

function chat() {
  const { options, system, sockets } = onFakes();
  let n = 0;
  const client = new ChatClient("/ws/rooms/x/", { ...options, outbox: { nonce: () => `n${++n}` } });
  client.start({});
  const ws = () => sockets[sockets.length - 1];
  ws().receive({ type: "welcome", you: { handle: "Ann", role: "member" }, history: [] });
  return { client, system, ws };
}

test("a message held by a meeting's round waits, keeps its order, and goes when the floor opens", () => {
  const { client, ws } = chat();
  client.send("my share");
  client.send("and one more");
  ws().receive({ type: "error", code: "floor_held", detail: "Someone else's turn.", retry_after: 5 });
  assert.deepEqual(client.outbox.entries.map((e) => e.state), ["waiting", "waiting"]);
  assert.equal(ws().sent.length, 1); // nothing else is sent while it waits
  assert.equal(client.releaseWaiting("slow_mode"), false); // only what the floor held
  assert.equal(client.releaseWaiting("floor_held"), true);
  assert.deepEqual(ws().lastSent(), { type: "message", body: "my share", nonce: "n1" });
  ws().receive({ type: "ack", id: 9, nonce: "n1" });
  assert.deepEqual(ws().lastSent(), { type: "message", body: "and one more", nonce: "n2" });
});

test("without a release, the held message goes again by itself after retry_after", () => {
  const { client, ws, system } = chat();
  client.send("my share");
  ws().receive({ type: "error", code: "floor_held", detail: "Someone else's turn.", retry_after: 5 });
  system.advance(4900);
  assert.equal(ws().sent.length, 1);
  system.advance(200);
  assert.equal(ws().sent.length, 2);
  assert.deepEqual(ws().lastSent(), { type: "message", body: "my share", nonce: "n1" });
});
