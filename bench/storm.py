"""Scenario (e), the reconnect storm: a process restarted under traffic, measured from outside.

N sockets (``--storm-sockets``: 5,000; 300 with ``--quick``) on one daphne process,
spread over the 8 seeded rooms, with 20 messages a second flowing over the rooms.
After a steady stretch the process is told to stop (SIGTERM: Kindred closes every
socket with 1012) and a new one is started on the same port. The clients
(bench/storm_client.py) reconnect with the web client's backoff, send ``resume``
and send what their outbox held; the sending schedule never stops.

Measured: from the new process's first answer to ``/healthz`` until every socket is
back (``welcome``) and caught up (its ``resumed``), per socket; and, over the whole
run, per socket, every acked message received exactly once and in id order. For
Kindred the database is read too: every acked nonce stored once. Along the way it
records what bench/capacity.py needs: PostgreSQL connections and writes per
message, and Redis memory per connected member.
"""

from __future__ import annotations

import contextlib
import itertools
import signal
import subprocess
import threading
import time
from typing import Any

from bench.run import Context, Loadgens, Target, log, sampler_for, setup_target, wait_quiet
from bench.servers import Daphne
from bench.stats import Hist, Sampler

ROOMS = (
    *("newcomers", "late-night", "alcohol", "opioids"),
    *("stimulants", "mental-health", "family-and-allies", "milestones"),
)
#: The issue's traffic: 20 messages a second over all the rooms together.
RATE = 20.0
SENDERS_PER_ROOM = 5
#: Traffic before the restart (steady state), and after it at least: the schedule
#: runs on through the storm so that resumes race live messages, as they would.
BEFORE_S, AFTER_S = 10.0, 30.0
QUICK_BEFORE_S, QUICK_AFTER_S = 5.0, 20.0
#: The target: every socket back and caught up this long after /healthz.
TARGET_S = 15.0
RECOVERY_TIMEOUT_S = 180.0


def storm_conns(kind: str, sockets: int, senders_per_room: int) -> list[dict]:
    prefix = "" if kind == "kindred" else "naive-"
    return [
        {
            "gid": i,
            "room": prefix + ROOMS[i % len(ROOMS)],
            "server": 0,
            "sender": i // len(ROOMS) < senders_per_room,
        }
        for i in range(sockets)
    ]


def scenario_storm(ctx: Context) -> dict[str, Any]:
    quick = ctx.quick
    sockets = ctx.args.storm_sockets or (300 if quick else 5000)
    before, after = (QUICK_BEFORE_S, QUICK_AFTER_S) if quick else (BEFORE_S, AFTER_S)
    senders = 2 if quick else SENDERS_PER_ROOM
    params = dict(sockets=sockets, rooms=len(ROOMS), rate=RATE, senders=senders * len(ROOMS))
    params |= dict(before_s=before, after_s=after, target_s=TARGET_S)
    out: dict[str, Any] = {"params": params | {"loadgen_processes": ctx.nprocs}}
    for kind in ctx.args.targets:
        log(f"  [e] {kind}: {sockets} sockets over {len(ROOMS)} rooms, restarted at {before:g} s")
        with Target(ctx, kind, f"e-{kind}") as target:
            lg, setup = setup_target(
                ctx, target, storm_conns(kind, sockets, senders), module="bench.storm_client"
            )
            try:
                out[kind] = {"setup": setup, **storm_run(ctx, target, lg, before, after)}
            finally:
                lg.close()
    return out


class PgWatch:
    """PostgreSQL, for one scenario database: its backends (peak, polled in a
    thread) and its write counters (pg_stat_database)."""

    def __init__(self, url: str, db: str) -> None:
        import psycopg

        self.conn = psycopg.connect(url, autocommit=True)
        self.db = db
        self.peak = 0
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _one(self, sql: str, *params: Any) -> tuple:
        with self._lock:
            return self.conn.execute(sql, params).fetchone()

    def backends(self) -> int:
        # Less this watcher's own connection.
        sql = "SELECT count(*) FROM pg_stat_activity WHERE datname = %s"
        return self._one(sql, self.db)[0] - 1

    def _poll(self) -> None:
        while not self._stop.wait(0.2):
            with contextlib.suppress(Exception):
                self.peak = max(self.peak, self.backends())

    def counters(self) -> dict[str, int]:
        row = self._one(
            "SELECT xact_commit, tup_inserted, tup_updated, tup_deleted "
            "FROM pg_stat_database WHERE datname = %s",
            self.db,
        )
        return {"commits": row[0], "writes": row[1] + row[2] + row[3]}

    def stored(self, step: int) -> dict[str, int]:
        """Messages of this step in the database: rows, distinct nonces, and how often
        a member's message got a smaller id than the one they sent before it (the
        room's order, which every client shows, against the order they were sent)."""
        with self._lock:
            rows = self.conn.execute(
                "SELECT author_id, nonce, id FROM rooms_message WHERE nonce ~ %s",
                (rf"^b[0-9]+\.{step}\.",),
            ).fetchall()
        by_author: dict[int, list[tuple[int, int]]] = {}
        for author, nonce, message_id in rows:
            by_author.setdefault(author, []).append((int(nonce.split(".")[2]), message_id))
        behind = 0
        for sent in by_author.values():
            ids = [message_id for _, message_id in sorted(sent)]
            behind += sum(1 for a, b in itertools.pairwise(ids) if b < a)
        return {
            "rows": len(rows),
            "distinct_nonces": len({nonce for _, nonce, _ in rows}),
            "out_of_send_order": behind,
        }

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.conn.close()


def redis_bytes(redis_url: str, prefix: str) -> dict[str, int]:
    """Keys under *prefix* and their memory (MEMORY USAGE), so other people's keys
    on a shared Redis don't count."""
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = total = 0
    for key in client.scan_iter(match=f"{prefix}:*", count=1000):
        keys += 1
        total += client.memory_usage(key, samples=0) or 0
    client.close()
    return {"keys": keys, "bytes": total}


def restart(target: Target) -> dict[str, Any]:
    """SIGTERM the process, wait for it to exit, start a new one on the same port and
    wait for its first 200 from /healthz (polled every 50 ms)."""
    old = target.servers[0]
    times = {"kill_ns": time.monotonic_ns()}
    old.send_signal(signal.SIGTERM)
    assert old.process is not None
    try:
        old.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        old.kill()
    times["exited_ns"] = time.monotonic_ns()
    new = Daphne(f"{target.label}-0-restarted", old.app, old.env, old.health_path, old.extra_args)
    new.port = old.port
    target.servers[0] = new
    new.start(timeout=120)
    times["healthz_ns"] = time.monotonic_ns()
    return times


def _merged(replies: list[dict], key: str) -> Hist:
    hist = Hist()
    for reply in replies:
        hist.merge(Hist.from_json(reply[key]))
    return hist


def _summed(replies: list[dict], key: str) -> dict[str, int]:
    total: dict[str, int] = {}
    for reply in replies:
        for k, v in reply[key].items():
            total[k] = total.get(k, 0) + v
    return total


def _traffic(replies: list[dict], verified: list[dict]) -> dict[str, Any]:
    keys = ("sent", "acked", "unacked", "delivered", "dups", "out_of_order", "reconnects")
    out: dict[str, Any] = {k: sum(r[k] for r in replies) for k in keys}
    out["lost"] = sum(v["lost"] for v in verified)
    out["sockets_missing"] = sum(v["sockets_missing"] for v in verified)
    out["errors"] = _summed(replies, "errors")
    out["missing"] = {gid: m for v in verified for gid, m in v.get("missing", {}).items()}
    out["redelivered"] = sum(v.get("redelivered", 0) for v in verified)
    out["latency"] = _merged(replies, "latency").summary()
    out["ack"] = _merged(replies, "ack").summary()
    return out


def _recovery(replies: list[dict], times: dict[str, int]) -> dict[str, Any]:
    caught = _merged(replies, "caught_up")
    sockets = sum(r["sockets"] for r in replies)
    settled = sum(r["settled"] for r in replies)
    return {
        "sockets": sockets,
        "settled": settled,
        "not_back": sockets - settled,
        "closed_after_kill": sum(r["closed_after_kill"] for r in replies),
        "back_before_healthz": sum(r["back_before_healthz"] for r in replies),
        "back": _merged(replies, "back").summary(),
        "caught_up": caught.summary(),
        "all_back_s": caught.max_us / 1e6 if settled == sockets and caught.n else None,
        "attempts": _summed(replies, "attempts"),
        "closes": _summed(replies, "closes"),
        "failed_attempts": _summed(replies, "failed_attempts"),
        "stop_s": (times["exited_ns"] - times["kill_ns"]) / 1e9,
        "start_s": (times["healthz_ns"] - times["exited_ns"]) / 1e9,
    }


def storm_run(
    ctx: Context, target: Target, lg: Loadgens, before: float, after: float
) -> dict[str, Any]:
    """Traffic, the restart in the middle of it, the recovery, and the checks."""
    lg.call({"cmd": "settle", "timeout": 300.0}, timeout=400)
    if not ctx.quick:
        wait_quiet(ctx)
    kindred = target.kind == "kindred"
    pg = PgWatch(ctx.dbs.url(target.db), target.db) if kindred else None
    redis_use = redis_bytes(ctx.redis_url, target.prefix) if kindred else None
    step = ctx.next_step()
    start_ns = time.monotonic_ns() + 500_000_000
    sampler = sampler_for(target, lg)
    lg.send(
        {
            "cmd": "run",
            "step": step,
            "start_ns": start_ns,
            "duration": before + after,
            "rate": RATE,
            "schedule": "fixed",
            "drain_timeout": RECOVERY_TIMEOUT_S,
        }
    )
    counters = [pg.counters()] if pg else []
    time.sleep(max(0.0, start_ns / 1e9 + before - time.monotonic()))
    if pg:
        counters.append(pg.counters())
        steady_backends = pg.backends()
    sampler.stop()
    times = restart(target)
    took = (times["healthz_ns"] - times["kill_ns"]) / 1e9
    log(f"    restarted: the new process answered /healthz {took:.1f} s after SIGTERM")
    storm = Sampler(
        {"server": target.pids, "loadgen": lg.pids, "postgres": "postgres", "redis": "redis-server"}
    ).start()
    try:
        replies = lg.wait("run", timeout=before + after + RECOVERY_TIMEOUT_S + 60)
        rec = lg.call(
            {"cmd": "recovery", "since_ns": times["kill_ns"], "healthz_ns": times["healthz_ns"]},
            timeout=RECOVERY_TIMEOUT_S + 60,
        )
        acked: dict[str, list[int]] = {}
        for reply in replies:
            for room, keys in reply["acked_keys"].items():
                acked.setdefault(room, []).extend(keys)
        verified = lg.call({"cmd": "verify", "acked": acked, "wait": 30.0}, timeout=120)
    finally:
        storm.stop()
    recovery = _recovery(rec, times)
    end = times["healthz_ns"] + int((recovery["caught_up"]["max_ms"] or 0) * 1e6)
    result: dict[str, Any] = {
        "step": step,
        "recovery": recovery,
        "traffic": _traffic(replies, verified),
        "cpu_before": sampler.window(start_ns, times["kill_ns"]),
        "cpu_recovery": storm.window(times["healthz_ns"], max(end, times["healthz_ns"] + 10**8)),
    }
    if pg:
        counters.append(pg.counters())
        unique = len({k for keys in acked.values() for k in keys})
        sent_before = RATE * before
        result["database"] = {
            **pg.stored(step),
            "acked_unique": unique,
            "backends_steady": steady_backends,
            "backends_peak": pg.peak,
            "writes_per_message": (counters[1]["writes"] - counters[0]["writes"]) / sent_before,
            "commits_per_message": (counters[1]["commits"] - counters[0]["commits"]) / sent_before,
            "storm_writes": counters[2]["writes"] - counters[1]["writes"],
            "storm_commits": counters[2]["commits"] - counters[1]["commits"],
        }
        pg.close()
    if redis_use is not None:
        up = sockets_up(lg)
        result["redis"] = {**redis_use, "sockets": up, "bytes_per_socket": redis_use["bytes"] / up}
    result["passed"] = storm_passed(result)
    log("    " + storm_line(result))
    return result


def sockets_up(lg: Loadgens) -> int:
    return max(1, sum(s["up"] for s in lg.call({"cmd": "status"}, timeout=60)))


def storm_passed(result: dict[str, Any]) -> bool:
    rec, traffic, db = result["recovery"], result["traffic"], result.get("database")
    # Frames that arrive behind a higher id (a resume page after live messages) are
    # shown in id order by the client; what must not happen is a loss, a message
    # twice, or the room's order contradicting a member's sending order.
    clean = not (traffic["lost"] or traffic["dups"])
    stored = db is None or (
        db["rows"] == db["distinct_nonces"] == db["acked_unique"] and not db["out_of_send_order"]
    )
    within = rec["all_back_s"] is not None and rec["all_back_s"] <= TARGET_S
    return clean and stored and within and not traffic["unacked"]


def storm_line(result: dict[str, Any]) -> str:
    rec, traffic = result["recovery"], result["traffic"]
    back = rec["all_back_s"]
    return (
        f"{rec['settled']}/{rec['sockets']} back and caught up"
        + (f", the last {back:.1f} s after /healthz" if back is not None else "")
        + f" (p50 {(rec['caught_up']['p50_ms'] or 0) / 1000:.1f} s); sent {traffic['sent']}, "
        f"acked {traffic['acked']}, lost {traffic['lost']}, dup {traffic['dups']}, "
        f"frames behind a higher id {traffic['out_of_order']}, "
        f"repeated by a resume {traffic['redelivered']} → "
        + ("pass" if result["passed"] else "FAIL")
    )
