from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    """Scheduled, hosted meetings in the topic rooms: schedules, reminders, meeting mode."""

    name = "meetings"

    def ready(self) -> None:
        # Imported here, as Django asks: models are loaded only now.
        from meetings import duties
        from realtime import periodic

        periodic.register_duty(duties.meetings_due)
