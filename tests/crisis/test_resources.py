"""Tests for the crisis card: resources per country, ordering, wording, and
validation of the admin-editable resources file. No database needed."""

from __future__ import annotations

import copy
import json
import logging
import re

import pytest

from crisis import CATEGORIES, ResourcesError, card_for, load_resources
from crisis.resources import DEFAULT_RESOURCES_PATH, validate_resources

COUNTRIES = ["US", "CA", "GB", "IE", "AU", "FR", None]
FIELDS = {"name", "phone", "text", "url", "hours"}

# Words that would describe a method or means; the card must contain none.
METHOD_WORDS = re.compile(
    r"\b(pills?|tablets?|dose|doses|knife|knives|blade|razor|rope|noose|hang|hanging|jump|"
    r"bridge|gun|shoot|poison|bleach|wrists?|cut|cutting|slit|drown|suffocat\w*|fentanyl|heroin)\b",
    re.IGNORECASE,
)


def _names(card):
    return [r["name"] for r in card["resources"]]


@pytest.mark.parametrize("category", CATEGORIES)
@pytest.mark.parametrize("country", COUNTRIES)
def test_card_shape(category, country):
    card = card_for(category, country)
    assert card["type"] == "crisis"
    assert card["category"] == category
    assert isinstance(card["message"], str) and card["message"]
    assert card["resources"], "a card without resources"
    for resource in card["resources"]:
        assert set(resource) == FIELDS
        assert resource["name"] and resource["hours"]
    assert any(r["phone"] or r["url"] for r in card["resources"])


def test_us_suicide_card():
    card = card_for("suicide", "US")
    names = _names(card)
    assert names[0] == "988 Suicide & Crisis Lifeline"
    assert names[-1] == "Emergency services"
    lifeline = card["resources"][0]
    assert lifeline["phone"] == "988"
    assert lifeline["text"] == "988"
    assert lifeline["url"] == "https://988lifeline.org"
    assert lifeline["hours"] == "24/7"
    crisis_text = card["resources"][1]
    assert crisis_text["name"] == "Crisis Text Line"
    assert crisis_text["text"] == "HOME to 741741"
    # SAMHSA is a treatment-referral line, not a crisis line: not on this card.
    assert not any(n.startswith("SAMHSA") for n in names)
    assert card["resources"][-1]["phone"] == "911"


def test_samhsa_is_labelled_as_referral_and_comes_after_emergency_for_substance_use():
    names = _names(card_for("overdose", "US"))
    assert names[0] == "Emergency services"
    samhsa = names[-1]
    assert samhsa.startswith("SAMHSA")
    assert "treatment referral and information" in samhsa and "not a crisis line" in samhsa


@pytest.mark.parametrize("category", ["suicide", "self_harm", "violence"])
def test_immediacy_puts_emergency_services_first(category):
    calm = card_for(category, "GB")
    urgent = card_for(category, "GB", urgent=True)
    assert calm["resources"][0]["name"] != "Emergency services"
    assert urgent["resources"][0]["name"] == "Emergency services"
    assert sorted(_names(calm)) == sorted(_names(urgent))


def test_none_means_us():
    assert card_for("suicide", None) == card_for("suicide", "US")


def test_country_codes_are_case_and_space_insensitive_and_uk_is_gb():
    assert card_for("suicide", " gb ") == card_for("suicide", "GB")
    assert card_for("suicide", "UK") == card_for("suicide", "GB")


@pytest.mark.parametrize(
    ("country", "line_phone", "emergency_phone"),
    [
        ("GB", "116 123", "999"),
        ("IE", "116 123", "112"),
        ("CA", "988", "911"),
        ("AU", "13 11 14", "000"),
    ],
)
def test_other_countries(country, line_phone, emergency_phone):
    card = card_for("suicide", country)
    assert card["resources"][0]["phone"] == line_phone
    assert card["resources"][-1]["phone"] == emergency_phone
    assert card["resources"][-1]["name"].startswith("Emergency services")


def test_ireland_mentions_both_emergency_numbers():
    assert "999" in card_for("suicide", "IE")["resources"][-1]["name"]


@pytest.mark.parametrize("country", ["XK", "ZZ", ""])
def test_unknown_country_gets_international_fallback(country):
    card = card_for("self_harm", country)
    assert any(r["url"] == "https://findahelpline.com" for r in card["resources"])
    emergency = card["resources"][-1]
    assert emergency["name"] == "Your local emergency number"


@pytest.mark.parametrize("country", COUNTRIES)
def test_overdose_leads_with_emergency_services_and_naloxone(country):
    card = card_for("overdose", country)
    first = card["resources"][0]
    assert first["name"].lower().startswith(("emergency services", "your local emergency"))
    assert card["message"].startswith("If someone may have overdosed, call emergency services now")
    assert "naloxone" in card["message"].lower()


@pytest.mark.parametrize("category", ["suicide", "self_harm", "violence"])
@pytest.mark.parametrize("country", COUNTRIES)
def test_crisis_lines_come_before_emergency(category, country):
    card = card_for(category, country)
    assert card["resources"][-1]["name"].lower().startswith(("emergency", "your local emergency"))
    assert len(card["resources"]) >= 2


def test_category_specific_lines():
    violence = _names(card_for("violence", "US"))
    assert "National Domestic Violence Hotline" in violence
    assert not any(n.startswith("SAMHSA") for n in violence)
    assert "National Domestic Violence Hotline" not in _names(card_for("suicide", "US"))
    assert any(n.startswith("SAMHSA") for n in _names(card_for("overdose", "US")))


@pytest.mark.parametrize("category", CATEGORIES)
def test_message_follows_safe_messaging(category):
    message = card_for(category, "US")["message"]
    lower = message.lower()
    assert "you don't have to go through this alone" in lower
    # What a human from the community will do is said apart, from live state.
    assert "facilitator" not in lower
    assert "peer community" in lower and "not a crisis service" in lower
    assert "trained and available now" in lower
    assert len(message) <= 400, len(message)
    assert not METHOD_WORDS.search(message), METHOD_WORDS.search(message)


def test_messages_differ_per_category():
    messages = {card_for(c, "US")["message"] for c in CATEGORIES}
    assert len(messages) == len(CATEGORIES)


def test_violence_message_covers_both_sides_without_accusing():
    message = card_for("violence", "US")["message"].lower()
    assert "getting hurt" in message
    assert "hurt someone" in message
    for word in ("abuser", "violent person", "criminal", "dangerous"):
        assert word not in message


def test_followup_words_match_the_state():
    alerted = card_for("suicide", "US", followup="alerted")
    later = card_for("suicide", "US", followup="later")
    assert alerted["followup"] == "alerted" and later["followup"] == "later"
    assert "has been told and will check in" in alerted["followup_text"]
    words = later["followup_text"].lower()
    assert "no one from the kindred community is available right now" in words
    assert "when one comes on" in words and "lines on this card" in words
    for text in (alerted["followup_text"], later["followup_text"]):
        assert not METHOD_WORDS.search(text) and len(text) <= 400


def test_at_least_20_countries_each_with_a_line_and_an_emergency_number(shipped):
    countries = {c: e for c, e in shipped["countries"].items() if c != "international"}
    assert len(countries) >= 20
    for code, entry in countries.items():
        assert entry["emergency"]["phone"], code
        assert any(line["phone"] or line["text"] for line in entry["lines"]), code


def test_every_entry_says_whether_a_person_checked_it(shipped):
    from crisis.resources import unverified_entries

    entries = [
        e for c in shipped["countries"].values() for e in [c["emergency"], *c.get("lines", [])]
    ]
    assert all("verified" in e and "source" in e for e in entries)
    # Nothing here can verify a phone number: the shipped data must not pretend.
    unchecked = unverified_entries(shipped)
    assert len(unchecked) == sum(1 for e in entries if e["verified"] is None)
    assert ("US", "988 Suicide & Crisis Lifeline", "https://988lifeline.org") in unchecked


def test_unknown_category_is_an_error():
    with pytest.raises(ValueError, match="unknown crisis category"):
        card_for("sadness", "US")


# --- the resources file -------------------------------------------------------------


@pytest.fixture
def shipped():
    return json.loads(DEFAULT_RESOURCES_PATH.read_text(encoding="utf-8"))


def test_shipped_file_is_valid(shipped):
    assert validate_resources(copy.deepcopy(shipped)) == shipped
    assert load_resources() == shipped


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.pop("version"), "missing top-level 'version'"),
        (lambda d: d["messages"].pop("overdose"), "missing message for category 'overdose'"),
        (lambda d: d["messages"].update(grief="x"), "unknown category 'grief'"),
        (lambda d: d["countries"].pop("international"), "'international' entry"),
        (lambda d: d["countries"].update(usa=d["countries"]["US"]), "country 'usa' is not"),
        (
            lambda d: d["countries"]["US"]["lines"][0].update(phone=None, text=None, url=None),
            "country US line #1: needs at least one of phone, text or url",
        ),
        (
            lambda d: d["countries"]["US"]["lines"][0].update(url="988lifeline.org"),
            "country US line #1: url must start with https://",
        ),
        (
            lambda d: d["countries"]["US"]["lines"][0].update(categories=["sadness"]),
            "country US line #1: unknown category 'sadness'",
        ),
        (
            lambda d: d["countries"]["US"]["lines"][0].update(fax="123"),
            "country US line #1: unknown field(s) fax",
        ),
        (
            lambda d: d["countries"]["GB"]["emergency"].update(phone=None),
            "country GB emergency: needs at least one of phone, text or url",
        ),
        (
            lambda d: d["countries"]["AU"].pop("emergency"),
            "country AU emergency: must be an object",
        ),
        (lambda d: d["countries"]["CA"]["lines"][0].pop("hours"), "'hours' must be a non-empty"),
        (lambda d: d["aliases"].update(EN="XX"), "alias 'EN' points at unknown country 'XX'"),
        (lambda d: d.update(default_country="ZZ"), "default_country 'ZZ' is not listed"),
        (
            lambda d: d["countries"]["US"]["lines"][0].pop("verified"),
            "country US line #1: missing 'verified' (null if unknown)",
        ),
        (
            lambda d: d["countries"]["US"]["lines"][0].update(verified="last week"),
            "'verified' must be a YYYY-MM-DD date or null",
        ),
        (
            lambda d: d["countries"]["US"]["lines"][0].update(kind="hotline"),
            "'kind' must be one of crisis, referral",
        ),
        (lambda d: d.pop("followup"), "'followup' must have exactly alerted, later"),
    ],
)
def test_malformed_resources_are_rejected_clearly(shipped, tmp_path, mutate, message):
    mutate(shipped)
    path = tmp_path / "resources.json"
    path.write_text(json.dumps(shipped), encoding="utf-8")
    with pytest.raises(ResourcesError) as excinfo:
        load_resources(path)
    assert message in str(excinfo.value)


def test_unreadable_resources(tmp_path):
    with pytest.raises(ResourcesError, match="cannot read resources"):
        load_resources(tmp_path / "missing.json")
    broken = tmp_path / "broken.json"
    broken.write_text("{nope", encoding="utf-8")
    with pytest.raises(ResourcesError, match="not valid JSON"):
        load_resources(broken)


def test_setting_points_at_an_edited_copy(shipped, tmp_path, settings):
    shipped["countries"]["US"]["lines"][0]["name"] = "Test Lifeline"
    path = tmp_path / "resources.json"
    path.write_text(json.dumps(shipped), encoding="utf-8")
    settings.CRISIS_RESOURCES_PATH = str(path)
    assert card_for("suicide", "US")["resources"][0]["name"] == "Test Lifeline"
    del settings.CRISIS_RESOURCES_PATH
    assert card_for("suicide", "US")["resources"][0]["name"] == "988 Suicide & Crisis Lifeline"


def test_broken_configured_file_falls_back_to_shipped(tmp_path, settings, caplog):
    path = tmp_path / "resources.json"
    path.write_text('{"version": 1}', encoding="utf-8")
    settings.CRISIS_RESOURCES_PATH = str(path)
    with caplog.at_level(logging.ERROR, logger="crisis.resources"):
        card = card_for("suicide", "US")
    assert card["resources"][0]["name"] == "988 Suicide & Crisis Lifeline"
    assert any("unusable" in r.getMessage() for r in caplog.records)


def test_explicit_resources_argument(shipped):
    shipped["messages"]["suicide"] = "custom"
    assert card_for("suicide", "US", resources=shipped)["message"] == "custom"
