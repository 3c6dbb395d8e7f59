"""CPU per send in the server process, by where crisis stage 2 runs.

Usage (from the repository root; PostgreSQL and Redis as for the tests)::

    DEBUG=0 SECRET_KEY=bench-only python -m bench.send_cpu [--messages 600] \\
        [--admin-url postgres://postgres@127.0.0.1:5432/postgres] [--redis-url redis://127.0.0.1:6379/0]

On the shared 2-core machine, latency measures the scheduler more than the
code; CPU time does not. This sends the bench's chat messages
(``bench.loadgen.BODIES``, all long enough for the model) through
``rooms.services.message_send`` into a database of its own, once per mode,
each mode in a fresh process, and reports the CPU each message cost:

* ``inline``: ``CRISIS_STAGE2_QUEUE=0``, the model in the sender's thread (as
  before stage 2 moved);
* ``thread``: ``CRISIS_STAGE2_PROCESS=0``, the model in the worker thread;
* ``process``: the default, the model in a child process.

Columns: the sender thread's CPU (``time.thread_time``, what holds up the
ack), the server process's CPU with all its threads (``time.process_time``,
what competes for the interpreter lock), and the model child's.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import uuid

from bench.servers import RAISED_LIMITS

MODES = {
    "inline": {"CRISIS_STAGE2_QUEUE": "0"},
    "thread": {"CRISIS_STAGE2_PROCESS": "0"},
    "process": {},
}


def _child_cpu(pid: int) -> float:
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_mode(messages: int) -> dict[str, float]:
    import django

    django.setup()
    from bench.loadgen import BODIES
    from community.models import Member
    from moderation import stage2
    from rooms.seed import seed_rooms
    from rooms.services import message_send

    seed_rooms()
    member = Member.objects.create_user(f"Cpu{uuid.uuid4().hex[:8]}")

    def send(i: int, tag: str) -> None:
        body = BODIES[i % len(BODIES)]
        message_send(member_id=member.pk, room_slug="late-night", body=body, nonce=f"{tag}{i}")

    for i in range(50):  # warm-up: connections, caches, the model child
        send(i, "w")
    stage2.wait_idle(60)
    child = stage2._worker_child
    if child is not None:
        child.wait_ready(60)
    child_pid = child.pid if child is not None else None
    child_before = _child_cpu(child_pid) if child_pid else 0.0
    thread0, process0 = time.thread_time(), time.process_time()
    for i in range(messages):
        send(i, "m")
    thread1 = time.thread_time()
    stage2.wait_idle(120)
    process1 = time.process_time()
    child_after = _child_cpu(child_pid) if child_pid else 0.0
    return {
        "sender_ms": (thread1 - thread0) / messages * 1000,
        "process_ms": (process1 - process0) / messages * 1000,
        "child_ms": (child_after - child_before) / messages * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=600)
    parser.add_argument("--admin-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--mode", choices=MODES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.mode:
        print(json.dumps(run_mode(args.messages)))
        return

    from devserver.databases import create_database, drop_database, manage

    name = f"kindred_send_cpu_{uuid.uuid4().hex[:8]}"
    url = create_database(args.admin_url, name)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": args.redis_url,
        "REDIS_PREFIX": name,
        # The benchmark's own (bench.servers): its new handles may post links.
        **RAISED_LIMITS,
        "DJANGO_SETTINGS_MODULE": "kindred.settings",
    }
    try:
        manage(env, "migrate", "--noinput")
        print(f"{args.messages} sends per mode; CPU per message, ms")
        print("| stage 2 | sender thread | server process (all threads) | model child |")
        print("| --- | ---: | ---: | ---: |")
        for mode, extra in MODES.items():
            out = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "bench.send_cpu",
                    "--mode",
                    mode,
                    "--messages",
                    str(args.messages),
                ],
                env={**env, **extra},
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            r = json.loads(out.strip().splitlines()[-1])
            print(
                f"| {mode} | {r['sender_ms']:.2f} | {r['process_ms']:.2f} | {r['child_ms']:.2f} |"
            )
    finally:
        drop_database(args.admin_url, name)


if __name__ == "__main__":
    main()
