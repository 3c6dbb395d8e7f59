from django.contrib import admin

from moderation import wordlist
from moderation.models import AuditEntry, BlockedWord, Mute, QueueItem


@admin.register(BlockedWord)
class BlockedWordAdmin(admin.ModelAdmin):
    list_display = ("word", "created_at")
    search_fields = ("word",)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        wordlist.invalidate()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        wordlist.invalidate()


@admin.register(Mute)
class MuteAdmin(admin.ModelAdmin):
    """Admins can see and lift mutes (delete one to unmute)."""

    list_display = ("member", "room", "until", "created_at")
    readonly_fields = ("member", "room", "created_at")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """The audit log: readable, never editable."""

    list_display = ("created_at", "actor_handle", "action", "target_handle", "room_slug", "reason")
    list_filter = ("action",)
    search_fields = ("actor_handle", "target_handle")


@admin.register(QueueItem)
class QueueItemAdmin(ReadOnlyAdmin):
    list_display = ("pk", "kind", "category", "state", "priority", "created_at")
    list_filter = ("kind", "state")
