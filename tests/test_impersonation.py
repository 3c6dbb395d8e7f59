"""Handles that could pass for someone on the team, or that carry an email or
social identifier, are refused at joining and in the admin alike."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from community.handles import check_handle_text, handle_key, impersonation_key, passes_for
from community.models import Member, Role

pytestmark = [pytest.mark.django_db]


def join(handle: str):
    client = Client(enforce_csrf_checks=True)
    token = client.get("/api/session/").cookies["csrftoken"].value
    return client.post(
        "/api/session/",
        data=json.dumps({"handle": handle}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )


@pytest.mark.parametrize(
    ("staff", "attempt"),
    [
        ("Dana_Reyes", "Clana_Reyes"),  # cl / d
        ("Dana_Reyes", "DanaReyes"),  # underscore dropped (already a look-alike)
        ("Morgan_Lee", "Morqan_Lee"),  # one letter off
        ("Morgan_Lee", "Mmorgan_Lee"),  # a doubled letter
        ("Morgan_Lee", "M0rg4n_L33"),  # digits for letters
        ("Morgan_Lee", "Morgan_Lea"),
        ("Morgan_Lee", "MorganLeee"),
        ("SteadyFacil", "SteadyFaci1"),
        ("SteadyFacil", "StedyFacil"),
        ("Sam_Okafor", "Sarn_Okafor"),  # rn / m
        ("HelenaWu", "He1enaVVu"),
        ("Priya_Kaur", "Priya_Kaurr"),
    ],
)
@pytest.mark.parametrize("role", [Role.FACILITATOR, Role.ADMIN, Role.SUPPORTER])
def test_a_handle_close_to_someone_on_the_team_is_refused(make_member, staff, attempt, role):
    make_member(staff, role=role)
    response = join(attempt)
    assert response.status_code == 400, attempt
    assert response.json()["error"] in ("reserved", "handle_taken")
    assert not Member.objects.filter(handle=attempt).exists()


@pytest.mark.parametrize(
    ("member_handle", "attempt"),
    [("Morgan_Lee", "Morqan_Lee"), ("Dana_Reyes", "Dana_Reyez"), ("Quiet_Otter", "Quiet_Otters")],
)
def test_handles_close_to_an_ordinary_members_are_fine(make_member, member_handle, attempt):
    make_member(member_handle)
    assert join(attempt).status_code == 201


@pytest.mark.parametrize(
    "handle",
    [
        "4dmin",
        "Mod3rator",
        "Adm1n_Sam",
        "Modderator",
        "AAdmin",
        "Staaff_Jo",
        "0ffic1al",
        "Kindr3d",
        "Facilit4tor",
        "ModeratorJo",
        "Sta_ff",
        "Clarity_Admin",
    ],
)
def test_reserved_words_in_disguise_are_refused(handle):
    problem = check_handle_text(handle)
    assert problem is not None and problem.code == "reserved", handle


@pytest.mark.parametrize(
    "handle",
    [
        "otterATgmail",
        "OtterGmail",
        "sam_hotmail",
        "JoYahoo",
        "insta_otter",
        "OtterInsta",
        "discord_jo",
        "snapchat_sam",
        "ig_quietfox",
        "Otter_IG",
        "TikTokSam",
        "fb_jo",
    ],
)
def test_handles_built_from_email_or_social_identifiers_are_refused(handle):
    problem = check_handle_text(handle)
    assert problem is not None and problem.code in ("looks_like_email", "looks_like_social")


@pytest.mark.parametrize(
    "handle",
    [
        "GentleHeron27",
        "Calm_River",
        "InstantCalm",
        "BigFish",
        "Olive_Tree",
        "Snappy_Dog",
        "Madmiral",
        "Clover_Field",
        "Steady_Sun",
        "Moonlight88",
        "Discordant",
    ],
)
def test_ordinary_handles_pass(handle):
    assert check_handle_text(handle) is None, handle


def test_the_impersonation_key_folds_what_a_reader_would_not_notice():
    assert impersonation_key("Clana_Reyes") == impersonation_key("Dana_Reyes")
    assert impersonation_key("M0rg4n") == impersonation_key("Morgan")
    assert impersonation_key("Mmorgann") == impersonation_key("Morgan")
    assert passes_for("Morqan_Lee", "Morgan_Lee") and not passes_for("Robin_Hood", "Morgan_Lee")


@pytest.fixture
def admin_site(make_member) -> Client:
    make_member("HeadSteward", role=Role.ADMIN).set_password("a long admin password")
    Member.objects.filter(handle="HeadSteward").update(
        password=Member.objects.get(handle="HeadSteward").password
    )
    client = Client()
    client.force_login(Member.objects.get(handle="HeadSteward"))
    return client


def test_the_admin_refuses_a_handle_that_passes_for_staff(make_member, admin_site):
    make_member("Dana_Reyes", role=Role.FACILITATOR)
    target = make_member("QuietOtter")
    url = f"/admin/community/member/{target.pk}/change/"
    form = {"handle": "Clana_Reyes", "role": target.role, "country": ""}
    page = admin_site.post(url, form)
    assert page.status_code == 200 and "too close to someone on our team" in page.content.decode()
    target.refresh_from_db()
    assert (target.handle, target.handle_key) == ("QuietOtter", handle_key("QuietOtter"))
    # A member of the team may still edit their own handle's case.
    own = Member.objects.get(handle="Dana_Reyes")
    form = {"handle": "dana_reyes", "role": own.role, "country": ""}
    assert admin_site.post(f"/admin/community/member/{own.pk}/change/", form).status_code == 302
