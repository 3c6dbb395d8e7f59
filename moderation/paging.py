"""Paging the on-call people: where pages go (the environment and the admin's
on-call targets), and sending one page by webhook and e-mail.

Whether and when to page is moderation.handoff's business; this module only
delivers, and says whether every target got it (a False makes handoff page
again later).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import send_mail

from moderation.models import OnCall

logger = logging.getLogger("kindred.crisis")


@dataclass(frozen=True)
class Targets:
    #: (url, signing secret or "") of each webhook.
    webhooks: list[tuple[str, str]] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.webhooks or self.emails)


def targets() -> Targets:
    """Everything configured: ``CRISIS_WEBHOOK_URL``/``CRISIS_ONCALL_EMAILS`` and
    the on-call targets set in the admin (both, if both are set). If the
    database can't be read, the environment's targets still page."""
    webhooks: list[tuple[str, str]] = []
    emails: list[str] = list(settings.CRISIS_ONCALL_EMAILS)
    if settings.CRISIS_WEBHOOK_URL:
        webhooks.append((settings.CRISIS_WEBHOOK_URL, settings.CRISIS_WEBHOOK_SECRET))
    try:
        row = OnCall.objects.filter(pk=OnCall.SINGLETON).first()
    except Exception:
        logger.exception("on-call targets in the database unreadable; using the environment's")
        row = None
    if row is not None:
        if row.webhook_url and row.webhook_url not in {url for url, _ in webhooks}:
            webhooks.append((row.webhook_url, row.webhook_secret))
        emails += [e for e in row.email_list() if e not in emails]
    return Targets(webhooks=webhooks, emails=emails)


def anyone_to_page() -> bool:
    return bool(targets())


def notify(payload: dict[str, Any]) -> bool:
    """Send the page everywhere configured; True when every target got it."""
    to = targets()
    if not to:
        logger.error(
            "crisis escalation item=%s has nobody to page: set CRISIS_WEBHOOK_URL or "
            "CRISIS_ONCALL_EMAILS, or on-call targets in the admin; the item waits in "
            "the facilitators' queue",
            payload["item"],
        )
        return False
    delivered = True
    for url, secret in to.webhooks:
        delivered = post_webhook(url, payload, secret=secret) and delivered
    if to.emails:
        delivered = _send_email(payload, to.emails) and delivered
    return delivered


def _send_email(payload: dict[str, Any], recipients: list[str]) -> bool:
    try:
        send_mail(
            subject=f"[Kindred] Crisis alert needs a human ({payload['category']})",
            message=(
                f"A member ({payload['handle']}) in {payload['room']} wrote something that "
                f"suggests {payload['category']}, and {payload['reason']}.\n"
                "Please open the facilitator dashboard and reach out.\n"
            ),
            from_email=None,
            recipient_list=recipients,
        )
    except Exception:
        logger.exception("crisis escalation email failed item=%s", payload["item"])
        return False
    return True


def webhook_headers(
    body: bytes, *, now: float | None = None, secret: str | None = None
) -> dict[str, str]:
    """The request's headers; signed when there is a secret (*secret*, else
    ``CRISIS_WEBHOOK_SECRET``): HMAC-SHA256 of ``<timestamp>.<body>``, see
    docs/safety.md and docs/examples/pager_receiver.py."""
    headers = {"Content-Type": "application/json"}
    secret = settings.CRISIS_WEBHOOK_SECRET if secret is None else secret
    if secret:
        stamp = str(int(time.time() if now is None else now))
        digest = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256)
        headers["X-Kindred-Timestamp"] = stamp
        headers["X-Kindred-Signature"] = "sha256=" + digest.hexdigest()
    return headers


def post_webhook(url: str, payload: dict[str, Any], *, secret: str | None = None) -> bool:
    body = json.dumps(payload).encode()
    delay = 0.5
    for attempt in range(1, settings.CRISIS_WEBHOOK_ATTEMPTS + 1):
        request = urllib.request.Request(  # noqa: S310  (an admin-configured URL)
            url, data=body, method="POST", headers=webhook_headers(body, secret=secret)
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
                if 200 <= response.status < 300:
                    return True
                logger.error("crisis webhook answered %s (attempt %d)", response.status, attempt)
        except (urllib.error.URLError, OSError) as exc:
            logger.error("crisis webhook failed (attempt %d): %s", attempt, type(exc).__name__)
        if attempt < settings.CRISIS_WEBHOOK_ATTEMPTS:
            time.sleep(delay)
            delay *= 2
    logger.error("crisis webhook gave up after %d attempts", settings.CRISIS_WEBHOOK_ATTEMPTS)
    return False
