from django.apps import AppConfig


class CommunityConfig(AppConfig):
    """The members app: anonymous handles, sessions and roles."""

    name = "community"
    label = "community"

    def ready(self) -> None:
        from community import inbox, privacy
        from community.signals import retention_due
        from realtime import periodic

        periodic.register_duty(privacy.purge_if_due)
        retention_due.connect(inbox.purge_old_items, dispatch_uid="community.inbox.purge")
