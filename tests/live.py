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
import tempfile
import uuid
from pathlib import Path

import httpx
import websockets

from devserver import (
    Daphne,
    create_database,
    drop_database,
    manage,
    pg_execute,
)


def own_presence(database: LiveDatabase) -> dict[str, str]:
    """Settings that give the servers of one test a Redis prefix (bus, presence) of
    their own: counts of who is online then see no member an earlier test's killed
    process left live until its entries expire."""
    return {"REDIS_PREFIX": f"{database.env['REDIS_PREFIX']}-{uuid.uuid4().hex[:6]}"}


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
            self.env["DATABASE_URL"] = create_database(url, self.pg_name)
        else:
            self._tmp = tempfile.TemporaryDirectory(prefix="kindred-live-")
            self.env.pop("DATABASE_URL", None)
            self.env["SQLITE_PATH"] = str(Path(self._tmp.name) / "live.sqlite3")
        self.manage("migrate", "--noinput")
        self.manage("seed_rooms")

    def _pg_execute(self, sql: str) -> None:
        pg_execute(self.admin_url, sql)

    def manage(self, *args: str, input: str | None = None) -> str:
        return manage(self.env, *args, input=input, timeout=120)

    def drop(self) -> None:
        if self.pg_name:
            drop_database(self.admin_url, self.pg_name)
        if self._tmp is not None:
            self._tmp.cleanup()


class LiveServer(Daphne):
    """One daphne process serving kindred.asgi on a loopback port, with the live
    database's settings and *env* on top."""

    def __init__(self, database: LiveDatabase, **env: str) -> None:
        super().__init__({**database.env, **env})
        self.database = database


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


@contextlib.contextmanager
def logs_on_failure(*servers: LiveServer, tail: int = 60000):
    """Print the end of each server's output if the block fails (stop() deletes it)."""
    try:
        yield
    except BaseException:
        for server in servers:
            with contextlib.suppress(OSError):
                print(f"--- daphne on port {server.port} ---\n{server.output()[-tail:]}")
        raise
