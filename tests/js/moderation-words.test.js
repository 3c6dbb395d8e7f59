// Issue 23's words on the dashboard: a member's level and next step, their sanctions, an
// item's history and the new audit actions.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  actorWords, auditWords, historyWords, itemTitle, memberWords, sanctionWords, stateWords,
} from "../../static/kindred/dashboard/words.js";

const NEW = {
  level: 0, level_name: "new", override: "auto", missing: ["time", "messages"], sanctions: [],
  next_step: "warn", muted_until: null, banned: false,
};

test("memberWords says the level, what is missing and the next step", () => {
  const words = memberWords(NEW);
  assert.match(words, /^Level 0 \(new: no links, no one-on-one requests, slower sending\)/);
  assert.match(words, /not yet level 1: hasn't been here long enough, hasn't enough messages still up/);
  assert.match(words, /next sanction: a warning\.$/);
});

test("memberWords shows a running mute, a ban and a facilitator's override", () => {
  const words = memberWords({
    ...NEW, level: 1, override: "trusted", muted_until: "T", banned: true, next_step: "ban",
  }, (t) => `at ${t}`);
  assert.match(words, /^Level 1 \(member\) · promoted by a facilitator · banned now · muted until at T/);
  assert.match(words, /a ban \(suggested: confirm it\)/);
  assert.doesNotMatch(words, /not yet level 1/);
  assert.match(memberWords({ ...NEW, override: "restricted" }), /restricted by a facilitator/);
  assert.equal(memberWords(null), "");
});

test("sanctionWords and historyWords", () => {
  assert.equal(
    sanctionWords({ kind: "mute", minutes: 60, room: null, at: "T", lifted: true }),
    "Muted for 60 minutes, T (lifted early)",
  );
  assert.equal(sanctionWords({ kind: "warn", minutes: null, room: null, at: "T", lifted: false }), "Warned, T");
  assert.equal(historyWords({ action: "remove_message", actor: "Sam" }), "Sam removed the message");
  assert.equal(historyWords({ action: "new_thing", actor: "Sam" }), "Sam new thing");
});

test("the new audit actions and the resolved state have words", () => {
  assert.equal(auditWords({ action: "resolve", item: 3 }), "resolved item 3");
  assert.equal(auditWords({ action: "unmute", target: "Bo", item: null }), "lifted the mute of Bo");
  assert.equal(auditWords({ action: "unban", target: "Bo", item: 2 }), "lifted the ban of Bo (item 2)");
  assert.equal(auditWords({ action: "trust", target: "Bo", details: { override: "restricted" } }), "restricted Bo to level 0");
  assert.equal(stateWords({ state: "resolved", resolution: "resolved" }, "Me"), "Closed: resolved");
});

test("a new member's held first post: its title, its other flags, and Kindred releasing it", () => {
  assert.equal(itemTitle({ kind: "first_post", category: "" }), "New member's first message, waiting for a look");
  assert.equal(itemTitle({ kind: "first_post", category: "contact_info,blocked_word" }),
    "New member's first message, waiting for a look: Contact details, Blocked word");
  const auto = { action: "auto_release", actor: "", target: "Wren", room: "mental-health", item: 4,
    details: { waited_seconds: 120 } };
  assert.equal(actorWords(auto), "Kindred");
  assert.equal(actorWords({ action: "claim", actor: "" }), "Someone");
  assert.equal(auditWords(auto), "released a first message by Wren in mental-health (item 4): nobody had looked within 2 minutes");
  assert.equal(historyWords(auto), "Kindred released it: nobody had looked in time");
  assert.equal(stateWords({ state: "resolved", resolution: "released" }), "Closed: the message was released into the room");
});
