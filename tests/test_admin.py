"""The Django admin is not a back door: its real pages, used by an admin, change
live state only through the moderation actions (sockets told, audit written),
and a handle edited there passes the join form's checks."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from django.test import Client

from community.handles import handle_key
from community.models import BannedDevice, Member, Role
from moderation.models import AuditEntry, Mute
from rooms.models import Room
from tests.conftest import communicator, receive_until

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def admin_member(db) -> Member:
    return Member.objects.create_superuser("HeadSteward", password="a long admin password")


@pytest.fixture
def admin_site(admin_member) -> Client:
    client = Client()
    assert client.login(handle="HeadSteward", password="a long admin password")
    return client


def room_form(room: Room, **changes) -> dict:
    """The room's change form as the admin page posts it, with *changes*."""
    form = {
        "title": room.title,
        "slug": room.slug,
        "description": room.description,
        "kind": room.kind,
        "position": room.position,
        "members_only_after_minutes": room.members_only_after_minutes,
        "slow_mode_seconds": room.slow_mode_seconds,
        **({"is_locked": "on"} if room.is_locked else {}),
        **({"hold_crisis_messages": "on"} if room.hold_crisis_messages else {}),
        **({"sensitive": "on"} if room.sensitive else {}),
    }
    return {**form, **changes}


def member_form(member: Member, **changes) -> dict:
    return {"handle": member.handle, "role": member.role, "country": member.country, **changes}


async def closed_with(ws) -> int:
    while True:
        output = await ws.receive_output(timeout=5)
        if output["type"] == "websocket.close":
            return output["code"]


def ban_from_the_changelist(admin_site: Client, member: Member):
    return admin_site.post(
        "/admin/community/member/",
        {"action": "ban_members", "_selected_action": [member.pk]},
        follow=True,
    )


async def test_an_admin_ban_closes_the_members_socket_and_is_audited(
    make_member, admin_site, rooms, hub
):
    target = await database_sync_to_async(make_member)("LoudFinch", device_hash="d" * 64)
    ws = await communicator("/ws/rooms/newcomers/", target)
    assert (await ws.connect())[0]
    await receive_until(ws, "welcome")
    page = await database_sync_to_async(ban_from_the_changelist)(admin_site, target)
    assert page.status_code == 200 and "LoudFinch is banned." in page.content.decode()
    assert await closed_with(ws) == 4403
    entry = await AuditEntry.objects.aget(action="ban")
    assert (entry.actor_handle, entry.target_handle) == ("HeadSteward", "LoudFinch")
    assert await BannedDevice.objects.filter(token_hash="d" * 64, member=target).aexists()


def test_an_admin_cannot_ban_a_facilitator_and_is_told_why(make_member, admin_site):
    colleague = make_member("SteadyFacil", role=Role.FACILITATOR)
    page = ban_from_the_changelist(admin_site, colleague)
    assert "Facilitators can&#x27;t act on other facilitators here." in page.content.decode()
    colleague.refresh_from_db()
    assert not colleague.is_banned and not AuditEntry.objects.exists()


def test_members_are_not_deleted_from_the_admin(member, admin_site):
    page = admin_site.post(f"/admin/community/member/{member.pk}/delete/", {"post": "yes"})
    assert page.status_code == 403 and Member.objects.filter(pk=member.pk).exists()


def test_the_ban_flag_is_read_only_and_a_ban_is_lifted_by_the_action(make_member, admin_site):
    target = make_member("LoudFinch")
    url = f"/admin/community/member/{target.pk}/change/"
    admin_site.post(url, member_form(target, is_banned="on"))
    target.refresh_from_db()
    assert not target.is_banned, "the checkbox is not a way round the ban action"
    ban_from_the_changelist(admin_site, target)
    page = admin_site.post(
        "/admin/community/member/",
        {"action": "unban_members", "_selected_action": [target.pk]},
        follow=True,
    )
    assert "LoudFinch may come back, from their browser too." in page.content.decode()
    target.refresh_from_db()
    assert not target.is_banned
    assert list(AuditEntry.objects.order_by("pk").values_list("action", flat=True)) == [
        "ban",
        "unban",
    ]


async def test_an_admin_lock_reaches_the_room_live_and_is_audited(member, admin_site, rooms, hub):
    room = rooms["newcomers"]
    ws = await communicator("/ws/rooms/newcomers/", member)
    assert (await ws.connect())[0]
    await receive_until(ws, "welcome")
    url = f"/admin/rooms/room/{room.pk}/change/"
    form = room_form(room, is_locked="on", title="Newcomers welcome")
    response = await database_sync_to_async(admin_site.post)(url, form)
    assert response.status_code == 302
    frame = await receive_until(ws, "room")
    assert frame["room"]["locked"] is True and frame["room"]["title"] == "Newcomers welcome"
    entry = await AuditEntry.objects.aget(action="lock")
    assert (entry.actor_handle, entry.room_slug) == ("HeadSteward", "newcomers")
    await ws.send_json_to({"type": "message", "body": "hello?"})
    assert (await receive_until(ws, "error"))["code"] == "locked"
    await ws.disconnect()


def test_an_admin_slow_mode_is_checked_by_the_frame_and_set_by_the_action(
    admin_site, rooms, settings
):
    room = rooms["newcomers"]
    url = f"/admin/rooms/room/{room.pk}/change/"
    too_slow = settings.SLOW_MODE_MAX_SECONDS + 1
    page = admin_site.post(url, room_form(room, slow_mode_seconds=too_slow))
    assert page.status_code == 200
    limit = settings.SLOW_MODE_MAX_SECONDS
    assert f"seconds: at most {limit} seconds" in page.content.decode()
    assert admin_site.post(url, room_form(room, slow_mode_seconds=30)).status_code == 302
    room.refresh_from_db()
    assert room.slow_mode_seconds == 30
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.details) == ("slow_mode", {"seconds": 30})
    # Saving other fields alone does not touch the live ones, nor the audit log.
    assert admin_site.post(url, room_form(room, title="Newcomers")).status_code == 302
    assert AuditEntry.objects.count() == 1


def test_an_admin_mute_goes_through_the_action_and_lifting_it_is_audited(
    make_member, admin_site, rooms, settings
):
    target = make_member("LoudFinch")
    add = "/admin/moderation/mute/add/"
    over = {"member": target.pk, "minutes": settings.MUTE_MAX_MINUTES + 1}
    page = admin_site.post(add, over)
    limit = settings.MUTE_MAX_MINUTES
    assert f"minutes: at most {limit} minutes" in page.content.decode()
    assert not Mute.objects.exists()
    response = admin_site.post(add, {"member": target.pk, "minutes": 60, "reason": "flooding"})
    assert response.status_code == 302
    mute = Mute.objects.get(member=target, room=None)
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.reason, entry.details) == ("mute", "flooding", {"minutes": 60})
    delete = f"/admin/moderation/mute/{mute.pk}/delete/"
    assert admin_site.post(delete, {"post": "yes"}).status_code == 302
    assert not Mute.objects.exists()
    assert AuditEntry.objects.filter(action="unmute", target_handle="LoudFinch").exists()


def test_a_handle_edited_in_the_admin_keeps_its_key_and_passes_the_join_checks(
    make_member, admin_site
):
    target = make_member("QuietOtter")
    make_member("GentleHeron")
    url = f"/admin/community/member/{target.pk}/change/"
    assert admin_site.post(url, member_form(target, handle="Calm_River")).status_code == 302
    target.refresh_from_db()
    assert (target.handle, target.handle_key) == ("Calm_River", handle_key("Calm_River"))
    refused = {
        "me@example.org": "That looks like an email address.",
        "GentIeHeron": "That handle (or one that looks just like it) is taken.",
        "ab": "A handle is 3 to 24 characters long.",
    }
    for handle, words in refused.items():
        page = admin_site.post(url, member_form(target, handle=handle))
        assert page.status_code == 200 and words in page.content.decode(), handle
    target.refresh_from_db()
    assert (target.handle, target.handle_key) == ("Calm_River", handle_key("Calm_River"))
    # Only the case of one's own handle: not "taken" by oneself.
    assert admin_site.post(url, member_form(target, handle="calm_river")).status_code == 302
    target.refresh_from_db()
    assert target.handle == "calm_river" and target.handle_key == handle_key("Calm_River")


def test_saving_the_handle_alone_keeps_the_key(make_member):
    target = make_member("QuietOtter")
    target.handle = "Calm_River"
    target.save(update_fields=["handle"])
    target.refresh_from_db()
    assert target.handle_key == handle_key("Calm_River")


def test_deleting_a_banned_browser_is_the_audited_unban_and_sanctions_are_read_only(
    make_member, admin_site
):
    from moderation.models import Sanction

    target = make_member("LoudFinch", device_hash="e" * 64)
    ban_from_the_changelist(admin_site, target)
    device = BannedDevice.objects.get(token_hash="e" * 64)
    page = admin_site.post(
        f"/admin/community/banneddevice/{device.pk}/delete/", {"post": "yes"}, follow=True
    )
    assert "LoudFinch may come back, from their browser too." in page.content.decode()
    target.refresh_from_db()
    assert not target.is_banned and not BannedDevice.objects.exists()
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["ban", "unban"]
    assert admin_site.get("/admin/community/banneddevice/add/").status_code == 403
    sanction = Sanction.objects.get(member=target)
    assert sanction.kind == "ban" and sanction.lifted_at is not None
    assert admin_site.get("/admin/moderation/sanction/add/").status_code == 403
