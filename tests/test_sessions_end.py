"""Ending a session closes every socket it opened; a changed role or active state
closes the facilitator's dashboard before the next queue item or alert."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from community.models import Role
from community.sessions import member_access_set, member_sessions_end
from tests.conftest import receive_until

pytestmark = [pytest.mark.django_db(transaction=True)]

ROOM = "/ws/rooms/newcomers/"
DASHBOARD = "/ws/moderation/"


def signed_in(member) -> Client:
    client = Client()
    client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    return client


async def socket_of(client: Client, path: str) -> WebsocketCommunicator:
    from kindred.asgi import application

    headers = [
        (b"host", b"localhost"),
        (b"origin", b"http://localhost"),
        (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()),
    ]
    ws = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await ws.connect()
    assert connected
    first = await ws.receive_json_from(timeout=5)
    assert first["type"] in ("welcome", "queue"), first
    return ws


async def closed_with(ws) -> int:
    while (output := await ws.receive_output(timeout=5))["type"] != "websocket.close":
        pass
    return output["code"]


async def still_open(ws) -> bool:
    await ws.send_json_to({"type": "ping"})
    return (await receive_until(ws, "pong"))["type"] == "pong"


async def test_signing_out_closes_that_sessions_sockets_and_no_others(member, rooms, hub):
    phone = await database_sync_to_async(signed_in)(member)
    laptop = await database_sync_to_async(signed_in)(member)
    phone_sockets = [await socket_of(phone, ROOM), await socket_of(phone, "/ws/rooms/late-night/")]
    laptop_socket = await socket_of(laptop, ROOM)
    response = await database_sync_to_async(phone.post)("/api/session/logout/")
    assert response.status_code == 200
    for ws in phone_sockets:
        assert await closed_with(ws) == 4401
    # The signed-out session can post nothing more, anywhere.
    from kindred.asgi import application

    again = WebsocketCommunicator(
        application,
        ROOM,
        headers=[
            (b"host", b"localhost"),
            (b"origin", b"http://localhost"),
            (b"cookie", f"sessionid={phone.cookies['sessionid'].value}".encode()),
        ],
    )
    await again.connect()
    assert await closed_with(again) == 4401
    assert await still_open(laptop_socket)
    await laptop_socket.disconnect()


async def test_signing_out_everywhere_ends_every_session_and_socket(member, rooms, hub):
    devices = [await database_sync_to_async(signed_in)(member) for _ in range(2)]
    sockets = [await socket_of(d, ROOM) for d in devices]
    await database_sync_to_async(member_sessions_end)(member_id=member.pk)
    for ws in sockets:
        assert await closed_with(ws) == 4401
    for device in devices:
        response = await database_sync_to_async(device.get)("/api/session/")
        assert response.status_code == 401


@pytest.mark.parametrize(
    "change", [{"role": Role.MEMBER}, {"role": Role.SUPPORTER}, {"active": False}]
)
async def test_a_demoted_or_deactivated_facilitator_gets_no_more_queue_items(
    change, facilitator, rooms, hub
):
    session = await database_sync_to_async(signed_in)(facilitator)
    dashboard = await socket_of(session, DASHBOARD)
    room = await socket_of(await database_sync_to_async(signed_in)(facilitator), ROOM)
    await database_sync_to_async(member_access_set)(member_id=facilitator.pk, **change)
    assert await closed_with(dashboard) == 4401
    assert await closed_with(room) == 4401
    from kindred.asgi import application

    cookie = f"sessionid={session.cookies['sessionid'].value}".encode()
    headers = [(b"host", b"localhost"), (b"origin", b"http://localhost"), (b"cookie", cookie)]
    again = WebsocketCommunicator(application, DASHBOARD, headers=headers)
    await again.connect()
    assert await closed_with(again) in (4401, 4403)


def test_the_admin_changes_a_role_through_the_service(facilitator, make_member):
    admin = make_member("HeadAdmin", role=Role.ADMIN)
    before = facilitator.get_session_auth_hash()
    client = signed_in(admin)
    form = client.get(f"/admin/community/member/{facilitator.pk}/change/")
    assert form.status_code == 200
    response = client.post(
        f"/admin/community/member/{facilitator.pk}/change/",
        {"handle": facilitator.handle, "role": Role.MEMBER, "country": ""},
    )
    assert response.status_code == 302, response.content[:500]
    facilitator.refresh_from_db()
    assert facilitator.role == Role.MEMBER
    assert facilitator.get_session_auth_hash() != before


async def test_a_dashboard_rechecks_the_role_on_every_frame(facilitator, rooms, hub):
    from community.models import Member

    dashboard = await socket_of(await database_sync_to_async(signed_in)(facilitator), DASHBOARD)
    # A change that skipped the services (a shell, a script): the next frame finds it.
    await database_sync_to_async(Member.objects.filter(pk=facilitator.pk).update)(role=Role.MEMBER)
    await dashboard.send_json_to({"type": "ping"})
    assert await closed_with(dashboard) == 4403


async def test_the_heartbeat_closes_a_dashboard_whose_role_changed_behind_its_back(
    facilitator, rooms, hub
):
    from community.models import Member
    from moderation.consumers import PRESENCE_KEY, close_revoked_dashboards

    dashboard = await socket_of(await database_sync_to_async(signed_in)(facilitator), DASHBOARD)
    room = await socket_of(await database_sync_to_async(signed_in)(facilitator), ROOM)
    await database_sync_to_async(Member.objects.filter(pk=facilitator.pk).update)(is_active=False)
    sockets = {"a": (facilitator.pk, PRESENCE_KEY, 0), "b": (facilitator.pk, "newcomers", 1)}
    await database_sync_to_async(close_revoked_dashboards)(sockets)
    assert await closed_with(dashboard) == 4403
    # Only the dashboard: the heartbeat closes what reads the queue.
    assert await still_open(room)
    await room.disconnect()
