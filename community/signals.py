"""What the members app tells the apps built on it, without knowing them.

community is a leaf: rooms and moderation depend on it, never the other way.
Where a member's data reaches into their models (messages, queue items), those
apps connect receivers here in their ``AppConfig.ready``.
"""

from django.dispatch import Signal

#: Sent inside the deleting transaction, before the member row goes, with
#: ``member``. A receiver erases or anonymises what it holds of theirs and
#: returns ``{name: count}`` of what it removed (added to the answer).
member_erasing = Signal()

#: Sent by the daily purge with ``messages_before`` and ``items_before`` (the
#: retention cut-offs). A receiver deletes what is older and returns ``{name: count}``.
retention_due = Signal()
