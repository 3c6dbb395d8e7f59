from django.contrib import admin

from community.models import BannedDevice, Member


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ("handle", "role", "is_banned", "created_at")
    list_filter = ("role", "is_banned")
    search_fields = ("handle",)
    readonly_fields = ("handle_key", "created_at", "last_login")
    exclude = ("password", "recovery_hash", "device_hash")


@admin.register(BannedDevice)
class BannedDeviceAdmin(admin.ModelAdmin):
    list_display = ("member", "created_at")
    readonly_fields = ("token_hash", "member", "created_at")
