"""Capacity on paper: ``python -m bench.capacity [RESULTS.json ...] [--write docs/scaling.md]``.

Reads the benchmark's raw results (bench/results/results-*.json by default; for each
scenario the newest full run, a quick run only when there is no full one) and
projects, for communities of 10,000 and 100,000 concurrent members, how many
Kindred processes they need, how much Redis (pub/sub CPU, memory) and PostgreSQL
(writes per second, connections, CPU), and which part gives out first. The
measured costs come from scenarios (a) fan-out, (c) idle sockets, (d) two
processes on one Redis and (e) the reconnect storm; the assumptions are the named
constants below. Prints a Markdown section ("## Capacity"); ``--write`` puts it
into a file, replacing only that section.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import re
import statistics
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"

# --- assumptions ----------------------------------------------------------------------

#: The community sizes the issue asks about (members online at the same time).
COMMUNITIES = (10_000, 100_000)
#: Messages per member per hour at the busiest hour: generous for a support chat,
#: where most members read far more than they write, so the projection errs high.
MSGS_PER_MEMBER_PER_HOUR = 6.0
#: Members of the room a message goes to: scenario (a)'s room of 200, so the cost of
#: a message with its fan-out is the one measured, not extrapolated; a community
#: this large splits its topics into rooms of a size people can follow.
ROOM_SIZE = 200
#: Sockets per member: a room page, now and then a second tab or a phone.
SOCKETS_PER_MEMBER = 1.2
#: Share of its one core a daphne process may use at the busiest hour: the rest is
#: the headroom that absorbs a burst or a neighbour's restart storm.
PROCESS_CPU_BUDGET = 0.6
#: Memory per daphne process (MiB): two processes on a 4 GiB, 2-core machine, with
#: room left for the operating system.
PROCESS_MEMORY_MIB = 1536
#: Every socket of a restarted process must be back within this (the issue's target).
STORM_SECONDS = 15.0
#: Redis runs commands on one thread; past this share of a core, latency climbs.
REDIS_CPU_BUDGET = 0.7
#: Memory for Kindred's keys in Redis (MiB): a small managed instance.
REDIS_MEMORY_MIB = 1024
#: PostgreSQL cores for Kindred: a mid-sized instance.
PG_CPU_BUDGET = 4.0
#: PostgreSQL's default max_connections (100) less the 3 reserved for superusers.
PG_MAX_CONNECTIONS = 97


# --- reading results -------------------------------------------------------------------


def load(paths: list[Path]) -> dict[str, Any]:
    """{scenario: {"data", "source"}}: per scenario the newest full run's data (a quick
    run only without a full one)."""
    runs = [json.loads(p.read_text()) | {"_path": p.name} for p in paths]
    runs.sort(key=lambda r: (not r.get("quick"), r.get("started", "")))
    chosen: dict[str, Any] = {}
    for run in runs:  # later (full, newer) runs overwrite earlier ones
        for name, data in run.get("scenarios", {}).items():
            if data.get("kindred"):
                source = f"`{run['_path']}` ({run.get('started', '?')}"
                source += ", quick)" if run.get("quick") else ")"
                chosen[name] = {
                    "data": data,
                    "source": source,
                    "quick": run.get("quick"),
                    "command": run.get("command", "?"),
                }
    return chosen


def _slope(steps: list[dict[str, Any]], key: str) -> float:
    """Core-seconds of *key* per message over the steps: the least-squares
    slope of CPU against rate (the ratio when there is one step or one rate)."""
    points = [(s["rate"], s[key] / 100.0) for s in steps]
    rates = {r for r, _ in points}
    if len(rates) < 2:
        return statistics.fmean(cpu / rate for rate, cpu in points)
    slope, _ = statistics.linear_regression([r for r, _ in points], [c for _, c in points])
    return max(slope, 0.0)


def kept_up(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The fan-out steps the server kept up with: every message acked and delivered
    (a step can miss the latency target on a busy machine and still say what a
    message costs; a saturated one says only what the machine had)."""
    steps = [
        s
        for s in data["kindred"]["steps"]
        if s.get("rate")
        and not s["unacked"]
        and not s["lost"]
        and s["deliveries_per_s"] >= 0.9 * s["offered_deliveries_per_s"]
    ]
    if not steps:
        raise ValueError("no fan-out step the server kept up with in the results")
    return steps


def measured(chosen: dict[str, Any]) -> dict[str, Any]:
    """The per-event and per-socket costs, with where each came from."""
    if "a" not in chosen or "c" not in chosen:
        raise ValueError("capacity needs scenarios (a) and (c) in the results")
    a, c = chosen["a"]["data"], chosen["c"]["data"]["kindred"]
    steps = kept_up(a)
    members = a["params"]["members"]
    m: dict[str, Any] = {
        "room_measured": members,
        "cpu_per_message": _slope(steps, "server_cpu_pct"),
        "redis_per_message": _slope(steps, "redis_cpu_pct"),
        "pg_per_message": _slope(steps, "postgres_cpu_pct"),
        "idle_cpu_per_socket": c["idle"]["server_cpu_pct"] / 100.0 / c["up_after_idle"],
        "kib_per_socket": c["rss_per_socket_kib"],
        "base_kib": c["rss_before_sockets_kib"],
        "connects_per_s": statistics.median(r["per_second"] for r in c["setup"]["ramp"]),
        # Other people's work on a shared machine lands in the CPU figures.
        "other_cpu_pct": max(s.get("other_cpu_pct") or 0.0 for s in steps),
        "sources": {k: v["source"] for k, v in chosen.items()},
        "commands": sorted(
            {f"{v['source'].split(' ')[0]}: `{v['command']}`" for v in chosen.values()}
        ),
    }
    m["cpu_per_delivery"] = m["cpu_per_message"] / members
    m["redis_per_subscriber"] = m["redis_per_message"]
    if "d" in chosen:
        # Two subscribing processes instead of one: what a subscriber adds.
        with contextlib.suppress(ValueError):
            two = _slope(kept_up(chosen["d"]["data"]), "redis_cpu_pct")
            m["redis_per_subscriber"] = max(two - m["redis_per_message"], 0.0)
    m |= _storm(chosen.get("e"))
    return m


def _storm(e: dict[str, Any] | None) -> dict[str, Any]:
    """From the reconnect storm, when it ran: reconnects per second as the clients'
    backoff spreads them, PostgreSQL connections and writes, Redis bytes."""
    k = (e or {}).get("data", {}).get("kindred") or {}
    rec, db, rds = k.get("recovery", {}), k.get("database"), k.get("redis")
    out: dict[str, Any] = {"storm": None, "db": None, "redis_bytes_per_socket": None}
    if rec.get("all_back_s"):
        out["storm"] = {"sockets": rec["sockets"], "seconds": rec["all_back_s"]}
    if db:
        out["db"] = {
            "writes_per_message": db["writes_per_message"],
            "backends_per_process": max(1, db["backends_peak"]),
        }
    if rds:
        out["redis_bytes_per_socket"] = rds["bytes_per_socket"]
    return out


# --- the model -------------------------------------------------------------------------


def project(m: dict[str, Any], members: int) -> dict[str, Any]:
    sockets = members * SOCKETS_PER_MEMBER
    msgs = members * MSGS_PER_MEMBER_PER_HOUR / 3600.0
    deliveries = msgs * ROOM_SIZE * SOCKETS_PER_MEMBER
    cpu = deliveries * m["cpu_per_delivery"] + sockets * m["idle_cpu_per_socket"]
    usable_kib = PROCESS_MEMORY_MIB * 1024 - m["base_kib"]
    # Sockets a process takes back per second: the burst connect rate of (c), or the
    # storm's when higher (the storm's is a floor: its clients wait out their backoff).
    reconnects = m["connects_per_s"]
    if m["storm"]:
        reconnects = max(reconnects, m["storm"]["sockets"] / m["storm"]["seconds"])
    limits = {
        "CPU": math.ceil(cpu / PROCESS_CPU_BUDGET),
        "memory": math.ceil(sockets * m["kib_per_socket"] / usable_kib),
        "restart storm": math.ceil(sockets / (reconnects * STORM_SECONDS)),
    }
    processes = max(limits.values())
    db = m["db"] or {"writes_per_message": 1.0, "backends_per_process": 1}
    return {
        "members": members,
        "sockets": sockets,
        "msgs_per_s": msgs,
        "deliveries_per_s": deliveries,
        "limits": limits,
        "processes": processes,
        "binding": max(limits, key=lambda k: limits[k]),
        # Today's bus is one channel every process subscribes to.
        "redis_cpu": msgs * (m["redis_per_message"] + (processes - 1) * m["redis_per_subscriber"]),
        "redis_mib": sockets * (m["redis_bytes_per_socket"] or 0) / 2**20,
        "pg_writes_per_s": msgs * db["writes_per_message"],
        "pg_connections": processes * db["backends_per_process"],
        "pg_cpu": msgs * m["pg_per_message"],
    }


#: Shared parts and when each is exhausted: (name, key in a projection, budget).
SHARED = (
    ("Redis CPU (one thread)", "redis_cpu", REDIS_CPU_BUDGET),
    ("Redis memory", "redis_mib", REDIS_MEMORY_MIB),
    ("PostgreSQL connections", "pg_connections", PG_MAX_CONNECTIONS),
    ("PostgreSQL CPU", "pg_cpu", PG_CPU_BUDGET),
)


def first_to_give(m: dict[str, Any], ceiling: int = 10_000_000) -> list[tuple[str, int | None]]:
    """For each shared part, the smallest community (to 1 %) that exceeds its budget
    (None: not below *ceiling*), smallest first."""
    found: list[tuple[str, int | None]] = []
    for name, key, budget in SHARED:
        if project(m, ceiling)[key] <= budget:
            found.append((name, None))
            continue
        low, high = 1, ceiling
        while high - low > max(1, low // 100):
            mid = (low + high) // 2
            low, high = (mid, high) if project(m, mid)[key] <= budget else (low, mid)
        found.append((name, high))
    return sorted(found, key=lambda f: (f[1] is None, f[1] or 0))


# --- the report ------------------------------------------------------------------------


def _fmt(value: float, digits: int = 0) -> str:
    return f"{value:,.{digits}f}"


def _inputs(m: dict[str, Any]) -> list[str]:
    src = m["sources"]
    rows = [
        (
            f"server CPU per message to a room of {m['room_measured']} (fan-out included)",
            f"{m['cpu_per_message'] * 1e3:.2f} ms of a core, "
            f"{m['cpu_per_delivery'] * 1e6:.1f} µs per delivery",
            src["a"],
        ),
        (
            "Redis CPU per message, one subscribing process",
            f"{m['redis_per_message'] * 1e6:.0f} µs",
            src["a"],
        ),
        (
            "Redis CPU each further subscribing process adds per message",
            f"{m['redis_per_subscriber'] * 1e6:.0f} µs",
            src.get("d", "no (d): taken equal to the line above"),
        ),
        ("PostgreSQL CPU per message", f"{m['pg_per_message'] * 1e6:.0f} µs", src["a"]),
        ("server memory per idle socket", f"{m['kib_per_socket']:.1f} KiB", src["c"]),
        ("server memory before the first socket", f"{m['base_kib'] / 1024:.0f} MiB", src["c"]),
        (
            "server CPU per idle socket (clients ping every 20 s)",
            f"{m['idle_cpu_per_socket'] * 1e6:.1f} µs/s",
            src["c"],
        ),
        (
            "new sockets per second, in bursts (median of the ramp)",
            _fmt(m["connects_per_s"]),
            src["c"],
        ),
    ]
    if m["storm"]:
        st = m["storm"]
        rows.append(
            (
                "reconnect storm: sockets back and caught up per second after /healthz",
                f"{st['sockets'] / st['seconds']:,.0f} "
                f"({st['sockets']:,} in {st['seconds']:.1f} s)",
                src["e"],
            )
        )
    if m["db"]:
        rows.append(
            (
                "PostgreSQL rows written per message",
                f"{m['db']['writes_per_message']:.2f}",
                src["e"],
            )
        )
        rows.append(
            (
                "PostgreSQL connections per process (peak, in the storm)",
                str(m["db"]["backends_per_process"]),
                src["e"],
            )
        )
    if m["redis_bytes_per_socket"] is not None:
        rows.append(
            ("Redis memory per connected member", f"{m['redis_bytes_per_socket']:,.0f} B", src["e"])
        )
    out = ["| measured | value | from |", "| --- | --- | --- |"]
    return out + [f"| {a} | {b} | {c} |" for a, b, c in rows]


def _assumptions() -> list[str]:
    """Each assumption with its comment above it in this file."""
    text = Path(__file__).read_text()
    block = text[text.index("# --- assumptions") : text.index("# --- reading results")]
    lines = block.splitlines()
    out = []
    for index, line in enumerate(lines):
        match = re.match(r"^([A-Z_]+) = (.+)$", line)
        if not match or not lines[index - 1].startswith("#:"):
            continue
        why = []
        back = index - 1
        while lines[back].startswith("#:") or (why and lines[back].startswith("#  ")):
            why.insert(0, lines[back].lstrip("#: ").strip())
            back -= 1
        if match.group(1) in ("COMMUNITIES",):
            continue
        out.append(f"- `{match.group(1)} = {match.group(2)}`: {' '.join(why)}")
    return out


def _projection(rows: list[dict[str, Any]]) -> list[str]:
    head = "| | " + " | ".join(f"{r['members']:,} members" for r in rows) + " |"
    table = [head, "|---" * (len(rows) + 1) + "|"]

    def line(label: str, cell: Any) -> None:
        table.append(f"| {label} | " + " | ".join(cell(r) for r in rows) + " |")

    line("sockets", lambda r: _fmt(r["sockets"]))
    line("messages per second", lambda r: _fmt(r["msgs_per_s"], 1))
    line("deliveries per second", lambda r: _fmt(r["deliveries_per_s"]))
    line("**Kindred processes** (cores)", lambda r: f"**{r['processes']}** ({r['binding']})")
    for limit in ("CPU", "memory", "restart storm"):
        line(f"… processes for {limit}", lambda r, k=limit: str(r["limits"][k]))
    line("Redis CPU (share of its one thread)", lambda r: f"{r['redis_cpu'] * 100:.0f} %")
    line("Redis memory for Kindred's keys", lambda r: f"{r['redis_mib']:,.0f} MiB")
    line("PostgreSQL writes per second", lambda r: _fmt(r["pg_writes_per_s"], 1))
    line("PostgreSQL connections (peak)", lambda r: _fmt(r["pg_connections"]))
    line("PostgreSQL CPU (cores)", lambda r: f"{r['pg_cpu']:.2f}")
    return table


def section(m: dict[str, Any]) -> str:
    rows = [project(m, n) for n in COMMUNITIES]
    gives = first_to_give(m)
    quick = any("quick" in s for s in m["sources"].values())
    out = ["## Capacity", ""]
    out.append(
        "Generated by `python -m bench.capacity --write docs/scaling.md` from the "
        "benchmark's raw results (`bench/results/*.json`): the costs are measured on the "
        "benchmark machine (2 cores, load generators sharing them, docs/performance.md), "
        "the community's behaviour is assumed. A projection, not a measurement."
        + (
            " **Some inputs come from quick runs (small workloads): run `make bench` "
            "and generate this again before trusting the figures.**"
            if quick
            else ""
        )
        + (
            f" **Other processes used up to {m['other_cpu_pct']:.0f} % of a core during the "
            "fan-out steps read here: the machine was shared, and the CPU figures (PostgreSQL's "
            "and Redis's above all, which count every client of those servers) are high.**"
            if m["other_cpu_pct"] > 25
            else ""
        )
    )
    out += ["", "### Measured", "", *_inputs(m), ""]
    out += ["The runs: " + "; ".join(m["commands"]) + ".", "", "### Assumed", "", *_assumptions()]
    out += ["", "### Projected", "", *_projection(rows), ""]
    out.append(
        "Processes are the most any one limit needs: CPU (deliveries and idle sockets "
        f"within {PROCESS_CPU_BUDGET:.0%} of a core), memory ({PROCESS_MEMORY_MIB} MiB each) "
        f"and the restart storm (a restarted process's sockets back within {STORM_SECONDS:g} s). "
        "Redis sends each event to every process subscribed to its channel: with one bus "
        "channel that is every process, and with room-sharded channels it is every process "
        "with a socket in a room of that shard, which is still nearly all of them while a "
        "load balancer spreads a room's members over the processes; the model charges every "
        "process. It does not charge a process's CPU for decoding events of rooms it has no "
        "socket in (not measured here): with one channel that cost grows with the number of "
        "processes, so the CPU figure is the floor."
    )
    out += ["", "### What gives out first", ""]
    for name, size in gives:
        out.append(
            f"- {name}: "
            + (
                f"at about **{size:,}** concurrent members"
                if size
                else "not below 10 million members"
            )
        )
    first = gives[0]
    if first[1]:
        out += [
            "",
            f"The first shared part to give out is **{first[0]}**, near {first[1]:,} members.",
        ]
    return "\n".join(out) + "\n"


def write_section(path: Path, text: str) -> None:
    """Replace the "## Capacity" section of *path* (or add it), keeping the rest."""
    old = path.read_text() if path.exists() else "# Scaling\n"
    pattern = re.compile(r"^## Capacity\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(old):
        new = pattern.sub(lambda _: text + "\n", old, count=1)
    else:
        new = old.rstrip("\n") + "\n\n" + text
    path.write_text(new.rstrip("\n") + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "results", nargs="*", type=Path, help="default: bench/results/results-*.json"
    )
    parser.add_argument("--write", type=Path, help="put the section into this file")
    args = parser.parse_args(argv)
    paths = args.results or sorted(RESULTS.glob("results-*.json"))
    text = section(measured(load(paths)))
    if args.write:
        write_section(args.write, text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
