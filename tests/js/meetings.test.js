import assert from "node:assert/strict";
import { test } from "node:test";

import { describeMeeting, hostControlShown, isAside, localWhen, logWords } from "../../static/kindred/meetings/describe.js";

const base = {
  session: 1, meeting: 1, title: "Evening check-in", format: "check_in", format_label: "Check-in round",
  room: "alcohol", state: "live", during_round: "wait", starts_at: "2026-12-07T19:00:00Z", ends_at: "2026-12-07T20:00:00Z",
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

test("with a side conversation, others' messages during the round are asides", () => {
  const log = [
    { at: "2026-12-07T19:01:00Z", what: "started", handle: "Host" },
    { at: "2026-12-07T19:05:00Z", what: "round_started", handle: "Host" },
    { at: "2026-12-07T19:06:00.123456Z", what: "floor", handle: "Ana" },
    { at: "2026-12-07T19:09:00Z", what: "round_ended", handle: "Host" },
  ];
  const side = { ...base, during_round: "side", log };
  const said = (author, time) => ({ id: 1, author, sent_at: `2026-12-07T${time}Z` });
  assert.equal(isAside(said("Ben", "19:07:00"), side), true);
  assert.equal(isAside(said("Ana", "19:07:00"), side), false); // she has the floor
  assert.equal(isAside(said("Host", "19:07:00"), side), false);
  assert.equal(isAside(said("Ben", "19:04:00"), side), false); // before the round
  assert.equal(isAside(said("Ben", "19:10:00"), side), false); // after it
  assert.equal(isAside(said("Ben", "19:05:30"), side), true); // nobody has the floor yet
  assert.equal(isAside(said("Ben", "19:07:00"), { ...side, during_round: "wait" }), false);
});
