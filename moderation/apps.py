from django.apps import AppConfig


class ModerationConfig(AppConfig):
    """Reports, the facilitators' queue, actions, the audit log and crisis detection."""

    name = "moderation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Compile the crisis lexicon now, not on the first member's message.
        from moderation.crisis import load_lexicon

        load_lexicon()
