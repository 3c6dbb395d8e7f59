"""A WebSocket spoken by hand over a plain socket, for what real clients won't do:
stop reading altogether, or send bytes a library refuses to send."""

from __future__ import annotations

import base64
import os
import socket
import struct
import time
from dataclasses import dataclass

OP_TEXT = 0x1
OP_BINARY = 0x2
OP_CLOSE = 0x8


@dataclass(frozen=True)
class Frame:
    opcode: int
    payload: bytes

    @property
    def close_code(self) -> int | None:
        if self.opcode != OP_CLOSE or len(self.payload) < 2:
            return None
        return struct.unpack("!H", self.payload[:2])[0]


def open_raw(
    port: int,
    path: str,
    *,
    cookie: str = "",
    origin: str | None = None,
    recv_buffer: int | None = None,
    timeout: float = 10,
) -> socket.socket:
    """Connect and complete the opening handshake; return the socket (nothing more read).

    *recv_buffer* sets SO_RCVBUF before connecting, so that a client that stops
    reading stops the server's writes after a few kilobytes.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if recv_buffer is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, recv_buffer)
    sock.settimeout(timeout)
    sock.connect(("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16)).decode()
    origin = origin if origin is not None else f"http://127.0.0.1:{port}"
    lines = [
        f"GET {path} HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        "Upgrade: websocket",
        "Connection: Upgrade",
        f"Sec-WebSocket-Key: {key}",
        "Sec-WebSocket-Version: 13",
        f"Origin: {origin}",
    ]
    if cookie:
        lines.append(f"Cookie: {cookie}")
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    # Read the response one byte at a time so that not a byte of the first
    # frame is consumed: the test decides when (and whether) to read further.
    head = b""
    while not head.endswith(b"\r\n\r\n"):
        byte = sock.recv(1)
        if not byte:
            raise ConnectionError(f"handshake refused: {head!r}")
        head += byte
    status = head.split(b"\r\n", 1)[0]
    if b" 101 " not in status:
        sock.close()
        raise ConnectionError(f"handshake refused: {status!r}")
    return sock


def encode_frame(opcode: int, payload: bytes, *, fin: bool = True) -> bytes:
    """A client frame (always masked, as RFC 6455 requires of clients)."""
    first = (0x80 if fin else 0) | opcode
    length = len(payload)
    if length < 126:
        header = struct.pack("!BB", first, 0x80 | length)
    elif length < 1 << 16:
        header = struct.pack("!BBH", first, 0x80 | 126, length)
    else:
        header = struct.pack("!BBQ", first, 0x80 | 127, length)
    mask = os.urandom(4)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return header + mask + masked


def parse_frames(data: bytes) -> list[Frame]:
    """Server frames (unmasked) found in *data*, up to the first incomplete one."""
    frames = []
    pos = 0
    while pos + 2 <= len(data):
        first, second = data[pos], data[pos + 1]
        length = second & 0x7F
        pos_header = pos + 2
        if length == 126:
            if pos_header + 2 > len(data):
                break
            length = struct.unpack("!H", data[pos_header : pos_header + 2])[0]
            pos_header += 2
        elif length == 127:
            if pos_header + 8 > len(data):
                break
            length = struct.unpack("!Q", data[pos_header : pos_header + 8])[0]
            pos_header += 8
        if second & 0x80:  # a server never masks; skip the key if it did
            pos_header += 4
        end = pos_header + length
        if end > len(data):
            break
        frames.append(Frame(first & 0x0F, data[pos_header:end]))
        pos = end
    return frames


def drain(sock: socket.socket, *, timeout: float = 10) -> tuple[bytes, str]:
    """Read everything until the peer closes (or *timeout* passes with nothing new).

    Returns the bytes and how it ended: ``"eof"``, ``"reset"`` or ``"timeout"``.
    """
    chunks = []
    sock.settimeout(0.5)
    deadline = time.monotonic() + timeout
    give_up = time.monotonic() + 6 * timeout
    ended = "timeout"
    while time.monotonic() < min(deadline, give_up):
        try:
            chunk = sock.recv(1 << 20)
        except TimeoutError:
            continue
        except ConnectionResetError:
            ended = "reset"
            break
        if not chunk:
            ended = "eof"
            break
        chunks.append(chunk)
        deadline = time.monotonic() + timeout
    return b"".join(chunks), ended
