from community import wiring  # the module, not the class: see its docstring


class LeadershipConfig(wiring.WiredAppConfig):
    """The path from member to peer supporter, and the care of the people who help."""

    name = "leadership"

    def ready(self) -> None:
        # Imported here, as Django asks: models are loaded only now.
        from leadership import handover, privacy, shifts, supporters_room
        from rooms import access, dropin

        dropin.register_match_hook(handover.pass_note_on)
        access.register_room_gate(supporters_room.helpers_only)
        self.wire(duties=[shifts.shifts_due], purge=privacy.purge_old_words)
