"""``{% load leadership %}{% supporter_invite member %}``: "Become a peer supporter"
for a member who meets the bar (or has applied), nothing for anyone else."""

from __future__ import annotations

from django import template

from community.models import Role
from leadership.eligibility import application_bar
from leadership.models import OPEN_STATUSES, Application

register = template.Library()


@register.inclusion_tag("leadership/_invite.html")
def supporter_invite(member) -> dict:
    if member is None or member.role != Role.MEMBER:
        return {"show": False}
    applied = Application.objects.filter(member=member, status__in=OPEN_STATUSES).exists()
    return {"show": applied or application_bar(member=member)["eligible"], "applied": applied}
