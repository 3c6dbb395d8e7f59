// Times shown to a member follow the time zone they saved (issue 22), else the device's.
import assert from "node:assert/strict";
import { test } from "node:test";

import { memberTimeZone, shortTime } from "../../static/kindred/format.js";
import { checkinChoices, localWhen } from "../../static/kindred/ui/checkin.js";

const AT = "2026-12-07T23:30:00Z";

test("a time is shown in the member's saved zone, with the day when it isn't today there", () => {
  const now = new Date("2026-12-07T12:00:00Z");
  // 23:30 UTC is 08:30 the next day in Tokyo, and 15:30 the same day in Los Angeles.
  assert.match(shortTime(AT, now, "Asia/Tokyo"), /Dec 8.*08:30/);
  assert.match(shortTime(AT, now, "America/Los_Angeles"), /^03:30\s?PM$|^15:30$/);
  assert.match(shortTime(AT, now, "UTC"), /^11:30\s?PM$|^23:30$/);
  assert.equal(shortTime("not a time", now, "UTC"), "");
});

test("the check-in's words follow the zone too", () => {
  const at = new Date(AT);
  assert.match(localWhen(at, "Asia/Tokyo"), /Tuesday/);
  assert.match(localWhen(at, "America/Los_Angeles"), /Monday/);
});

test("the member's zone comes from the page, and an unknown one falls back to the device's", () => {
  const saved = globalThis.document;
  try {
    globalThis.document = { body: { dataset: { timeZone: "Europe/Lisbon" } } };
    assert.equal(memberTimeZone(), "Europe/Lisbon");
    globalThis.document = { body: { dataset: { timeZone: "Mars/Olympus_Mons" } } };
    assert.equal(memberTimeZone(), undefined);
    globalThis.document = { body: { dataset: {} } };
    assert.equal(memberTimeZone(), undefined);
  } finally {
    globalThis.document = saved;
  }
});

test("'Tomorrow at 9 a.m.' is 9:00 in the member's saved zone", () => {
  const now = new Date("2026-12-07T12:00:00Z"); // 21:00 in Tokyo, 04:00 in Los Angeles
  const [, , tokyo] = checkinChoices(now, "Asia/Tokyo");
  assert.equal(tokyo.at.toISOString(), "2026-12-08T00:00:00.000Z"); // 09:00 JST
  const [, , angeles] = checkinChoices(now, "America/Los_Angeles");
  assert.equal(angeles.at.toISOString(), "2026-12-08T17:00:00.000Z"); // 09:00 PST
  // Across a change of clocks: 9:00 in Lisbon the day summer time starts.
  const [, , lisbon] = checkinChoices(new Date("2026-03-28T20:00:00Z"), "Europe/Lisbon");
  assert.equal(lisbon.at.toISOString(), "2026-03-29T08:00:00.000Z"); // 09:00 WEST
  assert.match(localWhen(tokyo.at, "Asia/Tokyo"), /9:00/);
});
