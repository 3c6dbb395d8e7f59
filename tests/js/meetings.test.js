import assert from "node:assert/strict";
import { test } from "node:test";

import { describeMeeting, hostControlShown, localWhen, logWords } from "../../static/kindred/meetings/describe.js";

const base = {
  session: 1, meeting: 1, title: "Evening check-in", format: "check_in", format_label: "Check-in round",
  room: "alcohol", state: "live", starts_at: "2026-12-07T19:00:00Z", ends_at: "2026-12-07T20:00:00Z",
  host: "Host", hosts: ["Host"], round: false, floor: null, hands: [], reading: null, note: null, log: [],
};

test("no meeting: nothing shown", () => {
  assert.equal(describeMeeting(null, "Ana").visible, false);
});

test("waiting names the hosts; live names the host", () => {
  assert.match(describeMeeting({ ...base, state: "waiting" }, "Ana").status, /waiting for the host \(Host\)/);
  assert.match(describeMeeting(base, "Ana").status, /hosted by Host/);
});

test("in a round a member may raise a hand, lower it, and finish when they have the floor", () => {
  const round = { ...base, round: true };
  assert.equal(describeMeeting(round, "Ana").canRaise, true);
  const up = describeMeeting({ ...round, hands: ["Ana"] }, "Ana");
  assert.deepEqual([up.canRaise, up.canLower, up.canDone], [false, true, false]);
  const floor = describeMeeting({ ...round, floor: "Ana" }, "Ana");
  assert.deepEqual([floor.canRaise, floor.canDone], [false, true]);
  assert.match(floor.floor, /you have the floor/);
  assert.match(describeMeeting({ ...round, floor: "Ben", hands: ["Ana"] }, "Cal").floor, /Ben has the floor\. Hands up: Ana/);
});

test("outside a round nobody raises a hand; a cancelled meeting shows its kind note", () => {
  assert.equal(describeMeeting(base, "Ana").canRaise, false);
  const cancelled = describeMeeting({ ...base, state: "cancelled", note: "Sorry, no host today." }, "Ana");
  assert.equal(cancelled.status, "Sorry, no host today.");
  assert.equal(cancelled.canAttend, false);
});

test("log entries read as sentences; unknown ones are left out", () => {
  assert.equal(logWords({ what: "floor", handle: "Ben" }), "Ben had the floor");
  assert.equal(logWords({ what: "round_started", handle: null }), "The check-in round began");
  assert.equal(logWords({ what: "something_new" }), "");
});

test("times are shown in the member's zone when given, and survive an unknown one", () => {
  const tokyo = localWhen("2026-12-07T19:00:00Z", "Asia/Tokyo");
  assert.match(tokyo, /04:00/);
  assert.notEqual(localWhen("2026-12-07T19:00:00Z", "Not/AZone"), "");
  assert.equal(localWhen("nonsense"), "");
});

test("the host sees the controls that make sense now", () => {
  const waiting = { ...base, state: "waiting" };
  assert.equal(hostControlShown("start", undefined, waiting), true);
  assert.equal(hostControlShown("opening", undefined, waiting), false);
  assert.equal(hostControlShown("start", undefined, base), false);
  assert.equal(hostControlShown("round", "true", base), true);
  assert.equal(hostControlShown("floor", undefined, base), false);
  const round = { ...base, round: true };
  assert.deepEqual(
    [hostControlShown("round", "true", round), hostControlShown("round", "false", round), hostControlShown("floor", undefined, round)],
    [false, true, true],
  );
  assert.equal(hostControlShown("end", undefined, { ...base, state: "ended" }), false);
});
