"""While Redis is out of reach, limits fall back to exact in-process counting:
slow mode, reports and recovery answer as usual, never a 500."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from core import redis as kredis
from core.errors import KindredError
from rooms import services as room_services

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def redis_down(settings):
    if not kredis.enabled():
        pytest.skip("needs Redis configured")
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there


def test_slow_mode_still_holds_without_redis(member, room, redis_down):
    room.slow_mode_seconds = 30
    room.save()
    room_services.message_send(member_id=member.pk, room_slug=room.slug, body="first")
    with pytest.raises(KindredError) as refused:
        room_services.message_send(member_id=member.pk, room_slug=room.slug, body="second")
    assert refused.value.code == "slow_mode" and 25 <= refused.value.extra["retry_after"] <= 30


def test_reports_and_recovery_answer_without_redis(member, make_member, room, settings, redis_down):
    settings.REPORT_RATE_LIMIT = "2/1h"
    author = make_member("LoudFinch")
    messages = [
        room_services.message_send(member_id=author.pk, room_slug=room.slug, body=f"m{n}").message
        for n in range(3)
    ]
    client = Client()
    client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    codes = [
        client.post(
            "/api/reports/",
            data=json.dumps({"message": m.id, "reason": "spam"}),
            content_type="application/json",
        ).status_code
        for m in messages
    ]
    assert codes == [201, 201, 429]
    settings.RECOVERY_ATTEMPTS_PER_HOUR = 2
    recover = [
        Client()
        .post(
            "/api/session/recover/",
            data=json.dumps({"handle": "QuietOtter", "recovery_code": "wrong words"}),
            content_type="application/json",
        )
        .status_code
        for _ in range(3)
    ]
    assert recover == [400, 400, 429]
