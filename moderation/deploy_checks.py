"""``manage.py check --deploy``: a community with nobody to page for a crisis is
a deployment problem, and an operator should not learn of it from a member."""

from __future__ import annotations

from django.core import checks

NOBODY_TO_PAGE = "kindred.W001"


@checks.register(checks.Tags.security, deploy=True)
def oncall_configured(app_configs=None, **kwargs):
    from moderation import paging

    try:
        configured = paging.anyone_to_page()
    except Exception:  # no database yet (first deploy): judge the environment alone
        from django.conf import settings

        configured = bool(settings.CRISIS_WEBHOOK_URL or settings.CRISIS_ONCALL_EMAILS)
    if configured:
        return []
    return [
        checks.Warning(
            "No on-call target for crisis escalation: when nobody is on duty, a member in "
            "crisis is told that no one is available and nobody is paged.",
            hint="Set CRISIS_WEBHOOK_URL or CRISIS_ONCALL_EMAILS, or on-call targets in the "
            "admin (docs/safety.md).",
            id=NOBODY_TO_PAGE,
        )
    ]
