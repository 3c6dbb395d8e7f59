"""Recovery is throttled per attacker (address and device, per handle and overall)
before any phrase is hashed; strangers guessing can't lock the owner out, on
their own device or a new one; a crowd meets a per-handle ceiling that spares
only the handle's own device."""

from __future__ import annotations

import json

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db]


def client_at(address: str, cookies=None) -> Client:
    client = Client(REMOTE_ADDR=address)
    if cookies is not None:
        client.cookies = cookies
    return client


def recover(client: Client, handle: str, phrase: str):
    return client.post(
        "/api/session/recover/",
        data=json.dumps({"handle": handle, "recovery_code": phrase}),
        content_type="application/json",
    )


def joined(handle: str, address: str = "192.0.2.10") -> tuple[Client, str]:
    client = client_at(address)
    response = client.post(
        "/api/session/", data=json.dumps({"handle": handle}), content_type="application/json"
    )
    assert response.status_code == 201
    return client, response.json()["recovery_code"]


def test_strangers_guessing_do_not_lock_the_owner_out(settings):
    """Issue 29, item 11: ten wrong attempts (and more) by strangers, and the owner
    still gets in with the phrase, from their own browser or from a new one."""
    settings.RECOVERY_ATTEMPTS_PER_HOUR = 3
    owner, phrase = joined("Calm_River")
    stranger, _ = joined("Nosy_Stranger", address="198.51.100.7")  # with a device cookie
    codes = [recover(stranger, "Calm_River", "wrong words here").status_code for _ in range(5)]
    assert codes == [400, 400, 400, 429, 429]  # that stranger is stopped
    # The same stranger in a fresh browser is still known by the address, and
    # the same browser at another address by its cookie.
    assert recover(client_at("198.51.100.7"), "Calm_River", phrase).status_code == 429
    moved = client_at("198.51.100.8", stranger.cookies)
    assert recover(moved, "Calm_River", phrase).status_code == 429
    for n in range(10):  # a dozen others, twice each: far past ten wrong tries
        other = client_at(f"203.0.113.{n}")
        for _ in range(2):
            assert recover(other, "Calm_River", "wrong words here").status_code == 400
    # The owner from a new phone (another address, no cookie): the phrase is checked.
    new_phone = client_at("192.0.2.77")
    response = recover(new_phone, "Calm_River", phrase)
    assert response.status_code == 200
    # And from their own browser with the new phrase it gave them.
    device = client_at("192.0.2.10", owner.cookies)
    assert recover(device, "Calm_River", response.json()["recovery_code"]).status_code == 200


def test_a_crowd_of_addresses_meets_the_handles_ceiling_but_not_its_own_device(settings):
    settings.RECOVERY_ATTEMPTS_PER_HANDLE_PER_HOUR = 5
    owner, phrase = joined("Quiet_Heron")
    codes = [
        recover(client_at(f"198.51.100.{n}"), "Quiet_Heron", "wrong words").status_code
        for n in range(7)
    ]
    assert codes == [400] * 5 + [429, 429]
    # Past the ceiling a new device waits too (the limit docs/security.md names) ...
    assert recover(client_at("192.0.2.50"), "Quiet_Heron", phrase).status_code == 429
    # ... but the handle's own browser gets in, from any address.
    device = client_at("192.0.2.51", owner.cookies)
    assert recover(device, "Quiet_Heron", phrase).status_code == 200


@pytest.mark.parametrize("same", ["address", "device"])
def test_one_client_guessing_many_handles_is_stopped(settings, same):
    settings.RECOVERY_ATTEMPTS_PER_CLIENT_PER_HOUR = 5
    device, _ = joined("Quiet_Fox")
    codes = []
    for n in range(7):
        if same == "address":
            client = client_at("203.0.113.5")
        else:
            client = client_at(f"203.0.113.{n + 20}", device.cookies)
        codes.append(recover(client, f"Random_Handle{n}", "some guessed words").status_code)
    assert codes == [400] * 5 + [429, 429]
    # Another client is not held up.
    assert recover(client_at("192.0.2.200"), "Random_Handle9", "words").status_code == 400
