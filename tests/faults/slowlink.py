"""A slow uplink between a test's client and a server, that passes resets on.

Bytes from the client reach the server at ``rate`` bytes a second (a phone on
a poor connection); bytes from the server reach the client at once. How the
server ended the connection is kept: ``"eof"`` (an orderly close) or
``"reset"``, and a reset is passed on to the client as a reset (not turned into
an orderly close, as a plain proxy would), so the client meets what it would
meet on a real network.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time


class SlowLink:
    def __init__(self, target_port: int, *, rate: int, chunk: int = 4096) -> None:
        self.target = ("127.0.0.1", target_port)
        self.rate, self.chunk = rate, chunk
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self.port = self._listener.getsockname()[1]
        self._stopped = threading.Event()
        self._sockets: list[socket.socket] = []
        #: How the server ended each connection, in the order they were accepted.
        self.server_ended: list[str | None] = []

    def __enter__(self) -> SlowLink:
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopped.set()
        for sock in [self._listener, *self._sockets]:
            with contextlib.suppress(OSError):
                sock.close()

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            upstream = socket.create_connection(self.target, timeout=5)
            for sock in (client, upstream):
                sock.settimeout(None)
                self._sockets.append(sock)
            index = len(self.server_ended)
            self.server_ended.append(None)
            threading.Thread(target=self._up, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._down, args=(upstream, client, index), daemon=True).start()

    def _up(self, client: socket.socket, upstream: socket.socket) -> None:
        """Client to server, at ``rate``."""
        try:
            while True:
                data = client.recv(self.chunk)
                if not data:
                    upstream.shutdown(socket.SHUT_WR)
                    return
                upstream.sendall(data)
                time.sleep(len(data) / self.rate)
        except OSError:
            return

    def _down(self, upstream: socket.socket, client: socket.socket, index: int) -> None:
        """Server to client, at once; the server's close passed on as it came."""
        try:
            while True:
                data = upstream.recv(65536)
                if not data:
                    self.server_ended[index] = "eof"
                    with contextlib.suppress(OSError):
                        client.shutdown(socket.SHUT_WR)
                    return
                client.sendall(data)
        except OSError:
            self.server_ended[index] = "reset"
            with contextlib.suppress(OSError):
                # SO_LINGER 0: close() sends a reset, as the server did.
                client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                client.close()
