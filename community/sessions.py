"""Ending sessions, and with them every socket they opened.

A session ends when its member signs out, signs out everywhere, deletes their
handle, or has their role or active state changed. Each of these closes the
sockets that session (or every session of the member) opened, with 4401, in
every process: a socket checks the session only when it opens, so without this
a signed-out browser's open sockets could still post.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from community.models import Member, Role
from core.errors import BadInput, NotFound
from core.protocol import CLOSE_NO_SESSION
from realtime import bus

logger = logging.getLogger("kindred.members")


def session_end(*, member_id: int, session_key: str | None) -> None:
    """The member signed out of one session: close the sockets it opened."""
    tag = bus.session_tag(session_key)
    if tag is not None:
        bus.publish_close_on_commit(member_id=member_id, code=CLOSE_NO_SESSION, session=tag)


def member_sessions_end(*, member_id: int) -> None:
    """Sign the member out everywhere: every session (this one too) stops being
    valid and every open socket of theirs closes. The caller signs the current
    request in again if it should stay signed in
    (``django.contrib.auth.update_session_auth_hash``)."""
    with transaction.atomic():
        updated = Member.objects.filter(pk=member_id).update(session_epoch=F("session_epoch") + 1)
        if not updated:
            raise NotFound(_("This handle no longer exists."))
        bus.publish_close_on_commit(member_id=member_id, code=CLOSE_NO_SESSION)


def member_access_set(
    *, member_id: int, role: str | None = None, active: bool | None = None
) -> None:
    """Change what a member may do (their role, or whether they may sign in at all).
    Every session of theirs ends, so what they can read follows at once: a
    demoted facilitator's dashboard stops receiving the queue and crisis alerts."""
    if role is not None and role not in Role.values:
        raise BadInput(_("There is no such role."))
    with transaction.atomic():
        member = Member.objects.select_for_update().filter(pk=member_id).first()
        if member is None:
            raise NotFound(_("This handle no longer exists."))
        changed = []
        if role is not None and role != member.role:
            member.role, changed = role, [*changed, "role"]
        if active is not None and active != member.is_active:
            member.is_active, changed = active, [*changed, "is_active"]
        if not changed:
            return
        member.save(update_fields=changed)
        member_sessions_end(member_id=member_id)
    logger.info(
        "member access changed handle=%s role=%s active=%s",
        member.handle,
        member.role,
        member.is_active,
    )
