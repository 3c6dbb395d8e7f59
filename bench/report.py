"""Turns the results of bench/run.py into docs/performance.md (or another path).

Everything in the report is generated from the results, except the sections
named in ``PRESERVED``: those are written by people (what was tried, findings)
and are carried over verbatim from the existing file on every run.
"""

from __future__ import annotations

import os
import platform
import re
from collections import Counter
from importlib import metadata
from pathlib import Path
from typing import Any

from bench import shards
from realtime.serving import DAPHNE_FLAGS

PRESERVED = (
    "Findings and recommendations",
    "What was tried and what each change bought",
)
P99_LIMIT_MS = 100.0

# --- small formatting helpers ------------------------------------------------------------


def ms(value: float | None) -> str:
    if value is None:
        return "–"
    if value >= 100:
        return f"{value:,.0f} ms"
    if value >= 10:
        return f"{value:.1f} ms"
    return f"{value:.2f} ms"


def num(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f} %"


def closes_text(closes: dict[str, int]) -> str:
    return ", ".join(f"{k}×{v}" for k, v in sorted(closes.items())) or "0"


def step_line(s: dict[str, Any]) -> str:
    lat, ack = s["latency"], s["ack"]
    rate = f"{s['rate']:g} msgs/s" if s.get("rate") else f"{s['sent']} msgs"
    extra = f" [{s['label']}]" if s.get("label") else ""
    return (
        f"{rate}{extra}: {s['deliveries_per_s']:,.0f} deliveries/s, e2e p50 {ms(lat['p50_ms'])} "
        f"p99 {ms(lat['p99_ms'])} max {ms(lat['max_ms'])}, ack p99 {ms(ack['p99_ms'])}"
        + (
            f" (server receipt→ack p99 {ms(s['server_ack']['p99_ms'])})"
            if s.get("server_ack")
            else ""
        )
        + ", "
        f"lost {s['lost']}, dup {s['dups']}, ooo {s['out_of_order']}, "
        f"unacked {s['unacked']}, errors {s['errors'] or 0}, closes {closes_text(s['closes'])}, "
        f"server CPU {s['server_cpu_pct']:.0f} %, machine {s['machine_busy_pct']:.0f} % "
        f"→ {'pass' if s['passed'] else 'FAIL'}"
    )


# --- machine ------------------------------------------------------------------------------


def machine_info() -> dict[str, Any]:
    cpu = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_kib = 0
    with open("/proc/meminfo", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("MemTotal:"):
                mem_kib = int(line.split()[1])
    try:
        nproc = len(os.sched_getaffinity(0))
    except AttributeError:
        nproc = os.cpu_count() or 0
    versions = {}
    for name in (
        "Django",
        "channels",
        "channels-redis",
        "daphne",
        "Twisted",
        "websockets",
        "uvloop",
    ):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "?"
    return {
        "nproc": nproc,
        "cpu": cpu,
        "mem_gib": mem_kib / 1024 / 1024,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "versions": versions,
    }


def service_versions(pg_url: str, redis_url: str) -> dict[str, str]:
    out = {"postgresql": "?", "redis": "?"}
    try:
        import psycopg

        with psycopg.connect(pg_url) as conn:
            out["postgresql"] = str(conn.execute("SHOW server_version").fetchone()[0])
    except Exception:  # noqa: S110 - a version string is nice to have
        pass
    try:
        import redis

        client = redis.Redis.from_url(redis_url)
        out["redis"] = str(client.info("server").get("redis_version", "?"))
        client.close()
    except Exception:  # noqa: S110
        pass
    return out


# --- profile --------------------------------------------------------------------------------

_FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")
KINDRED_PACKAGES = ("community", "rooms", "moderation")

#: What a working sample of a thread is doing: the first category (in this
#: order) with a marker anywhere on the stack. The worker thread is the one that
#: runs every ``database_sync_to_async`` call; the main thread runs the event loop.
WORKER_CATEGORIES = (
    ("opening a PostgreSQL connection", ("BaseDatabaseWrapper.connect (",)),
    ("closing PostgreSQL connections", ("close_old_connections", "BaseDatabaseWrapper.close")),
    ("COMMIT (leaving `transaction.atomic`)", ("Atomic.__exit__",)),
    ("Redis round trips (rate limit, publish, presence)", ("(redis/",)),
    ("crisis scan", ("(crisis/",)),
    ("sanitising (clean_text, render_body)", ("(rooms/sanitize.py", "(bleach/")),
    ("sessions and auth", ("(channels/auth", "(django/contrib/sessions", "(django/contrib/auth")),
    ("PostgreSQL queries (psycopg, including waiting for the answer)", ("(psycopg/",)),
    ("Django ORM (compiling SQL, building model instances)", ("(django/",)),
)
MAIN_CATEGORIES = (
    (
        "epoll registration churn (Twisted add/remove writer)",
        ("_PollLikeSelector.modify", "addWriter", "removeWriter", "_add_writer", "_remove_writer"),
    ),
    ("send() system calls", ("writeSomeData", "doWrite", "write_now (community/transport.py")),
    ("WebSocket framing (autobahn)", ("(autobahn/",)),
    (
        "ASGI send plumbing (channels session wrapper, daphne handle_reply)",
        ("Server.handle_reply (daphne", "InstanceSessionWrapper.send", "serverSend (daphne"),
    ),
    (
        "hops to a worker thread (aclose_old_connections, executor submit)",
        ("aclose_old_connections", "run_in_executor", "SyncToAsync.__call__ (asgiref"),
    ),
    ("frame parsing (pydantic)", ("(community/frames.py", "(pydantic")),
    ("reading from sockets", ("doRead", "dataReceived")),
    ("Redis (hub subscriber, presence)", ("(redis/",)),
    ("hub and consumer code", ("(rooms/hub.py", "(community/consumers.py", "(rooms/consumers.py")),
    ("channels / asgiref plumbing", ("(channels/", "(asgiref/")),
)


def _package(path: str) -> str:
    head = path.split("/", 1)[0].removesuffix(".py")
    return f"{head} (Kindred)" if head in KINDRED_PACKAGES else head


def _idle(frames: list[str]) -> bool:
    """Waiting, not working: an event loop in select(), an executor thread between
    jobs (no work item on its stack), or a pool's housekeeping thread waiting for
    a job (psycopg_pool's workers and scheduler)."""
    if any(f.startswith("_worker (concurrent/futures/thread.py") for f in frames):
        return not any(f.startswith("_WorkItem.run") for f in frames)
    if any("(psycopg_pool/" in f for f in frames) and frames[-1].startswith(
        ("Condition.wait", "Event.wait", "Lock.acquire")
    ):
        return True
    return frames[-1].startswith(("EpollSelector.select", "select ("))


def _categorise(frames: list[str], categories: tuple) -> str:
    for name, markers in categories:
        if any(m in frame for frame in frames for m in markers):
            return name
    return "other"


def thread_group(thread: str) -> str:
    """Threads that do the same job, counted together."""
    if thread == "MainThread":
        return "event loop (MainThread)"
    if thread.startswith("asyncio_"):
        return "thread pool (asyncio_*: sync_to_async(thread_sensitive=False))"
    if thread.startswith("ThreadPoolExecutor"):
        return "thread-sensitive worker (ThreadPoolExecutor-*: database_sync_to_async)"
    return thread


def hotspots(raw: str, top: int = 20) -> dict[str, Any]:
    """Where the server's time goes, from py-spy's raw (collapsed-stack) output
    recorded with ``--threads --idle``. Per group of threads doing the same job:
    how many threads' worth of wall time it spent working, and, of the working
    samples, a breakdown into categories, the packages and the top functions."""
    groups: dict[str, dict[str, Any]] = {}
    per_thread_samples: dict[str, Counter[str]] = {}
    for line in raw.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [f.strip() for f in stack.split(";")]
        thread = "?"
        if frames and frames[0].startswith("thread"):
            thread = frames.pop(0).split(": ", 1)[-1]
        frames = [re.sub(r":\d+\)$", ")", f) for f in frames]
        if not frames:
            continue
        name = thread_group(thread)
        per_thread_samples.setdefault(name, Counter())[thread] += count
        g = groups.setdefault(
            name,
            {
                "threads": set(),
                "busy": 0,
                "self": Counter(),
                "inclusive": Counter(),
                "packages": Counter(),
                "categories": Counter(),
            },
        )
        g["threads"].add(thread)
        if _idle(frames):
            continue
        g["busy"] += count
        g["self"][frames[-1]] += count
        for fn in set(frames):
            g["inclusive"][fn] += count
        packages = set()
        for frame in frames:
            match = _FRAME.match(frame)
            if match and match["file"] and not match["file"].startswith("<"):
                packages.add(_package(match["file"]))
        for pkg in packages:
            g["packages"][pkg] += count
        cats = MAIN_CATEGORIES if thread == "MainThread" else WORKER_CATEGORIES
        g["categories"][_categorise(frames, cats)] += count

    out: dict[str, Any] = {"threads": []}
    for name, g in groups.items():
        # Wall-clock samples of one thread over the recording (they all ran throughout).
        span = max(per_thread_samples[name].values())
        busy = g["busy"]

        def share(counter: Counter[str], n: int, busy: int = busy) -> list[tuple[str, float]]:
            return [(k, 100.0 * v / busy) for k, v in counter.most_common(n)] if busy else []

        out["threads"].append(
            {
                "thread": name,
                "count": len(g["threads"]),
                "samples": span,
                "busy_threads": busy / span if span else 0.0,
                "busy_pct": 100.0 * busy / span if span else 0.0,
                "categories": share(g["categories"], 12),
                "packages": share(g["packages"], 12),
                "self": share(g["self"], top),
                "inclusive": share(g["inclusive"], top + 10),
            }
        )
    out["threads"].sort(key=lambda t: -t["busy_threads"])
    return out


# --- the report -----------------------------------------------------------------------------


def _preserved(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    text = path.read_text()
    found = {}
    for title in PRESERVED:
        match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
        if match:
            found[title] = match.group(1).strip("\n")
    return found


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


STEP_HEADER = [
    "msgs/s",
    "offered deliveries/s",
    "delivered/s",
    "e2e p50",
    "p95",
    "p99",
    "max",
    "ack p50",
    "ack p95",
    "ack p99",
    "server receipt→ack p99",
    "sent / acked",
    "lost",
    "dup",
    "out of order",
    "closes",
    "server RSS (peak)",
    "server CPU",
    "load-gen CPU",
    "PostgreSQL CPU",
    "Redis CPU",
    "other CPU",
    "machine busy",
    "send lag p99",
    "result",
]


def _step_row(s: dict[str, Any], naive_ids: bool = False) -> list[str]:
    lat, ack = s["latency"], s["ack"]
    rate = f"{s['rate']:g}" if s.get("rate") else "–"
    if s.get("label"):
        rate += f" ({s['label']})"
    errors = sum(s["errors"].values())
    sent = f"{s['sent']:,} / {s['acked']:,}" + (f" ({errors} errors)" if errors else "")
    return [
        rate,
        num(s["offered_deliveries_per_s"]) if s.get("rate") else "–",
        num(s["deliveries_per_s"]),
        ms(lat["p50_ms"]),
        ms(lat["p95_ms"]),
        ms(lat["p99_ms"]),
        ms(lat["max_ms"]),
        ms(ack["p50_ms"]),
        ms(ack["p95_ms"]),
        ms(ack["p99_ms"]),
        ms((s.get("server_ack") or {}).get("p99_ms")) if s.get("server_ack") else "–",
        sent,
        num(s["lost"]),
        num(s["dups"]),
        "n/a¹" if naive_ids else num(s["out_of_order"]),
        closes_text(s["closes"]),
        f"{s['server_rss_peak_kib'] / 1024:,.0f} MiB",
        pct(s["server_cpu_pct"]),
        pct(s["loadgen_cpu_pct"]),
        pct(s["postgres_cpu_pct"]),
        pct(s["redis_cpu_pct"]),
        pct(s.get("other_cpu_pct")),
        pct(s["machine_busy_pct"]),
        ms(s["lag"]["p99_ms"]),
        ("pass" if s["passed"] else "**fail**")
        + (f" ({len(s['discarded'])} noisy attempt(s) discarded)" if s.get("discarded") else ""),
    ]


def _failures_text(row: dict[str, Any]) -> str:
    def text(d: dict[str, int]) -> str:
        return ", ".join(f"{k} ×{v}" for k, v in sorted(d.items())) or "0"

    return f"{text(row.get('first_attempt_failures', {}))} / {text(row['failures'])}"


def _setup_lines(name: str, setup: dict[str, Any]) -> list[str]:
    parts = []
    members = setup.get("members")
    if members:
        parts.append(
            f"{members['created']:,} members created through the HTTP API in "
            f"{members['seconds']:.1f} s ({members['per_second']:.0f}/s)"
            + (f", failures {members['failures']}" if members["failures"] else "")
        )
    welcome = setup["welcome"]
    failures: dict[str, int] = {}
    first: dict[str, int] = {}
    for row in setup["ramp"]:
        for k, v in row["failures"].items():
            failures[k] = failures.get(k, 0) + v
        for k, v in row.get("first_attempt_failures", {}).items():
            first[k] = first.get(k, 0) + v
    seconds = sum(r["seconds"] for r in setup["ramp"])
    parts.append(
        f"{setup['up']:,} of {setup['connections']:,} sockets up in {seconds:.1f} s; connect "
        f"(TCP + handshake until `welcome`) p50 {ms(welcome['p50_ms'])}, p95 "
        f"{ms(welcome['p95_ms'])}, p99 {ms(welcome['p99_ms'])}, max {ms(welcome['max_ms'])}"
        + (f"; refused or dropped at the first attempt {first}" if first else "")
        + (f"; still failing after one retry {failures}" if failures else "")
    )
    return [f"- {name}: " + "; ".join(parts) + "."]


def _fanout_section(title: str, data: dict[str, Any], two: bool) -> list[str]:
    p = data["params"]
    out = [f"## {title}", ""]
    out.append(
        f"{p['members']} members in one room ({p['servers']} daphne process"
        f"{'es' if p['servers'] > 1 else ''}"
        + (", members split evenly across them" if p["servers"] > 1 else "")
        + f"), {p['senders']} of them sending at a combined fixed rate, each step "
        f"{p['step_seconds']:g} s, rates {', '.join(f'{r:g}' for r in p['rates'])} msgs/s "
        "(every message is delivered to every member, the sender included). Stepping stops "
        f"when a step fails (p99 > {P99_LIMIT_MS:g} ms, a lost message, an error or an unacked "
        "send) and fails again when repeated at once; a failure that passes on the repeat is "
        f"shown as its own row. {p['loadgen_processes']} load-generator process(es). Before the "
        "first step each target gets the same warm-up (3 s at 10 msgs/s, not in the tables)."
    )
    out.append("")
    k, n = data.get("kindred"), data.get("naive")
    if k and n:
        rows = []
        n_steps = {s["rate"]: s for s in n["steps"]}  # the last attempt at each rate
        k_steps = {s["rate"]: s for s in k["steps"]}
        for s in k_steps.values():
            ns = n_steps.get(s["rate"])
            rows.append(
                [
                    f"{s['rate']:g}",
                    num(s["deliveries_per_s"]),
                    ms(s["latency"]["p99_ms"]),
                    num(s["lost"]),
                    "pass" if s["passed"] else "**fail**",
                    num(ns["deliveries_per_s"]) if ns else "not run",
                    ms(ns["latency"]["p99_ms"]) if ns else "–",
                    num(ns["lost"]) if ns else "–",
                    ("pass" if ns["passed"] else "**fail**") if ns else "–",
                ]
            )
        for rate, ns in n_steps.items():
            if rate not in k_steps:
                rows.append(
                    [
                        f"{rate:g}",
                        "not run",
                        "–",
                        "–",
                        "–",
                        num(ns["deliveries_per_s"]),
                        ms(ns["latency"]["p99_ms"]),
                        num(ns["lost"]),
                        "pass" if ns["passed"] else "**fail**",
                    ]
                )
        out += ["Side by side:", ""]
        out += _table(
            [
                "msgs/s",
                "Kindred delivered/s",
                "Kindred p99",
                "Kindred lost",
                "Kindred",
                "naive delivered/s",
                "naive p99",
                "naive lost",
                "naive",
            ],
            rows,
        )
        out.append("")
    for name, d in (("Kindred", k), ("Naive baseline", n)):
        if not d:
            continue
        out += [f"### {name}", ""]
        out += _setup_lines("Setup", d["setup"])
        out.append("")
        steps = list(d["steps"])
        if d.get("ack_step"):
            steps.append(d["ack_step"])
        out += _table(STEP_HEADER, [_step_row(s, naive_ids=two and d is n) for s in steps])
        out.append("")
        if d.get("saturated_at") is not None:
            out.append(f"Stopped at {d['saturated_at']:g} msgs/s (failed twice).")
        else:
            out.append("Did not fail twice at any rate tried.")
        isolated = [
            s["rate"]
            for i, s in enumerate(d["steps"])
            if not s["passed"]
            and s.get("label") != "repeat"
            and i + 1 < len(d["steps"])
            and d["steps"][i + 1].get("label") == "repeat"
            and d["steps"][i + 1]["passed"]
        ]
        if isolated:
            out.append(
                "Failed once and passed on the repeat at "
                + ", ".join(f"{r:g}" for r in isolated)
                + " msgs/s."
            )
        out.append("")
    if two:
        out += [
            "¹ The naive baseline numbers messages with a counter per process, so ids from "
            "its two processes are not ordered with respect to each other.",
            "",
        ]
    return out


def _rooms_section(data: dict[str, Any]) -> list[str]:
    p = data["params"]
    out = ["## (b) Many rooms", ""]
    out.append(
        f"{p['connections']:,} sockets (one member each) over {p['rooms']} rooms "
        f"({p['connections'] // p['rooms']} per room), every member posting after gaps drawn "
        f"uniformly from {p['gap_s'][0]}–{p['gap_s'][1]} s (seed {p['seed']}), for "
        f"{p['seconds']:g} s; one daphne process."
    )
    out.append("")
    header = ["target", *STEP_HEADER[2:]]
    rows = []
    for name in ("kindred", "naive"):
        d = data.get(name)
        if d:
            rows.append([name, *_step_row(d["step"])[2:]])
    out += _table(header, rows)
    out.append("")
    for name in ("kindred", "naive"):
        if data.get(name):
            out += _setup_lines(name, data[name]["setup"])
    out.append("")
    return out


def _idle_section(data: dict[str, Any]) -> list[str]:
    p = data["params"]
    out = ["## (c) Idle capacity", ""]
    out.append(
        f"Sockets ramped to {p['connections']:,} on one daphne process, spread over the "
        f"{p['rooms']} seeded rooms, each client sending an application `ping` every "
        f"{p['client_ping_every_s']} s as real clients do (the server closes sockets silent "
        "for 60 s). RSS per socket is (RSS idle − RSS before the first socket) / sockets; "
        'the "before" figure is taken after the members were created, so Django is warm. '
        f"Idle CPU is the server's CPU over {p['idle_seconds']:g} s after the ramp settled."
    )
    out.append("")
    for name in ("kindred", "naive"):
        d = data.get(name)
        if not d:
            continue
        out += [f"### {'Kindred' if name == 'kindred' else 'Naive baseline'}", ""]
        rows = []
        base = d["rss_before_sockets_kib"]
        for row in d["setup"]["ramp"]:
            per = (row["rss_kib"] - base) / row["up"] if row["up"] else None
            rows.append(
                [
                    num(row["up"]),
                    f"{row['seconds']:.1f} s ({row['per_second']:.0f}/s)",
                    ms(row["welcome"]["p50_ms"]),
                    ms(row["welcome"]["p95_ms"]),
                    ms(row["welcome"]["p99_ms"]),
                    ms(row["welcome"]["max_ms"]),
                    f"{row['rss_kib'] / 1024:,.0f} MiB",
                    num(per, 1),
                    _failures_text(row),
                ]
            )
        out += _table(
            [
                "sockets up",
                "this ramp step took",
                "connect p50",
                "p95",
                "p99",
                "max",
                "server RSS",
                "KiB per socket",
                "connect failures (first attempt / after a retry)",
            ],
            rows,
        )
        out.append("")
        idle = d["idle"]
        closes: dict[str, int] = {}
        for status in d["status"]:
            for k, v in status["closes"].items():
                closes[k] = closes.get(k, 0) + v
        out.append(
            f"- RSS: {d['rss_at_start_kib'] / 1024:.0f} MiB when healthy, "
            f"{base / 1024:.0f} MiB before the first socket, {d['rss_idle_kib'] / 1024:.0f} MiB "
            f"with {d['up_after_idle']:,} idle sockets: **{num(d['rss_per_socket_kib'], 1)} KiB "
            "per socket**."
        )
        out.append(
            f"- Idle CPU over {idle['window_s']:.0f} s with every client pinging every 20 s: "
            f"server **{idle['server_cpu_pct']:.1f} % of a core**, load generators "
            f"{idle['loadgen_cpu_pct']:.1f} %, PostgreSQL {idle['postgres_cpu_pct']:.1f} %, "
            f"Redis {idle['redis_cpu_pct']:.1f} % (PostgreSQL and Redis are shared with "
            f"whatever else runs), machine busy {idle['machine_busy_pct']:.1f} %."
        )
        quiet = d.get("idle_no_pings")
        if quiet:
            out.append(
                f"- The same with the pings paused for {quiet['window_s']:.0f} s (the server's "
                f"own background work: presence heartbeat, sweeps, idle checks): server "
                f"**{quiet['server_cpu_pct']:.1f} % of a core**, Redis "
                f"{quiet['redis_cpu_pct']:.1f} %."
            )
        out.append(f"- Sockets closed by the server meanwhile: {closes_text(closes)}.")
        out.append("")
    return out


def _storm_row(name: str, d: dict[str, Any]) -> list[str]:
    rec, t, db = d["recovery"], d["traffic"], d.get("database")

    def seconds(h: dict[str, Any]) -> str:
        return " / ".join(
            "–" if h[k] is None else f"{h[k] / 1000:.1f} s" for k in ("p50_ms", "p99_ms", "max_ms")
        )

    return [
        name,
        f"{rec['sockets']:,}",
        f"{rec['stop_s']:.1f} s / {rec['start_s']:.1f} s",
        seconds(rec["back"]),
        seconds(rec["caught_up"]),
        num(rec["not_back"]),
        f"{t['sent']:,} / {t['acked']:,}",
        f"{t['lost']:,} ({t['sockets_missing']} sockets)",
        num(t["dups"]),
        "n/a¹" if name == "naive" else f"{t['out_of_order']:,} / {t['redelivered']:,}",
        f"{db['rows']:,} / {db['distinct_nonces']:,} / {db['out_of_send_order']}" if db else "–",
        closes_text(rec["closes"]),
        ", ".join(f"{k}: {v}" for k, v in rec["attempts"].items())
        + (f" (failed: {closes_text(failed)})" if (failed := rec.get("failed_attempts")) else ""),
        pct(d["cpu_recovery"]["server_cpu_pct"]),
        "pass" if d["passed"] else "**fail**",
    ]


def _storm_intro(p: dict[str, Any]) -> str:
    return (
        f"{p['sockets']:,} sockets on one daphne process over the {p['rooms']} seeded rooms, "
        f"{p['senders']} of them sending {p['rate']:g} msgs/s in all. After {p['before_s']:g} s "
        "the process gets SIGTERM (Kindred closes every socket with 1012) and a new one is "
        "started on the same port; the clients reconnect with the web client's backoff "
        "(static/kindred/net/backoff.js), send `resume` from the last id they saw, and send "
        "what their outbox held; the send schedule runs on for "
        f"{p['after_s']:g} s more. Times are from the new process's first 200 on `/healthz`: "
        "*back* is the `welcome`, *caught up* the last `resumed`. The target: every socket "
        f"caught up within {p['target_s']:g} s, nothing lost or stored twice."
    )


def _storm_section(data: dict[str, Any]) -> list[str]:
    out = ["## (e) Reconnect storm", "", _storm_intro(data["params"])]
    out.append("")
    header = [
        "target",
        "sockets",
        "SIGTERM→exit / exit→`/healthz`",
        "back p50 / p99 / last",
        "caught up p50 / p99 / last",
        "not back",
        "sent / acked",
        "lost",
        "dup",
        "frames behind a higher id / repeated by a resume",
        "stored: rows / nonces / out of send order",
        "closes",
        "tries until back: sockets",
        "server CPU (recovery)",
        "result",
    ]
    rows = [_storm_row(name, data[name]) for name in ("kindred", "naive") if data.get(name)]
    out += _table(header, rows)
    out += [
        "",
        "`lost` counts, per socket, acked messages it never received. A resume page "
        "follows the live messages that came right after the `welcome`, so some frames "
        "arrive behind a higher id and a few twice (same id); the web client keeps each id "
        "once, in id order, so these are shown, not failed. *Out of send order* counts a "
        "member's message stored with a smaller id than the one they sent before it. "
        "¹ The naive baseline numbers its messages per process (they start again at 1) and "
        "has no resume: what was sent while a socket was away is lost to it.",
        "",
    ]
    return out


def _hotspot_lines(spots: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for t in spots["threads"]:
        if t["samples"] * t["busy_threads"] < 20:
            continue  # (almost) never working
        many = t.get("count", 1) > 1
        out += [
            f"**{t['thread']}**"
            + (f", {t['count']} threads" if many else "")
            + f": working {t['busy_threads']:.2f} thread(s)' worth of the wall time"
            + (" (summed over the threads)" if many else "")
            + ". Of its working samples:",
            "",
        ]
        out += _table(
            ["what (first match, in this order)", "share"],
            [[name, f"{v:.1f} %"] for name, v in t["categories"]],
        )
        out.append("")
        out += _table(
            ["package (inclusive)", "share"], [[f"`{n}`", f"{v:.1f} %"] for n, v in t["packages"]]
        )
        out.append("")
        out += _table(
            ["function (inclusive)", "share"],
            [[f"`{n}`", f"{v:.1f} %"] for n, v in t["inclusive"]],
        )
        out.append("")
        out += _table(
            ["function (self)", "share"], [[f"`{n}`", f"{v:.1f} %"] for n, v in t["self"][:12]]
        )
        out.append("")
    return out


def _profile_section(profile: dict[str, Any], connect: dict[str, Any] | None) -> list[str]:
    out = ["## Profile: Kindred under (a) near its limit", ""]
    if "skipped" in profile:
        return [*out, f"Not profiled: {profile['skipped']}.", ""]
    out.append(
        f"py-spy 0.4 (`record --nonblocking --rate 100`) attached to the daphne process for "
        f"a step at {profile['rate']:g} msgs/s, the highest rate that passed; twice: a CPU "
        "flame graph (`bench/results/profile.svg`), and raw stacks with `--threads --idle` "
        "(`bench/results/profile.txt`), summarised here per thread. With `--idle` a thread's "
        'samples cover its wall time, so "working" includes waiting on a socket to '
        "PostgreSQL or Redis inside a call. The profiled steps (the sampler costs a little):"
    )
    out.append("")
    out += _table(STEP_HEADER, [_step_row(s) for s in profile["steps"]])
    out.append("")
    spots = profile.get("hotspots")
    raw_step = profile["steps"][-1]
    if spots:
        for t in spots["threads"]:
            busy = t["busy_threads"]
            if t["thread"].startswith("event loop") and raw_step["deliveries_per_s"]:
                out.append(
                    f"- {t['thread']}: busy {t['busy_pct']:.0f} % of the wall time at "
                    f"{raw_step['deliveries_per_s']:,.0f} deliveries/s (sends, pings and "
                    f"deliveries together), about "
                    f"{busy / raw_step['deliveries_per_s'] * 1e6:.0f} µs per delivery."
                )
            elif busy * t["samples"] >= 20 and profile["rate"]:
                out.append(
                    f"- {t['thread']}: {busy:.2f} thread(s) busy on average at "
                    f"{profile['rate']:g} msgs/s, about {busy / profile['rate'] * 1000:.1f} ms "
                    f"of a thread's wall time per message."
                )
        out.append("")
    out += _hotspot_lines(spots) if spots else ["No samples were recorded.", ""]
    if connect:
        out += _connect_profile_section(connect)
    return out


def _connect_profile_section(connect: dict[str, Any]) -> list[str]:
    out = [
        "### The connect path (scenario c, last ramp step)",
        "",
        "py-spy (`--threads --idle`) on the Kindred process for the first 20 s of the last "
        "ramp step in (c), with most sockets already up (`bench/results/profile-connect.txt`):",
        "",
    ]
    return out + _hotspot_lines(connect)


def targets(results: dict[str, Any]) -> list[list[str]]:
    sc = results["scenarios"]
    rows: list[list[str]] = []
    quick = " (quick run: smaller than the target's workload)" if results["quick"] else ""

    a = sc.get("a")
    if a and a.get("kindred"):
        k, n = a["kindred"], a.get("naive")
        best = k["best"]
        if best:
            measured = (
                f"{best['deliveries_per_s']:,.0f} deliveries/s at {best['rate']:g} msgs/s × "
                f"{best['recipients']} (p99 {ms(best['latency']['p99_ms'])}, "
                f"{best['lost']} lost)"
            )
            if k.get("first_failure") is not None and k["first_failure"] < best["rate"]:
                measured += (
                    f"; a step at {k['first_failure']:g} msgs/s failed once and passed "
                    "on the repeat"
                )
            met = best["deliveries_per_s"] >= 40_000
        else:
            measured, met = "no step passed", False
        # Two processes on one Redis (d) is the same room and workload, and how a
        # community that outgrows one process runs: shown beside it, and counted.
        d_best = (sc.get("d") or {}).get("kindred", {}).get("best")
        if d_best:
            measured += (
                f". One room over two daphne processes (d): "
                f"{d_best['deliveries_per_s']:,.0f} deliveries/s at {d_best['rate']:g} msgs/s "
                f"(p99 {ms(d_best['latency']['p99_ms'])}, {d_best['lost']} lost)"
            )
            if not met and d_best["deliveries_per_s"] >= 40_000:
                measured += " — met with two processes, not with one"
                met = True
        rows.append(
            [
                "Fan-out, one room of 200, everything on: ≥ 40,000 deliveries/s with p99 ≤ "
                "100 ms and zero loss",
                measured + quick,
                "met" if met else "**not met**",
            ]
        )
        if n:
            nb = n["best"]
            lowest = min(s["rate"] for s in n["steps"])
            if best and nb:
                ratio = best["rate"] / nb["rate"]
                bound = (
                    " (a lower bound: Kindred did not saturate)" if not k["saturated_at"] else ""
                )
                measured = (
                    f"Kindred {best['rate']:g} msgs/s vs naive {nb['rate']:g} msgs/s: "
                    f"{ratio:.1f}×{bound}"
                )
                met = ratio >= 10
            elif best:
                measured = (
                    f"the naive baseline met p99 ≤ 100 ms at no rate tried, down to {lowest:g} "
                    f"msgs/s (p99 {ms(n['steps'][0]['latency']['p99_ms'])} there); Kindred met "
                    f"it up to {best['rate']:g} msgs/s, so the ratio is at least "
                    f"{best['rate'] / lowest:.0f}× (a bound, not a measured ratio)"
                )
                met = best["rate"] >= 10 * lowest
            else:
                measured, met = "Kindred passed no step", False
            rows.append(
                [
                    "≥ 10× the naive baseline's highest rate with p99 ≤ 100 ms and zero loss",
                    measured + quick,
                    "met" if met else "**not met**",
                ]
            )
    c = sc.get("c")
    if c and c.get("kindred"):
        d = c["kindred"]
        per = d["rss_per_socket_kib"]
        cpu = d["idle"]["server_cpu_pct"]
        up = d["up_after_idle"]
        met = per is not None and per <= 60 and cpu < 10 and up >= 5000
        rows.append(
            [
                "Idle 5,000 sockets on one daphne process: RSS ≤ 60 KiB per socket and idle "
                "CPU < 10 % of a core",
                f"{up:,} sockets: {num(per, 1)} KiB per socket, {cpu:.1f} % of a core with the "
                "clients pinging every 20 s"
                + (
                    f" ({d['idle_no_pings']['server_cpu_pct']:.1f} % with the pings paused)"
                    if d.get("idle_no_pings")
                    else ""
                )
                + quick,
                "met" if met else "**not met**",
            ]
        )
    if a and a.get("kindred"):
        k = a["kindred"]
        at = [s for s in k["steps"] if s["rate"] == 200]
        if k.get("ack_step"):
            at.append(k["ack_step"])
        if at:
            s = at[0]
            client = s["ack"]
            server = s.get("server_ack")
            if server:
                p99 = server["p99_ms"]
                measured = (
                    f"server receipt→ack p99 {ms(p99)} (p50 {ms(server['p50_ms'])}, "
                    f"max {ms(server['max_ms'])}); as the load generators saw it, send→ack "
                    f"round trip p99 {ms(client['p99_ms'])} (p50 {ms(client['p50_ms'])})"
                )
            else:
                p99 = client["p99_ms"]
                measured = f"{ms(p99)} (p50 {ms(client['p50_ms'])}, p95 {ms(client['p95_ms'])})"
            rows.append(
                [
                    "send→ack p99 ≤ 20 ms at 200 msgs/s into one room (from the server's "
                    "receipt of the frame to its ack)",
                    measured + quick,
                    "met" if p99 is not None and p99 <= 20 else "**not met**",
                ]
            )
    e = (sc.get("e") or {}).get("kindred")
    if e:
        rec, t = e["recovery"], e["traffic"]
        last = rec["all_back_s"]
        rows.append(
            [
                "Reconnect storm (e): 5,000 sockets on one process restarted with SIGTERM under "
                "20 msgs/s, every socket back and caught up within 15 s of `/healthz`, nothing "
                "lost, duplicated or out of order",
                f"{rec['settled']:,} of {rec['sockets']:,} sockets caught up"
                + (f", the last {last:.1f} s after `/healthz`" if last is not None else "")
                + f"; {t['lost']} lost, {t['dups']} duplicated, "
                f"{(e.get('database') or {}).get('out_of_send_order', 0)} out of send order"
                + quick,
                "met" if e["passed"] and rec["sockets"] >= 5000 else "**not met**",
            ]
        )
    kindred_steps = []
    for key in ("a", "d"):
        if sc.get(key) and sc[key].get("kindred"):
            kindred_steps += [(key, s) for s in sc[key]["kindred"]["steps"]]
    if sc.get("b") and sc["b"].get("kindred"):
        kindred_steps.append(("b", sc["b"]["kindred"]["step"]))
    if kindred_steps:
        lost = [(key, s) for key, s in kindred_steps if s["lost"]]
        closed = sum(s["closes"].get("4408", 0) for _, s in kindred_steps)
        if lost:
            measured = "; ".join(
                f"({key}) {s['lost']:,} lost at {s['rate'] or 'many-rooms'}" for key, s in lost
            )
        else:
            measured = (
                f"0 lost in {len(kindred_steps)} Kindred steps (saturated ones included); "
                f"{closed} sockets closed with 4408 and resumed"
            )
        rows.append(
            [
                "Nothing lost below saturation; above it slow sockets closed with 4408 and "
                "clients resume, never silent loss",
                measured + quick,
                "met" if not lost else "**not met**",
            ]
        )
    f_row = shards.target_row(sc["f"]) if sc.get("f") else None
    if f_row is not None:
        rows.append(f_row)
    return rows


def write(results: dict[str, Any], path: Path) -> None:
    keep = _preserved(path)
    m = results["machine"]
    sc = results["scenarios"]
    minutes = results.get("seconds", 0) / 60
    out = ["# Performance", ""]
    out.append(
        "Generated by `bench/run.py` (see `bench/README.md`); every number below comes from "
        "the run described here, measured from outside the servers by separate "
        "load-generator processes. The two sections at the end are written by people and "
        "kept when the report is regenerated."
    )
    out.append("")
    out += ["## This run", ""]
    out.append(
        f"- Command: `{results['command']}`, as `make bench` runs it (with `DEBUG=0`, "
        "`SECURE_COOKIES=0` and a benchmark-only `SECRET_KEY`)."
    )
    daphne = " ".join(("daphne -b 127.0.0.1 -p PORT", *DAPHNE_FLAGS))
    if results.get("daphne_args"):
        daphne += " " + " ".join(results["daphne_args"])
        out.append(f"- Servers: `{daphne}` (an experiment: not the flags of `make run`).")
    else:
        out.append(f"- Servers: `{daphne}` (the flags of `make run` and the Procfile).")
    out.append(
        f"- Date: {results['started']} (UTC), {minutes:.1f} minutes, run id "
        f"`{results['run_id']}`" + (", **quick** (smoke check)" if results["quick"] else "") + "."
    )
    src = results.get("source_at_start")
    if src:
        changed = sorted(
            {v["digest"] for v in results.get("sources", {}).values()} | {src["digest"]}
        )
        out.append(
            f"- Code: commit `{src['commit']}`"
            + (
                f", with uncommitted changes in {len(src['dirty'])} application file(s)"
                if src["dirty"]
                else ", no uncommitted application changes"
            )
            + (
                f". **The application code changed during the run** (source digests "
                f"{', '.join(changed)}; per server: "
                + ", ".join(f"{k} {v['digest']}" for k, v in results["sources"].items())
                + "), so scenarios may not be comparable."
                if len(changed) > 1
                else f" (source digest `{src['digest']}`, unchanged during the run)."
            )
        )
    out.append(
        f"- Machine: {m['nproc']} cores (`nproc`), {m['cpu']}, {m['mem_gib']:.1f} GiB memory, "
        f"Linux {m['kernel']}, Python {m['python']}; "
        + ", ".join(f"{k} {v}" for k, v in m["versions"].items())
        + f"; PostgreSQL {m.get('postgresql', '?')}, Redis {m.get('redis', '?')}."
    )
    out.append(
        f"- Everything runs on this one machine: the daphne process(es), PostgreSQL, Redis and "
        f"{results['loadgens']} load-generator processes share the {m['nproc']} cores. "
        "Latencies are taken by the load generators (sender's `time.monotonic_ns` in the "
        "nonce vs receipt), so they include the generators' own queueing; the \"machine "
        'busy" and "load-gen CPU" columns show when the machine itself was the limit.'
    )
    out.append(
        "- Raised for the benchmark (and printed by it): "
        + ", ".join(f"`{k}={v}`" for k, v in results["raised"].items())
        + f". `DEBUG={results['debug']}`"
        + (
            "; also from the environment: "
            + ", ".join(f"`{k}={v}`" for k, v in results["env"].items())
            if results.get("env")
            else "; no other setting overridden (`CONN_MAX_AGE` etc. at their defaults)"
        )
        + ". Everything else is on as in production: every "
        "message is checked, sanitised, stored in PostgreSQL (a fresh database per scenario, "
        "cloned from a migrated and seeded template, dropped afterwards), published on Redis "
        "(its own `REDIS_PREFIX`, keys deleted afterwards), presence kept in Redis, and the "
        "moderation hook is in the message path."
    )
    out.append(
        "- Percentiles come from log-bucketed histograms (1 % resolution) of every sample. "
        "`lost` counts, per socket, acked messages never received (after waiting for "
        "deliveries to stop); `closes` are server closes by code; `send lag` is how late the "
        "generator's fixed schedule actually sent."
    )
    out.append("")
    rows = targets(results)
    if rows:
        out += ["## Targets", ""]
        out += _table(["target", "measured", "met?"], rows)
        out.append("")
    if sc.get("a"):
        out += _fanout_section("(a) Fan-out in one room", sc["a"], two=False)
    if sc.get("b"):
        out += _rooms_section(sc["b"])
    if sc.get("c"):
        out += _idle_section(sc["c"])
    if sc.get("d"):
        out += _fanout_section("(d) Two daphne processes on one Redis", sc["d"], two=True)
    if sc.get("e"):
        out += _storm_section(sc["e"])
    if sc.get("f"):
        out += shards.section(sc["f"])
    profile = sc.get("a", {}).get("kindred", {}).get("profile")
    connect = sc.get("c", {}).get("kindred", {}).get("setup", {}).get("connect_profile")
    if profile:
        out += _profile_section(profile, connect)
    elif connect:
        out += ["## Profile", "", *_connect_profile_section(connect)]
    for title in PRESERVED:
        out += [f"## {title}", ""]
        out.append(keep.get(title, "(To be written after a run: see the sections above.)"))
        out.append("")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(out).rstrip() + "\n")
