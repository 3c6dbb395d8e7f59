from community import wiring  # the module, not the class: see its docstring


class RoomsConfig(wiring.WiredAppConfig):
    """Topic rooms, one-on-one chats, their messages and the live sockets."""

    name = "rooms"

    def ready(self) -> None:
        # Imported here, as Django asks: models are loaded only now.
        from realtime import hub
        from rooms import dropin, presence_glue, privacy, selectors

        hub.set_catch_up_reader(selectors.catch_up)
        self.wire(
            duties=[dropin.notify_timeouts, dropin.widen_due],
            socket_duties=[presence_glue.heartbeat_and_sweep],
            sweeps=[presence_glue.sweep],
            erase=privacy.erase_member_messages,
            purge=privacy.purge_old_messages,
        )
