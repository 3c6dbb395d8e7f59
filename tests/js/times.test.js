// Times shown to a member follow the time zone they saved (issue 22), else the device's.
import assert from "node:assert/strict";
import { test } from "node:test";

import { memberTimeZone, shortTime } from "../../static/kindred/format.js";
import { localWhen } from "../../static/kindred/ui/checkin.js";

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
