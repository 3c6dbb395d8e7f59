// The small pure helpers: safe `next` paths, HTTP answers in one shape, words.
import assert from "node:assert/strict";
import { test } from "node:test";

import { auditWords, detectionWords, isOpen, itemTitle, queueOrder, stateWords } from "../../static/kindred/dashboard/words.js";
import { htmlDateTime, plural, sendingInWords, waitedWords } from "../../static/kindred/format.js";
import { answerOf, csrfToken, problemWords } from "../../static/kindred/http.js";
import { chatPath, joinPath, safeNext } from "../../static/kindred/nav.js";
import { CLOSE, CLOSE_FINAL, REF_MAX_LENGTH, STOP_REASONS } from "../../static/kindred/protocol.js";

const ORIGIN = "https://kindred.example";

test("safeNext keeps a same-site path", () => {
  assert.equal(safeNext("/rooms/late-night/", "/x/", ORIGIN), "/rooms/late-night/");
  assert.equal(safeNext("/chats/3/?a=1", "/x/", ORIGIN), "/chats/3/?a=1");
});

test("safeNext refuses other sites, however they are written", () => {
  for (const value of ["//evil.example/", "/\\evil.example", "https://evil.example/", "javascript:alert(1)", "rooms/x"]) {
    assert.equal(safeNext(value, "/fallback/", ORIGIN), "/fallback/", value);
  }
});

test("safeNext refuses pages one should not land on after joining", () => {
  for (const value of ["/join/", "/api/session/", "/ws/rooms/x/", "/admin/", "/static/x.js", "/facilitators/login/"]) {
    assert.equal(safeNext(value, "/fallback/", ORIGIN), "/fallback/", value);
  }
});

test("safeNext refuses what is not a short plain path", () => {
  assert.equal(safeNext(undefined, "/f/", ORIGIN), "/f/");
  assert.equal(safeNext(`/${"a".repeat(300)}`, "/f/", ORIGIN), "/f/");
  assert.equal(safeNext("/rooms/<script>/", "/f/", ORIGIN), "/f/");
});

test("chat and join paths", () => {
  assert.equal(chatPath("12"), "/chats/12/");
  assert.equal(joinPath("/rooms/a b/"), "/join/?next=%2Frooms%2Fa%20b%2F");
});

test("a network failure becomes an offline answer with words", async () => {
  const answer = await answerOf(null);
  assert.deepEqual(answer, { ok: false, status: 0, data: { error: "offline", detail: problemWords(0) } });
});

test("a failure without words gets words for its status", async () => {
  const response = { ok: false, status: 502, json: async () => { throw new Error("html"); } };
  const answer = await answerOf(response);
  assert.equal(answer.data.detail, "Something went wrong on our side. Please try again in a moment.");
  const forbidden = await answerOf({ ok: false, status: 403, json: async () => ({ error: "csrf" }) });
  assert.equal(forbidden.data.error, "csrf");
  assert.match(forbidden.data.detail, /security check/);
});

test("a failure with words keeps them; a success keeps its data", async () => {
  const refused = await answerOf({ ok: false, status: 400, json: async () => ({ error: "bad", detail: "No." }) });
  assert.equal(refused.data.detail, "No.");
  const fine = await answerOf({ ok: true, status: 200, json: async () => [1, 2] });
  assert.deepEqual(fine, { ok: true, status: 200, data: [1, 2] });
});

test("the CSRF token is read from its cookie", () => {
  assert.equal(csrfToken("a=1; csrftoken=abc%3D; b=2"), "abc=");
  assert.equal(csrfToken("a=1"), "");
});

test("protocol constants: final codes have reasons, refs have a limit", () => {
  assert.equal(CLOSE.KICKED, 4001);
  assert.ok(CLOSE_FINAL.has(CLOSE.NO_SESSION) && !CLOSE_FINAL.has(CLOSE.RESTART));
  assert.deepEqual(STOP_REASONS, { 4001: "kicked", 4401: "no_session", 4403: "forbidden", 4404: "not_found" });
  assert.equal(REF_MAX_LENGTH, 64);
});

test("words: plurals, waits, sending in", () => {
  assert.equal(plural(1, "report"), "1 report");
  assert.equal(plural(2, "report"), "2 reports");
  assert.equal(waitedWords(30_000), "Waiting less than a minute");
  assert.equal(waitedWords(5 * 60_000), "Waiting 5 minutes");
  assert.equal(waitedWords(3 * 3600_000), "Waiting 3 hours");
  assert.equal(sendingInWords(12), "Your message will be sent in 12 s.");
  assert.equal(sendingInWords(200), "Your message will be sent in about 4 min.");
});

test("queue items: titles, states, order", () => {
  assert.equal(itemTitle({ kind: "crisis", category: "self_harm" }), "Crisis: self-harm");
  assert.equal(itemTitle({ kind: "report", category: "spam" }), "Report: spam, selling or sourcing");
  assert.equal(stateWords({ state: "claimed", claimed_by: "Fa" }, "Fa"), "You claimed it");
  assert.equal(stateWords({ state: "claimed", claimed_by: "Fb" }, "Fa"), "Claimed by Fb");
  assert.ok(isOpen({ state: "open" }) && !isOpen({ state: "resolved" }));
  const a = { id: 1, priority: 0, weight: 1, created_at: "2024-01-01T00:00:00Z" };
  const b = { id: 2, priority: 1, weight: 9, created_at: "2024-01-01T00:00:00Z" };
  assert.deepEqual([b, a].sort(queueOrder).map((i) => i.id), [1, 2]);
});

test("audit entries read as sentences", () => {
  assert.equal(auditWords({ action: "claim", item: 4 }), "claimed item 4");
  assert.equal(auditWords({ action: "ban", target: "Bo", item: 2 }), "banned Bo (item 2)");
  assert.equal(auditWords({ action: "mute", target: "Bo", details: { minutes: 1 } }), "muted Bo for 1 minute everywhere");
});

test("datetime values carry at most milliseconds, as HTML allows", () => {
  assert.equal(htmlDateTime("2026-12-07T03:14:15.926535+00:00"), "2026-12-07T03:14:15.926+00:00");
  assert.equal(htmlDateTime("2026-12-07T03:14:15.9Z"), "2026-12-07T03:14:15.9Z");
  assert.equal(htmlDateTime("2026-12-07T03:14:15+00:00"), "2026-12-07T03:14:15+00:00");
});

test("a crisis item says which detector stage flagged it and why", () => {
  const model = { kind: "crisis", detected_by: "model", detection_reason: "Model score 0.97 (threshold 0.94)" };
  assert.match(detectionWords(model), /^Flagged by the model .*\. Model score 0\.97 \(threshold 0\.94\)$/);
  const rule = { kind: "crisis", detected_by: "lexicon", detection_reason: 'Matched phrase rule suicide.x: "want to die"' };
  assert.equal(detectionWords(rule), 'Flagged by the phrase list. Matched phrase rule suicide.x: "want to die"');
  assert.equal(detectionWords({ kind: "report", detected_by: null }), "");
  assert.equal(detectionWords({ kind: "crisis", detected_by: null }), "", "items filed before stages were recorded");
});

test("feedback on the detector reads as sentences in the audit log", () => {
  assert.equal(auditWords({ action: "not_crisis", item: 7 }), "marked item 7 as not a crisis");
  assert.equal(
    auditWords({ action: "missed_crisis", target: "Bo", details: { category: "overdose" } }),
    "marked a message by Bo as a missed crisis (overdose)",
  );
});
