"""Members in the admin site.

A handle edited here passes the join form's checks. What members see live (a
ban, their own presence choices) is read-only here: moderation's admin adds the
actions that change it through the services (moderation/admin.py).
"""

from django import forms
from django.contrib import admin

from community.handles import handle_key
from community.models import BannedDevice, InboxItem, Member
from community.services import check_handle_available
from core.errors import KindredError

#: Fields whose change must reach open sockets (or is the member's own choice).
LIVE_MEMBER_FIELDS = ("is_banned", "is_active", "on_duty", "invisible", "open_to_chat")


class MemberAdminForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = ("handle", "role", "country")

    def clean_handle(self) -> str:
        handle = self.cleaned_data["handle"].strip()
        if handle == self.instance.handle:
            return handle  # unchanged: staff handles predate the rules
        try:
            check_handle_available(handle=handle)
        except KindredError as problem:
            # Changing only the case or a look-alike letter of one's own handle is
            # not taking someone else's.
            own = self.instance.pk and handle_key(handle) == self.instance.handle_key
            if not (own and problem.code == "handle_taken"):
                raise forms.ValidationError(problem.detail, code=problem.code) from None
        return handle


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    form = MemberAdminForm
    list_display = ("handle", "role", "is_banned", "created_at")
    list_filter = ("role", "is_banned")
    search_fields = ("handle",)
    readonly_fields = ("handle_key", "created_at", "last_login", *LIVE_MEMBER_FIELDS)

    def has_delete_permission(self, request, obj=None) -> bool:
        # Deleting here would skip what deleting one's handle does (rooms drop the
        # messages live, queue items lose their words, sockets close).
        return False


@admin.register(BannedDevice)
class BannedDeviceAdmin(admin.ModelAdmin):
    list_display = ("member", "created_at")
    readonly_fields = ("token_hash", "member", "created_at")


@admin.register(InboxItem)
class InboxItemAdmin(admin.ModelAdmin):
    """Read-only: items are written by the services that deliver them (community/inbox.py)."""

    list_display = ("member", "kind", "created_at", "read_at")
    list_filter = ("kind",)
    readonly_fields = ("member", "kind", "text", "url", "created_at", "read_at", "key")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
