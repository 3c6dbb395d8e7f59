from django.apps import AppConfig


class ModerationConfig(AppConfig):
    """Reports, the facilitators' queue, actions, the audit log and crisis detection."""

    name = "moderation"
    default_auto_field = "django.db.models.BigAutoField"
