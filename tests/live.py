"""Real daphne processes for the tests the in-process communicator cannot cover.

A :class:`LiveDatabase` is migrated once per test session (a PostgreSQL database
of its own when the run uses PostgreSQL, else an SQLite file); each
:class:`LiveServer` is one ``daphne`` process on a free loopback port, started
with the project's own flags, and waited for by polling ``/healthz``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

import httpx
import websockets

from realtime.serving import daphne_command

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition, *, timeout: float, interval: float = 0.05, what: str = "condition"):
    """Poll *condition* until it returns a truthy value; fail after *timeout* seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


class LiveDatabase:
    def __init__(self) -> None:
        self.run_id = uuid.uuid4().hex[:8]
        self.env = {
            k: v
            for k, v in os.environ.items()
            if k not in {"KINDRED_TEST_DB_NAME", "DJANGO_SETTINGS_MODULE", "DB_POOL_MAX_SIZE"}
        }
        self.env.update(DEBUG="1", PYTHONUNBUFFERED="1", KINDRED_FAST_HASH="1")
        self.env["REDIS_PREFIX"] = (
            f"{os.environ.get('REDIS_PREFIX', 'kindred-test')}-live-{self.run_id}"
        )
        url = os.environ.get("DATABASE_URL", "")
        self.pg_name = None
        self._tmp = None
        if url.startswith("postgres"):
            self.pg_name = f"test_kindred_live_{self.run_id}"
            self.admin_url = url
            self._pg_execute(f'CREATE DATABASE "{self.pg_name}"')
            parsed = urlparse(url)
            self.env["DATABASE_URL"] = parsed._replace(path=f"/{self.pg_name}").geturl()
        else:
            self._tmp = tempfile.TemporaryDirectory(prefix="kindred-live-")
            self.env.pop("DATABASE_URL", None)
            self.env["SQLITE_PATH"] = str(Path(self._tmp.name) / "live.sqlite3")
        self.manage("migrate", "--noinput")
        self.manage("seed_rooms")

    def _pg_execute(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(sql)

    def manage(self, *args: str, input: str | None = None) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            input=input,
            timeout=120,
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
        return result.stdout

    def drop(self) -> None:
        if self.pg_name:
            with contextlib.suppress(Exception):
                self._pg_execute(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')
        if self._tmp is not None:
            self._tmp.cleanup()


class LiveServer:
    """One daphne process serving kindred.asgi on a loopback port."""

    def __init__(self, database: LiveDatabase, **env: str) -> None:
        self.database = database
        self.port = free_port()
        self.env = {**database.env, **env}
        self.process: subprocess.Popen[bytes] | None = None
        fd, self.log_path = tempfile.mkstemp(prefix="kindred-daphne-", suffix=".log")
        self.log = os.fdopen(fd, "wb")

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self) -> LiveServer:
        self.process = subprocess.Popen(
            daphne_command(port=self.port),
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        wait_until(self._healthy, timeout=30, what=f"daphne on port {self.port}")
        return self

    def _healthy(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise RuntimeError(f"daphne exited early:\n{self.output()}")
        try:
            return httpx.get(f"{self.http}/healthz", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def output(self) -> str:
        return Path(self.log_path).read_text(errors="replace")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        self.kill(signal.SIGTERM)
        with contextlib.suppress(OSError):
            self.log.close()
            os.unlink(self.log_path)


class LiveMember:
    """A member who joined through the HTTP API, with their cookies."""

    def __init__(self, server: LiveServer, handle: str | None = None) -> None:
        self.server = server
        self.client = httpx.Client(base_url=server.http, timeout=10)
        self.client.get("/api/session/")
        body = {"handle": handle} if handle else {}
        response = self.client.post(
            "/api/session/",
            json=body,
            headers={"X-CSRFToken": self.client.cookies["csrftoken"]},
        )
        response.raise_for_status()
        self.handle = response.json()["handle"]

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.client.cookies.items())

    async def connect(self, path: str, server: LiveServer | None = None):
        server = server or self.server
        return await websockets.connect(
            f"{server.ws}{path}",
            additional_headers={"Cookie": self.cookie_header()},
            origin=f"http://127.0.0.1:{server.port}",
            compression=None,
            open_timeout=10,
        )


async def next_frame(ws, frame_type: str, timeout: float = 10) -> dict:
    """The next frame of *frame_type* (others are skipped)."""
    async with asyncio.timeout(timeout):
        while True:
            frame = json.loads(await ws.recv())
            if frame.get("type") == frame_type:
                return frame


# --- Added for the fault tests (tests/faults/) ---------------------------------------


def start_servers(*servers: LiveServer) -> list[LiveServer]:
    """Start several daphne processes at once (each waited for, as ``start()`` does).

    If any fails to come up, every one of them is stopped and the first error raised.
    """
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=len(servers)) as pool:
        futures = [pool.submit(server.start) for server in servers]
        errors = [future.exception() for future in futures]
    failed = [error for error in errors if error is not None]
    if failed:
        for server in servers:
            server.stop()
        raise failed[0]
    return list(servers)


async def wait_for(condition, *, timeout: float, interval: float = 0.05, what: str = "condition"):
    """The asyncio twin of :func:`wait_until`: poll without blocking the event loop."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(interval)


@contextlib.contextmanager
def logs_on_failure(*servers: LiveServer, tail: int = 6000):
    """Print the end of each server's output if the block fails (stop() deletes it)."""
    try:
        yield
    except BaseException:
        for server in servers:
            with contextlib.suppress(OSError):
                print(f"--- daphne on port {server.port} ---\n{server.output()[-tail:]}")
        raise
