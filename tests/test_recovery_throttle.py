"""Recovery is throttled per client (address and device) before any phrase is
hashed, and per handle; strangers guessing can't lock the owner's own device out."""

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


def joined(handle: str) -> tuple[Client, str]:
    client = client_at("192.0.2.10")
    response = client.post(
        "/api/session/", data=json.dumps({"handle": handle}), content_type="application/json"
    )
    assert response.status_code == 201
    return client, response.json()["recovery_code"]


def test_strangers_exhausting_a_handle_do_not_lock_out_its_own_device(settings):
    settings.RECOVERY_ATTEMPTS_PER_HOUR = 3
    owner, phrase = joined("Calm_River")
    for n in range(6):
        stranger = client_at(f"198.51.100.{n}")
        assert recover(stranger, "Calm_River", "wrong words here").status_code in (400, 429)
    assert recover(client_at("198.51.100.99"), "Calm_River", phrase).status_code == 429
    # The owner's own browser (its device cookie) still gets in with the phrase.
    device = client_at("192.0.2.10", owner.cookies)
    assert recover(device, "Calm_River", phrase).status_code == 200


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
