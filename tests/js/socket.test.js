import assert from "node:assert/strict";
import { test } from "node:test";

import { SocketCore, socketUrl } from "../../static/kindred/net/socket.js";
import { onFakes } from "./fakes.js";

function core(extra = {}) {
  const { options, system, sockets } = onFakes(extra);
  const seen = [];
  const hooks = {
    greeted: (frame, reconnect) => seen.push(["greeted", reconnect]),
    frame: (frame) => seen.push(["frame", frame.type]),
    lost: () => seen.push(["lost"]),
    state: (state) => seen.push(["state", state]),
    stopped: (reason, code) => seen.push(["stopped", reason, code]),
  };
  const socket = new SocketCore(options.url, hooks, options);
  socket.start({});
  return { socket, system, sockets, seen, ws: () => sockets[sockets.length - 1] };
}

test("it connects, and is connected only once the greeting arrives", () => {
  const { socket, ws, seen } = core();
  assert.equal(socket.state, "connecting");
  assert.equal(ws().url, "ws://test/ws/");
  ws().receive({ type: "welcome" });
  assert.equal(socket.state, "connected");
  assert.deepEqual(seen.slice(-2), [["state", "connected"], ["greeted", false]]);
});

test("a dropped socket reconnects after a jittered backoff, and says it is a reconnect", () => {
  const { socket, ws, system, sockets, seen } = core();
  ws().receive({ type: "welcome" });
  ws().drop(1006);
  assert.equal(socket.state, "reconnecting");
  system.advance(374);
  assert.equal(sockets.length, 1);
  system.advance(1); // 500 * (0.5 + 0.5 * 0.5)
  assert.equal(sockets.length, 2);
  ws().receive({ type: "welcome" });
  assert.deepEqual(seen.at(-1), ["greeted", true]);
});

test("backoff grows while connecting keeps failing, and resets after a greeting", () => {
  const { socket, ws, system } = core();
  const waits = [];
  for (let i = 0; i < 3; i += 1) {
    const before = system.time;
    ws().drop(1006);
    const made = socket.timers.reconnect;
    const due = system.timers.get(made).at - before;
    waits.push(due);
    system.advance(due);
  }
  assert.deepEqual(waits, [375, 750, 1500]);
  ws().receive({ type: "welcome" });
  assert.equal(socket.attempt, 0);
});

test("final close codes stop the socket with their reason", () => {
  for (const [code, reason] of [[4401, "no_session"], [4403, "forbidden"], [4404, "not_found"], [4001, "kicked"]]) {
    const { socket, ws, seen, system, sockets } = core();
    ws().receive({ type: "welcome" });
    ws().drop(code);
    assert.equal(socket.state, "stopped");
    assert.deepEqual(seen.at(-1), ["stopped", reason, code]);
    system.advance(60000);
    assert.equal(sockets.length, 1, `no reconnect after ${code}`);
  }
});

test("a restart (1012) is not final: the client comes back", () => {
  const { ws, system, sockets } = core();
  ws().receive({ type: "welcome" });
  ws().drop(1012);
  system.advance(1000);
  assert.equal(sockets.length, 2);
});

test("while the server restarts (1012) retries stay within four seconds of each other", () => {
  const { socket, ws, system } = core({ random: () => 1 });
  ws().receive({ type: "welcome" });
  ws().drop(1012);
  const waits = [];
  for (let i = 0; i < 6; i += 1) {
    const due = system.timers.get(socket.timers.reconnect).at - system.time;
    waits.push(due);
    system.advance(due);
    ws().drop(1006); // nothing listens yet: connection refused
  }
  assert.deepEqual(waits, [500, 1000, 2000, 4000, 4000, 4000]);
  system.advance(system.timers.get(socket.timers.reconnect).at - system.time);
  ws().receive({ type: "welcome" }); // it is back
  ws().drop(1006); // an ordinary drop later grows towards the usual cap again
  for (let i = 0; i < 6; i += 1) {
    system.advance(system.timers.get(socket.timers.reconnect).at - system.time);
    ws().drop(1006);
  }
  assert.equal(system.timers.get(socket.timers.reconnect).at - system.time, 30000);
});

test("after a flood close (4429) the client waits at least five seconds", () => {
  const { ws, system, sockets } = core();
  ws().receive({ type: "welcome" });
  ws().drop(4429);
  system.advance(4999);
  assert.equal(sockets.length, 1);
  system.advance(1);
  assert.equal(sockets.length, 2);
});

test("a socket that never greets is replaced after the open timeout", () => {
  const { ws, system, sockets } = core({ openTimeoutMs: 15000 });
  const first = ws();
  system.advance(15000);
  assert.equal(first.closedWith, 1000);
  system.advance(500);
  assert.equal(sockets.length, 2);
});

test("an idle connection sends a ping each interval", () => {
  const { ws, system } = core({ pingMs: 20000, staleMs: 50000 });
  ws().receive({ type: "welcome" });
  system.advance(20000);
  assert.deepEqual(ws().lastSent(), { type: "ping" });
  ws().receive({ type: "pong" });
  system.advance(20000);
  assert.equal(ws().sent.length, 2);
});

test("a half-open socket (no frame for too long) is dropped and replaced", () => {
  const { ws, system, sockets, seen } = core({ pingMs: 20000, staleMs: 50000 });
  ws().receive({ type: "welcome" });
  system.advance(61000);
  assert.ok(seen.some(([kind]) => kind === "lost"));
  assert.ok(sockets.length >= 2);
});

test("frames that answer nothing go to the owner; garbage is ignored", () => {
  const { ws, seen } = core();
  ws().receive({ type: "welcome" });
  ws().receive("{not json");
  ws().receive({ type: "presence", event: "join", handle: "A" });
  assert.deepEqual(seen.at(-1), ["frame", "presence"]);
});

test("request resolves with its answer", async () => {
  const { socket, ws } = core();
  ws().receive({ type: "welcome" });
  const answer = socket.request({ type: "audit" });
  assert.deepEqual(ws().lastSent(), { type: "audit" });
  ws().receive({ type: "audit", entries: [] });
  assert.deepEqual(await answer, { type: "audit", entries: [] });
});

test("request rejects with the error that answers it", async () => {
  const { socket, ws } = core();
  ws().receive({ type: "welcome" });
  const answer = socket.request({ type: "claim", item: 1 });
  ws().receive({ type: "error", code: "not_found", detail: "Gone." });
  await assert.rejects(answer, (error) => error.code === "not_found" && error.detail === "Gone.");
});

test("request rejects at once while offline", async () => {
  const { socket } = core();
  await assert.rejects(socket.request({ type: "audit" }), (error) => error.code === "offline");
});

test("requests waiting when the connection drops are told so", async () => {
  const { socket, ws } = core();
  ws().receive({ type: "welcome" });
  const answer = socket.request({ type: "chat.leave" });
  ws().drop(1006);
  await assert.rejects(answer, (error) => error.code === "disconnected");
});

test("refs are sent only to a server whose greeting offers them", async () => {
  const { socket, ws } = core();
  ws().receive({ type: "welcome", refs: true });
  const first = socket.request({ type: "context", item: 1 });
  const second = socket.request({ type: "context", item: 2 });
  const [a, b] = ws().sent;
  assert.ok(a.ref && b.ref && a.ref !== b.ref);
  ws().receive({ type: "context", item: 2, ref: b.ref, messages: [] });
  ws().receive({ type: "error", code: "not_found", ref: a.ref });
  assert.equal((await second).item, 2);
  await assert.rejects(first, (error) => error.code === "not_found");
});

test("a new connection forgets the old server's refs until its own greeting", () => {
  const { socket, ws, system } = core();
  ws().receive({ type: "welcome", refs: true });
  ws().drop(1012);
  system.advance(1000);
  ws().receive({ type: "welcome" });
  socket.request({ type: "audit" }).catch(() => {});
  assert.equal(ws().lastSent().ref, undefined);
});

test("coming back online reconnects at once", () => {
  const { options, sockets } = onFakes();
  const window = new EventTarget();
  const socket = new SocketCore(options.url, {}, options);
  socket.start({ window });
  sockets[0].receive({ type: "welcome" });
  sockets[0].drop(1006);
  window.dispatchEvent(new Event("online"));
  assert.equal(sockets.length, 2);
});

test("stop closes the socket and no timer brings it back", () => {
  const { socket, ws, system, sockets } = core();
  ws().receive({ type: "welcome" });
  socket.stop();
  assert.equal(ws().closedWith, 1000);
  system.advance(120000);
  assert.equal(sockets.length, 1);
  socket.reconnectNow();
  assert.equal(sockets.length, 1);
});

test("socketUrl follows the page's scheme", () => {
  assert.equal(socketUrl("/ws/x/", { protocol: "https:", host: "k.example" }), "wss://k.example/ws/x/");
  assert.equal(socketUrl("/ws/x/", { protocol: "http:", host: "127.0.0.1:8000" }), "ws://127.0.0.1:8000/ws/x/");
});
