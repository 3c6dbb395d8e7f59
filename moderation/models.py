"""Moderation data: the admin-editable blocked-words list (more arrives with the queue)."""

from __future__ import annotations

from django.db import models


class BlockedWord(models.Model):
    """A word or phrase refused in handles and flagged in messages.

    Edited by admins in the admin site; matched case-insensitively on word
    boundaries, after the same look-alike folding as handles.
    """

    word = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["word"]

    def __str__(self) -> str:
        return self.word

    def save(self, *args, **kwargs) -> None:
        self.word = self.word.strip().lower()
        super().save(*args, **kwargs)
