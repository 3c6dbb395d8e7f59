"""Web Push: a member who is away learns that something is waiting, and nothing more.

Optional twice over: the server needs ``VAPID_PRIVATE_KEY``, and a member turns
it on from a page where it helps (after asking for a chat) and can turn it off
(/me/). Every push carries the same words, "Someone answered you on Kindred"
(in the member's saved language), and a path to open: no message text and no
handle, so a locked phone's screen reveals nothing. Pushes go after the inbox
item commits, from a small pool of worker threads, so no request or socket
waits for a browser vendor's service.
"""

from __future__ import annotations

import base64
import functools
import json
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.db import connection, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from community.models import Member, PushSubscription
from core.errors import BadInput
from core.language import supported

logger = logging.getLogger("kindred.push")

#: What every push says (and only this), in the member's language.
PUSH_PAYLOAD = {
    "title": "Kindred",
    "body": gettext_lazy("Someone answered you on Kindred."),
    "url": "/chats/",
}


def push_payload(language: str | None) -> str:
    """The push's JSON in *language* (a member's saved one), else the site's."""
    with translation.override(supported(language) or settings.LANGUAGE_CODE):
        return json.dumps({key: str(value) for key, value in PUSH_PAYLOAD.items()})


_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="kindred-push")


def enabled() -> bool:
    return bool(settings.VAPID_PRIVATE_KEY)


@functools.cache
def _vapid(private_key: str):
    from py_vapid import Vapid

    return Vapid.from_string(private_key)


def public_key() -> str:
    """The applicationServerKey browsers subscribe with (base64url, uncompressed point)."""
    if not enabled():
        return ""
    point = _vapid(settings.VAPID_PRIVATE_KEY).public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(point).rstrip(b"=").decode()


def push_status(*, member_id: int) -> dict[str, Any]:
    return {
        "enabled": enabled(),
        "public_key": public_key(),
        "subscriptions": PushSubscription.objects.filter(member_id=member_id).count(),
    }


def _key(keys: Any, name: str, longest: int) -> str:
    value = keys.get(name) if isinstance(keys, dict) else None
    if not isinstance(value, str) or not 0 < len(value) <= longest:
        raise BadInput(f"'keys.{name}' is missing or malformed.", code="bad_field")
    return value


def push_subscribe(*, member_id: int, endpoint: Any, keys: Any) -> dict[str, Any]:
    """Keep this browser's subscription for the member (again: it moves to them)."""
    if not enabled():
        raise BadInput(_("Notifications aren't available on this Kindred."), code="push_off")
    if not isinstance(endpoint, str) or not endpoint.startswith("https://") or len(endpoint) > 1000:
        raise BadInput(_("'endpoint' must be the browser's https push address."), code="bad_field")
    PushSubscription.objects.update_or_create(
        endpoint=endpoint,
        defaults={
            "member_id": member_id,
            "p256dh": _key(keys, "p256dh", 200),
            "auth": _key(keys, "auth", 100),
        },
    )
    return push_status(member_id=member_id)


def push_unsubscribe(*, member_id: int, endpoint: Any) -> dict[str, Any]:
    if isinstance(endpoint, str):
        PushSubscription.objects.filter(member_id=member_id, endpoint=endpoint).delete()
    return push_status(member_id=member_id)


def _send(subscription_id: int, endpoint: str, p256dh: str, auth: str, payload: str) -> None:
    from pywebpush import WebPushException, webpush

    try:
        webpush(
            {"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}},
            payload,
            vapid_private_key=_vapid(settings.VAPID_PRIVATE_KEY),
            vapid_claims={"sub": settings.VAPID_SUBJECT},
            timeout=settings.PUSH_TIMEOUT_SECONDS,
            ttl=24 * 60 * 60,
        )
    except WebPushException as problem:
        status = getattr(problem.response, "status_code", None)
        if status in (404, 410):  # the browser dropped it: so do we
            PushSubscription.objects.filter(pk=subscription_id).delete()
        logger.warning("push failed status=%s", status)
    except Exception as problem:  # a vendor's service being down must not hurt anyone
        logger.warning("push failed error=%s", type(problem).__name__)
    finally:
        connection.close()  # this pool thread's own connection, if the delete opened one


def _send_all(member_id: int) -> None:
    member = Member.objects.filter(pk=member_id, notifications=True).first()
    if member is None:
        return
    payload = push_payload(member.language)
    for row in PushSubscription.objects.filter(member=member).values_list(
        "pk", "endpoint", "p256dh", "auth"
    ):
        _pool.submit(_send, *row, payload)


def push_on_commit(*, member_id: int) -> None:
    """After the current transaction commits, tell the member's browsers something waits."""
    if enabled():
        transaction.on_commit(functools.partial(_send_all, member_id))
