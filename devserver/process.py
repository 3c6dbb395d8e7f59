"""One daphne process on a free loopback port, waited for until it answers."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import httpx

from devserver.waiting import wait_until
from realtime.serving import APPLICATION, daphne_command

#: The checkout the processes run in (``manage.py``, ``bench.naive_asgi``).
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Daphne:
    """``python -m daphne`` serving *app* with Kindred's flags on a free port.

    Its output goes to *log_path* (a temporary file, removed by ``stop()``, when
    none is given). With *own_session* it runs in a process group of its own,
    which signals reach as a whole and a terminal's Ctrl-C does not (the
    benchmark stops its servers itself); otherwise it shares the caller's.
    """

    def __init__(
        self,
        env: Mapping[str, str],
        *,
        app: str = APPLICATION,
        health_path: str = "/healthz",
        extra_args: Sequence[str] = (),
        log_path: Path | None = None,
        own_session: bool = False,
        name: str = "daphne",
    ) -> None:
        self.env = dict(env)
        self.app = app
        self.health_path = health_path
        self.extra_args = list(extra_args)
        self.own_session = own_session
        self.name = name
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self._temporary_log = log_path is None
        if log_path is None:
            fd, temporary = tempfile.mkstemp(prefix="kindred-daphne-", suffix=".log")
            os.close(fd)
            log_path = Path(temporary)
        self.log_path = log_path

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None, "not started"
        return self.process.pid

    def start(self, timeout: float = 30) -> Daphne:
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                daphne_command(port=self.port, extra=self.extra_args, app=self.app),
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=self.own_session,
            )
        wait_until(self._healthy, timeout=timeout, what=f"{self.name} on port {self.port}")
        return self

    def _healthy(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise RuntimeError(
                f"{self.name} exited early ({self.log_path}):\n{self.output()[-6000:]}"
            )
        try:
            return httpx.get(f"{self.http}{self.health_path}", timeout=3).status_code == 200
        except httpx.HTTPError:
            return False

    def output(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def send_signal(self, sig: int) -> None:
        """Send *sig* to the server (its whole group when it has its own)."""
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            if self.own_session:
                os.killpg(self.process.pid, sig)
            else:
                self.process.send_signal(sig)

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Send *sig* and wait for the server to exit."""
        self.send_signal(sig)
        if self.process is not None:
            self.process.wait(timeout=30)

    def stop(self, grace: float = 15) -> None:
        """SIGTERM, then SIGKILL after *grace* seconds; always leaves it stopped."""
        self.send_signal(signal.SIGTERM)
        if self.process is not None:
            try:
                self.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                self.kill(signal.SIGKILL)
        if self._temporary_log:
            with contextlib.suppress(OSError):
                self.log_path.unlink()
