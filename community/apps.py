from community import wiring  # the module, not the class: see its docstring


class CommunityConfig(wiring.WiredAppConfig):
    """The members app: anonymous handles, sessions and roles."""

    name = "community"
    label = "community"

    def ready(self) -> None:
        from community import inbox, privacy

        self.wire(duties=[privacy.purge_if_due], purge=inbox.purge_old_items)
