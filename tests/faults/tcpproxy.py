"""A small TCP proxy that a test can cut and restore, to simulate a database outage.

It runs in threads, so it keeps forwarding whatever the test's event loop is
doing. ``cut()`` closes every connection through it and closes each new one as
soon as it is accepted (the client sees "server closed the connection"), until
``restore()``. The real server behind it is never touched.
"""

from __future__ import annotations

import contextlib
import socket
import threading


class TcpProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self.port = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._cut = False
        self._stopped = threading.Event()
        self._threads: list[threading.Thread] = []
        #: Connections accepted and forwarded, and refused while cut.
        self.forwarded = 0
        self.refused = 0

    def start(self) -> TcpProxy:
        thread = threading.Thread(target=self._accept_loop, name="tcpproxy-accept", daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    # --- the switch ------------------------------------------------------------------

    def cut(self) -> None:
        """Drop every connection and refuse new ones until restore()."""
        with self._lock:
            self._cut = True
            doomed = list(self._open)
        for sock in doomed:
            self._drop(sock)

    def restore(self) -> None:
        with self._lock:
            self._cut = False

    @property
    def is_cut(self) -> bool:
        return self._cut

    def stop(self) -> None:
        self._stopped.set()
        self.cut()
        for thread in self._threads:
            thread.join(timeout=5)
        with contextlib.suppress(OSError):
            self._listener.close()

    # --- forwarding ------------------------------------------------------------------

    def _accept_loop(self) -> None:
        while not self._stopped.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            with self._lock:
                refuse = self._cut
            if refuse:
                self.refused += 1
                self._drop(client)
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                self._drop(client)
                continue
            upstream.settimeout(None)
            with self._lock:
                self._open.update((client, upstream))
            self.forwarded += 1
            for src, dst in ((client, upstream), (upstream, client)):
                thread = threading.Thread(
                    target=self._pump, args=(src, dst), name="tcpproxy-pump", daemon=True
                )
                thread.start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            self._drop(src)
            self._drop(dst)

    def _drop(self, sock: socket.socket) -> None:
        with self._lock:
            self._open.discard(sock)
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            sock.close()

    def __enter__(self) -> TcpProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
