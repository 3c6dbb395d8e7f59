"""Instructions per send, counted by valgrind: a figure the machine's speed can't move.

Usage (from the repository root; PostgreSQL and Redis as for the tests; valgrind
installed)::

    DEBUG=0 SECRET_KEY=bench-only python -m bench.send_instructions \\
        [--checkout before=/path/to/worktree] [--checkout after=.]

On this shared 2-core machine the same code's CPU per message moves by a
third between spells, so two commits' CPU can only be compared side by side,
and even then noisily. ``valgrind --tool=callgrind`` counts the instructions
the interpreter runs instead, which repeat to within a fraction of a per cent
whatever else the machine is doing. For each ``--checkout`` (``NAME=PATH``,
run with that checkout's own ``.venv``), this makes a migrated database,
then runs ``message_send`` for one member into the late-night room, the
benchmark's chat lines (``bench.loadgen.BODIES``, the same for every checkout) in
turn, once 50 times and once 450 times under callgrind, and reports the
difference divided by 400: what one more send costs, without start-up.

Counted: the sending process with all its threads (the stage-2 hand-over
included). Not counted: PostgreSQL, Redis, and the crisis model's child
process (``--trace-children=no``), as in production where they are other
processes. Under valgrind a send is some fifty times slower, so stage 2's
batches hold one message each: the hand-over is counted at its unbatched cost.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

from bench.loadgen import BODIES

SHORT, LONG = 50, 450

# Run inside the measured checkout (its own interpreter, its own packages):
# only Django and that checkout's rooms and community apps are imported. The
# chat lines are this checkout's, written into the script, so an older
# checkout is measured on exactly the same text.
_SENDER = f"""
import sys, uuid
import django
django.setup()
from community.models import Member
from rooms.seed import seed_rooms
from rooms.services import message_send
BODIES = {BODIES!r}
seed_rooms()
member = Member.objects.create_user("Cg" + uuid.uuid4().hex[:8])
tag = uuid.uuid4().hex[:6]
for i in range(int(sys.argv[1])):
    message_send(member_id=member.pk, room_slug="late-night",
                 body=BODIES[i % len(BODIES)], nonce=f"{{tag}}{{i}}")
try:
    from moderation import stage2
except ImportError:
    pass
else:
    stage2.wait_idle(60)
"""

_TOTAL = re.compile(r"^(?:summary|totals): (\d+)", re.MULTILINE)


def _settings_module(checkout: Path) -> str:
    # Before the structure issue the project's settings lived in the members app.
    if (checkout / "kindred" / "settings").exists():
        return "kindred.settings"
    return "community.settings"


def _instructions(checkout: Path, env: dict[str, str], sends: int, workdir: Path) -> int:
    out = workdir / f"callgrind.{sends}.out"
    script = workdir / "sender.py"
    script.write_text(_SENDER)
    subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--trace-children=no",
            f"--callgrind-out-file={out}",
            str(checkout / ".venv" / "bin" / "python"),
            str(script),
            str(sends),
        ],
        cwd=checkout,
        env={**env, "PYTHONPATH": str(checkout)},
        check=True,
        capture_output=True,
    )
    return int(_TOTAL.search(out.read_text(errors="replace")).group(1))


def measure(checkout: Path, admin_url: str, redis_url: str) -> float:
    from bench.servers import RAISED_LIMITS
    from devserver.databases import create_database, drop_database

    db = f"kindred_instr_{uuid.uuid4().hex[:8]}"
    url = create_database(admin_url, db)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": redis_url,
        "REDIS_PREFIX": db,
        **RAISED_LIMITS,
        "DJANGO_SETTINGS_MODULE": _settings_module(checkout),
        "PYTHONHASHSEED": "0",
    }
    try:
        subprocess.run(
            [str(checkout / ".venv" / "bin" / "python"), "manage.py", "migrate", "--noinput"],
            cwd=checkout,
            env=env,
            check=True,
            capture_output=True,
        )
        with tempfile.TemporaryDirectory() as tmp:
            short = _instructions(checkout, env, SHORT, Path(tmp))
            long = _instructions(checkout, env, LONG, Path(tmp))
    finally:
        drop_database(admin_url, db)
    return (long - short) / (LONG - SHORT)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--checkout",
        action="append",
        metavar="NAME=PATH",
        help="a checkout to measure with its own .venv (default: this one)",
    )
    parser.add_argument("--admin-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args()
    checkouts = [c.split("=", 1) for c in args.checkout or ["this=."]]
    print(f"instructions per send ({LONG} - {SHORT} sends, callgrind)")
    print("| checkout | instructions per send |")
    print("| --- | ---: |")
    for name, path in checkouts:
        per_send = measure(Path(path).resolve(), args.admin_url, args.redis_url)
        print(f"| {name} | {per_send / 1e6:.2f} million |", flush=True)


if __name__ == "__main__":
    sys.exit(main())
