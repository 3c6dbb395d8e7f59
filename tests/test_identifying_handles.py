"""Handles built from an email address or a social identifier are refused (issue
29, item 15): the class, with a corpus of identifying handles and one of ordinary
handles that must pass, every handle Kindred itself generates included."""

from __future__ import annotations

import itertools

import pytest

from community.handles import check_handle_text
from community.words import ADJECTIVES, NOUNS

pytestmark = [pytest.mark.django_db]

EMAIL_LIKE = [
    "otterATgmail", "OtterGmail", "otter_gmail", "otterGMAIL", "gmail_otter", "JoGma1l",
    "jo_at_hotmail", "sam_hotmai1", "SamOutlook", "JoYahoo", "jo_ymail", "riverIcloud",
    "river_protonmail", "RiverProtonMe", "jo_aol_com", "jo_live_com", "JoGmx", "jo_yandex",
    "jo_mail_ru", "JoFastmail", "jo_tutanota", "JoZohoMail", "jo_btinternet", "JoComcast",
    "jo_sbcglobal", "jo_qq_com", "jo_163_com", "jo_me_com", "JoRocketmail", "JoEmail",
    "jo_email_me", "otter_googlemail", "0tterGMA1L", "JoYah00",
]  # fmt: skip
SOCIAL = [
    "insta_otter", "OtterInsta", "instaotter", "otterinsta", "InstaOtter22", "ig_quietfox",
    "Otter_IG", "quietfox_ig", "snapchat_sam", "samsnapchat", "snap_sam", "SamSnap",
    "snapotter", "discord_jo", "jodiscord", "JoDiscord99", "discordjo", "TikTokSam",
    "sam_tiktok", "samtiktok", "fb_jo", "JoFacebook", "jofacebook", "whatsapp_jo",
    "jo_telegram", "JoTelegram", "tg_jo", "jo_twitter", "JoYouTube", "yt_jo", "jo_yt",
    "jo_reddit", "joreddit", "JoOnlyFans", "j0nlyfans", "onlyfans_jo", "jo_linkedin",
    "jotumblr", "jo_kik", "kik_jo", "Jo_TTV", "ttv_jo", "jo_bsky", "JoBluesky",
    "jo_mastodon", "jo_psn", "jo_xbox", "jo_venmo", "jovenmo", "jo_cashapp", "JoPayPal",
    "jo_wechat", "jo_viber", "jo_grindr", "jo_pinterest", "jo_vk", "DMs_open_jo",
    "jo_skype", "1nstaotter", "Insta4Jo", "jo_sc", "sc_jo", "wa_jo", "jo_dc",
]  # fmt: skip
ORDINARY = [
    "GentleHeron27", "Calm_River", "InstantCalm", "Install_Hope", "Instance_9", "BigFish",
    "Olive_Tree", "Snappy_Dog", "Snapdragon", "Snapshot_Sky", "Madmiral", "Clover_Field",
    "Steady_Sun", "Moonlight88", "Discordant", "DiscordiaBell", "Fine_Line", "Signal_Fire",
    "Steam_Engine", "Tinder_Box", "Bumble_Bee", "Door_Hinge", "Friend_Of_Bill",
    "One_Day_At_A_Time", "Threads_Of_Hope", "Twitch_Fox", "Phoenix_Rising", "Mailbox_Jo",
    "Outlast_It", "Look_Out_Up", "Icy_Cloud", "Live_Free", "Meadow_Lark", "Hot_Cocoa",
    "Gramercy_Park", "Telescope_Jo", "Facing_Forward", "Tick_Tock_Clock", "Yahtzee_Night",
    "Proton_Pack", "Kikker", "Scout", "Waves_Calm", "Tiger_Lily", "Reddish_Fox", "Sober_Sam",
    "Day_365", "Hopeful_Jo", "Quiet_Fox", "NightOwl", "EarlyBird", "KindLark", "Willow",
    "StillStanding", "TwelveSteps", "Serenity_Now", "Brave_Heart", "Nova", "Cedar_Grove",
    "Pine_Needle", "Warm_Tea", "Slow_River",
]  # fmt: skip


@pytest.mark.parametrize("handle", EMAIL_LIKE)
def test_handles_built_from_an_email_are_refused(handle):
    problem = check_handle_text(handle)
    assert problem is not None and problem.code == "looks_like_email", handle


@pytest.mark.parametrize("handle", SOCIAL)
def test_handles_built_from_a_social_identifier_are_refused(handle):
    problem = check_handle_text(handle)
    assert problem is not None, handle
    assert problem.code in ("looks_like_social", "looks_like_email"), (handle, problem)


@pytest.mark.parametrize("handle", ORDINARY)
def test_ordinary_handles_pass(handle):
    assert check_handle_text(handle) is None, handle


def test_no_handle_kindred_generates_looks_identifying():
    refused = [
        f"{adjective}{noun}27"
        for adjective, noun in itertools.product(ADJECTIVES, NOUNS)
        if check_handle_text(f"{adjective}{noun}27") is not None
        and f"{adjective}{noun}" != "KindReed"  # reads as "kindred": generate_handle skips it
    ]
    assert refused == [], refused[:20]


def test_the_corpus_is_large_enough_to_mean_something():
    assert len(EMAIL_LIKE) >= 30 and len(SOCIAL) >= 60 and len(ORDINARY) >= 60


def test_generated_handles_never_read_as_a_reserved_word(monkeypatch):
    import community.handles as handles

    picks = iter(["Kind", "Reed", "Gentle", "Heron"])
    monkeypatch.setattr(handles.secrets, "choice", lambda _options: next(picks))
    handle = handles.generate_handle()
    assert handle.startswith("GentleHeron") and check_handle_text(handle) is None
