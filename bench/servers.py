"""Databases, Redis prefixes and daphne processes for the benchmark.

One migrated and seeded *template* database is made per run; every scenario
gets a fresh database cloned from it (``CREATE DATABASE … TEMPLATE``), which is
dropped afterwards. Every server gets its own ``REDIS_PREFIX``, and only keys
under that prefix are deleted (SCAN + DEL, never FLUSHDB). Every daphne runs in
its own process group and is always stopped (SIGTERM, then SIGKILL).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import subprocess
from typing import Any

import httpx

from devserver import (
    ROOT,
    create_database,
    database_url,
    delete_keys,
    drop_database,
    manage,
)
from devserver import Daphne as _Daphne

RESULTS = ROOT / "bench" / "results"

#: The limits the benchmark raises, and to what (printed at the start of a run).
RAISED_LIMITS = {
    "MESSAGE_RATE_LIMIT": "100000/1s",
    "SOCKET_FRAME_RATE": "100000",
    "KINDRED_FAST_HASH": "1",
    "SESSIONS_CREATED_PER_HOUR": "0",
    "TRUST_MIN_HOURS": "0",
    "TRUST_MIN_MESSAGES": "0",
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


class Databases:
    """The template database and the per-scenario clones; drop_all() removes them all."""

    def __init__(self, admin_url: str, run_id: str) -> None:
        self.admin_url = admin_url
        self.run_id = run_id
        self.template = f"kindred_bench_{run_id}_tmpl"
        self.created: list[str] = []

    def url(self, name: str) -> str:
        return database_url(self.admin_url, name)

    def manage(self, db: str, *args: str) -> str:
        env = base_env()
        env["DATABASE_URL"] = self.url(db)
        env.pop("REDIS_URL", None)
        return manage(env, *args)

    def make_template(self) -> None:
        create_database(self.admin_url, self.template)
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
        create_database(self.admin_url, name, template=self.template)
        self.created.append(name)
        return name

    def drop(self, name: str) -> None:
        drop_database(self.admin_url, name)
        if name in self.created:
            self.created.remove(name)

    def drop_all(self) -> None:
        for name in list(reversed(self.created)):
            self.drop(name)


def redis_cleanup(redis_url: str, prefix: str) -> int:
    """Delete this prefix's keys only; returns how many."""
    return delete_keys(redis_url, f"{prefix}:*")


class Daphne(_Daphne):
    """One daphne process (Kindred or the naive baseline) on a loopback port, in a
    process group of its own, its output kept in bench/results/server-<name>.log."""

    def __init__(
        self,
        name: str,
        app: str,
        env: dict[str, str],
        health_path: str,
        extra_args: list[str] | None = None,
    ) -> None:
        RESULTS.mkdir(parents=True, exist_ok=True)
        super().__init__(
            env,
            app=app,
            health_path=health_path,
            extra_args=extra_args or (),
            log_path=RESULTS / f"server-{name}.log",
            own_session=True,
            name=name,
        )

    def start(self, timeout: float = 60) -> Daphne:
        super().start(timeout)
        return self
