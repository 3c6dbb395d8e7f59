"""The Kindred benchmark: ``python -m bench.run [--scenario a,b,c,d,e,f] [--quick]``.

Run from the repository root with the project installed (``make install-dev``):
``bench`` is a directory of the checkout, not an installed package.

Runs each scenario against Kindred and against the naive Channels baseline
(bench/naive_asgi.py), side by side, measuring from outside the servers with
load-generator processes (bench/loadgen.py), and writes docs/performance.md
(``--quick`` writes bench/results/performance-quick.md unless ``--doc`` says
otherwise). Raw results go to bench/results/results-<scenarios>[-quick].json.

(a) fan-out: one room, the send rate stepped up until p99 > 100 ms or a loss.
(b) many rooms: connections spread over rooms, each member posting every
    10–60 s (seeded).
(c) idle capacity: sockets ramped up on one process; RSS per socket, idle CPU.
(d) two daphne processes on one Redis: (a) with the members split across both.
(e) reconnect storm: the process restarted under traffic (bench/storm.py).
(f) the sharded bus: a busy room's cost to a process with no socket in it
    (bench/shards.py), with BUS_SHARDS=16 and =1.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import queue
import resource
import shlex
import signal
import subprocess
import sys
import threading
import time
import traceback
import uuid
from pathlib import Path
from typing import Any

from bench import report, shards
from bench.servers import (
    METRICS_TOKEN,
    RAISED_LIMITS,
    RESULTS,
    ROOT,
    Daphne,
    Databases,
    base_env,
    redis_cleanup,
    server_timings,
    source_state,
)
from bench.stats import Hist, Sampler, machine_busy, proc_rss_kib

P99_LIMIT_MS = 100.0
ENV_REPORTED = (
    "CONN_MAX_AGE",
    "SOCKET_SEND_BUFFER_LIMIT",
    "PRESENCE_HEARTBEAT_SECONDS",
    "HISTORY_ON_CONNECT",
    "LOG_LEVEL",
)
ACK_RATE = 200


# --- load generator processes --------------------------------------------------------


class Loadgens:
    """The load-generator processes of one target, spoken to in JSON lines."""

    def __init__(
        self,
        label: str,
        kind: str,
        ports: list[int],
        conns: list[dict],
        nprocs: int,
        module: str = "bench.loadgen",
    ) -> None:
        self.procs: list[subprocess.Popen[bytes]] = []
        self.in_flight = False
        self.queues: list[queue.Queue[str | None]] = []
        total_senders = sum(1 for c in conns if c["sender"])
        for index in range(nprocs):
            mine = [c for c in conns if c["gid"] % nprocs == index]
            cfg = {
                "target": kind,
                "proc": index,
                "ports": ports,
                "conns": mine,
                "total_senders": total_senders,
            }
            cfg_path = RESULTS / f"loadgen-{label}-{index}.json"
            cfg_path.write_text(json.dumps(cfg))
            log = open(RESULTS / f"loadgen-{label}-{index}.log", "wb")  # noqa: SIM115
            proc = subprocess.Popen(
                [sys.executable, "-m", module, str(cfg_path)],
                cwd=ROOT,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                start_new_session=True,
            )
            log.close()
            lines: queue.Queue[str | None] = queue.Queue()
            threading.Thread(target=self._pump, args=(proc, lines), daemon=True).start()
            self.procs.append(proc)
            self.queues.append(lines)

    @staticmethod
    def _pump(proc: subprocess.Popen[bytes], lines: queue.Queue[str | None]) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line.decode())
        lines.put(None)

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.procs]

    def call(self, cmd: dict[str, Any], timeout: float) -> list[dict]:
        """Send a command to every process and wait for every reply."""
        self.send(cmd)
        return self.wait(cmd["cmd"], timeout)

    def send(self, cmd: dict[str, Any]) -> None:
        self.in_flight = True
        line = (json.dumps(cmd) + "\n").encode()
        for proc in self.procs:
            assert proc.stdin is not None
            proc.stdin.write(line)
            proc.stdin.flush()

    def wait(self, name: str, timeout: float) -> list[dict]:
        deadline = time.monotonic() + timeout
        replies = []
        for index, lines in enumerate(self.queues):
            try:
                line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                raise RuntimeError(f"load generator {index} did not answer {name}") from None
            if line is None:
                raise RuntimeError(f"load generator {index} exited; see bench/results/*.log")
            reply = json.loads(line)
            if not reply.get("ok"):
                raise RuntimeError(f"load generator {index} failed: {reply.get('error')}")
            replies.append(reply)
        self.in_flight = False
        return replies

    def close(self) -> None:
        # Interrupted mid-command: the processes would answer it before "quit".
        if not self.in_flight:
            with contextlib.suppress(Exception):
                self.call({"cmd": "quit"}, timeout=60)
        for proc in self.procs:
            try:
                proc.wait(timeout=0.1 if self.in_flight else 10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


# --- one target: its servers, database and Redis prefix -------------------------------


class Target:
    """Kindred (``kind="kindred"``) or the naive baseline, on *nservers* daphnes."""

    def __init__(
        self,
        ctx: Context,
        kind: str,
        label: str,
        nservers: int = 1,
        env: dict[str, str] | None = None,
    ) -> None:
        self.ctx = ctx
        #: Settings for this target's servers on top of the benchmark's own.
        self.env = env or {}
        self.kind = kind
        self.label = label
        self.nservers = nservers
        self.servers: list[Daphne] = []
        self.db: str | None = None
        self.prefix = f"kindred-bench-{ctx.run_id}-{label}"

    def __enter__(self) -> Target:
        try:
            env = base_env()
            env["REDIS_URL"] = self.ctx.redis_url
            env["REDIS_PREFIX"] = self.prefix
            env.update(self.env)
            if self.kind == "kindred":
                self.db = self.ctx.dbs.clone(self.label)
                env["DATABASE_URL"] = self.ctx.dbs.url(self.db)
                env["METRICS_TOKEN"] = METRICS_TOKEN
                app, health = "kindred.asgi:application", "/healthz"
            else:
                env.pop("DATABASE_URL", None)
                env["SQLITE_PATH"] = str(RESULTS / "naive-unused.sqlite3")
                app, health = "bench.naive_asgi:application", "/"
            self.source = source_state()
            self.ctx.sources[self.label] = self.source
            for index in range(self.nservers):
                server = Daphne(
                    f"{self.label}-{index}", app, env, health, self.ctx.args.daphne_args
                )
                self.servers.append(server)
                server.start()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        for server in self.servers:
            server.stop()
        with contextlib.suppress(Exception):
            redis_cleanup(self.ctx.redis_url, self.prefix)
        if self.db:
            self.ctx.dbs.drop(self.db)

    @property
    def ports(self) -> list[int]:
        return [s.port for s in self.servers]

    @property
    def pids(self) -> list[int]:
        return [s.pid for s in self.servers]


class Context:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.quick: bool = args.quick
        self.run_id = uuid.uuid4().hex[:8]
        self.redis_url = args.redis_url
        self.dbs = Databases(args.pg_url, self.run_id)
        self.nprocs: int = args.loadgens
        self.ncpu = len(os.sched_getaffinity(0))
        self.sources: dict[str, Any] = {}
        self.step = 0

    def next_step(self) -> int:
        self.step += 1
        return self.step


_T0 = time.monotonic()


def log(text: str) -> None:
    elapsed = int(time.monotonic() - _T0)
    print(f"[{elapsed // 60:02d}:{elapsed % 60:02d}] {text}", flush=True)


# --- measuring steps ---------------------------------------------------------------------


def sampler_for(target: Target, lg: Loadgens) -> Sampler:
    return Sampler(
        {
            "server": target.pids,
            "loadgen": lg.pids,
            "postgres": "postgres",
            "redis": "redis-server",
        }
    ).start()


def setup_target(
    ctx: Context,
    target: Target,
    conns: list[dict],
    ramp: list[float] | None = None,
    profile: Path | None = None,
    module: str = "bench.loadgen",
) -> tuple[Loadgens, dict[str, Any]]:
    """Start the load generators, create the members, open the sockets (with
    *profile*, py-spy records the server during the first 20 s of connecting)."""
    lg = Loadgens(target.label, target.kind, target.ports, conns, ctx.nprocs, module)
    info: dict[str, Any] = {"connections": len(conns)}
    replies = lg.call({"cmd": "members", "concurrency": 16}, timeout=1800)
    if target.kind == "kindred":
        created = sum(r["members"]["created"] for r in replies)
        seconds = max(r["members"]["seconds"] for r in replies)
        failures: dict[str, int] = {}
        for r in replies:
            for k, v in r["members"]["failures"].items():
                failures[k] = failures.get(k, 0) + v
        info["members"] = {
            "created": created,
            "seconds": seconds,
            "per_second": created / seconds if seconds else 0.0,
            "failures": failures,
        }
        log(f"    {created} members created in {seconds:.1f}s ({created / seconds:.0f}/s)")
    info["rss_before_sockets_kib"] = sum(
        (proc_rss_kib(pid) or 0) for pid in target.pids
    )  # after members, before sockets
    info["ramp"] = []
    handshake, welcome = Hist(), Hist()
    for index, upto in enumerate(ramp or [1.0]):
        spy = None
        if profile is not None and index == len(ramp or [1.0]) - 1 and py_spy_path().exists():
            log(f"    profiling the connect path with py-spy ({profile.relative_to(ROOT)})")
            spy = PySpy(target.pids[0], profile, "raw", 20, wall=True)
        t0 = time.monotonic()
        try:
            replies = lg.call(
                {"cmd": "connect", "upto": upto, "concurrency": ctx.args.connect_concurrency},
                timeout=3600,
            )
        finally:
            if spy is not None:
                spy.finish()
        seconds = time.monotonic() - t0
        if spy is not None and profile.exists() and profile.stat().st_size:
            info["connect_profile"] = report.hotspots(profile.read_text())
        step_hs, step_wel = Hist(), Hist()
        failures = {}
        first: dict[str, int] = {}
        before: dict[str, int] = {}
        for r in replies:
            for k, v in r["connect"]["first_attempt_failures"].items():
                first[k] = first.get(k, 0) + v
            for k, v in r["connect"]["before_welcome"].items():
                before[k] = before.get(k, 0) + v
            step_hs.merge(Hist.from_json(r["connect"]["handshake"]))
            step_wel.merge(Hist.from_json(r["connect"]["welcome"]))
            for k, v in r["connect"]["failures"].items():
                failures[k] = failures.get(k, 0) + v
        handshake.merge(step_hs)
        welcome.merge(step_wel)
        time.sleep(0.5 if ctx.quick else 2.0)  # presence batches and buffers settle
        up = sum(r["connect"]["up"] for r in replies)
        row = {
            "upto": upto,
            "up": up,
            "attempted": sum(r["connect"]["attempted"] for r in replies),
            "seconds": seconds,
            "per_second": sum(r["connect"]["attempted"] for r in replies) / seconds,
            "failures": failures,
            "first_attempt_failures": first,
            "frames_before_welcome": before,
            "welcome": step_wel.summary(),
            "handshake": step_hs.summary(),
            "rss_kib": sum((proc_rss_kib(pid) or 0) for pid in target.pids),
        }
        info["ramp"].append(row)
        log(
            f"    sockets up {up}/{len(conns)} in {seconds:.1f}s; connect (to welcome) "
            f"p50 {report.ms(row['welcome']['p50_ms'])} p99 {report.ms(row['welcome']['p99_ms'])}"
            + (f"; failed at first {first}" if first else "")
            + (f"; failed after a retry {failures}" if failures else "")
        )
    info["handshake"] = handshake.summary()
    info["welcome"] = welcome.summary()
    info["up"] = info["ramp"][-1]["up"]
    return lg, info


def wait_quiet(ctx: Context) -> float:
    """Before a step: wait (up to --quiet-wait s) until the whole machine is under
    --quiet-below % busy for a second, so other people's work on a shared machine
    does not land in the numbers. Returns the busy % last seen."""
    deadline = time.monotonic() + ctx.args.quiet_wait
    told = False
    while True:
        b0 = machine_busy()
        time.sleep(1.0)
        b1 = machine_busy()
        busy = 100.0 * (b1[0] - b0[0]) / max(1.0, b1[1] - b0[1])
        if busy < ctx.args.quiet_below or time.monotonic() > deadline:
            if told:
                log(f"      (machine at {busy:.0f} % busy; going ahead)")
            return busy
        if not told:
            log(f"      waiting for the machine to quiet down ({busy:.0f} % busy)")
            told = True


def run_step(
    ctx: Context,
    target: Target,
    lg: Loadgens,
    *,
    rate: float | None,
    duration: float,
    schedule: dict[str, Any],
    recipients: int | None,
    label: str = "",
    during: Any = None,
) -> dict[str, Any]:
    """A step, run again (up to --retries times) when it failed while other
    processes on the machine used more than --noisy % of a core; the discarded
    attempts are kept in the result."""
    discarded = []
    while True:
        result = _run_step(
            ctx,
            target,
            lg,
            rate=rate,
            duration=duration,
            schedule=schedule,
            recipients=recipients,
            label=label,
            during=during,
        )
        noisy = result["other_cpu_pct"] > ctx.args.noisy
        # Not run again: a step expected to saturate (the extra send→ack step), and
        # one the server was still more than a minute behind on (saturated, not a blip).
        saturated = result["unacked"] > 0 or label.startswith(("extra", "warm-up"))
        final = result["passed"] or not noisy or saturated or ctx.quick
        if final or len(discarded) >= ctx.args.retries:
            result["discarded"] = discarded
            return result
        log(
            f"      (discarded: other processes used {result['other_cpu_pct']:.0f} % of a core "
            "during the step; running it again)"
        )
        discarded.append(
            {
                "other_cpu_pct": result["other_cpu_pct"],
                "latency": result["latency"],
                "ack": result["ack"],
                "lost": result["lost"],
                "deliveries_per_s": result["deliveries_per_s"],
            }
        )


def _run_step(
    ctx: Context,
    target: Target,
    lg: Loadgens,
    *,
    rate: float | None,
    duration: float,
    schedule: dict[str, Any],
    recipients: int | None,
    label: str = "",
    during: Any = None,
) -> dict[str, Any]:
    """One timed step: send on the schedule, drain, verify; returns the measurements."""
    settled = lg.call({"cmd": "settle", "timeout": 300.0}, timeout=400)
    if any(r["pending"] for r in settled):
        log(f"      (the server still owes {sum(r['pending'] for r in settled)} acks)")
    busy_before = None if ctx.quick else wait_quiet(ctx)
    step = ctx.next_step()
    start_ns = time.monotonic_ns() + 500_000_000
    sampler = sampler_for(target, lg)
    cmd = {
        "cmd": "run",
        "step": step,
        "start_ns": start_ns,
        "duration": duration,
        "rate": rate,
        **schedule,
    }
    extra = None
    timings_before = [server_timings(server.port) for server in target.servers]
    lg.send(cmd)
    try:
        if during is not None:
            extra = during(start_ns)
        replies = lg.wait("run", timeout=duration + 120)
    finally:
        if extra is not None:
            extra.finish()
    acked: dict[str, list[int]] = {}
    for r in replies:
        for room, keys in r["acked_keys"].items():
            acked.setdefault(room, []).extend(keys)
    verified = lg.call({"cmd": "verify", "acked": acked, "wait": 30.0}, timeout=120)
    sampler.stop()
    # The servers' own receipt→ack times for this step (Kindred only).
    server_ack = Hist()
    for server, before in zip(target.servers, timings_before, strict=True):
        after = server_timings(server.port)
        if before is not None and after is not None:
            server_ack.merge(Hist.between(before, after))
    sends_done = max(r["sends_done_ns"] for r in replies)
    last_recv = max(v["last_recv_ns"] for v in verified)
    window = sampler.window(start_ns, max(sends_done, last_recv))
    lat, ack, lag = Hist(), Hist(), Hist()
    for r in replies:
        lat.merge(Hist.from_json(r["latency"]))
        ack.merge(Hist.from_json(r["ack"]))
        lag.merge(Hist.from_json(r["lag"]))
    delivered = sum(v["delivered"] for v in verified)
    span_s = max(1e-9, (max(last_recv, sends_done) - start_ns) / 1e9)
    errors: dict[str, int] = {}
    closes: dict[str, int] = {}
    for r in replies:
        for k, v in r["errors"].items():
            errors[k] = errors.get(k, 0) + v
        for k, v in r["closes"].items():
            closes[k] = closes.get(k, 0) + v
    result = {
        "step": step,
        "label": label,
        "rate": rate,
        "duration_s": duration,
        "recipients": recipients,
        "sent": sum(r["sent"] for r in replies),
        "acked": sum(r["acked"] for r in replies),
        "unacked": sum(r["unacked"] for r in replies),
        "skipped_disconnected": sum(r["skipped_disconnected"] for r in replies),
        "errors": errors,
        "delivered": delivered,
        "deliveries_per_s": delivered / span_s,
        "offered_deliveries_per_s": (rate or 0) * (recipients or 0),
        "span_s": span_s,
        "lost": sum(v["lost"] for v in verified),
        "sockets_missing": sum(v["sockets_missing"] for v in verified),
        "dups": sum(r["dups"] for r in replies),
        "out_of_order": sum(r["out_of_order"] for r in replies),
        "closes": closes,
        "reconnects": sum(r["reconnects"] for r in replies),
        "resumed": sum(r["resumed"] for r in replies),
        "latency": lat.summary(),
        "ack": ack.summary(),
        "server_ack": server_ack.summary() if server_ack.n else None,
        "lag": lag.summary(),
        **window,
        "machine_busy_before_pct": busy_before,
    }
    ours = sum(window[f"{g}_cpu_pct"] for g in ("server", "loadgen", "postgres", "redis"))
    result["other_cpu_pct"] = max(0.0, window["machine_busy_pct"] * ctx.ncpu - ours)
    result["passed"] = (
        result["lost"] == 0
        and result["unacked"] == 0
        and not result["errors"]
        and result["skipped_disconnected"] == 0
        and (result["latency"]["p99_ms"] or 0) <= P99_LIMIT_MS
    )
    log("      " + report.step_line(result))
    return result


# --- profiling --------------------------------------------------------------------------


def py_spy_path() -> Path:
    return Path(sys.executable).with_name("py-spy")


class PySpy:
    """py-spy attached to the server for one step (non-blocking sampling)."""

    def __init__(self, pid: int, out: Path, fmt: str, duration: float, wall: bool) -> None:
        self.out = out
        exe = py_spy_path()
        cmd = [
            str(exe),
            "record",
            "--pid",
            str(pid),
            "--nonblocking",
            "--rate",
            "100",
            "--duration",
            str(int(duration)),
            "--format",
            fmt,
            "-o",
            str(out),
        ]
        if wall:
            cmd += ["--threads", "--idle"]
        self.log = open(out.with_suffix(out.suffix + ".log"), "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT)

    def finish(self) -> None:
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.log.close()


def profile_server(
    ctx: Context, target: Target, lg: Loadgens, rate: float, duration: float, recipients: int
) -> dict[str, Any]:
    exe = py_spy_path()
    if not exe.exists():
        log("    py-spy is not installed in the venv; skipping the profile")
        return {"skipped": "py-spy not installed (pip install py-spy)"}
    out: dict[str, Any] = {"rate": rate, "steps": []}
    for fmt, path, wall in (
        ("flamegraph", RESULTS / "profile.svg", False),
        ("raw", RESULTS / "profile.txt", True),
    ):
        log(f"    profiling at {rate:g} msgs/s with py-spy ({fmt} → {path.relative_to(ROOT)})")

        def during(start_ns: int, fmt: str = fmt, path: Path = path, wall: bool = wall):
            time.sleep(max(0.0, (start_ns - time.monotonic_ns()) / 1e9))
            return PySpy(target.pids[0], path, fmt, duration, wall)

        step = run_step(
            ctx,
            target,
            lg,
            rate=rate,
            duration=duration,
            schedule={"schedule": "fixed"},
            recipients=recipients,
            label=f"py-spy {fmt}",
            during=during,
        )
        out["steps"].append(step)
    raw = RESULTS / "profile.txt"
    if raw.exists() and raw.stat().st_size:
        try:
            out["hotspots"] = report.hotspots(raw.read_text())
        except Exception as exc:  # a report without hot spots beats no report
            log(f"    could not summarise {raw}: {exc!r}")
    return out


# --- scenarios ------------------------------------------------------------------------------


def fanout_conns(kind: str, members: int, senders: int, nservers: int, nprocs: int) -> list[dict]:
    room = "late-night" if kind == "kindred" else "fanout"
    # Senders spread evenly over the index range (so over processes and servers).
    every = max(1, members // senders)
    return [
        {
            "gid": i,
            "room": room,
            "server": (i // nprocs) % nservers,
            "sender": i % every == 0 and i // every < senders,
        }
        for i in range(members)
    ]


def scenario_fanout(ctx: Context, nservers: int, code: str) -> dict[str, Any]:
    quick = ctx.quick
    members = 40 if quick else ctx.args.members
    senders = 8 if quick else 20
    rates = [10.0, 25.0] if quick else ctx.args.rates
    duration = 2.0 if quick else ctx.args.step_seconds
    out: dict[str, Any] = {
        "params": {
            "members": members,
            "senders": senders,
            "rates": rates,
            "step_seconds": duration,
            "servers": nservers,
            "loadgen_processes": ctx.nprocs,
        }
    }
    for kind in ctx.args.targets:
        label = f"{code}-{kind}"
        log(f"  [{code}] {kind}: {nservers} daphne process(es), {members} members in one room")
        with Target(ctx, kind, label, nservers) as target:
            conns = fanout_conns(kind, members, senders, nservers, ctx.nprocs)
            lg, setup = setup_target(ctx, target, conns)
            try:
                recipients = setup["up"]
                # Warm-up, the same for both targets and not in the tables: the
                # first sends open database connections and warm caches.
                warmup = run_step(
                    ctx,
                    target,
                    lg,
                    rate=10.0,
                    duration=1.0 if quick else 3.0,
                    schedule={"schedule": "fixed"},
                    recipients=recipients,
                    label="warm-up",
                )
                steps = []
                failed_at = None
                first_failure = None
                for rate in rates:
                    step = run_step(
                        ctx,
                        target,
                        lg,
                        rate=rate,
                        duration=duration,
                        schedule={"schedule": "fixed"},
                        recipients=recipients,
                    )
                    steps.append(step)
                    if step["passed"]:
                        continue
                    first_failure = first_failure or rate
                    # A failed step is run once more: one slow send at a low rate fails
                    # a step (all its deliveries are late) without the server being
                    # saturated. Stepping stops when the repeat fails too; both rows
                    # are in the tables.
                    if quick or step["unacked"]:
                        failed_at = rate
                        break
                    log("      (failed; running the same rate once more)")
                    again = run_step(
                        ctx,
                        target,
                        lg,
                        rate=rate,
                        duration=duration,
                        schedule={"schedule": "fixed"},
                        recipients=recipients,
                        label="repeat",
                    )
                    steps.append(again)
                    if not again["passed"]:
                        failed_at = rate
                        break
                passing = [s for s in steps if s["passed"]]
                result: dict[str, Any] = {
                    "setup": setup,
                    "warmup": warmup,
                    "steps": steps,
                    "first_failure": first_failure,
                    "saturated_at": failed_at,
                    "best": max(passing, key=lambda s: s["rate"]) if passing else None,
                }
                if (
                    kind == "kindred"
                    and not quick
                    and not any(s["rate"] == ACK_RATE for s in steps)
                ):
                    log(f"    extra step at {ACK_RATE} msgs/s for the send→ack target")
                    result["ack_step"] = run_step(
                        ctx,
                        target,
                        lg,
                        rate=ACK_RATE,
                        duration=min(duration, 5.0),
                        schedule={"schedule": "fixed"},
                        recipients=recipients,
                        label="extra (send→ack target)",
                    )
                if kind == "kindred" and nservers == 1 and ctx.args.profile and not quick:
                    near = result["best"]["rate"] if result["best"] else rates[0]
                    result["profile"] = profile_server(ctx, target, lg, near, 20.0, recipients)
                status = lg.call({"cmd": "status"}, timeout=30)
                result["closes_total"] = status
            finally:
                lg.close()
        out[kind] = result
    return out


def scenario_rooms(ctx: Context) -> dict[str, Any]:
    quick = ctx.quick
    connections = 100 if quick else 2000
    rooms = 10 if quick else 200
    duration = 6.0 if quick else ctx.args.rooms_seconds
    schedule = {"schedule": "random", "min_gap": 10.0, "max_gap": 60.0, "seed": 20261122}
    out: dict[str, Any] = {
        "params": {
            "connections": connections,
            "rooms": rooms,
            "seconds": duration,
            "gap_s": [10, 60],
            "seed": schedule["seed"],
            "loadgen_processes": ctx.nprocs,
        }
    }
    for kind in ctx.args.targets:
        label = f"b-{kind}"
        log(f"  [b] {kind}: {connections} sockets over {rooms} rooms")
        with Target(ctx, kind, label) as target:
            prefix = "bench-" if kind == "kindred" else "naive-"
            conns = [
                {"gid": i, "room": f"{prefix}{i % rooms:03d}", "server": 0, "sender": True}
                for i in range(connections)
            ]
            lg, setup = setup_target(ctx, target, conns)
            try:
                step = run_step(
                    ctx,
                    target,
                    lg,
                    rate=None,
                    duration=duration,
                    schedule=schedule,
                    recipients=connections // rooms,
                )
                out[kind] = {"setup": setup, "step": step}
            finally:
                lg.close()
    return out


def scenario_idle(ctx: Context) -> dict[str, Any]:
    quick = ctx.quick
    connections = 200 if quick else ctx.args.idle_connections
    idle_s = 3.0 if quick else 30.0
    rooms = ["newcomers", "late-night", "alcohol", "opioids"]
    rooms += ["stimulants", "mental-health", "family-and-allies", "milestones"]
    ramp = [0.5, 1.0] if quick else [0.2, 0.4, 0.6, 0.8, 1.0]
    out: dict[str, Any] = {
        "params": {
            "connections": connections,
            "rooms": len(rooms),
            "idle_seconds": idle_s,
            "ramp": ramp,
            "loadgen_processes": ctx.nprocs,
            "client_ping_every_s": 20,
        }
    }
    for kind in ctx.args.targets:
        label = f"c-{kind}"
        log(f"  [c] {kind}: ramping to {connections} sockets on one process")
        with Target(ctx, kind, label) as target:
            conns = [
                {"gid": i, "room": rooms[i % len(rooms)], "server": 0, "sender": False}
                for i in range(connections)
            ]
            rss_start = sum((proc_rss_kib(pid) or 0) for pid in target.pids)
            spy_out = None
            if kind == "kindred" and ctx.args.profile and not quick:
                spy_out = RESULTS / "profile-connect.txt"
            lg, setup = setup_target(ctx, target, conns, ramp=ramp, profile=spy_out)
            try:
                time.sleep(1.0 if quick else 5.0)
                sampler = sampler_for(target, lg)
                t0 = time.monotonic_ns()
                time.sleep(idle_s)
                t1 = time.monotonic_ns()
                # The same again with the clients' pings paused (sockets stay open:
                # the last ping was under 20 s ago and the server allows 60 s), to
                # separate the server's own background work from answering pings.
                lg.call({"cmd": "pings", "on": False}, timeout=30)
                time.sleep(1.0)
                t2 = time.monotonic_ns()
                time.sleep(idle_s)
                t3 = time.monotonic_ns()
                lg.call({"cmd": "pings", "on": True}, timeout=30)
                sampler.stop()
                window = sampler.window(t0, t1)
                silent = sampler.window(t2, t3)
                status = lg.call({"cmd": "status"}, timeout=60)
                up = sum(s["up"] for s in status)
                rss_end = sum((proc_rss_kib(pid) or 0) for pid in target.pids)
                base = setup["rss_before_sockets_kib"]
                out[kind] = {
                    "setup": setup,
                    "rss_at_start_kib": rss_start,
                    "rss_before_sockets_kib": base,
                    "rss_idle_kib": rss_end,
                    "up_after_idle": up,
                    "rss_per_socket_kib": (rss_end - base) / up if up else None,
                    "idle": window,
                    "idle_no_pings": silent,
                    "status": status,
                }
                log(
                    f"    {up} sockets idle: server RSS {rss_end / 1024:.0f} MiB "
                    f"({out[kind]['rss_per_socket_kib'] or 0:.1f} KiB/socket over "
                    f"{base / 1024:.0f} MiB), idle CPU {window['server_cpu_pct']:.1f} % "
                    f"of a core over {idle_s:.0f}s ({silent['server_cpu_pct']:.1f} % with the "
                    "pings paused)"
                )
            finally:
                lg.close()
    return out


def scenario_storm(ctx: Context) -> dict[str, Any]:
    # bench/storm.py builds on this module; under `python -m bench.run` this module is
    # __main__, so it is registered under its name for storm's import to find.
    sys.modules.setdefault("bench.run", sys.modules[__name__])
    from bench.storm import scenario_storm

    return scenario_storm(ctx)


SCENARIOS = {
    "a": lambda ctx: scenario_fanout(ctx, 1, "a"),
    "b": scenario_rooms,
    "c": scenario_idle,
    "d": lambda ctx: scenario_fanout(ctx, 2, "d"),
    "e": scenario_storm,
    "f": shards.scenario,
}


# --- main --------------------------------------------------------------------------------


def raise_nofile() -> tuple[int, int]:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, 65536) if hard != resource.RLIM_INFINITY else 65536
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", default="a,b,c,d,e,f", help="comma-separated: a,b,c,d,e,f")
    parser.add_argument("--quick", action="store_true", help="a small version of each (<2 min)")
    parser.add_argument(
        "--targets",
        type=lambda s: [t.strip() for t in s.split(",") if t.strip()],
        default=["kindred", "naive"],
        help="kindred,naive (default both)",
    )
    parser.add_argument("--doc", help="where to write the report (default: see above)")
    parser.add_argument("--loadgens", type=int, default=2, help="load-generator processes (1–2)")
    parser.add_argument("--members", type=int, default=200, help="members in the fan-out room")
    parser.add_argument(
        "--rates",
        type=lambda s: [float(x) for x in s.split(",")],
        default=[
            *(1.0, 2.0, 5.0, 10.0, 25.0, 50.0, 100.0, 150.0),
            # The targets' rate and just above it, then on until saturation.
            *(200.0, 220.0, 250.0, 300.0, 350.0, 400.0, 500.0),
        ],
        help="fan-out send rates, msgs/s (comma-separated)",
    )
    parser.add_argument("--step-seconds", type=float, default=10.0)
    parser.add_argument(
        "--shards-rate", type=float, default=400.0, help="msgs/s into the busy room in (f)"
    )
    parser.add_argument("--rooms-seconds", type=float, default=120.0)
    parser.add_argument("--idle-connections", type=int, default=5000)
    parser.add_argument(
        "--storm-sockets", type=int, help="sockets in the reconnect storm (e): 5000, 300 quick"
    )
    parser.add_argument("--no-profile", dest="profile", action="store_false")
    parser.add_argument(
        "--connect-concurrency",
        type=int,
        default=16,
        help="sockets each load generator opens at once (daphne drops a handshake the "
        "application has not accepted within 5 s)",
    )
    parser.add_argument(
        "--quiet-below",
        type=float,
        default=15.0,
        help="before each step, wait until the machine is less busy than this (%% of all cores)",
    )
    parser.add_argument("--quiet-wait", type=float, default=120.0, help="…for at most this long")
    parser.add_argument(
        "--noisy",
        type=float,
        default=25.0,
        help="a failed step during which other processes used more than this %% of a core "
        "is run again (see --retries)",
    )
    parser.add_argument("--retries", type=int, default=3)
    parser.add_argument(
        "--daphne-args",
        type=shlex.split,
        default=[],
        help='extra daphne flags for an experiment, e.g. "--ping-interval 60" (the '
        "default is the flags of the Makefile and Procfile)",
    )
    parser.add_argument(
        "--from-results",
        metavar="JSON",
        help="only write the report again from saved raw results (no servers are started)",
    )
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/test"),
        help="an admin connection; scenario databases are created next to it and dropped",
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
    )
    args = parser.parse_args(argv)
    args.scenarios = [s.strip() for s in args.scenario.split(",") if s.strip()]
    unknown = [s for s in args.scenarios if s not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(unknown)}")
    if not args.targets or set(args.targets) - {"kindred", "naive"}:
        parser.error("--targets takes kindred, naive or both")
    if not 1 <= args.loadgens <= 2:
        parser.error("--loadgens must be 1 or 2")
    return args


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.from_results:
        saved = json.loads(Path(args.from_results).read_text())
        # The raw py-spy stacks of that run, when still there, summarised again.
        a_kindred = saved["scenarios"].get("a", {}).get("kindred", {})
        raw = RESULTS / "profile.txt"
        if a_kindred.get("profile") and raw.exists():
            a_kindred["profile"]["hotspots"] = report.hotspots(raw.read_text())
        c_setup = saved["scenarios"].get("c", {}).get("kindred", {}).get("setup", {})
        raw = RESULTS / "profile-connect.txt"
        if c_setup.get("connect_profile") and raw.exists():
            c_setup["connect_profile"] = report.hotspots(raw.read_text())
        doc = (
            Path(args.doc)
            if args.doc
            else (
                RESULTS / "performance-quick.md"
                if saved["quick"]
                else ROOT / "docs" / "performance.md"
            )
        )
        report.write(saved, doc)
        print(f"report: {doc}")
        return 0
    # Stop cleanly (servers, load generators, databases, Redis keys) on any of
    # these, also when started in the background with SIGINT ignored.
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(sig) is not signal.SIG_IGN:  # nohup stays nohup
            signal.signal(sig, _interrupt)
    RESULTS.mkdir(parents=True, exist_ok=True)
    nofile = raise_nofile()
    ctx = Context(args)
    command = "python -m bench.run" + (" " + shlex.join(sys.argv[1:]) if sys.argv[1:] else "")
    machine = report.machine_info()
    machine.update(report.service_versions(args.pg_url, args.redis_url))
    env = base_env()
    log(
        f"Kindred benchmark {ctx.run_id}: scenarios {','.join(args.scenarios)}"
        + (" (quick)" if args.quick else "")
    )
    log(f"  machine: {machine['nproc']} cores, {machine['cpu']}, {machine['mem_gib']:.1f} GiB")
    log(
        "  raised for the benchmark: "
        + ", ".join(f"{k}={v}" for k, v in RAISED_LIMITS.items())
        + f"; DEBUG={env['DEBUG']}; RLIMIT_NOFILE soft={nofile[0]}"
    )
    log(
        f"  load generator: {args.loadgens} OS process(es) on the same {machine['nproc']} cores "
        "as the server(s), PostgreSQL and Redis"
    )
    started = time.time()
    results: dict[str, Any] = {
        "run_id": ctx.run_id,
        "command": command,
        "quick": args.quick,
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine,
        "raised": RAISED_LIMITS,
        "debug": env["DEBUG"],
        "loadgens": args.loadgens,
        "daphne_args": args.daphne_args,
        "python": platform.python_version(),
        "source_at_start": source_state(),
        # Settings the servers inherit from this environment, when set.
        "env": {k: os.environ[k] for k in ENV_REPORTED if k in os.environ},
        "sources": ctx.sources,
        "scenarios": {},
    }
    try:
        log("  migrating a template database …")
        ctx.dbs.make_template()
        for name in args.scenarios:
            log(f"scenario {name}")
            try:
                results["scenarios"][name] = SCENARIOS[name](ctx)
            except Exception:
                # Servers are stopped by then; record the failure, go on with the rest.
                log(f"scenario {name} failed:\n{traceback.format_exc()}")
                results["failed"] = {**results.get("failed", {}), name: traceback.format_exc()}
    except KeyboardInterrupt as exc:
        log(f"interrupted ({exc or 'SIGINT'}); stopping servers and dropping databases")
        return 130
    finally:
        ctx.dbs.drop_all()
        results["seconds"] = time.time() - started
        suffix = "-quick" if args.quick else ""
        out = RESULTS / f"results-{''.join(args.scenarios)}{suffix}.json"
        out.write_text(json.dumps(results, indent=1))
        log(f"raw results: {out.relative_to(ROOT)}")
    doc = (
        Path(args.doc)
        if args.doc
        else (RESULTS / "performance-quick.md" if args.quick else ROOT / "docs" / "performance.md")
    )
    report.write(results, doc)
    log(f"report: {doc}")
    log(f"done in {time.time() - started:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
