"""Slowloris against a real daphne: a connection trickling its headers is dropped
once HTTP_HEADER_TIMEOUT_SECONDS have passed; an honest request still works."""

from __future__ import annotations

import socket
import time

import httpx
import pytest

from tests.live import LiveServer

pytestmark = [pytest.mark.live]


@pytest.fixture(scope="module")
def server(live_database):
    server = LiveServer(live_database, HTTP_HEADER_TIMEOUT_SECONDS="2")
    try:
        server.start()
        yield server
    finally:
        server.stop()


def test_a_connection_trickling_its_headers_is_dropped(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        started = time.monotonic()
        dropped = False
        while time.monotonic() - started < 8:
            try:
                sock.sendall(b"X")  # one header byte at a time
                sock.settimeout(0.25)
                if sock.recv(1024) == b"":
                    dropped = True
                    break
            except TimeoutError:
                continue
            except OSError:
                dropped = True
                break
        assert dropped, "the trickling connection was kept open"
        assert 1.5 < time.monotonic() - started < 6
    assert httpx.get(f"{server.http}/healthz", timeout=10).status_code == 200
