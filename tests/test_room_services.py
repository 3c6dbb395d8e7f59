"""The one message path, tested synchronously at the service."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from community.models import Member
from core.errors import KindredError, NotAllowed, NotFound
from rooms import services
from rooms.models import Message, Room
from tests.concurrency import race

pytestmark = pytest.mark.django_db


def send(member, room, body="hello", nonce=None):
    return services.message_send(member_id=member.pk, room_slug=room.slug, body=body, nonce=nonce)


def test_send_stores_trimmed_text_and_safe_html(member, room):
    result = send(member, room, "  <b>hi</b> see https://example.org\n\n\n\n\nbye  ")
    stored = Message.objects.get(pk=result.message.id)
    assert stored.body == "<b>hi</b> see https://example.org\n\n\nbye"
    frame = result.message.frame()
    assert frame["body"].startswith('&lt;b&gt;hi&lt;/b&gt; see <a href="https://example.org"')
    assert 'rel="nofollow noopener noreferrer ugc"' in frame["body"]
    assert frame["author"] == "QuietOtter" and frame["room"] == "newcomers"
    assert frame["sent_at"].endswith("Z")


def test_ids_increase_and_chain_within_a_room(member, room):
    first = send(member, room, "one").message
    second = send(member, room, "two").message
    assert second.id > first.id
    assert second.prev_id == first.id
    assert Room.objects.get(pk=room.pk).last_message_id == second.id


def test_same_nonce_twice_stores_one_message(member, room):
    a = send(member, room, "once", nonce="n-1")
    b = send(member, room, "once", nonce="n-1")
    assert a.message.id == b.message.id
    assert b.duplicate and not a.duplicate
    assert Message.objects.filter(nonce="n-1").count() == 1


def test_nonces_are_per_member(member, make_member, room):
    other = make_member("BraveWren")
    a = send(member, room, "hi", nonce="same")
    b = send(other, room, "hi", nonce="same")
    assert a.message.id != b.message.id


@pytest.mark.parametrize(
    ("body", "code"),
    [("", "empty"), ("   \n\t ", "empty"), ("\u200b\u202e", "empty"), ("x" * 2001, "too_long")],
)
def test_bad_bodies_are_refused_and_nothing_is_stored(member, room, body, code):
    with pytest.raises(KindredError) as refused:
        send(member, room, body)
    assert refused.value.code == code
    assert not Message.objects.exists()


def test_exactly_2000_characters_is_fine(member, room):
    assert send(member, room, "x" * 2000).message.id


def test_rate_limit_answers_with_retry_after(member, room, settings):
    settings.MESSAGE_RATE_LIMIT = "3/10s"
    for i in range(3):
        send(member, room, f"m{i}")
    with pytest.raises(KindredError) as refused:
        send(member, room, "too many")
    assert refused.value.code == "rate_limited"
    assert 1 <= refused.value.extra["retry_after"] <= 10
    assert Message.objects.count() == 3


def test_rate_limit_is_per_room(member, rooms, settings):
    settings.MESSAGE_RATE_LIMIT = "1/10s"
    send(member, rooms["newcomers"])
    send(member, rooms["alcohol"])  # a different room is not limited


def test_rate_limit_lets_a_member_send_again_once_the_window_has_passed(member, room, settings):
    settings.MESSAGE_RATE_LIMIT = "2/10s"
    send(member, room, "one")
    send(member, room, "two")
    # The older of the two was sent 7 s ago: the wait is what is left of its window.
    Message.objects.filter(body="one").update(sent_at=timezone.now() - timedelta(seconds=7))
    with pytest.raises(KindredError) as refused:
        send(member, room, "three")
    assert refused.value.code == "rate_limited" and refused.value.extra["retry_after"] == 3
    Message.objects.filter(body="one").update(sent_at=timezone.now() - timedelta(seconds=11))
    assert send(member, room, "three").message.id
    with pytest.raises(KindredError):
        send(member, room, "four")  # "two" and "three" fill the window again


def test_rate_limit_of_zero_means_no_limit(member, room, settings):
    settings.MESSAGE_RATE_LIMIT = "0/10s"
    for n in range(12):
        send(member, room, f"message {n}")
    assert Message.objects.count() == 12


@pytest.mark.redis
def test_the_message_rate_limit_keeps_nothing_in_redis(member, room, settings):
    """It is counted from the member's stored messages, in the read every send
    makes, so it costs a send no round trip of its own."""
    from core import redis as kredis

    settings.MESSAGE_RATE_LIMIT = "3/10s"
    for n in range(3):
        send(member, room, f"message {n}")
    with pytest.raises(KindredError) as refused:
        send(member, room, "one too many")
    assert refused.value.code == "rate_limited"
    assert kredis.enabled()
    assert not list(kredis.sync_client().scan_iter(match=kredis.key("rl", "msg:*")))


def test_slow_mode(member, facilitator, room):
    room.slow_mode_seconds = 30
    room.save()
    send(member, room, "first")
    with pytest.raises(KindredError) as refused:
        send(member, room, "second")
    assert refused.value.code == "slow_mode" and refused.value.extra["retry_after"] <= 30
    send(facilitator, room, "facilitators are exempt")
    send(facilitator, room, "still exempt")


def test_locked_room_refuses_members_not_facilitators(member, facilitator, room):
    room.is_locked = True
    room.save()
    with pytest.raises(KindredError) as refused:
        send(member, room)
    assert refused.value.code == "locked"
    assert send(facilitator, room).message.id


def test_new_handles_wait_before_posting(member, room):
    room.members_only_after_minutes = 10
    room.save()
    with pytest.raises(KindredError) as refused:
        send(member, room)
    assert refused.value.code == "not_allowed_yet"
    assert 1 <= refused.value.extra["retry_after"] <= 600
    Member.objects.filter(pk=member.pk).update(created_at=timezone.now() - timedelta(minutes=11))
    assert send(member, room).message.id


def test_unknown_room_and_banned_member(member, room):
    with pytest.raises(NotFound):
        services.message_send(member_id=member.pk, room_slug="nope", body="x")
    Member.objects.filter(pk=member.pk).update(is_banned=True)
    with pytest.raises(NotAllowed):
        send(member, room)


def test_blocking_hides_history(member, make_member, room):
    other = make_member("LoudFinch")
    send(other, room, "from other")
    send(member, room, "mine")
    services.member_block(member_id=member.pk, handle="loudfinch")
    welcome = services.room_welcome(member_id=member.pk, room_slug=room.slug)
    assert [m.author for m in welcome.history] == ["QuietOtter"]
    assert other.pk in welcome.blocked_ids
    services.member_unblock(member_id=member.pk, handle="LoudFinch")
    welcome = services.room_welcome(member_id=member.pk, room_slug=room.slug)
    assert [m.author for m in welcome.history] == ["LoudFinch", "QuietOtter"]


def test_cannot_block_yourself_or_nobody(member):
    for handle in ("QuietOtter", "NoSuchPerson"):
        with pytest.raises(KindredError):
            services.member_block(member_id=member.pk, handle=handle)


def test_welcome_history_is_the_last_50_oldest_first_in_few_queries(member, room, settings):
    settings.MESSAGE_RATE_LIMIT = "1000/1s"
    for i in range(60):
        send(member, room, f"m{i}")
    with CaptureQueriesContext(connection) as queries:
        welcome = services.room_welcome(member_id=member.pk, room_slug=room.slug)
    assert [m.html for m in welcome.history] == [f"m{i}" for i in range(10, 60)]
    # member, room, blocks, history, its reactions, the inbox's unread count (on an
    # index), the team's badges and the member's mute here (issue 23).
    assert len(queries) <= 8


def test_seeding_rooms_is_idempotent(db):
    from rooms.seed import seed_rooms

    assert seed_rooms() == 14  # eight in English, six in Spanish
    Room.objects.filter(slug="late-night").update(title="Edited by an admin")
    assert seed_rooms() == 0
    assert Room.objects.get(slug="late-night").title == "Edited by an admin"
    assert Room.objects.count() == 14
    spanish = set(Room.objects.filter(language="es").values_list("title", flat=True))
    assert spanish == {
        "Recién llegados",
        "Alcohol",
        "Salud mental",
        "Familia y aliados",
        "De madrugada",
        "Logros",
    }


# --- many senders at once (threads on PostgreSQL, as several processes would) ----


@pytest.mark.django_db(transaction=True)
def test_simultaneous_senders_form_one_unbroken_chain(make_member, rooms, settings):
    settings.MESSAGE_RATE_LIMIT = "1000/1s"
    room = rooms["newcomers"]
    senders = [make_member(f"Sender{i}") for i in range(6)]
    before = Room.objects.get(pk=room.pk).last_message_id or 0

    def burst(member):
        return [send(member, room, f"{member.handle} says {k}").message.id for k in range(8)]

    results = race([lambda m=m: burst(m) for m in senders])
    assert all(isinstance(r, list) for r in results), results
    chain = list(Message.objects.filter(room=room).order_by("id").values_list("id", "prev_id"))
    assert len(chain) == 6 * 8
    # Each message follows the one before it, with nothing skipped or shared.
    assert chain[0][1] == before
    assert all(prev == earlier for (earlier, _), (_, prev) in itertools.pairwise(chain))
    assert Room.objects.get(pk=room.pk).last_message_id == chain[-1][0]


@pytest.mark.django_db(transaction=True)
def test_the_same_nonce_from_several_sockets_at_once_is_stored_once(member, rooms):
    room = rooms["newcomers"]
    results = race([lambda: send(member, room, "only once", nonce="tap") for _ in range(5)])
    assert {r.message.id for r in results} == {Message.objects.get(nonce="tap").pk}
    assert sum(not r.duplicate for r in results) == 1


def test_the_statements_of_a_send_are_planned_once_per_connection(member, room):
    """The read and the store run on every send; PostgreSQL keeps them prepared
    instead of parsing and planning them each time (realtime/db.py). A handle
    not yet trusted also has its trust level read on every send, prepared too
    (moderation/summary_sql.py)."""
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    for n in range(3):
        send(member, room, f"message {n}", nonce=f"prepared-{n}")
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert len(prepared) == 3, prepared
    assert sum("FOR UPDATE" in text for text in prepared) == 1  # the store
    assert sum("s.override" in text for text in prepared) == 1  # the trust level


def test_a_plain_message_is_stored_in_one_statement(member, room):
    send(member, room, "warm up")
    with CaptureQueriesContext(connection) as queries:
        send(member, room, "just talking", nonce="plain-1")
    writes = [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    if connection.vendor == "postgresql":
        # Lock, insert and room update are one statement, outside any
        # BEGIN/COMMIT pair: the room's lock is held for microseconds.
        assert len(writes) == 1 and writes[0].lstrip().startswith("WITH"), writes
        # And before it one read: the room with the sender, their mute and
        # any message already sent under this nonce.
        assert len(queries) == 2, [q["sql"][:60] for q in queries]
