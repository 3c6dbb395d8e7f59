from django.apps import AppConfig


class CommunityConfig(AppConfig):
    """The members app: anonymous handles, sessions and roles."""

    name = "community"
    label = "community"
    default_auto_field = "django.db.models.BigAutoField"
