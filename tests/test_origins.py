"""A WebSocket handshake must come from the same scheme, host and port as the
request, and a refusal touches neither Redis nor the database; ``/healthz``
checks the bus and the presence store, not Channels' unused layer."""

from __future__ import annotations

import pytest
from channels.testing import WebsocketCommunicator

from realtime.origin import origin_allowed
from tests.conftest import session_cookie

pytestmark = [pytest.mark.django_db(transaction=True)]


def scope(origin: str | None, host: str = "localhost", scheme: str = "ws", **extra) -> dict:
    headers = [(b"host", host.encode())]
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    headers += [(k.encode(), v.encode()) for k, v in extra.items()]
    return {"type": "websocket", "scheme": scheme, "headers": headers}


@pytest.mark.parametrize(
    ("origin", "host", "scheme"),
    [
        ("http://localhost", "localhost", "ws"),
        ("http://localhost:8000", "localhost:8000", "ws"),
        ("http://LOCALHOST:8000", "localhost:8000", "ws"),
        ("https://localhost", "localhost", "wss"),
        ("https://localhost:443", "localhost", "wss"),
        ("http://127.0.0.1:8123", "127.0.0.1:8123", "ws"),
        ("http://[::1]:8000", "[::1]:8000", "ws"),
    ],
)
def test_same_scheme_host_and_port_is_allowed(origin, host, scheme):
    assert origin_allowed(scope(origin, host, scheme))


@pytest.mark.parametrize(
    ("origin", "host", "scheme"),
    [
        ("http://localhost:1234", "localhost", "ws"),  # another port on the same host
        ("http://localhost:1234", "localhost:8000", "ws"),
        ("http://localhost", "localhost:8000", "ws"),
        ("https://localhost:8000", "localhost:8000", "ws"),  # another scheme
        ("http://localhost", "localhost", "wss"),
        ("http://127.0.0.1:8000", "localhost:8000", "ws"),  # another host
        ("http://evil.example", "evil.example", "ws"),  # not an allowed host
        ("http://localhost.evil.example", "localhost", "ws"),
        ("http://localhost@evil.example", "localhost", "ws"),
        ("http://evil.example@localhost", "localhost", "ws"),  # credentials in an origin
        ("ws://localhost", "localhost", "ws"),
        ("file://", "localhost", "ws"),
        ("null", "localhost", "ws"),
        ("", "localhost", "ws"),
        (None, "localhost", "ws"),
        ("http://localhost:notaport", "localhost", "ws"),
        ("http://localhost:99999", "localhost", "ws"),
    ],
)
def test_any_other_origin_is_refused(origin, host, scheme):
    assert not origin_allowed(scope(origin, host, scheme))


def test_a_tls_proxy_counts_only_when_configured(settings):
    forwarded = {"x-forwarded-proto": "https"}
    assert not origin_allowed(scope("https://localhost", **forwarded))
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert origin_allowed(scope("https://localhost", **forwarded))


def test_trusted_origins_are_allowed(settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://app.kindred.example"]
    assert origin_allowed(scope("https://app.kindred.example", "localhost"))
    assert not origin_allowed(scope("https://app.kindred.example:8443", "localhost"))


@pytest.mark.parametrize("path", ["/ws/rooms/newcomers/", "/ws/moderation/", "/ws/chats/1/"])
async def test_a_refused_handshake_does_not_touch_redis(path, member, rooms, settings):
    from channels.db import database_sync_to_async

    from kindred.asgi import application

    cookie = await database_sync_to_async(session_cookie)(member)
    # Redis (the channel layer, the bus) pointed where nothing listens: a refusal
    # that touched it would hang or fail.
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},
        }
    }
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    headers = [
        (b"host", b"localhost"),
        (b"origin", b"http://localhost:1234"),
        (b"cookie", f"sessionid={cookie}".encode()),
    ]
    ws = WebsocketCommunicator(application, path, headers=headers)
    connected, code = await ws.connect(timeout=2)
    assert (connected, code) == (False, 1008)


def test_healthz_checks_the_bus_and_presence(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "bus": "ok", "presence": "ok"}


def test_healthz_ignores_a_broken_channel_layer(client, settings):
    from channels.layers import channel_layers

    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},
        }
    }
    channel_layers.backends.clear()
    try:
        assert client.get("/healthz").status_code == 200
    finally:
        channel_layers.backends.clear()


def test_healthz_names_the_bus_and_presence_when_redis_is_unreachable(client, settings):
    from core import redis as kredis

    if not kredis.enabled():
        pytest.skip("needs Redis")
    from realtime.presence import _stores

    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    _stores.clear()
    try:
        response = client.get("/healthz")
    finally:
        _stores.clear()
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "bus": "unavailable", "presence": "unavailable"}
