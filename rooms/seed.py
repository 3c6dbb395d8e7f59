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


#: Rooms that talk in Spanish (docs/i18n.md: a new language brings its own rooms).
SPANISH_ROOMS = (
    (
        "recien-llegados",
        "Recién llegados",
        "¿Acabas de llegar? Saluda cuando quieras. Sin presión ni juicios: puedes leer "
        "todo el tiempo que necesites.",
    ),
    (
        "alcohol-es",
        "Alcohol",
        "Ganas de beber, días contados, recaídas y nuevos comienzos: la recuperación del "
        "alcohol, en compañía.",
    ),
    (
        "salud-mental",
        "Salud mental",
        "Ansiedad, depresión y todo lo que llega con la recuperación.",
    ),
    (
        "familia-y-aliados",
        "Familia y aliados",
        "Para quienes quieren a alguien en recuperación.",
    ),
    (
        "de-madrugada",
        "De madrugada",
        "¿No puedes dormir y todo pesa más? Esta sala siempre está abierta y casi siempre "
        "hay alguien.",
    ),
    ("logros", "Logros", "24 horas, 30 días, 5 años: aquí celebramos cada paso."),
)
#: An English room's counterpart in another language, where links that send a
#: member to a room (the drop-in page, a hard day's check-in, sharing a
#: milestone) take them when it exists (rooms.selectors.room_in_language).
ROOM_TWINS = {
    "newcomers": {"es": "recien-llegados"},
    "late-night": {"es": "de-madrugada"},
    "alcohol": {"es": "alcohol-es"},
    "mental-health": {"es": "salud-mental"},
    "family-and-allies": {"es": "familia-y-aliados"},
    "milestones": {"es": "logros"},
}
#: Rooms where someone new may arrive at their most fragile, or find others who are:
#: mental health and the late-night drop-ins, in both languages. A new handle's first
#: messages there wait for a facilitator's quick look (Room.sensitive; docs/moderation.md).
#: Newcomers stays open at once: a first hello must never wait.
SENSITIVE_ROOMS = frozenset({"mental-health", "late-night", "salud-mental", "de-madrugada"})
#: Every seeded room with its language, in the order the home page lists them.
SEEDED_ROOMS = tuple((*room, "en") for room in DEFAULT_ROOMS) + tuple(
    (*room, "es") for room in SPANISH_ROOMS
)


def seed_rooms() -> int:
    """Create any missing default room; never overwrite an admin's edits. Returns how many."""
    created = 0
    for position, (slug, title, description, language) in enumerate(SEEDED_ROOMS):
        _, was_created = Room.objects.get_or_create(
            slug=slug,
            defaults={
                "title": title,
                "description": description,
                "kind": RoomKind.TOPIC,
                "position": position,
                "language": language,
                "sensitive": slug in SENSITIVE_ROOMS,
            },
        )
        created += was_created
    return created
