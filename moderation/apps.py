from community import wiring  # the module, not the class: see its docstring


class ModerationConfig(wiring.WiredAppConfig):
    """Reports, the facilitators' queue, actions, the audit log and crisis detection."""

    name = "moderation"

    def ready(self) -> None:
        # Imported here, as Django asks: models are loaded only now.
        from community import handles
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

        # Compile the crisis lexicon now, not on the first member's message.
        load_lexicon()
        handles.register_word_check(wordlist.find_blocked_word)
        self.wire(
            duties=[
                handoff.escalate_due,
                checkins.checkins_due,
                handoff.tell_waiting_members,
                first_posts.release_due,
            ],
            socket_duties=[consumers.close_revoked_dashboards],
            erase=privacy.forget_member_words,
            purge=privacy.purge_closed_items,
        )
