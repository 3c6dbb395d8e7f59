"""The default topic rooms, created idempotently by ``make run`` and ``seed_rooms``."""

from __future__ import annotations

from rooms.models import Room, RoomKind

DEFAULT_ROOMS = (
    (
        "newcomers",
        "Newcomers",
        "New here? Say hello. No pressure, no judgement — read along as long as you like.",
    ),
    (
        "late-night",
        "Late-night drop-in",
        "Awake when it's hardest? This room is always open. Someone is usually here.",
    ),
    (
        "alcohol",
        "Alcohol",
        "Cravings, counting days, slips and restarts: recovery from alcohol, together.",
    ),
    (
        "opioids",
        "Opioids",
        "Recovery from opioids, including medication-assisted recovery. All paths welcome.",
    ),
    ("stimulants", "Stimulants", "Recovery from meth, cocaine and other stimulants."),
    (
        "mental-health",
        "Mental health",
        "Anxiety, depression, and everything that comes with recovery.",
    ),
    ("family-and-allies", "Family and allies", "For the people who love someone in recovery."),
    ("milestones", "Milestones", "24 hours, 30 days, 5 years: celebrate every one here."),
)


def seed_rooms() -> int:
    """Create any missing default room; never overwrite an admin's edits. Returns how many."""
    created = 0
    for position, (slug, title, description) in enumerate(DEFAULT_ROOMS):
        _, was_created = Room.objects.get_or_create(
            slug=slug,
            defaults={
                "title": title,
                "description": description,
                "kind": RoomKind.TOPIC,
                "position": position,
            },
        )
        created += was_created
    return created
