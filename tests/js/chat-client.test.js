import assert from "node:assert/strict";
import { test } from "node:test";

import { ChatClient } from "../../static/kindred/net/chat-client.js";
import { ModerationClient } from "../../static/kindred/net/mod-client.js";
import { onFakes, record } from "./fakes.js";

function chat(welcome = {}) {
  const { options, system, sockets } = onFakes();
  let n = 0;
  const client = new ChatClient("/ws/rooms/x/", { ...options, outbox: { nonce: () => `n${++n}` } });
  const seen = record(client, ["message", "outbox", "outbox-remove", "resumed", "report", "push", "notice", "stopped"]);
  client.start({});
  const ws = () => sockets[sockets.length - 1];
  const greet = (extra = {}) => ws().receive({ type: "welcome", you: { handle: "Ann", role: "member" }, history: [], ...welcome, ...extra });
  greet();
  return { client, system, sockets, seen, ws, greet };
}

const msg = (id, author = "Bo", extra = {}) => ({ type: "message", id, author, body: `m${id}`, ...extra });

test("each message id is shown once, whichever way it arrives", () => {
  const { ws, seen } = chat();
  ws().receive(msg(1));
  ws().receive(msg(1));
  assert.equal(seen.filter(([type]) => type === "message").length, 1);
});

test("our held message comes again as released when it reaches the room, once", () => {
  const { ws, seen } = chat();
  ws().receive(msg(5, "Ann", { held: true }));
  ws().receive(msg(5, "Ann", { held: true }));
  ws().receive(msg(5, "Ann"));
  ws().receive(msg(5, "Ann"));
  const events = seen.filter(([type]) => type === "message").map(([, detail]) => [detail.source, detail.message.held]);
  assert.deepEqual(events, [["live", true], ["released", undefined]]);
});

test("our message is sent, acked, and leaves the outbox when it comes back", () => {
  const { client, ws, seen } = chat();
  client.send("hello");
  assert.deepEqual(ws().lastSent(), { type: "message", body: "hello", nonce: "n1" });
  ws().receive({ type: "ack", id: 7, nonce: "n1" });
  ws().receive(msg(7, "Ann", { nonce: "n1" }));
  assert.equal(client.outbox.entries.length, 0);
  assert.deepEqual(seen.at(-1), ["outbox-remove", { nonce: "n1" }]);
});

test("messages written while offline go out after the welcome, in order, one at a time", () => {
  const { client, ws, system, greet } = chat();
  ws().drop(1006);
  client.send("one");
  client.send("two");
  system.advance(1000);
  greet();
  assert.deepEqual(ws().sent.map((f) => f.body), ["one"]);
  ws().receive({ type: "ack", id: 3, nonce: "n1" });
  assert.deepEqual(ws().sent.map((f) => f.body), ["one", "two"]);
});

test("a message in flight when the socket drops is sent again with the same nonce", () => {
  const { client, ws, system, greet } = chat();
  client.send("one");
  const first = ws().lastSent();
  ws().drop(1006);
  system.advance(1000);
  greet();
  assert.deepEqual(ws().lastSent(), first);
});

test("a reconnect resumes from the last id seen and counts what was missed", () => {
  const { ws, system, greet, seen } = chat();
  ws().receive(msg(5));
  ws().drop(1012);
  system.advance(1000);
  greet({ history: [msg(5), msg(6)] });
  assert.deepEqual(ws().lastSent(), { type: "resume", after: 5 });
  ws().receive(msg(7));
  ws().receive({ type: "resumed" });
  assert.deepEqual(seen.at(-1), ["resumed", { added: 2, reconnect: true }]);
});

test("messages the page came with: the first welcome resumes after the last, each id once", () => {
  const { options, sockets } = onFakes();
  const client = new ChatClient("/ws/rooms/x/", options);
  const seen = record(client, ["message", "resumed"]);
  client.seed([msg(3), msg(5)]);
  client.start({});
  const ws = sockets[sockets.length - 1];
  // The welcome's history overlaps the page and brings one newer message.
  ws.receive({ type: "welcome", you: { handle: "Ann", role: "member" }, history: [msg(2), msg(3), msg(5), msg(6)] });
  assert.deepEqual(ws.lastSent(), { type: "resume", after: 5 });
  ws.receive(msg(6)); // again, in the resume
  ws.receive(msg(8));
  ws.receive({ type: "resumed" });
  const shown = seen.filter(([type]) => type === "message").map(([, d]) => [d.message.id, d.source]);
  assert.deepEqual(shown, [[3, "page"], [5, "page"], [2, "welcome"], [6, "welcome"], [8, "resume"]]);
  // Not "while you were away": the page was only just made.
  assert.deepEqual(seen.at(-1), ["resumed", { added: 2, reconnect: false }]);
});

test("a long resume asks again from where the last page ended", () => {
  const { ws, system, greet } = chat();
  ws().receive(msg(5));
  ws().drop(1012);
  system.advance(1000);
  greet();
  ws().receive({ type: "resumed", more: true, last_id: 900 });
  assert.deepEqual(ws().lastSent(), { type: "resume", after: 900 });
});

test("a slow-mode refusal holds the message and says how long", () => {
  const { client, ws, seen } = chat();
  client.send("hi");
  ws().receive({ type: "error", code: "slow_mode", detail: "Slow mode.", retry_after: 4 });
  assert.equal(client.outbox.entries[0].state, "waiting");
  const notice = seen.filter(([type]) => type === "notice").at(-1)[1];
  assert.equal(notice.retryAfter, 4);
});

test("a report is answered with report.received, or told it was lost", () => {
  const { client, ws, seen } = chat();
  assert.ok(client.report(3, "spam"));
  assert.ok(!client.report(4, "spam"), "one report at a time");
  ws().receive({ type: "report.received", message: 3 });
  assert.deepEqual(seen.at(-1), ["report", { message: 3, ok: true }]);
  client.report(4, "other", "note");
  ws().drop(1006);
  assert.equal(seen.at(-1)[1].code, "disconnected");
});

test("news about the member is pushed, not taken for an answer", () => {
  const { ws, seen } = chat();
  ws().receive({ type: "chat.request", chat: 4, from: "Bo" });
  assert.deepEqual(seen.at(-1), ["push", { frame: { type: "chat.request", chat: 4, from: "Bo" } }]);
});

test("with refs, chat.opened for someone else is news even while we wait for reach_out's answer", async () => {
  const { client, ws, seen } = chat({ refs: true });
  const answer = client.request({ type: "reach_out", item: 1 });
  const sent = ws().lastSent();
  ws().receive({ type: "chat.opened", chat: 8, with: "Cy" });
  assert.equal(seen.at(-1)[0], "push");
  ws().receive({ type: "chat.opened", chat: 9, with: "Bo", ref: sent.ref });
  assert.equal((await answer).chat, 9);
});

test("without refs, chat.opened that names who answers reach_out (the old way)", async () => {
  const { client, ws } = chat();
  const answer = client.request({ type: "reach_out", item: 1 });
  assert.equal(ws().lastSent().ref, undefined);
  ws().receive({ type: "chat.opened", chat: 9, with: "Bo" });
  assert.equal((await answer).chat, 9);
});

test("a kicked member's room socket stops for good", () => {
  const { ws, seen } = chat();
  ws().drop(4001);
  assert.deepEqual(seen.at(-1), ["stopped", { reason: "kicked", code: 4001 }]);
});

test("blocking someone forgets what they wrote", () => {
  const { client, ws } = chat();
  ws().receive(msg(1, "Bo"));
  ws().receive(msg(2, "Cy"));
  client.forgetAuthor("Bo");
  assert.deepEqual([...client.messages.keys()], [2]);
});

test("the moderation socket is ready on its queue, and a kick does not stop it", () => {
  const { options, system, sockets } = onFakes();
  const client = new ModerationClient("/ws/moderation/", options);
  const seen = record(client, ["queue", "item", "stopped"]);
  client.start({});
  sockets[0].receive({ type: "queue", items: [{ id: 1 }] });
  assert.equal(client.connected, true);
  sockets[0].receive({ type: "queue.item", item: { id: 2 } });
  assert.deepEqual(seen.map(([type]) => type), ["queue", "item"]);
  sockets[0].drop(4001);
  system.advance(1000);
  assert.equal(sockets.length, 2);
  sockets[1].drop(4403);
  assert.deepEqual(seen.at(-1), ["stopped", { reason: "forbidden", code: 4403 }]);
});

test("the moderation socket uses refs when its queue frame offers them", async () => {
  const { options, sockets } = onFakes();
  const client = new ModerationClient("/ws/moderation/", options);
  client.start({});
  sockets[0].receive({ type: "queue", items: [], refs: true });
  const answer = client.request({ type: "claim", item: 1 });
  const { ref } = sockets[0].lastSent();
  sockets[0].receive({ type: "done", action: "claim", ref });
  assert.equal((await answer).action, "claim");
});

test("a reaction is sent, answered by reacted, and the room's new counts are an event", () => {
  const { client, ws } = chat();
  const seen = record(client, ["reacted", "reactions"]);
  assert.ok(client.react(9, "me_too"));
  assert.deepEqual(
    { ...ws().lastSent(), ref: undefined },
    { type: "react", message: 9, reaction: "me_too", on: true, ref: undefined },
  );
  ws().receive({ type: "reactions", message: 9, counts: { me_too: 2 } });
  assert.deepEqual(seen.at(-1), ["reactions", { message: 9, counts: { me_too: 2 } }]);
  ws().receive({ type: "reacted", message: 9, reaction: "me_too", on: true, counts: { me_too: 2 } });
  assert.deepEqual(seen.at(-1), ["reacted", { message: 9, reaction: "me_too", ok: true, on: true, counts: { me_too: 2 } }]);
});

test("needs_reply is news for the helper, pushed to the page", () => {
  const { ws, seen } = chat();
  const frame = { type: "needs_reply", message: 4, room: "newcomers", handle: "Bo", reason: "newcomer", text: "t" };
  ws().receive(frame);
  assert.deepEqual(seen.at(-1), ["push", { frame }]);
});
