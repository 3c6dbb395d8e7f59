from django.apps import AppConfig


class RecoveryConfig(AppConfig):
    """Recovery together: private day counts, daily check-ins, milestones,
    accountability partners and the "needs a reply" watch (docs/architecture.md)."""

    name = "recovery"

    def ready(self) -> None:
        from community.signals import member_erasing, retention_due
        from realtime import periodic
        from recovery import needs_reply, partners, privacy

        periodic.register_duty(needs_reply.alert_unanswered)
        periodic.register_duty(partners.nudge_missed)
        member_erasing.connect(privacy.erase_recovery, dispatch_uid="recovery.erase")
        retention_due.connect(needs_reply.purge_checked, dispatch_uid="recovery.needs_reply.purge")
