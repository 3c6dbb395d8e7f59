"""The drop-in line by language: a member who asks to talk in Spanish is offered
first to the free helpers who speak it, to everyone else after
``DROPIN_LANGUAGE_FALLBACK_SECONDS`` (at once when none of the speakers is
free), and sees a place and a wait estimate counted among Spanish requests.
Staff say which languages they take chats in on their settings.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation

from community import account
from community.models import Role
from core.errors import BadInput, NotAllowed
from realtime import bus
from realtime.presence import Arrival, get_store
from rooms import dropin, status
from rooms.models import DropInRequest, DropInStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(monkeypatch):
    """Frames handed to the bus for members: [(member_id, frame)]."""
    sent: list[tuple[int, dict]] = []
    monkeypatch.setattr(bus, "publish_member", lambda m, event: sent.append((m, event["frame"])))
    return sent


@pytest.fixture
def now_run(django_capture_on_commit_callbacks):
    """Run a service and its after-commit broadcasts now."""

    def run(call, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(**kwargs)

    return run


def free(member, *, on_duty: bool = False) -> None:
    """*member* connected and free to take a drop-in chat (on duty, or open to a chat)."""
    get_store().connect(
        Arrival(
            conn_id=f"conn-{member.pk}",
            member_id=member.pk,
            handle=member.handle,
            room="late-night",
            role=member.role,
            invisible=False,
            open_to_chat=not on_duty,
            on_duty=on_duty,
        )
    )


def offers(published, request_id: int) -> list[int]:
    """Who was offered *request_id*, in order."""
    return [m for m, f in published if f["type"] == "dropin.offer" and f["request"] == request_id]


def waited(request_id: int, seconds: float) -> None:
    """Make *request_id* look as if it joined the line *seconds* ago."""
    DropInRequest.objects.filter(pk=request_id).update(
        created_at=timezone.now() - timedelta(seconds=seconds)
    )


@pytest.fixture
def helpers(make_member):
    """Free now: an English-only facilitator on duty, a Spanish-speaking peer
    supporter, and a facilitator who speaks both."""
    english = make_member("EnglishFacil", role=Role.FACILITATOR, on_duty=True)
    spanish = make_member("ApoyoLuz", role=Role.SUPPORTER, open_to_chat=True, speaks=["es"])
    both = make_member("BothFacil", role=Role.FACILITATOR, on_duty=True, speaks=["en", "es"])
    free(english, on_duty=True)
    free(spanish)
    free(both, on_duty=True)
    return english, spanish, both


def test_a_spanish_request_is_offered_first_to_those_who_speak_spanish(
    make_member, helpers, published, now_run
):
    english, spanish, both = helpers
    line = now_run(dropin.dropin_join, member_id=make_member("MarEnLaFila").pk, language="es")
    assert line["language"] == "es"
    assert (line["helpers_speaking"], line["helpers_available"]) == (2, 2)
    assert sorted(offers(published, line["request"])) == sorted([spanish.pk, both.pk])
    assert published[0][1]["language"] == "es"
    # The line a helper sees lists only what was offered to them.
    assert dropin.dropin_line(member_id=english.pk) == []
    assert [r["language"] for r in dropin.dropin_line(member_id=spanish.pk)] == ["es"]

    # An English request goes to the English speakers first, the same way.
    published.clear()
    other = now_run(dropin.dropin_join, member_id=make_member("JoInLine").pk, language="en")
    assert sorted(offers(published, other["request"])) == sorted([english.pk, both.pk])
    # Each is first in their own language's line.
    assert (line["place"], other["place"]) == (1, 1)


def test_after_the_fallback_delay_everyone_free_is_offered_it_once(
    make_member, helpers, published, now_run, settings
):
    english, _spanish, _both = helpers
    settings.DROPIN_LANGUAGE_FALLBACK_SECONDS = 90
    seeker = make_member("MarEnLaFila")
    request_id = now_run(dropin.dropin_join, member_id=seeker.pk, language="es")["request"]
    late = make_member("LateFacil", role=Role.FACILITATOR, on_duty=True)
    free(late, on_duty=True)
    # Someone who doesn't speak Spanish coming on duty isn't offered it yet.
    now_run(status.member_set_duty, member_id=late.pk, on=True)
    published.clear()

    waited(request_id, 60)
    assert now_run(dropin.widen_due) == 0
    assert published == []
    waited(request_id, 91)
    assert now_run(dropin.widen_due) == 1
    # Those who had it already aren't offered it twice.
    assert sorted(offers(published, request_id)) == sorted([english.pk, late.pk])
    assert now_run(dropin.widen_due) == 0
    assert [r["request"] for r in dropin.dropin_line(member_id=english.pk)] == [request_id]
    line = dropin.dropin_status(member_id=seeker.pk)
    assert (line["helpers_speaking"], line["helpers_available"]) == (2, 4)
    # Anyone may take it now; the first to accept wins as always.
    taken = now_run(dropin.dropin_accept, member_id=english.pk, request_id=request_id)
    assert taken["type"] == "dropin.matched"


def test_when_nobody_free_speaks_it_everyone_free_is_offered_it_at_once(
    make_member, published, now_run
):
    english = make_member("EnglishFacil", role=Role.FACILITATOR, on_duty=True)
    free(english, on_duty=True)
    line = now_run(dropin.dropin_join, member_id=make_member("MarEnLaFila").pk, language="es")
    assert offers(published, line["request"]) == [english.pk]
    assert (line["helpers_speaking"], line["helpers_available"]) == (0, 1)
    assert [r["request"] for r in dropin.dropin_line(member_id=english.pk)] == [line["request"]]


def test_the_wait_estimate_is_per_language(make_member):
    def matched_after(handle: str, language: str, seconds: int) -> None:
        now = timezone.now()
        request = DropInRequest.objects.create(
            member=make_member(handle), language=language, status=DropInStatus.MATCHED
        )
        DropInRequest.objects.filter(pk=request.pk).update(
            created_at=now - timedelta(seconds=seconds), matched_at=now
        )

    matched_after("QuickEs", "es", 40)
    matched_after("QuickEs2", "es", 60)
    matched_after("SlowEn", "en", 600)
    spanish = dropin.dropin_join(member_id=make_member("MarEnLaFila").pk, language="es")
    english = dropin.dropin_join(member_id=make_member("JoInLine").pk, language="en")
    assert spanish["estimate_seconds"] == 50
    assert english["estimate_seconds"] == 600
    assert dropin.estimate_seconds() == 60  # all languages together


def test_the_language_is_the_members_unless_they_ask_for_another(make_member):
    saved = make_member("GuardoEspanol", language="es")
    assert dropin.dropin_join(member_id=saved.pk)["language"] == "es"
    plain = make_member("PlainMember")
    assert dropin.dropin_join(member_id=plain.pk)["language"] == "en"
    for bad in ("fr", "", 5):
        with pytest.raises(BadInput) as caught:
            dropin.dropin_join(member_id=make_member().pk, language=bad)
        assert caught.value.code == "bad_field"

    # Over HTTP: the page's language, unless the body names one.
    client = Client()
    client.force_login(make_member("PhoneInSpanish"))
    joined = client.post("/api/dropin/", {}, "application/json", HTTP_ACCEPT_LANGUAGE="es-MX")
    assert joined.status_code == 201 and joined.json()["language"] == "es"
    other = Client()
    other.force_login(make_member("AsksInEnglish"))
    body = {"language": "en"}
    joined = other.post("/api/dropin/", body, "application/json", HTTP_ACCEPT_LANGUAGE="es")
    assert joined.json()["language"] == "en"
    refused = other.post("/api/dropin/", {"language": "xx"}, "application/json")
    assert refused.status_code == 400 and refused.json()["error"] == "bad_field"


def test_the_long_wait_message_speaks_the_language_asked_for(
    make_member, rooms, published, now_run, settings
):
    settings.DROPIN_TIMEOUT_SECONDS = 5
    request_id = dropin.dropin_join(member_id=make_member("MarEnLaFila").pk, language="es")[
        "request"
    ]
    waited(request_id, 6)
    assert now_run(dropin.notify_timeouts) == 1
    frame = published[-1][1]
    assert frame["room"] == "de-madrugada"
    assert "sigues en la fila" in frame["message"].lower()


def test_staff_say_which_languages_they_take_chats_in(make_member):
    supporter = make_member("ApoyoLuz", role=Role.SUPPORTER)
    assert account.member_settings(member_id=supporter.pk)["speaks"] == []
    saved = account.member_settings_update(
        member_id=supporter.pk, changes={"speaks": ["es", "en", "es-MX"]}
    )
    assert saved["speaks"] == ["en", "es"]
    for bad in (["xx"], "es", [5]):
        with pytest.raises(BadInput):
            account.member_settings_update(member_id=supporter.pk, changes={"speaks": bad})
    member = make_member("JustAMember")
    assert account.member_settings(member_id=member.pk)["speaks"] is None
    with pytest.raises(NotAllowed):
        account.member_settings_update(member_id=member.pk, changes={"speaks": ["es"]})


def test_a_helper_who_declared_nothing_speaks_the_language_they_use(
    make_member, published, now_run
):
    uses_spanish = make_member("UsaEspanol", role=Role.SUPPORTER, open_to_chat=True, language="es")
    english = make_member("EnglishFacil", role=Role.FACILITATOR, on_duty=True)
    free(uses_spanish)
    free(english, on_duty=True)
    line = now_run(dropin.dropin_join, member_id=make_member("MarEnLaFila").pk, language="es")
    assert offers(published, line["request"]) == [uses_spanish.pk]


def test_links_to_a_room_go_to_the_room_in_the_members_language(rooms):
    from recovery.daily import help_links

    with translation.override("es"):
        assert "/rooms/de-madrugada/" in [link["url"] for link in help_links()]
    with translation.override("en"):
        assert "/rooms/late-night/" in [link["url"] for link in help_links()]


def test_a_milestone_shared_in_spanish_goes_to_the_spanish_milestones_room(make_member, rooms):
    from datetime import UTC, datetime

    from recovery import journeys
    from rooms.models import Message

    member = make_member("CuentoDias", language="es")
    noon = datetime(2026, 1, 8, 12, tzinfo=UTC)
    with translation.override("es"):
        journey = journeys.journey_add(
            member_id=member.pk, label="alcohol", started_on="2026-01-01", now=noon
        )
        shared = journeys.milestone_share(
            member_id=member.pk, journey_id=journey["id"], key="d7", now=noon
        )
    assert shared["room"] == "logros"
    assert Message.objects.get(pk=shared["message"]).room.slug == "logros"


def test_the_staff_pages_speak_spanish(make_member, rooms):
    facilitator = make_member("FacilHabla", role=Role.FACILITATOR)
    client = Client()
    client.force_login(facilitator)
    page = client.get("/facilitators/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    for words in ("Panel de facilitación", "Estás fuera de servicio.", "Cola", "Desactivado"):
        assert words in page, words
    sign_in = Client().get("/facilitators/login/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Contraseña" in sign_in and "Entrar" in sign_in


def test_a_form_upload_instead_of_json_is_a_clear_error(make_member):
    client = Client()
    client.force_login(make_member("FormPoster"))
    refused = client.post("/api/dropin/", {"language": "es"})  # multipart, as a form sends it
    assert refused.status_code == 400 and refused.json()["error"] == "bad_json"
