"""The README's staff commands work exactly as written, from a fresh clone's shell.

The lines are read from README.md's own code block and run by bash in the project
folder, with none of the test run's settings in the environment (no DEBUG, no
SECRET_KEY, no DATABASE_URL), the password typed on standard input as a person
would type it at the prompt. Only the SQLite file is moved to a temporary folder
(``SQLITE_PATH``), migrated first as ``make run`` does, so the developer's own
``db.sqlite3`` is never touched.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DROPPED = ("DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")


def readme_line(command: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", text, flags=re.S)
    lines = [line for block in blocks for line in block.splitlines() if command in line]
    assert len(lines) == 1, lines
    return lines[0]


@pytest.fixture(scope="module")
def fresh_env(tmp_path_factory):
    env = {k: v for k, v in os.environ.items() if k not in DROPPED and not k.startswith("KINDRED")}
    env["SQLITE_PATH"] = str(tmp_path_factory.mktemp("readme") / "db.sqlite3")
    python = ROOT / ".venv" / "bin" / "python"
    if not python.exists():
        pytest.skip("no .venv here: the README's commands follow `make run`")
    subprocess.run(
        [str(python), "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env={**env, "DEBUG": "1"},
        check=True,
        capture_output=True,
        timeout=300,
    )
    return env


def run(line: str, env: dict[str, str], typed: str) -> subprocess.CompletedProcess:
    # A session of its own has no terminal: getpass reads what is typed on stdin.
    return subprocess.run(
        ["bash", "-c", line],
        cwd=ROOT,
        env=env,
        input=typed,
        capture_output=True,
        text=True,
        timeout=120,
        start_new_session=True,
    )


def test_createfacilitator_works_as_the_readme_writes_it(fresh_env):
    line = readme_line("createfacilitator")
    done = run(line, fresh_env, "quiet-harbour-lantern-4821\n" * 2)
    assert done.returncode == 0, done.stderr
    assert "Created facilitator NightOwl." in done.stdout

    # The same line without the README's DEBUG=1 is what failed before.
    bare = run(line.replace("DEBUG=1 ", ""), fresh_env, "x\nx\n")
    assert bare.returncode != 0 and "SECRET_KEY must be set" in bare.stderr


def test_createsupporter_refuses_a_weak_password_and_says_when_it_promotes(fresh_env):
    line = readme_line("createsupporter")
    weak = run(line, fresh_env, "password\npassword\n")
    assert weak.returncode != 0 and "too common" in weak.stderr

    promote = line.replace("KindLark", "NightOwl").replace("createsupporter ", "createsupporter")
    done = run(promote, fresh_env, "steady-willow-evening-5521\n" * 2)
    assert done.returncode == 0, done.stderr
    assert "already existed as a facilitator and is now a supporter" in done.stdout
    assert "every session of theirs has ended" in done.stdout
