"""A slow uplink between a test's client and a server, that passes resets on.

Bytes from the client reach the server at ``rate`` bytes a second (a phone on
a poor connection); bytes from the server reach the client at once. How the
server ended each connection is kept in ``server_ended``: ``"eof"`` (an orderly
close) or ``"reset"``; a reset is passed on to the client as a reset (not turned
into an orderly close, as the plain proxy does), so the client meets what it
would meet on a real network.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import time

from tests.faults.tcpproxy import TcpProxy


class SlowLink(TcpProxy):
    def __init__(self, target_port: int, *, rate: int, chunk: int = 4096) -> None:
        super().__init__("127.0.0.1", target_port)
        self.rate, self.chunk = rate, chunk
        self.server_ended: list[str] = []

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        if src.getpeername()[1] == self.target[1]:
            self._down(src, dst)
        else:
            self._up(src, dst)

    def _up(self, client: socket.socket, upstream: socket.socket) -> None:
        """Client to server, at ``rate``."""
        try:
            while data := client.recv(self.chunk):
                upstream.sendall(data)
                time.sleep(len(data) / self.rate)
            upstream.shutdown(socket.SHUT_WR)
        except OSError:
            return

    def _down(self, upstream: socket.socket, client: socket.socket) -> None:
        """Server to client, at once; the server's close passed on as it came."""
        try:
            while data := upstream.recv(65536):
                client.sendall(data)
        except OSError:
            self.server_ended.append("reset")
            with contextlib.suppress(OSError):
                # SO_LINGER 0: close() sends a reset, as the server did.
                client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                client.close()
            return
        self.server_ended.append("eof")
        with contextlib.suppress(OSError):
            client.shutdown(socket.SHUT_WR)
