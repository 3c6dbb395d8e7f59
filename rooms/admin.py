from django.contrib import admin

from rooms.models import Room, RoomKind


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "slug",
        "language",
        "sensitive",
        "is_locked",
        "slow_mode_seconds",
        "position",
    )
    list_editable = ("position",)
    prepopulated_fields = {"slug": ("title",)}
    exclude = ("pinned_message",)
    # Changing these must reach the room's open sockets: moderation's admin
    # (moderation/admin.py) changes them through the room actions.
    readonly_fields = ("is_locked", "slow_mode_seconds")

    def get_queryset(self, request):
        # One-on-one chats are private: never listed or edited here.
        return super().get_queryset(request).filter(kind=RoomKind.TOPIC)
