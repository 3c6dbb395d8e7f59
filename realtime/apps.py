from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    """The socket plumbing every app builds on (no models)."""

    name = "realtime"

    def ready(self) -> None:
        from realtime import db, periodic

        # Pooled connections that died with a database restart are weeded out
        # between sends, not discovered by one.
        periodic.register_duty(db.check_idle_connections)
