"""Anonymous members: handles, joining, recovery, logout and the session API."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from community.handles import check_handle_text, generate_handle, handle_key
from community.models import Member

pytestmark = pytest.mark.django_db


def post(client: Client, path: str, body: object | None = None, **extra):
    return client.post(
        path,
        data=json.dumps(body) if body is not None else "",
        content_type="application/json",
        **extra,
    )


def csrf_client() -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    response = client.get("/api/session/")
    return client, response.cookies["csrftoken"].value


def join(handle: str | None = None) -> tuple[Client, dict]:
    client, token = csrf_client()
    body = {} if handle is None else {"handle": handle}
    response = post(client, "/api/session/", body, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201, response.content
    return client, response.json()


def test_get_session_without_member_is_401_and_sets_csrf_cookie():
    response = Client().get("/api/session/")
    assert response.status_code == 401
    assert response.json()["error"] == "no_session"
    assert "csrftoken" in response.cookies


def test_join_without_handle_generates_a_friendly_unique_one():
    client, body = join()
    assert body["role"] == "member"
    assert 3 <= len(body["handle"]) <= 24 and body["handle"][-2:].isdigit()
    assert len(body["recovery_code"].split()) == 6
    assert client.get("/api/session/").json() == {"handle": body["handle"], "role": "member"}


def test_generated_handles_are_valid_and_varied():
    handles = {generate_handle() for _ in range(200)}
    assert len(handles) > 150
    assert all(check_handle_text(h) is None for h in handles)


def test_join_with_chosen_handle_and_nothing_identifying_is_stored():
    _, body = join("Calm_River")
    member = Member.objects.get(handle="Calm_River")
    assert body["handle"] == "Calm_River"
    stored = {f.name for f in Member._meta.get_fields()}
    assert not stored & {"email", "first_name", "last_name", "phone", "ip", "ip_address"}
    assert body["recovery_code"] not in member.recovery_hash


@pytest.mark.parametrize(
    ("handle", "code"),
    [
        ("ab", "bad_length"),
        ("a" * 25, "bad_length"),
        ("has space", "bad_characters"),
        ("Rоbin", "bad_characters"),  # Cyrillic о
        ("bidi\u202eevil", "bad_characters"),
        ("me@example.com", "looks_like_email"),
        ("jane_gmail_com", "looks_like_email"),
        ("call_5551234567", "looks_like_phone"),
        ("www_example_com", "looks_like_url"),
        ("http_example", "looks_like_url"),
        ("TheAdmin", "reserved"),
        ("Facilitator_Jo", "reserved"),
        ("Adm1n_Sam", "reserved"),
        ("NaziSam", "blocked_word"),
    ],
)
def test_bad_handles_get_a_clear_400(handle, code):
    client, token = csrf_client()
    response = post(client, "/api/session/", {"handle": handle}, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 400
    assert response.json()["error"] == code
    assert response.json()["detail"]
    assert not Member.objects.exists()


@pytest.mark.parametrize(
    "variant", ["calm_river", "CALMRIVER", "CaIm_River", "Ca1mRiver", "CalmRlver"]
)
def test_handles_are_unique_across_case_and_look_alikes(variant):
    join("Calm_River")
    client, token = csrf_client()
    response = post(client, "/api/session/", {"handle": variant}, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 400
    assert response.json()["error"] == "handle_taken"


def test_look_alike_skeleton():
    assert handle_key("GentleHeron") == handle_key("gentle_heron") == handle_key("GentIeHer0n")
    assert handle_key("Morn") == handle_key("Mom")
    assert handle_key("Robin") != handle_key("Robyn")


def test_bad_json_and_wrong_types_are_400():
    client, token = csrf_client()
    response = client.post(
        "/api/session/", data="{nope", content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 400 and response.json()["error"] == "bad_json"
    response = post(client, "/api/session/", {"handle": 42}, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 400 and response.json()["error"] == "bad_field"
    response = post(client, "/api/session/", ["x"], HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 400


def test_post_without_csrf_token_is_refused():
    client, _ = csrf_client()
    response = post(client, "/api/session/", {"handle": "Calm_River"})
    assert response.status_code == 403
    assert not Member.objects.exists()


def recover(handle: str, code: str) -> tuple[Client, object]:
    """A new browser recovering *handle* with *code*: (its client, the response)."""
    client, token = csrf_client()
    body = {"handle": handle, "recovery_code": code}
    return client, post(client, "/api/session/recover/", body, HTTP_X_CSRFTOKEN=token)


def test_recovery_reclaims_the_handle_on_another_device_once():
    _, body = join("Calm_River")
    other, token = csrf_client()
    response = post(
        other,
        "/api/session/recover/",
        {"handle": "calm_river", "recovery_code": body["recovery_code"].upper()},
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 200, response.content
    fresh = response.json()
    assert fresh["handle"] == "Calm_River"
    assert fresh["recovery_code"] != body["recovery_code"]
    assert other.get("/api/session/").json()["handle"] == "Calm_River"
    # The old phrase was one-time: it no longer works.
    _, response = recover("Calm_River", body["recovery_code"])
    assert response.status_code == 400 and response.json()["error"] == "bad_recovery"


def test_recovery_signs_out_every_device_signed_in_before_it():
    """A lost phone: recovering the handle elsewhere ends the phone's session."""
    lost, body = join("Calm_River")
    assert lost.get("/api/session/").status_code == 200
    found, response = recover("Calm_River", body["recovery_code"])
    assert response.status_code == 200, response.content
    assert lost.get("/api/session/").status_code == 401
    assert found.get("/api/session/").json()["handle"] == "Calm_River"


def test_recovery_answers_the_same_for_unknown_handle_and_wrong_phrase():
    join("Calm_River")
    client, token = csrf_client()
    wrong = post(
        client,
        "/api/session/recover/",
        {"handle": "Calm_River", "recovery_code": "apple apple apple apple apple apple"},
        HTTP_X_CSRFTOKEN=token,
    ).json()
    missing = post(
        client,
        "/api/session/recover/",
        {"handle": "Nobody_Here", "recovery_code": "apple apple apple apple apple apple"},
        HTTP_X_CSRFTOKEN=token,
    ).json()
    assert wrong == missing


def test_recovery_attempts_are_rate_limited(settings):
    settings.RECOVERY_ATTEMPTS_PER_HOUR = 3
    join("Calm_River")
    client, token = csrf_client()
    codes = [
        post(
            client,
            "/api/session/recover/",
            {"handle": "Calm_River", "recovery_code": "wrong words"},
            HTTP_X_CSRFTOKEN=token,
        ).status_code
        for _ in range(4)
    ]
    assert codes == [400, 400, 400, 429]


def test_recover_requires_fields():
    client, token = csrf_client()
    response = post(client, "/api/session/recover/", {"handle": "x"}, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 400 and response.json()["error"] == "missing_field"


def test_logout_ends_the_session():
    client, _ = join()
    token = client.cookies["csrftoken"].value
    assert post(client, "/api/session/logout/", {}, HTTP_X_CSRFTOKEN=token).status_code == 200
    assert client.get("/api/session/").status_code == 401


def test_facilitator_command_and_sign_in(monkeypatch):
    from django.core.management import call_command

    monkeypatch.setenv("FAC_PW", "a long calm password 42")
    call_command("createfacilitator", "NightOwl", "--password-env", "FAC_PW")
    facilitator = Member.objects.get(handle="NightOwl")
    assert facilitator.role == "facilitator" and facilitator.has_usable_password()
    client = Client()
    response = client.post(
        "/facilitators/login/", {"username": "NightOwl", "password": "a long calm password 42"}
    )
    assert response.status_code == 302
    assert client.get("/api/session/").json() == {"handle": "NightOwl", "role": "facilitator"}


def test_members_cannot_use_the_facilitator_sign_in():
    join("Calm_River")
    response = Client().post("/facilitators/login/", {"username": "Calm_River", "password": ""})
    assert response.status_code == 200  # the form again, no session
