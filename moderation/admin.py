"""Moderation in the admin site, and the admin's way to change live state.

The admin is not a back door: a ban, a mute, a room lock or a slow mode set here
is parsed by the action's frame class and run through the same table as the
moderation socket (``moderation.actions``), so it does everything the dashboard
does: the device ban, closing sockets, live ``room`` frames, the audit entry.
The members and rooms apps show those fields read-only; this module registers
their admins again with the actions added.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext as _

from community.admin import MemberAdmin
from community.models import BannedDevice, Member
from core.errors import KindredError
from core.frames import ClientFrame
from moderation import wordlist
from moderation.actions import action_parse, action_perform
from moderation.lifts import mute_lift
from moderation.models import (
    AuditEntry,
    BlockedWord,
    CrisisLabel,
    Mute,
    OnCall,
    QueueItem,
    Sanction,
    Standing,
)
from rooms.admin import RoomAdmin
from rooms.models import Room, RoomKind

ADMIN_REASON = "From the admin site."


def _may_come_back(handle: str) -> str:
    return _("%(handle)s may come back, from their browser too.") % {"handle": handle}


def _refusal_shown(request, attempt: Callable[[], Any]) -> Any:
    """What *attempt* returns; None with an error message (not a failed page) when
    it is refused."""
    try:
        return attempt()
    except KindredError as refusal:
        messages.error(request, refusal.detail)
        return None


def perform(request, frame: ClientFrame) -> bool:
    return _refusal_shown(request, partial(action_perform, actor_id=request.user.pk, frame=frame))


def run_action(request, name: str, fields: dict) -> bool:
    """Action *name* as the signed-in admin, as if sent on the moderation socket."""
    frame = _refusal_shown(request, partial(action_parse, name=name, fields=fields))
    return frame is not None and perform(request, frame)


def _parsed(form: forms.Form, field: str | None, name: str, fields: dict) -> ClientFrame | None:
    """The frame of action *name*, or None with the frame's words as a form error."""
    try:
        return action_parse(name=name, fields=fields)
    except KindredError as exc:
        form.add_error(field, exc.detail)
        return None


# --- members: ban and lift a ban -----------------------------------------------------------


class ModeratedMemberAdmin(MemberAdmin):
    actions = ("ban_members", "unban_members")

    @admin.action(description="Ban the selected members (their browser too; sockets close)")
    def ban_members(self, request, queryset) -> None:
        for member in queryset:
            if run_action(request, "ban", {"handle": member.handle, "reason": ADMIN_REASON}):
                self.message_user(request, f"{member.handle} is banned.")

    @admin.action(description="Lift the ban of the selected members")
    def unban_members(self, request, queryset) -> None:
        for member in queryset.filter(is_banned=True):
            if run_action(request, "unban", {"handle": member.handle, "reason": ADMIN_REASON}):
                self.message_user(request, _may_come_back(member.handle))


admin.site.unregister(Member)
admin.site.register(Member, ModeratedMemberAdmin)


class BannedDeviceLiftAdmin(admin.ModelAdmin):
    """Banned browsers: added by a ban, removed by lifting it (the ``unban``
    action, audited), never added or edited here."""

    list_display = ("member", "created_at")
    readonly_fields = ("token_hash", "member", "created_at")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def delete_model(self, request, obj) -> None:
        if obj.member is None:  # the member deleted their handle: nobody to unban
            obj.delete()
        elif run_action(request, "unban", {"handle": obj.member.handle, "reason": ADMIN_REASON}):
            self.message_user(request, _may_come_back(obj.member.handle))

    def delete_queryset(self, request, queryset) -> None:
        for device in queryset:
            self.delete_model(request, device)


admin.site.unregister(BannedDevice)
admin.site.register(BannedDevice, BannedDeviceLiftAdmin)


# --- rooms: lock and slow mode -----------------------------------------------------------------

#: Room field -> (action, the frame field that carries it).
LIVE_ROOM_ACTIONS = {"is_locked": ("lock", "on"), "slow_mode_seconds": ("slow_mode", "seconds")}


class RoomLiveForm(forms.ModelForm):
    class Meta:
        model = Room
        fields = (
            "title",
            "slug",
            "description",
            "kind",
            "position",
            "members_only_after_minutes",
            "hold_crisis_messages",
            "sensitive",
            *LIVE_ROOM_ACTIONS,
        )

    def clean(self) -> dict:
        data = super().clean()
        self.live_frames: list[ClientFrame] = []
        slug = data.get("slug") or self.instance.slug
        for field, (name, key) in LIVE_ROOM_ACTIONS.items():
            if field in self.changed_data and field in data:
                frame = _parsed(self, field, name, {"room": slug, key: data[field]})
                if frame is not None:
                    self.live_frames.append(frame)
        return data


class ModeratedRoomAdmin(RoomAdmin):
    form = RoomLiveForm
    readonly_fields = ()

    def save_model(self, request, obj, form, change) -> None:
        # The rest of the room is saved as edited; lock and slow mode change only
        # through their actions, which tell the room's sockets and write the audit.
        for field in LIVE_ROOM_ACTIONS:
            setattr(obj, field, form.initial.get(field, getattr(obj, field)))
        super().save_model(request, obj, form, change)
        for frame in form.live_frames:
            perform(request, frame)
        obj.refresh_from_db()


admin.site.unregister(Room)
admin.site.register(Room, ModeratedRoomAdmin)


# --- mutes ---------------------------------------------------------------------------------------


class MuteAddForm(forms.ModelForm):
    minutes = forms.IntegerField(min_value=1, help_text="At most MUTE_MAX_MINUTES.")
    reason = forms.CharField(required=False, max_length=500)

    class Meta:
        model = Mute
        fields = ("member", "room")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = Room.objects.filter(kind=RoomKind.TOPIC)
        self.fields["room"].help_text = "Leave empty to mute everywhere."

    def clean(self) -> dict:
        data = super().clean()
        member, room = data.get("member"), data.get("room")
        if member is not None and data.get("minutes") is not None:
            fields = {"handle": member.handle, "minutes": data["minutes"]}
            fields |= {"room": room.slug} if room else {}
            self.frame = _parsed(self, None, "mute", {**fields, "reason": data.get("reason", "")})
        return data


@admin.register(Mute)
class MuteAdmin(admin.ModelAdmin):
    """Mutes are added and lifted (deleted) through the services, never edited."""

    list_display = ("member", "room", "until", "created_at")
    raw_id_fields = ("member",)

    def get_form(self, request, obj=None, **kwargs):
        return MuteAddForm if obj is None else super().get_form(request, obj, **kwargs)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        if perform(request, form.frame):
            made = Mute.objects.filter(member=obj.member).latest("pk")
            obj.pk, obj.until, obj.created_at = made.pk, made.until, made.created_at

    def log_addition(self, request, obj, message):
        return super().log_addition(request, obj, message) if obj.pk else None

    def response_add(self, request, obj, post_url_continue=None):
        if obj.pk is None:  # refused: the message says why
            return self.response_post_save_add(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def delete_model(self, request, obj) -> None:
        _refusal_shown(request, partial(mute_lift, actor_id=request.user.pk, mute_id=obj.pk))

    def delete_queryset(self, request, queryset) -> None:
        for mute in queryset:
            self.delete_model(request, mute)


# --- moderation's own records --------------------------------------------------------------------


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


@admin.register(Sanction)
class SanctionAdmin(ReadOnlyAdmin):
    """The step-up ladder's record: written by warn, mute and ban, lifted by unmute
    and unban (the dashboard's actions)."""

    list_display = ("created_at", "member", "kind", "minutes", "room_slug", "lifted_at")
    list_filter = ("kind",)


@admin.register(Standing)
class StandingAdmin(ReadOnlyAdmin):
    """Facilitators' trust-level overrides (the ``trust`` action)."""

    list_display = ("member", "override", "updated_at")


@admin.register(QueueItem)
class QueueItemAdmin(ReadOnlyAdmin):
    list_display = ("pk", "kind", "category", "state", "priority", "detected_by", "created_at")
    list_filter = ("kind", "state", "detected_by")


@admin.register(CrisisLabel)
class CrisisLabelAdmin(ReadOnlyAdmin):
    """Facilitators' verdicts on the crisis detector, to review before retraining
    (``crisis_scan --export-feedback``); anonymous by design."""

    list_display = ("created_at", "label", "category", "stage", "text")
    list_filter = ("label", "category", "stage")


@admin.register(OnCall)
class OnCallAdmin(admin.ModelAdmin):
    """Who is paged for a crisis nobody acknowledged: one row, added to the
    environment's ``CRISIS_WEBHOOK_URL``/``CRISIS_ONCALL_EMAILS``."""

    fields = ("webhook_url", "webhook_secret", "emails")

    def has_add_permission(self, request) -> bool:
        return not OnCall.objects.exists() and super().has_add_permission(request)
