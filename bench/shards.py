"""Scenario (f), the sharded bus: what a busy room costs a process with no socket in it.

Two daphne processes on one Redis. Every socket of one busy room is on process 1;
process 2 holds sockets only in quiet rooms on other shards. The busy room takes
``--shards-rate`` msgs/s (400 by default) and process 2's CPU is sampled during
the step: with room-sharded channels (``BUS_SHARDS=16``, the default) it never
hears the busy room; with ``BUS_SHARDS=1`` (every room on one channel, as before
sharding) it decodes every event and drops it. Both run in the same benchmark,
one after the other, on fresh servers and databases.
"""

from __future__ import annotations

import time
from typing import Any

import psycopg

from bench.stats import Sampler

BUSY_ROOM = "late-night"
QUIET_ROOMS = ("alcohol", "opioids", "stimulants", "milestones", "newcomers", "mental-health")
#: Process 2's CPU during the step, in % of a core, at most (issue 28).
TARGET_PCT = 5.0
SHARD_COUNTS = (16, 1)
#: Process 2's CPU is also sampled this long with nothing sent, so what the busy
#: room adds can be told from its own idle work (pings, heartbeats).
IDLE_SECONDS = 3.0


def room_ids(db_url: str, slugs: list[str]) -> dict[str, int]:
    with psycopg.connect(db_url) as conn:
        rows = conn.execute(
            "SELECT slug, id FROM rooms_room WHERE slug = ANY(%s)", (slugs,)
        ).fetchall()
    return dict(rows)


def quiet_rooms(ids: dict[str, int], shards: int) -> list[str]:
    """The quiet rooms on a shard other than the busy room's (all of them with one shard)."""
    busy = ids[BUSY_ROOM] % shards
    if shards == 1:
        return list(QUIET_ROOMS)
    return [slug for slug in QUIET_ROOMS if ids[slug] % shards != busy]


def conns(busy_members: int, senders: int, quiet: list[str], quiet_sockets: int) -> list[dict]:
    every = max(1, busy_members // senders)
    out = [
        {"gid": i, "room": BUSY_ROOM, "server": 0, "sender": i % every == 0}
        for i in range(busy_members)
    ]
    out += [
        {"gid": busy_members + i, "room": quiet[i % len(quiet)], "server": 1, "sender": False}
        for i in range(quiet_sockets)
    ]
    return out


class ProcessCpu:
    """Each server process's CPU during a step (``run_step``'s ``during`` hook; a
    step run again is sampled again, and the last attempt counts)."""

    def __init__(self, pids: list[int]) -> None:
        self.groups = {f"p{i + 1}": [pid] for i, pid in enumerate(pids)}
        self.sampler: Sampler | None = None
        self.span: tuple[int, int] | None = None

    def __call__(self, start_ns: int) -> ProcessCpu:
        self.start_ns = start_ns
        self.sampler = Sampler(self.groups).start()
        return self

    def finish(self) -> None:
        assert self.sampler is not None
        self.span = (self.start_ns, time.monotonic_ns())
        self.sampler.stop()

    def window(self) -> dict[str, float]:
        assert self.sampler is not None and self.span is not None
        return self.sampler.window(*self.span)


def scenario(ctx: Any) -> dict[str, Any]:
    from bench.run import Target, log, run_step, setup_target

    quick = ctx.quick
    rate = ctx.args.shards_rate
    duration = 3.0 if quick else ctx.args.step_seconds
    busy_members, senders = (10, 5) if quick else (20, 10)
    quiet_sockets = 20 if quick else 100
    out: dict[str, Any] = {
        "params": {
            "rate": rate,
            "step_seconds": duration,
            "busy_members": busy_members,
            "senders": senders,
            "quiet_sockets": quiet_sockets,
            "busy_room": BUSY_ROOM,
        },
        "runs": {},
    }
    if "kindred" not in ctx.args.targets:
        return out  # nothing to compare: the naive baseline has no shards
    for shards in SHARD_COUNTS:
        label = f"f-shards{shards}"
        log(f"  [f] BUS_SHARDS={shards}: {busy_members} sockets of {BUSY_ROOM} on process 1")
        with Target(ctx, "kindred", label, 2, env={"BUS_SHARDS": str(shards)}) as target:
            assert target.db is not None
            ids = room_ids(ctx.dbs.url(target.db), [BUSY_ROOM, *QUIET_ROOMS])
            quiet = quiet_rooms(ids, shards)
            sockets = conns(busy_members, senders, quiet, quiet_sockets)
            lg, setup = setup_target(ctx, target, sockets)
            try:
                common = {"schedule": {"schedule": "fixed"}, "recipients": busy_members}
                run_step(ctx, target, lg, rate=10.0, duration=1.0, label="warm-up", **common)
                idle = ProcessCpu(target.pids)(time.monotonic_ns())
                time.sleep(IDLE_SECONDS)  # the same sockets, nothing sent: the baseline
                idle.finish()
                cpu = ProcessCpu(target.pids)
                step = run_step(ctx, target, lg, rate=rate, duration=duration, during=cpu, **common)
                window = cpu.window()
            finally:
                lg.close()
        run = {
            "shards": shards,
            "busy_shard": ids[BUSY_ROOM] % shards,
            "quiet_rooms": {slug: ids[slug] % shards for slug in quiet},
            "setup": setup,
            "step": step,
            # What went through the busy room while process 2 was sampled: on a
            # busy machine less than the rate asked for.
            "through_msgs_per_s": step["acked"] / window["window_s"],
            "p1_cpu_pct": window["p1_cpu_pct"],
            "p2_cpu_pct": window["p2_cpu_pct"],
            "p2_idle_cpu_pct": idle.window()["p2_cpu_pct"],
            "machine_busy_pct": window["machine_busy_pct"],
        }
        # What each busy-room message cost process 2 beyond its idle work.
        run["p2_us_per_message"] = (
            1e4 * max(0.0, run["p2_cpu_pct"] - run["p2_idle_cpu_pct"]) / run["through_msgs_per_s"]
            if run["through_msgs_per_s"]
            else None
        )
        out["runs"][str(shards)] = run
        log(
            "    {through_msgs_per_s:.0f} msgs/s went through; process 2 (quiet rooms only): "
            "{p2_cpu_pct:.1f} % of a core ({p2_idle_cpu_pct:.1f} % idle); process 1 (the "
            "busy room): {p1_cpu_pct:.1f} %; machine {machine_busy_pct:.0f} % busy".format(**run)
        )
    return out


INTRO = (
    "Two daphne processes on one Redis. All {busy_members} sockets of `{busy_room}` are on "
    "process 1 ({senders} of them sending {rate:g} msgs/s together for {step_seconds:g} s); "
    "process 2 holds {quiet_sockets} sockets in quiet rooms on other shards. Process 2's CPU "
    "is sampled during the step. Target: at most {target:g} % of a core with room-sharded "
    "channels."
)


def section(result: dict[str, Any]) -> list[str]:
    """The report's section for scenario (f)."""
    p = result["params"]
    out = ["## (f) The sharded bus: a busy room on the other process", ""]
    out.append(INTRO.format(**p, target=TARGET_PCT))
    out.append("")
    out.append(
        "| BUS_SHARDS | process 2 CPU | process 2 idle | process 2 per busy-room message "
        "| process 1 CPU | machine busy | msgs/s through the room | deliveries/s | lost | e2e p99 |"
    )
    out.append("|---|---|---|---|---|---|---|---|---|---|")
    for run in result["runs"].values():
        step = run["step"]
        p99 = step["latency"]["p99_ms"]
        out.append(
            f"| {run['shards']} | {run['p2_cpu_pct']:.1f} % | {run['p2_idle_cpu_pct']:.1f} % | "
            f"{_us(run.get('p2_us_per_message'))} | {run['p1_cpu_pct']:.1f} % | "
            f"{run['machine_busy_pct']:.0f} % | {run['through_msgs_per_s']:.0f} | "
            f"{step['deliveries_per_s']:,.0f} | "
            f"{step['lost']} | {'–' if p99 is None else f'{p99:.0f} ms'} |"
        )
    out.append("")
    return out


def _us(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f} µs"


def target_row(result: dict[str, Any]) -> list[str] | None:
    """The row of the report's Targets table."""
    sharded = result["runs"].get(str(SHARD_COUNTS[0]))
    if sharded is None:
        return None
    one = result["runs"].get("1")
    measured = (
        f"{sharded['p2_cpu_pct']:.1f} % of a core, with {sharded['through_msgs_per_s']:.0f} "
        f"msgs/s through the busy room of {result['params']['rate']:g} asked"
    )
    if one is not None:
        measured += f"; one channel for every room: {one['p2_cpu_pct']:.1f} %"
    met = (
        sharded["p2_cpu_pct"] <= TARGET_PCT
        and sharded["step"]["lost"] == 0
        and sharded["through_msgs_per_s"] >= 0.95 * result["params"]["rate"]
    )
    return [
        "A busy room costs a process with no socket in it ≤ 5 % of a core (f)",
        measured,
        "met" if met else "**not met**",
    ]
