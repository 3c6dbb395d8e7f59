from django.apps import AppConfig


class LeadershipConfig(AppConfig):
    """The path from member to peer supporter, and the care of the people who help."""

    name = "leadership"

    def ready(self) -> None:
        # Imported here, as Django asks: models are loaded only now.
        from community.signals import retention_due
        from leadership import handover, privacy, shifts, supporters_room
        from realtime import periodic
        from rooms import access, dropin

        periodic.register_duty(shifts.shifts_due)
        dropin.register_match_hook(handover.pass_note_on)
        access.register_room_gate(supporters_room.helpers_only)
        retention_due.connect(privacy.purge_old_words, dispatch_uid="leadership.purge")
