from django.contrib import admin

from meetings.models import Meeting, Session


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("title", "room", "format", "start_time", "time_zone", "recurrence", "is_active")
    list_filter = ("format", "recurrence", "is_active")
    filter_horizontal = ("hosts",)


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ("meeting", "starts_at", "state", "host")
    list_filter = ("state",)
    readonly_fields = ("log",)
