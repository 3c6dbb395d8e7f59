"""The path from member to peer supporter, and the care of helpers (docs/leadership.md):
the bar, the course, shadowing, a facilitator's decision, the password link, the
drop-in cap, stepping away, debriefs, shifts and private thanks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.utils import timezone

from community.models import InboxItem, Member, Role
from core.errors import KindredError
from leadership import care, course, handover, review, services, shifts
from leadership.models import Application, ApplicationStatus, Shift
from moderation.models import AuditEntry
from rooms import dropin
from rooms.models import Chat, ChatStatus, DropInRequest, DropInStatus, Message, Room
from rooms.services import message_send
from tests.concurrency import race

sync_db = pytest.mark.django_db
live_db = pytest.mark.django_db(transaction=True)
CRISIS = "I want to kill myself tonight"


def refusal(call, **kwargs) -> KindredError:
    with pytest.raises(KindredError) as caught:
        call(**kwargs)
    return caught.value


def seasoned(member: Member, *, days_old: int = 60, active_days: int = 12) -> Member:
    """Make *member* look like someone who joined *days_old* days ago and wrote on
    *active_days* different days."""
    now = timezone.now()
    Member.objects.filter(pk=member.pk).update(created_at=now - timedelta(days=days_old))
    room = Room.objects.get(slug="newcomers")
    for day in range(active_days):
        message = Message.objects.create(room=room, author=member, body="hi", html="hi")
        Message.objects.filter(pk=message.pk).update(sent_at=now - timedelta(days=day, hours=1))
    member.refresh_from_db()
    return member


def all_right_answers(module: course.Module) -> dict[str, str]:
    return {q.key: q.answer for q in module.questions}


def through_course(member: Member) -> None:
    for module in course.MODULES:
        services.course_answer(
            member_id=member.pk, slug=module.slug, answers=all_right_answers(module)
        )


@pytest.fixture
def applicant(rooms, make_member):
    member = seasoned(make_member("WillingWren"))
    services.application_start(member_id=member.pk, motivation="I was helped here at night.")
    return member


# --- the bar ------------------------------------------------------------------------


@sync_db
def test_a_member_below_the_bar_cannot_apply_and_is_told_what_is_missing(rooms, make_member):
    newcomer = make_member("BrandNewBee")
    state = services.leadership_state(member_id=newcomer.pk)
    failing = {c["name"] for c in state["bar"]["checks"] if not c["ok"]}
    assert failing == {"account_age", "days_active"}
    assert refusal(services.application_start, member_id=newcomer.pk).code == "not_allowed"
    assert not Application.objects.exists()

    # Old enough, but on too few days.
    seasoned(newcomer, days_old=90, active_days=3)
    assert refusal(services.application_start, member_id=newcomer.pk).code == "not_allowed"
    seasoned(newcomer, days_old=90, active_days=10)
    assert services.application_start(member_id=newcomer.pk)["status"] == "learning"


@sync_db
def test_a_recent_sanction_or_a_staff_role_keeps_the_door_closed(rooms, make_member, facilitator):
    member = seasoned(make_member("OnceWarned"))
    AuditEntry.objects.create(
        actor=facilitator,
        actor_handle=facilitator.handle,
        action="warn",
        target_handle="OnceWarned",
    )
    bar = services.leadership_state(member_id=member.pk)["bar"]
    assert not bar["eligible"]
    assert [c["name"] for c in bar["checks"] if not c["ok"]] == ["no_sanctions"]
    # Long enough ago, it no longer counts.
    AuditEntry.objects.update(created_at=timezone.now() - timedelta(days=91))
    assert services.leadership_state(member_id=member.pk)["bar"]["eligible"]
    staff = seasoned(make_member("AlreadyHelps", role=Role.SUPPORTER))
    assert not services.leadership_state(member_id=staff.pk)["bar"]["eligible"]


@sync_db
def test_the_page_shows_become_a_peer_supporter_only_to_those_who_meet_the_bar(rooms, make_member):
    below, above = make_member("TooSoonToo"), seasoned(make_member("ReadyRobin"))
    pages = {}
    for member in (below, above):
        client = Client()
        client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
        pages[member.handle] = client.get("/me/").content.decode()
    assert "Become a peer supporter" not in pages["TooSoonToo"]
    assert "Become a peer supporter" in pages["ReadyRobin"]


@sync_db
def test_the_api_refuses_an_application_below_the_bar(rooms, member_client):
    response = member_client.post(
        "/api/leadership/apply/",
        data={"motivation": "please"},
        content_type="application/json",
        headers={"X-CSRFToken": member_client.get("/api/session/").cookies["csrftoken"].value},
    )
    assert response.status_code == 403
    assert response.json()["error"] == "not_allowed"


# --- course and shadowing --------------------------------------------------------------


@sync_db
def test_the_course_explains_every_answer_and_opens_shadowing_when_done(applicant):
    first = course.MODULES[0]
    wrong = {q.key: "a" if q.answer != "a" else "c" for q in first.questions}
    result = services.course_answer(member_id=applicant.pk, slug=first.slug, answers=wrong)
    assert not result["passed"] and all(q["why"] for q in result["questions"])
    assert refusal(services.shadow_tick, member_id=applicant.pk).code == "not_allowed"
    through_course(applicant)
    assert Application.objects.get(member=applicant).status == ApplicationStatus.SHADOWING


@sync_db
def test_shadow_time_counts_only_while_the_page_pings_and_then_goes_to_review(applicant, settings):
    settings.LEADERSHIP_SHADOW_HOURS = 0.05  # three minutes
    through_course(applicant)
    start = timezone.now()
    services.shadow_tick(member_id=applicant.pk, now=start)
    after_a_minute = services.shadow_tick(member_id=applicant.pk, now=start + timedelta(seconds=60))
    assert after_a_minute["shadow_seconds"] == 60
    # A page closed for an hour doesn't count the hour.
    later = start + timedelta(hours=1)
    assert services.shadow_tick(member_id=applicant.pk, now=later)["shadow_seconds"] == 60
    for minute in (1, 2):
        state = services.shadow_tick(member_id=applicant.pk, now=later + timedelta(minutes=minute))
    assert state["shadow_seconds"] == 180 and state["status"] == "review"
    line = services.shadow_line(member_id=applicant.pk)
    assert line == {"line": [], "needs_reply": 0}


# --- review, approval and the password link ---------------------------------------------


@sync_db
def test_only_facilitators_decide_and_a_refusal_needs_kind_words(applicant, make_member):
    application = Application.objects.get(member=applicant)
    supporter = make_member("JustASupporter", role=Role.SUPPORTER)
    assert (
        refusal(
            review.application_decide,
            member_id=supporter.pk,
            application_id=application.pk,
            decision="approve",
        ).code
        == "not_allowed"
    )
    facil = make_member("KindFacil", role=Role.FACILITATOR)
    assert (
        refusal(
            review.application_decide,
            member_id=facil.pk,
            application_id=application.pk,
            decision="decline",
        ).code
        == "bad_field"
    )
    review.application_decide(
        member_id=facil.pk,
        application_id=application.pk,
        decision="decline",
        reason="Thank you; give it a few more months of meetings first.",
    )
    notice = InboxItem.objects.get(member=applicant)
    assert "give it a few more months" in notice.text
    assert AuditEntry.objects.filter(
        action="supporter_decline", target_handle="WillingWren"
    ).exists()


@sync_db
def test_approval_sends_a_one_time_link_that_sets_the_password_and_the_role(applicant, make_member):
    facil = make_member("MentorMoss", role=Role.FACILITATOR)
    application = Application.objects.get(member=applicant)
    review.application_decide(member_id=facil.pk, application_id=application.pk, decision="approve")
    application.refresh_from_db()
    assert application.mentor == facil and application.probation_until > timezone.now()
    applicant.refresh_from_db()
    assert applicant.role == Role.MEMBER  # not until they set the password
    link = InboxItem.objects.get(member=applicant).url
    token = link.split("/")[-2]
    # Approved and waiting for the password: no second application meanwhile.
    assert refusal(services.application_start, member_id=applicant.pk).code == "not_allowed"

    client = Client()
    client.force_login(applicant, backend="django.contrib.auth.backends.ModelBackend")
    weak = client.post(link, {"password": "password", "again": "password"})
    assert weak.status_code == 400 and "too common" in weak.content.decode()
    assert (
        refusal(review.password_link_use, token=token, password="x", again="y").code == "bad_field"
    )
    good = "gentle-river-morning-7731"
    done = client.post(link, {"password": good, "again": good})
    assert done.status_code == 302 and done["Location"].startswith("/facilitators/login/")
    applicant.refresh_from_db()
    assert applicant.role == Role.SUPPORTER and applicant.check_password(good)
    assert applicant.session_epoch == 1  # every session of theirs ended
    assert SESSION_KEY not in client.session
    assert client.get(link).status_code == 404  # used once
    assert (
        review.application_review(member_id=facil.pk, application_id=application.pk)["status"]
        == "approved"
    )


# --- the drop-in cap -------------------------------------------------------------------


def waiting_requests(make_member, count: int) -> list[int]:
    return [
        dropin.dropin_join(member_id=make_member(f"Seeker{i}").pk)["request"] for i in range(count)
    ]


@sync_db
def test_a_helper_takes_at_most_the_capped_number_of_drop_in_chats(make_member, settings):
    settings.DROPIN_MAX_CHATS_PER_HELPER = 2
    helper = make_member("CappedPeer", role=Role.SUPPORTER)
    first, second, third = waiting_requests(make_member, 3)
    dropin.dropin_accept(member_id=helper.pk, request_id=first)
    dropin.dropin_accept(member_id=helper.pk, request_id=second)
    refused = refusal(dropin.dropin_accept, member_id=helper.pk, request_id=third)
    assert refused.code == "at_capacity"
    assert DropInRequest.objects.get(pk=third).status == DropInStatus.WAITING
    # Once one chat ends there is room again.
    chat = Chat.objects.filter(recipient=helper).first()
    Chat.objects.filter(pk=chat.pk).update(status=ChatStatus.CLOSED)
    assert dropin.dropin_accept(member_id=helper.pk, request_id=third)["chat"]


@live_db
def test_two_offers_taken_at_once_respect_the_cap(make_member, settings):
    settings.DROPIN_MAX_CHATS_PER_HELPER = 1
    helper = make_member("BusyPeer", role=Role.SUPPORTER)
    requests = waiting_requests(make_member, 2)
    results = race(
        [lambda r=r: dropin.dropin_accept(member_id=helper.pk, request_id=r) for r in requests]
    )
    wins = [r for r in results if isinstance(r, dict)]
    losses = [r for r in results if isinstance(r, KindredError)]
    assert len(wins) == 1 and len(losses) == 1, results
    assert losses[0].code == "at_capacity"
    assert Chat.objects.filter(recipient=helper, status=ChatStatus.OPEN).count() == 1
    assert DropInRequest.objects.filter(status=DropInStatus.WAITING).count() == 1


# --- stepping away, the hand-over note, debriefs ------------------------------------------


@sync_db
def test_stepping_away_hands_the_member_back_with_a_note_and_prompts_a_debrief(rooms, make_member):
    seeker = make_member("NeedsSomeone", country="GB")
    first = make_member("TiredPeer", role=Role.SUPPORTER)
    request_id = dropin.dropin_join(member_id=seeker.pk)["request"]
    DropInRequest.objects.filter(pk=request_id).update(
        created_at=timezone.now() - timedelta(minutes=5)
    )
    dropin.dropin_join(member_id=make_member("CameLater").pk)
    chat_id = dropin.dropin_accept(member_id=first.pk, request_id=request_id)["chat"]
    chat = Chat.objects.get(pk=chat_id)
    message_send(member_id=seeker.pk, room_slug=chat.room.slug, body=CRISIS)

    done = handover.chat_step_away(
        member_id=first.pk, chat_id=chat_id, note="Talked about the cravings; card shown."
    )
    assert done["debrief"] is True
    chat.refresh_from_db()
    assert chat.status == ChatStatus.CLOSED
    again = DropInRequest.objects.get(pk=done["request"])
    assert again.status == DropInStatus.WAITING and again.member == seeker
    assert dropin.dropin_status(member_id=seeker.pk)["place"] == 1  # still first in line
    assert "needed to step away" in InboxItem.objects.filter(member=seeker).first().text
    assert InboxItem.objects.filter(member=first, url=f"/leadership/debrief/{chat_id}/").exists()
    assert care.debriefs_due(member=first) == [chat_id]

    nxt = make_member("FreshPeer", role=Role.SUPPORTER)
    new_chat = dropin.dropin_accept(member_id=nxt.pk, request_id=again.pk)["chat"]
    note = InboxItem.objects.get(member=nxt)
    assert "TiredPeer handed this chat over with a note: Talked about the cravings" in note.text
    assert note.url == f"/chats/{new_chat}/"

    care.debrief_save(member_id=first.pk, chat_id=chat_id, feeling="shaken", notes="heavy")
    assert care.debriefs_due(member=first) == []
    # Nobody else's chat can be stepped away from or debriefed.
    assert (
        refusal(handover.chat_step_away, member_id=first.pk, chat_id=new_chat).code == "not_found"
    )


@sync_db
def test_a_quiet_chat_hands_over_without_a_debrief(rooms, make_member):
    seeker, helper = make_member("JustLonely"), make_member("CalmFacil", role=Role.FACILITATOR)
    request_id = dropin.dropin_join(member_id=seeker.pk)["request"]
    chat_id = dropin.dropin_accept(member_id=helper.pk, request_id=request_id)["chat"]
    assert handover.chat_step_away(member_id=helper.pk, chat_id=chat_id)["debrief"] is False
    assert refusal(handover.chat_step_away, member_id=helper.pk, chat_id=chat_id).code == "closed"


# --- shifts and thanks ----------------------------------------------------------------------


@sync_db
def test_a_long_shift_ends_itself_kindly_and_others_on_shift_are_counted(make_member, settings):
    settings.SUPPORTER_SHIFT_MAX_MINUTES = 60
    one = make_member("ShiftOne", role=Role.SUPPORTER)
    two = make_member("ShiftTwo", role=Role.SUPPORTER)
    shifts.shift_set(member=one, on=True)
    assert shifts.shift_set(member=two, on=True)["others_on_shift"] == 1
    Shift.objects.filter(member=one).update(started_at=timezone.now() - timedelta(minutes=61))
    assert shifts.shifts_due() == 1
    one.refresh_from_db()
    assert not one.open_to_chat
    assert "Please take a real break" in InboxItem.objects.get(member=one).text
    assert shifts.shift_state(member=two)["others_on_shift"] == 0


@sync_db
def test_this_helped_reaches_only_the_helper_once(rooms, make_member):
    seeker, helper = make_member("GratefulGull"), make_member("HelpfulHare", role=Role.SUPPORTER)
    request_id = dropin.dropin_join(member_id=seeker.pk)["request"]
    chat_id = dropin.dropin_accept(member_id=helper.pk, request_id=request_id)["chat"]
    assert refusal(care.thanks_leave, member_id=helper.pk, chat_id=chat_id).code == "not_found"
    care.thanks_leave(member_id=seeker.pk, chat_id=chat_id, words="You stayed with me.")
    care.thanks_leave(member_id=seeker.pk, chat_id=chat_id, words="again")
    received = care.thanks_received(member=helper)
    assert received["count"] == 1
    assert [t["words"] for t in received["words"]] == ["You stayed with me."]
    assert InboxItem.objects.filter(member=helper, url="/leadership/").count() == 1
    assert care.thanks_received(member=seeker)["count"] == 0


# --- the supporters' room ------------------------------------------------------------------


@sync_db
def test_the_supporters_room_is_listed_and_open_only_to_helpers(rooms, make_member):
    from leadership.supporters_room import ensure_supporters_room
    from rooms.access import check_room_access
    from rooms.selectors import topic_rooms

    member, supporter = make_member("CuriousCat"), make_member("RoomPeer", role=Role.SUPPORTER)
    assert ensure_supporters_room() == "supporters"
    assert "supporters" not in {r.slug for r in topic_rooms(viewer=member)}
    assert "supporters" not in {r.slug for r in topic_rooms()}
    assert "supporters" in {r.slug for r in topic_rooms(viewer=supporter)}
    missing = refusal(check_room_access, member=member, slug="no-such-room")
    hidden = refusal(check_room_access, member=member, slug="supporters")
    assert (hidden.code, hidden.detail) == (missing.code, missing.detail)
    assert check_room_access(member=supporter, slug="supporters").slug == "supporters"
    refused = refusal(message_send, member_id=member.pk, room_slug="supporters", body="hello?")
    assert refused.code == "not_found"
    assert message_send(member_id=supporter.pk, room_slug="supporters", body="Anyone free?")

    client = Client()
    client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/rooms/supporters/").status_code == 404
    assert "supporters" not in {r["slug"] for r in client.get("/api/rooms/").json()}
    assert "Supporters&#x27; room" not in client.get("/").content.decode()
    client.force_login(supporter, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/rooms/supporters/").status_code == 200


@sync_db
def test_asking_for_more_means_another_stretch_of_shadowing(applicant, make_member, settings):
    settings.LEADERSHIP_SHADOW_HOURS = 0.01  # 36 seconds
    through_course(applicant)
    start = timezone.now()
    services.shadow_tick(member_id=applicant.pk, now=start)
    assert (
        services.shadow_tick(member_id=applicant.pk, now=start + timedelta(seconds=40))["status"]
        == "review"
    )
    facil = make_member("AskingFacil", role=Role.FACILITATOR)
    application = Application.objects.get(member=applicant)
    review.application_decide(
        member_id=facil.pk,
        application_id=application.pk,
        decision="more",
        reason="A couple more late shifts watching the line, please.",
    )
    later = start + timedelta(minutes=5)
    assert services.shadow_tick(member_id=applicant.pk, now=later)["status"] == "more"
    again = services.shadow_tick(member_id=applicant.pk, now=later + timedelta(seconds=40))
    assert again["status"] == "review"
    assert "A couple more late shifts" in InboxItem.objects.get(member=applicant).text


@sync_db
def test_notes_debriefs_and_thanks_go_with_the_messages_retention(rooms, make_member):
    from community.privacy import purge
    from leadership.models import Debrief, Handover, Thanks

    seeker, helper = make_member("OldChatter"), make_member("OldHelper", role=Role.SUPPORTER)
    request_id = dropin.dropin_join(member_id=seeker.pk)["request"]
    chat_id = dropin.dropin_accept(member_id=helper.pk, request_id=request_id)["chat"]
    care.thanks_leave(member_id=seeker.pk, chat_id=chat_id, words="thank you")
    handover.chat_step_away(member_id=helper.pk, chat_id=chat_id, note="context")
    care.debrief_save(member_id=helper.pk, chat_id=chat_id, notes="mine")
    assert purge()["thanks"] == 0 and Handover.objects.count() == 1
    long_ago = timezone.now() - timedelta(days=91)
    for model in (Thanks, Handover, Debrief):
        model.objects.update(created_at=long_ago)
    removed = purge()
    assert (removed["thanks"], removed["handovers"], removed["debriefs"]) == (1, 1, 1)


@sync_db
def test_the_api_carries_a_supporters_shift_and_debrief(rooms, make_member):
    supporter = make_member("ApiPeer", role=Role.SUPPORTER)
    client = Client(enforce_csrf_checks=True)
    client.force_login(supporter, backend="django.contrib.auth.backends.ModelBackend")
    token = client.get("/api/session/").cookies["csrftoken"].value

    def post(path, body):
        return client.post(
            path, data=body, content_type="application/json", headers={"X-CSRFToken": token}
        )

    assert post("/api/leadership/shift/", {"on": "yes"}).json()["error"] == "bad_field"
    assert post("/api/leadership/shift/", {"on": True}).json()["on_shift"] is True
    seeker = make_member("ApiSeeker")
    request_id = dropin.dropin_join(member_id=seeker.pk)["request"]
    chat_id = dropin.dropin_accept(member_id=supporter.pk, request_id=request_id)["chat"]
    saved = post(f"/api/leadership/chats/{chat_id}/debrief/", {"feeling": "okay"})
    assert saved.status_code == 200 and saved.json() == {
        "chat": chat_id,
        "saved": True,
        "mentor": None,
    }
    mine = client.get("/api/leadership/").json()["supporter"]
    assert mine["shift"]["on_shift"] is True and mine["thanks"]["count"] == 0
    stranger = Client()
    stranger.force_login(seeker, backend="django.contrib.auth.backends.ModelBackend")
    assert stranger.get("/api/leadership/").json().get("supporter") is None
