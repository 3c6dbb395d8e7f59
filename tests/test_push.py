"""Web Push: a local HTTP server stands in for the browser vendor's push service.

The push it receives is VAPID-signed and encrypted for the subscriber's key;
decrypted, it says only that something waits: no message text, no handle.
"""

from __future__ import annotations

import base64
import json
import queue
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import Client

from community import inbox, push
from community.models import PushSubscription
from rooms import chats

sync_db = pytest.mark.django_db


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.fixture
def push_service():
    """A push service on a loopback port: each request it gets lands on the queue."""
    received: queue.Queue = queue.Queue()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.put((self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(201)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", received
    server.shutdown()
    server.server_close()


@pytest.fixture
def vapid(settings):
    key = ec.generate_private_key(ec.SECP256R1())
    settings.VAPID_PRIVATE_KEY = b64(key.private_numbers().private_value.to_bytes(32, "big"))
    return key


def subscriber():
    """A browser's subscription keys: its private key, its public key and auth secret."""
    private = ec.generate_private_key(ec.SECP256R1())
    public = private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return private, b64(public), secrets.token_bytes(16)


@sync_db
def test_a_push_says_only_that_something_waits(
    push_service, vapid, make_member, django_capture_on_commit_callbacks
):
    url, received = push_service
    away, asker = make_member("AwayHeron"), make_member("NamedAsker")
    private, public, auth = subscriber()
    PushSubscription.objects.create(
        member=away, endpoint=f"{url}/push/away", p256dh=public, auth=b64(auth)
    )
    with django_capture_on_commit_callbacks(execute=True):
        chats.chat_request(member_id=asker.pk, to=away.handle)
    path, headers, body = received.get(timeout=10)
    assert path == "/push/away"
    assert headers["content-encoding"] == "aes128gcm"
    assert headers["authorization"].startswith("vapid t=")
    assert b"NamedAsker" not in body
    payload = json.loads(http_ece.decrypt(body, private_key=private, auth_secret=auth))
    assert payload == {
        "title": "Kindred",
        "body": "Someone answered you on Kindred.",
        "url": "/chats/",
    }
    words = json.dumps(payload)
    assert "NamedAsker" not in words and "AwayHeron" not in words and "chat with" not in words


def test_a_push_speaks_the_members_saved_language():
    assert json.loads(push.push_payload("es"))["body"] == "Alguien te respondió en Kindred."
    assert json.loads(push.push_payload(""))["body"] == "Someone answered you on Kindred."


@sync_db
def test_no_push_when_notifications_are_off_or_the_server_has_no_key(
    push_service, vapid, make_member, settings, django_capture_on_commit_callbacks
):
    url, received = push_service
    quiet = make_member(notifications=False)
    _private, public, auth = subscriber()
    PushSubscription.objects.create(
        member=quiet, endpoint=f"{url}/q", p256dh=public, auth=b64(auth)
    )
    with django_capture_on_commit_callbacks(execute=True):
        inbox.inbox_add(member_id=quiet.pk, kind="notice", text="x")
    settings.VAPID_PRIVATE_KEY = ""
    quiet.notifications = True
    quiet.save()
    with django_capture_on_commit_callbacks(execute=True):
        inbox.inbox_add(member_id=quiet.pk, kind="notice", text="y")
    push._pool.submit(lambda: None).result()  # whatever was queued has gone by now
    assert received.empty()


@sync_db
def test_subscribing_over_http(vapid, make_member):
    me = make_member()
    client = Client()
    client.force_login(me, backend="django.contrib.auth.backends.ModelBackend")
    status = client.get("/api/push/").json()
    assert status["enabled"] and len(base64.urlsafe_b64decode(status["public_key"] + "=")) == 65
    _private, public, auth = subscriber()
    body = {"endpoint": "https://push.example/abc", "keys": {"p256dh": public, "auth": b64(auth)}}
    answer = client.post("/api/push/", json.dumps(body), "application/json")
    assert answer.json()["subscriptions"] == 1
    bad = {**body, "endpoint": "http://push.example/abc"}
    assert client.post("/api/push/", json.dumps(bad), "application/json").status_code == 400
    gone = client.delete(
        "/api/push/", json.dumps({"endpoint": body["endpoint"]}), "application/json"
    )
    assert gone.json()["subscriptions"] == 0
