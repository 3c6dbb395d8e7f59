"""A primary, a replica and three Redis Sentinels on loopback, for failover tests.

Each process is private to the test (free ports, temporary directories, no
persistence); the sentinels watch the primary under the name ``kindred`` and
promote the replica within a few seconds of the primary's death.
"""

from __future__ import annotations

import contextlib
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

import redis

from devserver import free_port, wait_until
from tests.faults.redisproc import PrivateRedis

REDIS_SENTINEL = shutil.which("redis-sentinel")
MASTER = "kindred"


def sentinel_missing() -> str | None:
    if REDIS_SENTINEL is None:
        return "redis-sentinel is not installed (apt-get install redis-sentinel)"
    return None


class SentinelCluster:
    def __init__(self, sentinels: int = 3) -> None:
        self.primary = PrivateRedis()
        self.replica = PrivateRedis("--replicaof", "127.0.0.1", str(self.primary.port))
        self.ports = [free_port() for _ in range(sentinels)]
        self._dir = tempfile.TemporaryDirectory(prefix="kindred-sentinel-")
        self.processes: list[subprocess.Popen[bytes]] = []

    @property
    def hosts(self) -> str:
        """What REDIS_SENTINELS is set to."""
        return ",".join(f"127.0.0.1:{port}" for port in self.ports)

    def start(self) -> SentinelCluster:
        self.primary.start()
        self.replica.start()
        wait_until(self._replica_in_sync, timeout=20, what="the replica to sync")
        for port in self.ports:
            self._start_sentinel(port)
        wait_until(self._sentinels_agree, timeout=30, what="the sentinels to see everyone")
        return self

    def _start_sentinel(self, port: int) -> None:
        config = Path(self._dir.name) / f"sentinel-{port}.conf"
        config.write_text(
            f"port {port}\nbind 127.0.0.1\ndir {self._dir.name}\n"
            f"sentinel monitor {MASTER} 127.0.0.1 {self.primary.port} 2\n"
            f"sentinel down-after-milliseconds {MASTER} 1000\n"
            f"sentinel failover-timeout {MASTER} 10000\n"
            f"sentinel parallel-syncs {MASTER} 1\n"
        )
        log = open(Path(self._dir.name) / f"sentinel-{port}.log", "ab")  # noqa: SIM115
        try:
            self.processes.append(
                subprocess.Popen(
                    [REDIS_SENTINEL, str(config)], stdout=log, stderr=subprocess.STDOUT
                )
            )
        finally:
            log.close()

    def _replica_in_sync(self) -> bool:
        info = redis.Redis(port=self.replica.port, socket_timeout=1).info("replication")
        return info.get("master_link_status") == "up"

    def _sentinel(self, port: int) -> redis.Redis:
        return redis.Redis(port=port, socket_timeout=1, socket_connect_timeout=1)

    def _sentinels_agree(self) -> bool:
        try:
            for port in self.ports:
                state = self._sentinel(port).sentinel_master(MASTER)
                if state["num-other-sentinels"] < len(self.ports) - 1 or state["num-slaves"] < 1:
                    return False
        except redis.RedisError:
            return False
        return True

    def primary_port(self) -> int | None:
        """The primary's port as the sentinels see it now."""
        try:
            _host, port = self._sentinel(self.ports[0]).sentinel_get_master_addr_by_name(MASTER)
        except (redis.RedisError, TypeError):
            return None
        return int(port)

    def kill_primary(self) -> None:
        self.primary.kill()

    def logs(self) -> str:
        return "\n".join(p.read_text()[-3000:] for p in Path(self._dir.name).glob("*.log"))

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                process.wait(timeout=10)
        self.primary.stop()
        self.replica.stop()
        with contextlib.suppress(OSError):
            self._dir.cleanup()
