from django.apps import AppConfig


class RoomsConfig(AppConfig):
    """Topic rooms, one-on-one chats, their messages and the live sockets."""

    name = "rooms"

    def ready(self) -> None:
        # Imported here, as Django asks: models are loaded only now.
        from community.signals import member_erasing, retention_due
        from realtime import hub, periodic
        from rooms import dropin, presence_glue, privacy, selectors

        hub.set_catch_up_reader(selectors.catch_up)
        periodic.register_socket_duty(presence_glue.heartbeat_and_sweep)
        periodic.register_sweep(presence_glue.sweep)
        periodic.register_duty(dropin.notify_timeouts)
        periodic.register_duty(dropin.widen_due)
        member_erasing.connect(privacy.erase_member_messages, dispatch_uid="rooms.erase")
        retention_due.connect(privacy.purge_old_messages, dispatch_uid="rooms.purge")
