"""A private ``redis-server`` on a free loopback port, for tests that break Redis.

The shared Redis on 6379 is never touched: a test starts its own server with no
persistence, kills it with SIGKILL when it wants an outage, and starts it again
on the same port (empty, as after a crash with no persistence).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

import redis

from devserver import free_port, wait_until

REDIS_SERVER = shutil.which("redis-server")


class PrivateRedis:
    def __init__(self, *extra: str) -> None:
        #: More redis-server arguments (a replica's ``--replicaof``).
        self.extra = extra
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self._dir = tempfile.TemporaryDirectory(prefix="kindred-redis-")
        self.log_path = Path(self._dir.name) / "redis.log"
        self.starts = 0

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> PrivateRedis:
        if REDIS_SERVER is None:
            raise RuntimeError("redis-server is not installed")
        log = open(self.log_path, "ab")  # noqa: SIM115 (handed to the child)
        try:
            self.process = subprocess.Popen(
                [
                    REDIS_SERVER,
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    self._dir.name,
                    *self.extra,
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        finally:
            log.close()
        self.starts += 1
        wait_until(self.answers, timeout=15, what=f"redis-server on port {self.port}")
        return self

    def answers(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise RuntimeError(f"redis-server exited early:\n{self.log_path.read_text()}")
        client = redis.Redis(port=self.port, socket_connect_timeout=1, socket_timeout=1)
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False
        finally:
            client.close()

    def kill(self) -> None:
        """SIGKILL: no goodbye to clients, nothing saved."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        self.kill()
        with contextlib.suppress(OSError):
            self._dir.cleanup()

    def __enter__(self) -> PrivateRedis:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def redis_server_missing() -> str | None:
    """Why a private Redis can't be started here, or None."""
    if REDIS_SERVER is None or not os.access(REDIS_SERVER, os.X_OK):
        return "redis-server is not installed (apt-get install redis-server)"
    return None
