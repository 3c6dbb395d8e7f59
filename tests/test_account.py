"""The member's own settings: sign out everywhere, a new recovery phrase, what they
chose, their blocks, the header's "Chats" count and the /me/ page."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from community import account, inbox, recovery
from community.models import Member, Role
from core.errors import KindredError
from rooms import services

sync_db = pytest.mark.django_db


def signed_in(member) -> Client:
    client = Client()
    client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    return client


def post(client, path, body=None):
    return client.post(path, json.dumps(body or {}), "application/json")


@sync_db
def test_sign_out_everywhere_ends_every_session_of_the_member_only(make_member):
    me, other = make_member(), make_member()
    phone, laptop, theirs = signed_in(me), signed_in(me), signed_in(other)
    assert post(laptop, "/api/me/sign-out-everywhere/").json() == {"signed_out": True}
    for client in (phone, laptop):
        assert client.get("/api/session/").status_code == 401
    assert theirs.get("/api/session/").status_code == 200


@sync_db
def test_staff_sign_out_everywhere_and_keep_their_password(make_member):
    staff = make_member(role=Role.FACILITATOR, password="long enough password 1")
    desk, phone = signed_in(staff), signed_in(staff)
    assert post(desk, "/api/me/sign-out-everywhere/").json() == {"signed_out": True}
    assert phone.get("/api/session/").status_code == 401
    assert Member.objects.get(pk=staff.pk).check_password("long enough password 1")


@sync_db
def test_a_new_recovery_phrase_works_and_the_old_one_stops(make_member):
    me = make_member()
    old = recovery.generate_phrase()
    me.recovery_hash = recovery.hash_phrase(old)
    me.save()
    new = post(signed_in(me), "/api/me/recovery/").json()["recovery_code"]
    stored = Member.objects.get(pk=me.pk).recovery_hash
    assert recovery.check_phrase(new, stored) and not recovery.check_phrase(old, stored)


@sync_db
def test_settings_are_checked_and_kept(make_member):
    me = make_member()
    client = signed_in(me)
    changed = post(client, "/api/me/", {"country": "GB", "time_zone": "Europe/London"}).json()
    assert changed["country"] == "GB" and changed["time_zone"] == "Europe/London"
    assert post(client, "/api/me/", {"notifications": False}).json()["notifications"] is False
    for bad in (
        {"time_zone": "Mars/Olympus"},
        {"country": "ZZ"},
        {"handle": "x"},
        {"notifications": 1},
    ):
        assert post(client, "/api/me/", bad).status_code == 400, bad
    assert client.get("/api/me/").json()["country"] == "GB"
    with pytest.raises(KindredError):
        account.member_settings_update(member_id=me.pk, changes={"role": "admin"})


@sync_db
def test_the_blocks_list_names_whom_i_block(make_member):
    me, loud, rude = make_member(), make_member("LoudFinch"), make_member("RudeCrow")
    for target in (rude, loud):
        services.member_block(member_id=me.pk, handle=target.handle)
    client = signed_in(me)
    assert client.get("/api/blocks/").json() == {"blocked": ["LoudFinch", "RudeCrow"]}
    post(client, "/api/blocks/remove/", {"handle": "RudeCrow"})
    assert client.get("/api/blocks/").json() == {"blocked": ["LoudFinch"]}


@sync_db
def test_every_page_header_links_chats_with_the_unread_count_and_settings(make_member, rooms):
    me = make_member()
    inbox.inbox_add(member_id=me.pk, kind="notice", text="one")
    inbox.inbox_add(member_id=me.pk, kind="notice", text="two")
    client = signed_in(me)
    for path in ("/", "/rooms/newcomers/", "/chats/", "/me/", "/resources/"):
        page = client.get(path).content.decode()
        assert 'href="/chats/"' in page and "· 2 new" in page, path
        assert 'href="/me/"' in page, path
    assert 'href="/me/"' not in Client().get("/").content.decode()


@sync_db
def test_the_settings_page_is_for_members(make_member):
    assert Client().get("/me/")["Location"] == "/join/?next=%2Fme%2F"
    page = signed_in(make_member("QuietOtter")).get("/me/").content.decode()
    for words in (
        "Sign out of this device",
        "Sign out everywhere",
        "Delete my handle",
        "QuietOtter",
    ):
        assert words in page
