from community import wiring  # the module, not the class: see its docstring


class MeetingsConfig(wiring.WiredAppConfig):
    """Scheduled, hosted meetings in the topic rooms: schedules, reminders, meeting mode."""

    name = "meetings"

    def ready(self) -> None:
        # Imported here, as Django asks: models are loaded only now.
        from meetings import duties

        self.wire(duties=[duties.meetings_due])
