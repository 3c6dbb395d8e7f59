"""Each app's own AppConfig runs at startup, so its duties and receivers are wired
(community/wiring.py: a second AppConfig class in an apps.py would silently
replace it with Django's plain one)."""

from django.apps import apps

from community import wiring
from community.signals import member_erasing, retention_due

WIRED = ("community", "rooms", "moderation", "leadership", "recovery", "meetings")


def test_every_app_built_on_community_runs_its_own_config():
    for label in WIRED:
        config = apps.get_app_config(label)
        assert isinstance(config, wiring.WiredAppConfig), label
        assert type(config).__module__ == f"{label}.apps"


def test_the_receivers_of_erasing_and_purging_are_connected_once_each():
    purging = [receiver[0][0] for receiver in retention_due.receivers]
    erasing = [receiver[0][0] for receiver in member_erasing.receivers]
    assert sorted(purging) == sorted(
        f"{label}.purge" for label in ("community", "rooms", "moderation", "leadership", "recovery")
    )
    assert sorted(erasing) == ["moderation.erase", "recovery.erase", "rooms.erase"]
