"""Databases, Redis prefixes and daphne processes for the benchmark.

One migrated and seeded *template* database is made per run; every scenario
gets a fresh database cloned from it (``CREATE DATABASE … TEMPLATE``), which is
dropped afterwards. Every server gets its own ``REDIS_PREFIX``, and only keys
under that prefix are deleted (SCAN + DEL, never FLUSHDB). Every daphne runs in
its own process group and is always stopped (SIGTERM, then SIGKILL).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx

from realtime.serving import daphne_command

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"

#: The limits the benchmark raises, and to what (printed at the start of a run).
RAISED_LIMITS = {
    "MESSAGE_RATE_LIMIT": "100000/1s",
    "SOCKET_FRAME_RATE": "100000",
    "KINDRED_FAST_HASH": "1",
}
#: Extra topic rooms for the many-rooms scenario (slugs bench-000 …).
BENCH_ROOMS = 200


APP_DIRS = ("community", "rooms", "moderation", "templates", "static")


def source_state() -> dict[str, object]:
    """Which application code a server runs: the commit, the app files that differ
    from it, and a digest of the app sources (so a change mid-run shows)."""
    digest = hashlib.sha256()
    for path in sorted(p for d in APP_DIRS for p in (ROOT / d).rglob("*") if p.is_file()):
        if "__pycache__" in path.parts:
            continue
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())

    def git(*args: str) -> str:
        result = subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=30, check=False
        )
        return result.stdout.strip()

    return {
        "commit": git("rev-parse", "--short", "HEAD") or "?",
        "dirty": git("status", "--porcelain", "--", *APP_DIRS).splitlines(),
        "digest": digest.hexdigest()[:12],
    }


#: Lets the benchmark read the servers' own timings (``GET /metrics/``).
METRICS_TOKEN = "kindred-bench-metrics"


def server_timings(port: int) -> dict[str, Any] | None:
    """A Kindred server's receipt→ack histogram so far (``Hist.to_json`` form), or
    None when it has none (the naive baseline)."""
    try:
        response = httpx.get(
            f"http://127.0.0.1:{port}/metrics/",
            headers={"Authorization": f"Bearer {METRICS_TOKEN}"},
            timeout=10,
        )
        return response.json()["send_ack"] if response.status_code == 200 else None
    except (httpx.HTTPError, ValueError, KeyError):
        return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def base_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.setdefault("DEBUG", "1")
    if env["DEBUG"] not in ("1", "true", "yes", "on") and not env.get("SECRET_KEY"):
        # A production-like server over plain HTTP on loopback.
        env["SECRET_KEY"] = secrets.token_urlsafe(50)
        env["SECURE_COOKIES"] = "0"
    env["PYTHONUNBUFFERED"] = "1"
    env.update(RAISED_LIMITS)
    return env


def _pg(admin_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql)


class Databases:
    """The template database and the per-scenario clones; drop() removes them all."""

    def __init__(self, admin_url: str, run_id: str) -> None:
        self.admin_url = admin_url
        self.run_id = run_id
        self.template = f"kindred_bench_{run_id}_tmpl"
        self.created: list[str] = []

    def url(self, name: str) -> str:
        return urlparse(self.admin_url)._replace(path=f"/{name}").geturl()

    def manage(self, db: str, *args: str) -> str:
        env = base_env()
        env["DATABASE_URL"] = self.url(db)
        env.pop("REDIS_URL", None)
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
        return result.stdout

    def make_template(self) -> None:
        _pg(self.admin_url, f'CREATE DATABASE "{self.template}"')
        self.created.append(self.template)
        self.manage(self.template, "migrate", "--noinput")
        self.manage(self.template, "seed_rooms")
        self.manage(
            self.template,
            "shell",
            "-c",
            "from rooms.models import Room; Room.objects.bulk_create("
            f"[Room(slug=f'bench-{{i:03d}}', title=f'Bench {{i}}', position=100 + i) "
            f"for i in range({BENCH_ROOMS})])",
        )

    def clone(self, label: str) -> str:
        name = f"kindred_bench_{self.run_id}_{label}"
        _pg(self.admin_url, f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        self.created.append(name)
        return name

    def drop(self, name: str) -> None:
        with contextlib.suppress(Exception):
            _pg(self.admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if name in self.created:
            self.created.remove(name)

    def drop_all(self) -> None:
        for name in list(reversed(self.created)):
            self.drop(name)


def redis_cleanup(redis_url: str, prefix: str) -> int:
    """Delete this prefix's keys only; returns how many."""
    import redis

    client = redis.Redis.from_url(redis_url)
    deleted = 0
    try:
        batch: list[bytes] = []
        for key in client.scan_iter(match=f"{prefix}:*", count=1000):
            batch.append(key)
            if len(batch) >= 500:
                deleted += client.delete(*batch)
                batch.clear()
        if batch:
            deleted += client.delete(*batch)
    finally:
        client.close()
    return deleted


class Daphne:
    """One daphne process (Kindred or the naive baseline) on a loopback port."""

    def __init__(
        self,
        name: str,
        app: str,
        env: dict[str, str],
        health_path: str,
        extra_args: list[str] | None = None,
    ) -> None:
        self.extra_args = extra_args or []
        self.name = name
        self.app = app
        self.env = env
        self.health_path = health_path
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        RESULTS.mkdir(parents=True, exist_ok=True)
        self.log_path = RESULTS / f"server-{name}.log"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self, timeout: float = 60) -> Daphne:
        log = open(self.log_path, "wb")  # noqa: SIM115 - handed to the child
        self.process = subprocess.Popen(
            daphne_command(port=self.port, extra=self.extra_args, app=self.app),
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited early; see {self.log_path}")
            try:
                url = f"http://127.0.0.1:{self.port}{self.health_path}"
                if httpx.get(url, timeout=3).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} not healthy after {timeout}s")
            time.sleep(0.2)

    def stop(self) -> None:
        proc = self.process
        if proc is None or proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=15)
