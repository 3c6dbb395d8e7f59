"""What the crisis detector said about a message, in words a facilitator can judge.

The message path runs the full detector (``crisis.detect``: the phrase list,
then the model when no rule matched); a queue item records which stage fired
and why, so the person reading it can tell a matched phrase from a model's
hunch and say so when the detector got it wrong (``moderation.feedback``).
"""

from __future__ import annotations

from crisis import Verdict

#: The longest reason a queue item keeps (``QueueItem.detection_reason``).
REASON_LENGTH = 500


def detection_of(verdict: Verdict) -> tuple[str, str]:
    """(``detected_by``, ``detection_reason``) for a flagged *verdict*: the stage
    ("lexicon" or "model") and a plain sentence about why it fired."""
    if verdict.stage == "lexicon":
        words = f'Matched phrase rule {verdict.rule_id}: "{verdict.phrase}"'
        return "lexicon", words[:REASON_LENGTH]
    reason = str(verdict.reason or "")
    # The detector words its reason for engineers ("score 0.93 (threshold ...);
    # ...; top features: ..."); the dashboard says the same in plainer words.
    reason = reason.replace("top features:", "strongest signals:")
    words = f"Model {reason}" if reason.startswith("score ") else f"Model: {reason}"
    return "model", words[:REASON_LENGTH]
