"""Staff passwords follow Django's validators (at least 12 characters), and
sign-in is throttled per handle and per client address, with a 429 page that
says when to try again. The address is kept nowhere but a keyed hash in the
rate limit's store."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from community.models import Member, Role
from core import redis as kredis
from core import throttle

pytestmark = [pytest.mark.django_db]

PASSWORD = "a long calm password 42"


@pytest.fixture
def staff(make_member):
    member = make_member("NightOwl", role=Role.FACILITATOR)
    member.set_password(PASSWORD)
    member.save()
    return member


def sign_in(handle, password, address="203.0.113.9"):
    return Client(REMOTE_ADDR=address).post(
        "/facilitators/login/", {"username": handle, "password": password}
    )


@pytest.mark.parametrize(
    "password", ["1", "short pass", "123456789012345", "password1234", "nightowl1234"]
)
def test_weak_staff_passwords_are_refused(password, monkeypatch):
    monkeypatch.setenv("FAC_PW", password)
    with pytest.raises(CommandError):
        call_command("createfacilitator", "NightOwl", "--password-env", "FAC_PW")
    assert not Member.objects.filter(handle="NightOwl").exists()


def test_guessing_one_handle_from_many_addresses_is_stopped(staff, settings):
    settings.SIGN_IN_ATTEMPTS_PER_HANDLE = "5/15m"
    for n in range(5):
        assert sign_in("NightOwl", f"guess {n}", address=f"198.51.100.{n}").status_code == 200
    response = sign_in("nightowl", PASSWORD, address="198.51.100.77")  # even the right one
    assert response.status_code == 429
    assert 800 < int(response["Retry-After"]) <= 900
    page = response.content.decode()
    assert "try again in 15 minutes" in page and "UTC" in page


def test_guessing_many_handles_from_one_address_is_stopped(staff, make_member, settings):
    settings.SIGN_IN_ATTEMPTS_PER_ADDRESS = "6/15m"
    for n in range(6):
        assert sign_in(f"Someone{n}", "guess").status_code == 200
    assert sign_in("NightOwl", PASSWORD).status_code == 429
    # Another address is not held up by this one.
    assert sign_in("NightOwl", PASSWORD, address="192.0.2.1").status_code == 302


def test_the_address_is_kept_only_as_a_keyed_hash_with_a_ttl(staff, settings):
    if not kredis.enabled():
        pytest.skip("needs Redis")
    sign_in("NightOwl", "guess", address="203.0.113.250")
    client = kredis.sync_client()
    keys = [k.decode() for k in client.scan_iter(match=kredis.key("rl", "sign-in:*"))]
    assert keys and not any("203.0.113" in k for k in keys)
    assert any(throttle.address_hash("203.0.113.250") in k for k in keys)
    assert all(0 < client.pttl(k) <= 15 * 60 * 1000 for k in keys)
    assert throttle.address_hash("203.0.113.250") != throttle.address_hash("203.0.113.251")


def test_the_forwarded_address_counts_only_behind_a_trusted_proxy(staff, settings):
    settings.SIGN_IN_ATTEMPTS_PER_ADDRESS = "2/15m"
    settings.SIGN_IN_ATTEMPTS_PER_HANDLE = "100/15m"

    def attempt(forwarded):
        return Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded).post(
            "/facilitators/login/", {"username": "NightOwl", "password": "guess"}
        )

    # Without a trusted proxy a forged header changes nothing: one address.
    assert [attempt(f"192.0.2.{n}").status_code for n in range(3)] == [200, 200, 429]
    settings.THROTTLE_PROXY_HOPS = 1
    assert attempt("192.0.2.50").status_code == 200
