from django.apps import AppConfig


class RoomsConfig(AppConfig):
    """Topic rooms, one-on-one chats, their messages and the live sockets."""

    name = "rooms"
    default_auto_field = "django.db.models.BigAutoField"
