"""The inbox: notices stored for one member, so Kindred reaches them while they are away.

Everything addressed to one member (a chat request, a chat opened, a report's
outcome, a warning or mute, a message in their chat while they weren't there)
is stored here as well as sent to their open sockets, and shown on their next
visit. Each item's text is Kindred's own wording: it never carries another
member's private message beyond what the member already saw ("New message from
X in your chat", not the message). Items go with the member (cascade) and
expire with ``MESSAGE_RETENTION_DAYS`` (the daily purge, community.privacy).
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from community import push
from community.models import InboxItem, InboxKind, Member
from core.errors import BadInput
from core.frames import timestamp
from core.language import supported
from realtime import bus

KINDS = frozenset(InboxKind.values)


def item_data(item: InboxItem) -> dict[str, Any]:
    """An item as the API and the ``inbox`` frame carry it."""
    return {
        "id": item.pk,
        "kind": str(item.kind),
        "at": timestamp(item.created_at),
        "read": item.read_at is not None,
        "text": item.text,
        "url": item.url or None,
    }


def inbox_unread(*, member_id: int) -> int:
    return InboxItem.objects.filter(member_id=member_id, read_at__isnull=True).count()


def _existing(member_id: int, key: str) -> int | None:
    return (
        InboxItem.objects.filter(member_id=member_id, key=key).values_list("pk", flat=True).first()
    )


@contextlib.contextmanager
def in_language_of(member_id: int) -> Iterator[None]:
    """Words written *for* a member (an inbox item, a notice) while someone else's
    request or socket is active: in the member's saved language, else the site's
    (docs/i18n.md)."""
    saved = Member.objects.filter(pk=member_id).values_list("language", flat=True).first()
    with translation.override(supported(saved) or settings.LANGUAGE_CODE):
        yield


def inbox_add(
    *,
    member_id: int,
    kind: str,
    text: str,
    url: str | None = None,
    key: str | None = None,
    coalesce: bool = False,
) -> int:
    """Store a notice for *member_id* and, after commit, send it to their open sockets.

    With *key*, adding is idempotent per member: a second add with the same key
    returns the first item's id and sends nothing. With *coalesce*, *key* names a
    group instead: while an item of that group is unread it stands for this one
    (one "new messages" notice per chat until it is read, not one per message).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown inbox kind {kind!r}")
    if coalesce:
        if not key:
            raise ValueError("coalesce needs a key naming the group")
        group = InboxItem.objects.filter(
            member_id=member_id, key__startswith=f"{key}#", read_at__isnull=True
        )
        if (found := group.values_list("pk", flat=True).first()) is not None:
            return found
        key = f"{key}#{secrets.token_hex(6)}"
    elif key and (found := _existing(member_id, key)) is not None:
        return found
    try:
        with transaction.atomic():  # a savepoint: a lost race on the key is not an error
            item = InboxItem.objects.create(
                member_id=member_id, kind=kind, text=text[:500], url=url or "", key=key or ""
            )
    except IntegrityError:
        found = _existing(member_id, key) if key else None
        if found is None:
            raise
        return found
    frame = {"type": "inbox", "item": item_data(item), "unread": inbox_unread(member_id=member_id)}
    bus.publish_to_member_on_commit(member_id, frame)
    push.push_on_commit(member_id=member_id)
    return item.pk


def inbox_list(
    *, member_id: int, before: int | None = None, limit: int | None = None
) -> dict[str, Any]:
    """The member's items, newest first; *before* an item id pages to older ones."""
    limit = min(limit or settings.INBOX_PAGE_SIZE, settings.INBOX_PAGE_SIZE)
    items = InboxItem.objects.filter(member_id=member_id)
    if before is not None:
        items = items.filter(pk__lt=before)
    page = [item_data(item) for item in items.order_by("-pk")[:limit]]
    return {"unread": inbox_unread(member_id=member_id), "items": page}


def _clean_ids(ids: Iterable[Any] | None) -> list[int]:
    if ids is None:
        return []
    ids = list(ids)
    if len(ids) > settings.INBOX_PAGE_SIZE * 4 or not all(
        isinstance(i, int) and not isinstance(i, bool) for i in ids
    ):
        raise BadInput(_("'ids' must be a short list of item ids."), code="bad_field")
    return ids


@transaction.atomic
def inbox_read(
    *, member_id: int, ids: Iterable[Any] | None = None, all: bool = False
) -> dict[str, Any]:
    """Mark the member's items read (these *ids*, or *all*); their other tabs clear live.

    Ids that are not the member's are ignored, the same as ids that don't exist.
    """
    if not all and ids is None:
        raise BadInput(_("Send 'ids' or 'all'."), code="missing_field")
    unread = InboxItem.objects.filter(member_id=member_id, read_at__isnull=True)
    if not all:
        unread = unread.filter(pk__in=_clean_ids(ids))
    marked = unread.update(read_at=timezone.now())
    left = inbox_unread(member_id=member_id)
    if marked:
        bus.publish_to_member_on_commit(member_id, {"type": "inbox.read", "unread": left})
    return {"read": marked, "unread": left}


def purge_old_items(*, messages_before, **_: Any) -> dict[str, int]:
    """community.signals.retention_due: items go with the messages' retention."""
    removed, _by_model = InboxItem.objects.filter(created_at__lt=messages_before).delete()
    return {"inbox_items": removed}
