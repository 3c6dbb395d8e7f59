from community import wiring  # the module, not the class: see its docstring


class RecoveryConfig(wiring.WiredAppConfig):
    """Recovery together: private day counts, daily check-ins, milestones,
    accountability partners and the "needs a reply" watch (docs/architecture.md)."""

    name = "recovery"

    def ready(self) -> None:
        from recovery import needs_reply, partners, privacy

        self.wire(
            duties=[needs_reply.alert_unanswered, partners.nudge_missed],
            erase=privacy.erase_recovery,
            purge=needs_reply.purge_checked,
        )
