from django.contrib import admin

from moderation import wordlist
from moderation.models import BlockedWord


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
