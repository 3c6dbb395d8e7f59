from django.apps import AppConfig


class ModerationConfig(AppConfig):
    """Reports, the facilitators' queue, actions, the audit log and crisis detection."""

    name = "moderation"

    def ready(self) -> None:
        # Imported here, as Django asks: models are loaded only now.
        from community import handles
        from community.signals import member_erasing, retention_due
        from crisis import load_lexicon
        from moderation import (  # noqa: F401
            checkins,
            consumers,
            deploy_checks,
            first_posts,
            handoff,
            privacy,
            wordlist,
        )
        from realtime import periodic

        # Compile the crisis lexicon now, not on the first member's message.
        load_lexicon()
        periodic.register_duty(handoff.escalate_due)
        periodic.register_socket_duty(consumers.close_revoked_dashboards)
        periodic.register_duty(checkins.checkins_due)
        periodic.register_duty(handoff.tell_waiting_members)
        periodic.register_duty(first_posts.release_due)
        handles.register_word_check(wordlist.find_blocked_word)
        member_erasing.connect(privacy.forget_member_words, dispatch_uid="moderation.erase")
        retention_due.connect(privacy.purge_closed_items, dispatch_uid="moderation.purge")
