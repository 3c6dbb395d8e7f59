"""CPU per connect in the server process: a burst of room sockets until ``welcome``.

Usage (from the repository root; PostgreSQL and Redis as for the tests)::

    DEBUG=0 SECRET_KEY=bench-only python -m bench.connect_cpu [--sockets 300] \\
        [--at-once 50] [--rounds 3] [--server before=/path/to/other/checkout]

On the shared 2-core machine a burst's wall-clock rate measures the scheduler
as much as the code; the CPU the server spends on it does not. This makes a
database of its own (migrated, rooms seeded, ``--history`` messages in the room,
one member and signed-in session per socket, made in this process), starts one
daphne per ``--server`` (``NAME=CHECKOUT``: the same command, run from another
checkout, e.g. a worktree of the code before a change; default: this one), and
per round, alternating between servers, opens ``--sockets`` sockets to the room
``--at-once`` at a time, waits for each ``welcome``, waits for the server to go
quiet (what a connect sets off afterwards, such as presence fan-out, counts
too), and reads the server's CPU (user + system, all threads) from
/proc/PID/stat before and after. The sockets are then closed (not measured).

A last round per server runs under ``py-spy record --threads --gil --format raw``
(no ``--idle``; ``--gil`` samples only the thread holding the interpreter lock,
so a thread waiting for it is not counted where it happens to stand),
summarised to the top functions; the raw profiles are kept in
bench/results/connect-cpu-NAME.txt.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

from websockets.exceptions import WebSocketException

from bench.report import _idle, thread_group
from bench.servers import RESULTS, base_env, redis_cleanup
from devserver import ROOT, create_database, drop_database, manage
from devserver import Daphne as _Daphne

ROOM = "late-night"


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of *pid*, all its threads."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def settle(pid: int, quiet: float = 0.02, every: float = 0.5, limit: float = 20) -> float:
    """Wait until *pid* spends under *quiet* CPU seconds in *every* seconds; its CPU then."""
    deadline = time.monotonic() + limit
    before = process_cpu(pid)
    while True:
        time.sleep(every)
        now = process_cpu(pid)
        if now - before < quiet or time.monotonic() > deadline:
            return now
        before = now


# --- preparing the database (in this process) -------------------------------------------


def prepare(sockets: int, history: int) -> list[str]:
    """Rooms, *history* messages in the room, and one signed-in member per socket;
    their session cookies."""
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from community.models import Member
    from rooms.seed import seed_rooms
    from rooms.services import message_send

    seed_rooms()
    authors = [Member.objects.create_user(f"Hist{uuid.uuid4().hex[:10]}") for _ in range(5)]
    for i in range(history):
        body = f"Message {i}: one day at a time, and today was a good one."
        message_send(member_id=authors[i % 5].pk, room_slug=ROOM, body=body, nonce=f"h{i}")
    cookies = []
    for _ in range(sockets):
        member = Member.objects.create_user(f"Conn{uuid.uuid4().hex[:10]}")
        client = Client()
        client.force_login(member)
        cookies.append(
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        )
    return cookies


# --- the burst ---------------------------------------------------------------------------------


async def _open(url: str, origin: str, cookie: str) -> Any:
    from websockets.asyncio.client import connect

    ws = await connect(
        url,
        origin=origin,
        additional_headers={"Cookie": cookie},
        compression=None,
        open_timeout=120,
        ping_interval=None,
        max_size=2**24,
    )
    async with asyncio.timeout(120):
        while True:
            frame = json.loads(await ws.recv())
            if frame.get("type") == "welcome":
                return ws


async def burst(port: int, cookies: list[str], at_once: int) -> tuple[list[Any], float, int]:
    """Every socket open and welcomed: the sockets, the seconds it took and how many
    attempts failed (retried, as clients do, up to three times)."""
    sem = asyncio.Semaphore(at_once)
    url, origin = f"ws://127.0.0.1:{port}/ws/rooms/{ROOM}/", f"http://127.0.0.1:{port}"
    failed = 0

    async def one(cookie: str) -> Any:
        nonlocal failed
        for attempt in range(3):
            async with sem:
                try:
                    return await _open(url, origin, cookie)
                except (OSError, TimeoutError, WebSocketException):
                    if attempt == 2:
                        raise
                    failed += 1
            await asyncio.sleep(1)

    started = time.monotonic()
    sockets = await asyncio.gather(*(one(c) for c in cookies))
    return sockets, time.monotonic() - started, failed


async def close_all(sockets: list[Any]) -> None:
    await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)


def measure(server: Daphne, cookies: list[str], at_once: int) -> dict[str, float]:
    pid = server.pid
    cpu0 = settle(pid)
    sockets, seconds, failed = asyncio.run(burst(server.port, cookies, at_once))
    cpu1 = settle(pid)
    asyncio.run(close_all(sockets))
    settle(pid)
    return {"cpu_ms": (cpu1 - cpu0) / len(cookies) * 1000, "seconds": seconds, "failed": failed}


# --- py-spy ---------------------------------------------------------------------------------------


def profiled(server: Daphne, cookies: list[str], at_once: int, out: Path) -> None:
    exe = Path(sys.executable).with_name("py-spy")
    settle(server.pid)
    spy = subprocess.Popen(
        [
            str(exe),
            "record",
            "--pid",
            str(server.pid),
            "--threads",
            "--gil",
            "--rate",
            "200",
            "--format",
            "raw",
            "-o",
            str(out),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(1.0)  # py-spy attaches before the burst starts
    sockets, _, _ = asyncio.run(burst(server.port, cookies, at_once))
    settle(server.pid)
    spy.send_signal(signal.SIGINT)
    spy.wait(timeout=60)
    asyncio.run(close_all(sockets))
    settle(server.pid)


#: Leaf frames that wait for PostgreSQL or Redis to answer: not CPU, though py-spy
#: (whose idle detection misses these) samples them.
WAITING = ("Connection.wait (psycopg/", "SocketBuffer._read_from_socket (redis/")


def summarise(raw: str, top: int = 25) -> str:
    """Where the server's CPU went: per thread group, then the top functions (self and
    inclusive). py-spy samples idle threads here even without ``--idle``, so waiting
    stacks are left out as bench.report does, and so are waits for an answer."""
    groups: Counter[str] = Counter()
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = waiting = 0
    for line in raw.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [re.sub(r":\d+\)$", ")", f.strip()) for f in stack.split(";")]
        thread = "?"
        if frames and frames[0].startswith("thread"):
            thread = frames.pop(0).split(": ", 1)[-1].strip("()'\" ")
        if not frames or _idle(frames):
            continue
        if frames[-1].startswith(WAITING):
            waiting += count
            continue
        total += count
        groups[thread_group(thread)] += count
        own[frames[-1]] += count
        for fn in set(frames):
            inclusive[fn] += count
    lines = [f"{total} working samples (and {waiting} waiting for PostgreSQL or Redis)"]
    lines += [f"  {n / total:6.1%}  {g}" for g, n in groups.most_common()]
    lines.append("self:")
    lines += [f"  {n / total:6.1%}  {f}" for f, n in own.most_common(top)]
    lines.append("inclusive (threading, asyncio, asgiref, Twisted and daphne left out):")
    plumbing = r"threading|concurrent/|asgiref|asyncio|twisted|daphne|runpy|channels/"
    lines += [
        f"  {n / total:6.1%}  {f}"
        for f, n in inclusive.most_common(top * 4)
        if not re.search(plumbing, f)
    ][:top]
    return "\n".join(lines)


# --- servers ---------------------------------------------------------------------------


class Daphne(_Daphne):
    """daphne run from *checkout* (this checkout by default), with this interpreter."""

    def __init__(self, name: str, checkout: Path, env: dict[str, str]) -> None:
        super().__init__(env, name=name, own_session=True)
        self.checkout = checkout

    def start(self, timeout: float = 60) -> Daphne:
        from devserver.waiting import wait_until
        from realtime.serving import daphne_command

        command = daphne_command(port=self.port)
        # Each checkout's own virtualenv when it has one: a change of dependencies
        # (hiredis, say) is then part of what is compared.
        own_python = self.checkout / ".venv" / "bin" / "python"
        if own_python.exists():
            command[0] = str(own_python)
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                command,
                cwd=self.checkout,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_until(self._healthy, timeout=timeout, what=f"{self.name} on port {self.port}")
        return self


def print_table(results: dict[str, list[dict[str, float]]], args: argparse.Namespace) -> None:
    print(
        f"{args.sockets} sockets per round, {args.at_once} at a time, {args.rounds} rounds; "
        f"history {args.history}; server CPU per connect (user + system, all threads)"
    )
    print(
        "| server | CPU per connect, ms (each round) | median "
        "| burst wall time, s (noisy) | failed attempts (retried) |"
    )
    print("| --- | --- | ---: | --- | --- |")
    for label, rounds in results.items():
        cpu = [r["cpu_ms"] for r in rounds]
        walls = " / ".join(f"{r['seconds']:.1f}" for r in rounds)
        failed = " / ".join(str(r["failed"]) for r in rounds)
        print(
            f"| {label} | {' / '.join(f'{c:.2f}' for c in cpu)} | "
            f"{sorted(cpu)[len(cpu) // 2]:.2f} | {walls} | {failed} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sockets", type=int, default=300)
    parser.add_argument("--at-once", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--history", type=int, default=60)
    parser.add_argument("--server", action="append", default=[], metavar="NAME=CHECKOUT")
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--admin-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args()
    checkouts = {"this": ROOT}
    if args.server:
        checkouts = {k: Path(v).resolve() for k, v in (s.split("=", 1) for s in args.server)}

    name = f"kindred_connect_cpu_{uuid.uuid4().hex[:8]}"
    url = create_database(args.admin_url, name)
    env = {
        **base_env(),
        "DATABASE_URL": url,
        "REDIS_URL": args.redis_url,
        "REDIS_PREFIX": name,
        "DJANGO_SETTINGS_MODULE": "kindred.settings",
    }
    servers: dict[str, Daphne] = {}
    try:
        manage(env, "migrate", "--noinput")
        os.environ.update(env)
        cookies = prepare(args.sockets, args.history)
        for label, checkout in checkouts.items():
            # A Redis prefix each: one server's presence is not the other's.
            servers[label] = Daphne(label, checkout, {**env, "REDIS_PREFIX": f"{name}_{label}"})
            servers[label].start()
        for server in servers.values():  # warm-up: imports, pooled connections, caches
            measure(server, cookies[: args.at_once], args.at_once)
        results: dict[str, list[dict[str, float]]] = {k: [] for k in servers}
        for _ in range(args.rounds):
            for label, server in servers.items():
                results[label].append(measure(server, cookies, args.at_once))
        print_table(results, args)
        if not args.no_profile:
            RESULTS.mkdir(parents=True, exist_ok=True)
            for label, server in servers.items():
                out = RESULTS / f"connect-cpu-{label}.txt"
                profiled(server, cookies, args.at_once, out)
                print(f"\n## py-spy, {label} ({out.relative_to(ROOT)})")
                print(summarise(out.read_text()))
    finally:
        for server in servers.values():
            server.stop()
        for label in checkouts:
            redis_cleanup(args.redis_url, f"{name}_{label}")
        redis_cleanup(args.redis_url, name)
        drop_database(args.admin_url, name)


if __name__ == "__main__":
    main()
